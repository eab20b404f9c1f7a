/*
 * libc/syscalls.c — Porto's newlib porting layer. newlib (built by scripts/build-newlib with
 * --disable-newlib-supplied-syscalls) calls these for everything that touches the machine:
 *  - write on fds 1/2 goes to the serial console; stdin reads give EOF;
 *  - sbrk grows the heap (kernel/mem.c); exit stops the machine with the code;
 *  - open/read/lseek/fstat/close give read-only access to multiboot modules by name
 *    ("data.txt" or "/data.txt" for a module loaded from .../data.txt);
 *  - gettimeofday/clock_gettime/times come from the TSC (time since boot; no wall clock);
 *  - everything else fails with ENOSYS.
 * Each call exists as _name and name (newlib's MISSING_SYSCALL_NAMES build wants both).
 */
#include "kernel/console.h"
#include "kernel/kernel.h"
#include "kernel/mem.h"
#include "kernel/tsc.h"
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <time.h>
#include <unistd.h>

#undef errno
extern int errno;

#define ALIAS(name)   __attribute__((alias(#name)))
#define MAX_FILES     16
#define FIRST_FILE_FD 3

static struct open_file {
    const struct module *mod;
    size_t pos;
} files[MAX_FILES];

static struct open_file *file_of(int fd)
{
    if (fd < FIRST_FILE_FD || fd >= FIRST_FILE_FD + MAX_FILES || !files[fd - FIRST_FILE_FD].mod)
        return NULL;
    return &files[fd - FIRST_FILE_FD];
}

int _write(int fd, const void *buf, size_t n)
{
    if (fd == 1 || fd == 2) {
        console_write(buf, n);
        return (int)n;
    }
    errno = file_of(fd) ? EBADF : EBADF; /* modules are read-only */
    return -1;
}
int write(int, const void *, size_t) ALIAS(_write);

/* newlib's _read returns int: a read is capped at INT_MAX bytes, so the count it returns is
 * the count it copied. */
int _read(int fd, void *buf, size_t n)
{
    if (fd == 0) return 0; /* no keyboard: stdin is empty */
    struct open_file *f = file_of(fd);
    if (!f) {
        errno = EBADF;
        return -1;
    }
    size_t left = f->pos < f->mod->size ? f->mod->size - f->pos : 0; /* lseek may go past */
    if (n > left) n = left;
    if (n > INT_MAX) n = INT_MAX;
    memcpy(buf, f->mod->data + f->pos, n);
    f->pos += n;
    return (int)n;
}
int read(int, void *, size_t) ALIAS(_read);

int _open(const char *name, int flags, ...)
{
    if ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC))) {
        errno = EROFS;
        return -1;
    }
    while (*name == '/')
        name++;
    const struct module *m = module_find(name);
    if (!m) {
        errno = ENOENT;
        return -1;
    }
    for (int i = 0; i < MAX_FILES; i++) {
        if (!files[i].mod) {
            files[i] = (struct open_file){m, 0};
            return FIRST_FILE_FD + i;
        }
    }
    errno = EMFILE;
    return -1;
}
int open(const char *, int, ...) ALIAS(_open);

int _close(int fd)
{
    struct open_file *f = file_of(fd);
    if (f) {
        f->mod = NULL;
        return 0;
    }
    if (fd >= 0 && fd <= 2) return 0;
    errno = EBADF;
    return -1;
}
int close(int) ALIAS(_close);

#define OFF_T_MAX INT64_MAX
_Static_assert(sizeof(off_t) == 8, "off_t is 64 bits on x86_64 newlib");

off_t _lseek(int fd, off_t off, int whence)
{
    struct open_file *f = file_of(fd);
    if (!f) {
        errno = fd >= 0 && fd <= 2 ? ESPIPE : EBADF;
        return -1;
    }
    off_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (off_t)f->pos : (off_t)f->mod->size;
    if (whence != SEEK_SET && whence != SEEK_CUR && whence != SEEK_END) {
        errno = EINVAL;
        return -1;
    }
    /* base is at most the module size, so only a huge off can overflow base + off. */
    if ((off > 0 && base > OFF_T_MAX - off) || base + off < 0) {
        errno = off > 0 ? EOVERFLOW : EINVAL;
        return -1;
    }
    /* Past the end is allowed (POSIX): reads there return 0, as at the end. */
    f->pos = (size_t)(base + off);
    return (off_t)f->pos;
}
off_t lseek(int, off_t, int) ALIAS(_lseek);

int _fstat(int fd, struct stat *st)
{
    memset(st, 0, sizeof *st);
    struct open_file *f = file_of(fd);
    if (f) {
        st->st_mode = S_IFREG | 0444;
        st->st_size = (off_t)f->mod->size;
        return 0;
    }
    if (fd >= 0 && fd <= 2) {
        st->st_mode = S_IFCHR | 0620;
        return 0;
    }
    errno = EBADF;
    return -1;
}
int fstat(int, struct stat *) ALIAS(_fstat);

int _stat(const char *name, struct stat *st)
{
    int fd = _open(name, O_RDONLY);
    if (fd < 0) return -1;
    int r = _fstat(fd, st);
    _close(fd);
    return r;
}
int stat(const char *, struct stat *) ALIAS(_stat);

int _isatty(int fd)
{
    if (fd >= 0 && fd <= 2)
        return 1; /* the console: line-buffered stdout, so output appears without fflush */
    errno = file_of(fd) ? ENOTTY : EBADF;
    return 0;
}
int isatty(int) ALIAS(_isatty);

void *_sbrk(ptrdiff_t incr)
{
    void *p = heap_sbrk(incr);
    if (!p) {
        errno = ENOMEM;
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
    uint64_t ns = time_ns();
    tv->tv_sec = (time_t)(ns / 1000000000u);
    tv->tv_usec = (suseconds_t)(ns / 1000 % 1000000);
    return 0;
}
int gettimeofday(struct timeval *, void *) ALIAS(_gettimeofday);

int clock_gettime(clockid_t id, struct timespec *ts)
{
    if (id != CLOCK_MONOTONIC && id != CLOCK_REALTIME) {
        errno = EINVAL;
        return -1;
    }
    uint64_t ns = time_ns();
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
    errno = ESRCH;
    return -1;
}
int kill(int, int) ALIAS(_kill);

/* The rest of POSIX has no meaning on a single-app machine. */
#pragma GCC diagnostic ignored "-Wunused-parameter"
#define NOSYS(ret, name, params)                                                                   \
    ret _##name params                                                                             \
    {                                                                                              \
        errno = ENOSYS;                                                                            \
        return (ret)-1;                                                                            \
    }                                                                                              \
    ret name params ALIAS(_##name);
NOSYS(int, fork, (void))
NOSYS(int, execve, (const char *a, char *const b[], char *const c[]))
NOSYS(int, wait, (int *s))
NOSYS(int, link, (const char *a, const char *b))
NOSYS(int, unlink, (const char *a))
