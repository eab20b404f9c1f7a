/*
 * libc/init.c — the C library's view of the kernel command line: the environment
 * (`env.NAME=value` words, seen by getenv and environ) and the wall clock (`time=`, the
 * host's date in Unix seconds, which scripts/porto-run passes to every node), and the bound
 * on in-memory files (`filesmax=`).
 */
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/kernel.h"
#include "libc/libc.h"
#include "libc/memfs.h"
#include <stdlib.h>
#include <string.h>

uint64_t libc_realtime_base_ns;

static noreturn void bad_word(const char *key, const char *value, const char *why)
{
    kprintf("Porto: bad command line: %s=%s: %s\n", key, value, why);
    kernel_exit(PORTO_EXIT_PANIC);
}

static void init_environment(void)
{
    for (int i = 0; i < boot_cmdline.nkeys; i++) {
        const char *key = boot_cmdline.keys[i];
        if (strncmp(key, "env.", 4) != 0) continue;
        const char *name = key + 4;
        if (!*name) bad_word(key, boot_cmdline.vals[i], "no variable name after env.");
        if (setenv(name, boot_cmdline.vals[i], 1) != 0)
            bad_word(key, boot_cmdline.vals[i], "cannot set that environment variable");
    }
}

void libc_init(void)
{
    init_environment();
    int64_t t = karg_int("time", 0);
    /* Up to the year 2262, where nanoseconds since 1970 leave 64 bits. */
    if (t < 0 || t > 9000000000) bad_word("time", karg("time"), "want Unix seconds (date +%s)");
    libc_realtime_base_ns = (uint64_t)t * 1000000000u;
    int64_t max = karg_int("filesmax", MEMFS_DEFAULT_LIMIT);
    if (max < 0) bad_word("filesmax", karg("filesmax"), "want a size in bytes");
    memfs_set_limit((size_t)max);
}
