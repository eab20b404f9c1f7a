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
        if (!*r)
            break;
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
        if (quoted)
            *error = "unbalanced double quote on the command line";
        if (*r)
            r++;
        *w++ = '\0';
    }
    return n;
}

void cmdline_parse(struct cmdline *c, const char *line, const char *progname)
{
    memset(c, 0, sizeof *c);
    if (!line)
        line = "";
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
    if (n > 0 && strcmp(words[0], "--") != 0 && !strchr(words[0], '='))
        i = 1; /* the image path */
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
        if (strcmp(c->keys[i], key) == 0)
            return c->vals[i];
    return NULL;
}

int64_t cmdline_get_int(const struct cmdline *c, const char *key, int64_t def, bool *ok)
{
    if (ok)
        *ok = true;
    const char *v = cmdline_get(c, key);
    if (!v)
        return def;
    int neg = 0, base = 10, digits = 0;
    uint64_t x = 0;
    if (*v == '-' || *v == '+')
        neg = *v++ == '-';
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
        if (ok)
            *ok = false;
        return def;
    }
    return neg ? -(int64_t)x : (int64_t)x;
}
