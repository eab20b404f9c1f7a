/* libc/errno_set.h — report an error to the program. newlib keeps two errno cells: the
 * per-thread one programs read (<errno.h>'s errno) and a plain global that its _r wrappers
 * (open via fopen, write via fwrite...) copy from after calling a system call. A call a
 * program may make directly (open, mkdir, sysconf...) must set both. */
#ifndef PORTO_ERRNO_SET_H
#define PORTO_ERRNO_SET_H
#include <errno.h>

extern int libc_syscall_errno __asm__("errno"); /* the global the _r wrappers copy */

static inline int libc_fail(int err)
{
    libc_syscall_errno = err;
    errno = err;
    return -1;
}
#endif
