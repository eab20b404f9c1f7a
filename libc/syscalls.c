/*
 * libc/syscalls.c — Porto's newlib porting layer. newlib (built by scripts/build-newlib with
 * --disable-newlib-supplied-syscalls) calls these for everything that touches the machine:
 *  - files and the console: libc/files.c (modules to read, in-memory files to write);
 *  - sbrk grows the heap (kernel/mem.c); exit stops the machine with the code;
 *  - the clocks come from the TSC: CLOCK_MONOTONIC is time since boot, CLOCK_REALTIME,
 *    gettimeofday and time() add the host's date passed at boot (libc/init.c, `time=`);
 *  - processes (fork, exec, wait, link) fail with ENOSYS.
 * Each call exists as _name and name (newlib's MISSING_SYSCALL_NAMES build wants both).
 */
#include "kernel/console.h"
#include "kernel/kernel.h"
#include "kernel/mem.h"
#include "kernel/tsc.h"
#include "libc/errno_set.h"
#include "libc/libc.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#define ALIAS(name) __attribute__((alias(#name)))
void *_sbrk(ptrdiff_t incr)
{
    void *p = heap_sbrk(incr);
    if (!p) {
        libc_fail(ENOMEM);
        return (void *)-1;
    }
    return p;
}
void *sbrk(ptrdiff_t) ALIAS(_sbrk);

void _exit(int code)
{
    kernel_exit(code);
}

int _gettimeofday(struct timeval *tv, void *tz)
{
    (void)tz;
    uint64_t ns = libc_realtime_base_ns + time_ns();
    tv->tv_sec = (time_t)(ns / 1000000000u);
    tv->tv_usec = (suseconds_t)(ns / 1000 % 1000000);
    return 0;
}
int gettimeofday(struct timeval *, void *) ALIAS(_gettimeofday);

int clock_gettime(clockid_t id, struct timespec *ts)
{
    if (id != CLOCK_MONOTONIC && id != CLOCK_REALTIME) return libc_fail(EINVAL);
    uint64_t ns = time_ns() + (id == CLOCK_REALTIME ? libc_realtime_base_ns : 0);
    ts->tv_sec = (time_t)(ns / 1000000000u);
    ts->tv_nsec = (long)(ns % 1000000000u);
    return 0;
}

int clock_getres(clockid_t id, struct timespec *ts)
{
    (void)id;
    if (ts) { /* POSIX: a NULL res is allowed and ignored */
        ts->tv_sec = 0;
        ts->tv_nsec = 1;
    }
    return 0;
}

clock_t _times(struct tms *t)
{
    clock_t c = (clock_t)(time_ns() / (1000000000u / CLOCKS_PER_SEC));
    if (t) *t = (struct tms){c, 0, 0, 0};
    return c;
}
clock_t times(struct tms *) ALIAS(_times);

int _getpid(void)
{
    return 1;
}
int getpid(void) ALIAS(_getpid);

int _kill(int pid, int sig)
{
    if (pid == 1) { /* raise()/abort() on ourselves */
        kprintf("Porto: app stopped by signal %d\n", sig);
        kernel_exit(PORTO_EXIT_SIGNAL_BASE + sig);
    }
    return libc_fail(ESRCH);
}
int kill(int, int) ALIAS(_kill);

/* The rest of POSIX has no meaning on a single-app machine. */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#define NOSYS(ret, name, params)                                                                   \
    ret _##name params                                                                             \
    {                                                                                              \
        libc_fail(ENOSYS);                                                                         \
        return (ret)-1;                                                                            \
    }                                                                                              \
    ret name params ALIAS(_##name);
NOSYS(int, fork, (void))
NOSYS(int, execve, (const char *a, char *const b[], char *const c[]))
NOSYS(int, wait, (int *s))
NOSYS(int, link, (const char *a, const char *b))
