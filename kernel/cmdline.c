/*
 * kernel/cmdline.c — parse the multiboot command line. Format (after the image path that
 * QEMU, iPXE and GRUB all put first): kernel words `key=value` (or bare `key`), then `--`,
 * then the app's argv. Double quotes group a word with spaces ("a b"). Pure logic, unit
 * tested on the host (tests/unit/test_cmdline.c).
 */
#include "kernel/cmdline.h"
#include <stddef.h>
#include <string.h>

/* Split buf in place into words; returns the number found (at most max). */
static int split_words(char *buf, char **words, int max, const char **error)
{
    int n = 0;
    char *r = buf, *w = buf;
    while (*r) {
        while (*r == ' ' || *r == '\t' || *r == '\n' || *r == '\r')
            r++;
        if (!*r) break;
        if (n == max) {
            *error = "too many words on the command line";
            break;
        }
        words[n++] = w;
        int quoted = 0;
        while (*r && (quoted || (*r != ' ' && *r != '\t' && *r != '\n' && *r != '\r'))) {
            if (*r == '"') {
                quoted = !quoted;
                r++;
                continue;
            }
            *w++ = *r++;
        }
        if (quoted) *error = "unbalanced double quote on the command line";
        if (*r) r++;
        *w++ = '\0';
    }
    return n;
}

void cmdline_parse(struct cmdline *c, const char *line, const char *progname)
{
    memset(c, 0, sizeof *c);
    if (!line) line = "";
    size_t len = strlen(line);
    if (len >= CMDLINE_MAX) {
        c->error = "command line too long (truncated)";
        len = CMDLINE_MAX - 1;
    }
    memcpy(c->buf, line, len);
    c->buf[len] = '\0';

    char *words[CMDLINE_MAX_KEYS + CMDLINE_MAX_ARGS + 2];
    int n = split_words(c->buf, words, (int)(sizeof words / sizeof words[0]), &c->error);
    int i = 0;
    if (n > 0 && strcmp(words[0], "--") != 0 && !strchr(words[0], '=')) i = 1; /* the image path */
    c->argv[c->argc++] = (char *)progname;
    for (; i < n; i++) {
        if (strcmp(words[i], "--") == 0) {
            for (i++; i < n; i++) {
                if (c->argc == CMDLINE_MAX_ARGS) {
                    c->error = "too many app arguments";
                    break;
                }
                c->argv[c->argc++] = words[i];
            }
            break;
        }
        if (c->nkeys == CMDLINE_MAX_KEYS) {
            c->error = "too many key=value words";
            continue;
        }
        char *eq = strchr(words[i], '=');
        c->keys[c->nkeys] = words[i];
        c->vals[c->nkeys] = "";
        if (eq) {
            *eq = '\0';
            c->vals[c->nkeys] = eq + 1;
        }
        c->nkeys++;
    }
    c->argv[c->argc] = NULL;
}

const char *cmdline_get(const struct cmdline *c, const char *key)
{
    /* The last occurrence wins, so a launcher can append overrides. */
    for (int i = c->nkeys - 1; i >= 0; i--)
        if (strcmp(c->keys[i], key) == 0) return c->vals[i];
    return NULL;
}

int64_t cmdline_get_int(const struct cmdline *c, const char *key, int64_t def, bool *ok)
{
    if (ok) *ok = true;
    const char *v = cmdline_get(c, key);
    if (!v) return def;
    int neg = 0, base = 10, digits = 0;
    uint64_t x = 0;
    if (*v == '-' || *v == '+') neg = *v++ == '-';
    if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
        base = 16;
        v += 2;
    }
    for (; *v; v++, digits++) {
        int d;
        if (*v >= '0' && *v <= '9')
            d = *v - '0';
        else if (base == 16 && *v >= 'a' && *v <= 'f')
            d = *v - 'a' + 10;
        else if (base == 16 && *v >= 'A' && *v <= 'F')
            d = *v - 'A' + 10;
        else
            break;
        if (x > (UINT64_MAX - (uint64_t)d) / (uint64_t)base || x * base + d > (uint64_t)INT64_MAX) {
            digits = 0; /* overflow */
            break;
        }
        x = x * base + d;
    }
    if (*v || digits == 0) {
        if (ok) *ok = false;
        return def;
    }
    return neg ? -(int64_t)x : (int64_t)x;
}

/* Unsigned 64-bit value (decimal or 0x hex), every bit usable: job ids are full width. */
int cmdline_get_u64(const struct cmdline *c, const char *key, uint64_t *out)
{
    const char *v = cmdline_get(c, key);
    if (!v) return 0;
    unsigned base = 10, digits = 0;
    uint64_t x = 0;
    if (v[0] == '0' && (v[1] == 'x' || v[1] == 'X')) {
        base = 16;
        v += 2;
    }
    for (; *v; v++, digits++) {
        unsigned d;
        if (*v >= '0' && *v <= '9')
            d = (unsigned)(*v - '0');
        else if (base == 16 && *v >= 'a' && *v <= 'f')
            d = (unsigned)(*v - 'a' + 10);
        else if (base == 16 && *v >= 'A' && *v <= 'F')
            d = (unsigned)(*v - 'A' + 10);
        else
            return -1;
        if (x > (UINT64_MAX - d) / base) return -1; /* overflow */
        x = x * base + d;
    }
    if (digits == 0) return -1;
    *out = x;
    return 1;
}

int cmdline_get_range(const struct cmdline *c, const char *key, int64_t def, int64_t min,
                      int64_t max, int64_t *out)
{
    bool ok;
    int64_t v = cmdline_get_int(c, key, def, &ok);
    if (!ok || v < min || v > max) return -1;
    *out = v;
    return 0;
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

int cmdline_get_hex(const struct cmdline *c, const char *key, uint8_t *out, size_t n)
{
    const char *v = cmdline_get(c, key);
    if (!v) return 0;
    if (strlen(v) != 2 * n) return -1;
    for (size_t i = 0; i < n; i++) {
        int hi = hexval(v[2 * i]), lo = hexval(v[2 * i + 1]);
        if (hi < 0 || lo < 0) return -1;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return 1;
}
