/*
 * kernel/format.c — kvsnprintf, the kernel's printf engine (no floating point, no malloc),
 * usable before libc is up and from fault handlers. Unit tested on the host
 * (tests/unit/test_format.c).
 */
#include "kernel/console.h"
#include <stdbool.h>
#include <stdint.h>

struct out {
    char *buf;
    size_t size, len;
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size) o->buf[o->len] = c;
    o->len++;
}

static void put_padded(struct out *o, const char *s, size_t n, int width, bool left, char pad)
{
    int fill = width > (int)n ? width - (int)n : 0;
    if (!left)
        while (fill-- > 0)
            put(o, pad);
    for (size_t i = 0; i < n; i++)
        put(o, s[i]);
    if (left)
        while (fill-- > 0)
            put(o, ' ');
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = {buf, size, 0};
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        bool left = false, zero = false, plus = false, space = false;
        int width = 0, prec = -1, lng = 0;
        for (;; fmt++) {
            char f = fmt[1];
            if (f == '-')
                left = true;
            else if (f == '0')
                zero = true;
            else if (f == '+')
                plus = true;
            else if (f == ' ')
                space = true;
            else
                break;
        }
        fmt++;
        if (*fmt == '*') {
            width = va_arg(ap, int);
            fmt++;
        } else
            while (*fmt >= '0' && *fmt <= '9')
                width = width * 10 + (*fmt++ - '0');
        if (*fmt == '.') {
            prec = 0;
            fmt++;
            if (*fmt == '*') {
                prec = va_arg(ap, int);
                fmt++;
            } else
                while (*fmt >= '0' && *fmt <= '9')
                    prec = prec * 10 + (*fmt++ - '0');
        }
        /* Length: h/hh narrow (promoted anyway), l/ll/z/t/j are 64-bit here. */
        while (*fmt == 'h' || *fmt == 'l' || *fmt == 'z' || *fmt == 't' || *fmt == 'j') {
            if (*fmt != 'h') lng = 1;
            fmt++;
        }
        char tmp[24];
        int n = 0;
        switch (*fmt) {
        case 'c':
            tmp[0] = (char)va_arg(ap, int);
            put_padded(&o, tmp, 1, width, left, ' ');
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s) s = "(null)";
            size_t len = 0;
            while (s[len] && (prec < 0 || (int)len < prec))
                len++;
            put_padded(&o, s, len, width, left, ' ');
            break;
        }
        case 'd':
        case 'i':
        case 'u':
        case 'x':
        case 'X':
        case 'o':
        case 'p': {
            uint64_t v;
            bool neg = false;
            unsigned base = 10;
            const char *digits = "0123456789abcdef";
            if (*fmt == 'p') {
                v = (uintptr_t)va_arg(ap, void *);
                base = 16;
                put(&o, '0');
                put(&o, 'x');
                width = width > 2 ? width - 2 : 0;
            } else if (*fmt == 'd' || *fmt == 'i') {
                int64_t s = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
                neg = s < 0;
                v = neg ? (uint64_t)0 - (uint64_t)s : (uint64_t)s;
            } else {
                v = lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned);
                if (*fmt == 'x' || *fmt == 'X') base = 16;
                if (*fmt == 'o') base = 8;
                if (*fmt == 'X') digits = "0123456789ABCDEF";
            }
            do {
                tmp[n++] = digits[v % base];
                v /= base;
            } while (v);
            char sign = neg ? '-' : plus ? '+' : space ? ' ' : 0;
            int len = n + (sign != 0);
            int fill = width > len ? width - len : 0;
            if (!left && !zero)
                while (fill-- > 0)
                    put(&o, ' ');
            if (sign) put(&o, sign);
            if (!left && zero)
                while (fill-- > 0)
                    put(&o, '0');
            while (n > 0)
                put(&o, tmp[--n]);
            if (left)
                while (fill-- > 0)
                    put(&o, ' ');
            break;
        }
        case '%':
            put(&o, '%');
            break;
        case '\0':
            fmt--;
            break;
        default:
            put(&o, '%');
            put(&o, *fmt);
        }
    }
    if (size) buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

/* kprintf is kvprintf's varargs face; kvprintf itself lives with the console (or with a host
 * test's fake console), so this file stays pure and host tests link it as is. */
int kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvprintf(fmt, ap);
    va_end(ap);
    return n;
}
