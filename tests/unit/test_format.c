/* tests/unit/test_format.c — host unit tests of kvsnprintf (kernel/format.c) and the TSC
 * arithmetic (kernel/tsc.c, whose pure helpers run on the host too). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "kernel/console.h"
#include "kernel/tsc.h"

uint64_t tsc_boot; /* defined by boot/entry.S on the machine */
int64_t karg_int(const char *key, int64_t def)
{
    return (void)key, def;
} /* kernel/init.c */

/* The console's part (kernel/console.c on the machine): here kprintf lands in a buffer. */
static char console[256];
int kvprintf(const char *fmt, va_list ap)
{
    return kvsnprintf(console, sizeof console, fmt, ap);
}

static void same_as_libc(const char *fmt, ...)
{
    char a[256], b[256];
    va_list ap, aq;
    va_start(ap, fmt);
    va_copy(aq, ap);
    int na = kvsnprintf(a, sizeof a, fmt, ap);
    int nb = vsnprintf(b, sizeof b, fmt, aq);
    va_end(ap);
    va_end(aq);
    assert_string_equal(a, b);
    assert_int_equal(na, nb);
}

static void formats_like_libc(void **state)
{
    (void)state;
    same_as_libc("%d %i %u %x %X %o", -42, 7, 4000000000u, 0xbeef, 0xBEEF, 8);
    same_as_libc("[%5d|%-5d|%05d|%+d|% d]", 42, 42, -42, 3, 3);
    same_as_libc("%ld %lu %lx %llu %zu", -5000000000l, 18446744073709551615ul, 0xdeadbeefcafeul,
                 1234567890123ull, (size_t)99);
    same_as_libc("%s|%10s|%-10s|%.3s|%c|%%", "abc", "right", "left", "truncate", 'z');
    same_as_libc("%016lx %02x", 0x1234ul, 5);
    same_as_libc("%d", -2147483647 - 1);
    same_as_libc("%ld", (long)INT64_MIN);
}

static void truncates_and_terminates(void **state)
{
    (void)state;
    char buf[8];
    int n = ksnprintf(buf, sizeof buf, "%s", "0123456789");
    assert_int_equal(n, 10);
    assert_string_equal(buf, "0123456");
    assert_int_equal(ksnprintf(NULL, 0, "%d", 12345), 5);
    const char *volatile null_string = NULL; /* hidden from the format checker on purpose */
    ksnprintf(buf, sizeof buf, "%s", null_string);
    assert_string_equal(buf, "(null)");
}

static void kprintf_goes_through_kvprintf(void **state)
{
    (void)state;
    assert_int_equal(kprintf("rank %d of %u: %s", 2, 8u, "ok"), 15);
    assert_string_equal(console, "rank 2 of 8: ok");
}

static void tsc_conversions(void **state)
{
    (void)state;
    assert_int_equal(tsc_ticks_to_ns(3000000000ull, 3000000000ull), 1000000000ull);
    assert_int_equal(tsc_ticks_to_ns(2616, 2616000000ull), 1000);
    /* A day at 5 GHz does not overflow. */
    uint64_t day = 86400ull * 5000000000ull;
    assert_int_equal(tsc_ticks_to_ns(day, 5000000000ull), 86400ull * 1000000000ull);
    assert_int_equal(tsc_ns_to_ticks(86400ull * 1000000000ull, 5000000000ull), day);
    assert_int_equal(tsc_ns_to_ticks(1500, 2000000000ull), 3000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(formats_like_libc),
        cmocka_unit_test(truncates_and_terminates),
        cmocka_unit_test(kprintf_goes_through_kvprintf),
        cmocka_unit_test(tsc_conversions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
