/* libc/libc.h — what the boot sequence (runtime/start.c) calls in Porto's libc layer. */
#ifndef PORTO_LIBC_H
#define PORTO_LIBC_H
#include <stdint.h>

/* Read the kernel words the C library honours, before main: `env.NAME=value` (the program's
 * environment), `time=<unix seconds>` (the host's date at boot: CLOCK_REALTIME, time(),
 * gettimeofday), `filesmax=<bytes>` (the bound on in-memory files). A malformed word stops
 * the machine with a clear message. */
void libc_init(void);

/* Exit hook (kernel_at_exit): print the files the program wrote on the serial console, in
 * the frames of libc/memfs.h, for the launcher to collect. Returns `code` unchanged. */
int libc_files_at_exit(int code);

/* Nanoseconds to add to the monotonic clock (time_ns) for the wall clock (0 without time=). */
extern uint64_t libc_realtime_base_ns;
#endif
