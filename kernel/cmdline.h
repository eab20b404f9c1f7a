/* kernel/cmdline.h — the multiboot command line: "<image> key=value ... -- argv...". */
#ifndef PORTO_CMDLINE_H
#define PORTO_CMDLINE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CMDLINE_MAX      1024
#define CMDLINE_MAX_KEYS 32
#define CMDLINE_MAX_ARGS 64

struct cmdline {
    char buf[CMDLINE_MAX];
    int nkeys;
    const char *keys[CMDLINE_MAX_KEYS];
    const char *vals[CMDLINE_MAX_KEYS]; /* "" for a bare word without '=' */
    int argc;
    char *argv[CMDLINE_MAX_ARGS + 1];
    const char *error; /* NULL, or why parsing stopped (too long, too many words, ...) */
};

/* Parse `line` (copied). The first word is skipped when it looks like the image path the
 * loaders put there (it has no '=' and is not "--"). argv[0] is `progname`. */
void cmdline_parse(struct cmdline *c, const char *line, const char *progname);
const char *cmdline_get(const struct cmdline *c, const char *key); /* NULL if absent */
/* Integer value (decimal or 0x hex); `def` if absent; *ok=false (if ok) when malformed. */
int64_t cmdline_get_int(const struct cmdline *c, const char *key, int64_t def, bool *ok);

/* Unsigned 64-bit value: 1 and *out set, 0 absent, -1 malformed or past 2^64-1. */
int cmdline_get_u64(const struct cmdline *c, const char *key, uint64_t *out);
/* Integer in [min, max] (`def` if absent): 0, or -1 when malformed or out of range. */
int cmdline_get_range(const struct cmdline *c, const char *key, int64_t def, int64_t min,
                      int64_t max, int64_t *out);
/* Exactly 2*n hex digits into n bytes: 1, 0 absent, -1 malformed (wrong length, not hex). */
int cmdline_get_hex(const struct cmdline *c, const char *key, uint8_t *out, size_t n);

extern struct cmdline boot_cmdline; /* filled at boot */
/* Shorthands on boot_cmdline; a malformed integer is a fatal, clear error at boot. */
const char *karg(const char *key);
int64_t karg_int(const char *key, int64_t def);
#endif
