/*
 * libc/posix.c — the POSIX calls common C and MPI programs make that newlib leaves to the
 * system: machine facts (sysconf, getpagesize, gethostname), aligned allocation, sleeping
 * (the TSC), and the process calls a single-program machine cannot honour: popen and
 * system fail with ENOSYS, and system(NULL) answers 0, "no shell" (newlib's own would say
 * there is one and then fail in fork).
 */
#include "kernel/kernel.h"
#include "kernel/mem.h"
#include "kernel/tsc.h"
#include "libc/errno_set.h"
#include <limits.h>
#include <malloc.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

long sysconf(int name)
{
    switch (name) {
    case _SC_PAGESIZE:
        return PAGE_SIZE;
    case _SC_NPROCESSORS_CONF:
    case _SC_NPROCESSORS_ONLN:
        return 1; /* the app runs on the boot CPU only */
    case _SC_CLK_TCK:
        return CLOCKS_PER_SEC; /* times() counts in these */
    case _SC_PHYS_PAGES:
        return (long)(mem_total_bytes() / PAGE_SIZE);
    case _SC_AVPHYS_PAGES:
        return (long)(mem_free_bytes() / PAGE_SIZE);
    case _SC_OPEN_MAX:
        return 35; /* 0..2 and the 32 of libc/files.c */
    case _SC_ARG_MAX:
        return 1024; /* the kernel command line */
    case _SC_HOST_NAME_MAX:
        return 64;
    case _SC_LINE_MAX:
        return 2048;
    case _SC_CHILD_MAX:
        return 0;
    }
    libc_fail(EINVAL);
    return -1;
}

int getpagesize(void)
{
    return PAGE_SIZE;
}

int gethostname(char *name, size_t len)
{
    static const char host[] = "porto";
    if (len < sizeof host) {
        libc_fail(ENAMETOOLONG);
        return -1;
    }
    memcpy(name, host, sizeof host);
    return 0;
}

int posix_memalign(void **out, size_t align, size_t size)
{
    if (align < sizeof(void *) || (align & (align - 1))) return EINVAL;
    void *p = memalign(align, size ? size : 1);
    if (!p) return ENOMEM;
    *out = p;
    return 0;
}

FILE *popen(const char *cmd, const char *mode)
{
    (void)cmd;
    (void)mode;
    libc_fail(ENOSYS); /* no processes, no shell */
    return NULL;
}

int system(const char *cmd)
{
    if (!cmd) return 0;
    return libc_fail(ENOSYS);
}

int pclose(FILE *f)
{
    (void)f;
    return libc_fail(ECHILD); /* popen never made one */
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
    if (!req || req->tv_nsec < 0 || req->tv_nsec >= 1000000000 || req->tv_sec < 0) {
        libc_fail(EINVAL);
        return -1;
    }
    delay_us((uint64_t)req->tv_sec * 1000000u + (uint64_t)req->tv_nsec / 1000u);
    if (rem) *rem = (struct timespec){0, 0};
    return 0;
}

int usleep(useconds_t us)
{
    delay_us(us);
    return 0;
}

unsigned sleep(unsigned s)
{
    delay_us((uint64_t)s * 1000000u);
    return 0;
}

int sched_yield(void)
{
    return 0;
}
