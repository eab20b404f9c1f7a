/*
 * include/porto.h — what a Porto app may ask of the machine beyond libc.
 * Apps are ordinary C (`int main(int argc, char **argv)`, stdio, malloc, math); this header
 * adds the kernel command line, the clock, the job (rank, size) and the messaging engine.
 */
#ifndef PORTO_H
#define PORTO_H
#include <stdint.h>

/* Kernel command-line words (`key=value` before `--`): the value, "" for a bare key, NULL if
 * absent; the integer form exits with a clear message when the value is not a number. */
const char *porto_arg(const char *key);
int64_t porto_arg_int(const char *key, int64_t def);

/* Nanoseconds since the kernel started (TSC), and the raw TSC with its frequency. */
uint64_t porto_time_ns(void);
uint64_t porto_tsc(void);
uint64_t porto_tsc_hz(void);

/* The job: this node's rank and the number of ranks (0 and 1 when not started as a job). */
int porto_rank(void);
int porto_nodes(void);

/* The messaging engine of this node (net/ap.h), set up by the job layer; NULL outside a job. */
struct ap;
struct ap *porto_ap(void);

/* A polling loop found nothing to do (e.g. a library waiting on ap_poll). On the bare machine
 * it only pauses the CPU for a moment (the node owns it); hosted, a wait that lasts yields the
 * CPU and then sleeps until a frame arrives or 1 ms passes, so many ranks share few CPUs.
 * The engine's own blocking calls do this already. */
void porto_idle(void);

/* Exit codes Porto itself uses (apps use 0..63 by convention), on the bare machine and hosted. */
#define PORTO_EXIT_SIGNAL_BASE 64  /* abort() and other raised signals: 64 + signal */
#define PORTO_EXIT_FAULT       100 /* CPU exception (hosted: SIGSEGV, SIGBUS, SIGILL, SIGFPE) */
#define PORTO_EXIT_PANIC       101 /* kernel panic or bad boot configuration */
#define PORTO_EXIT_NONIC       102 /* an app needed a NIC and none works */
#define PORTO_EXIT_JOB         103 /* job formation or a peer failed */
#endif
