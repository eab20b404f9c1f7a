/*
 * net/job_core.h — the SPMD job layer both runtimes share (net/job_core.c): formation over a
 * net/link.h link (net/job_form.c), the engine, rank 0's argv shared with every rank, output
 * forwarded to rank 0 line by line and printed there tagged "[r] ", exit reports, the job
 * summary and the job's exit code. What differs between the bare machine (net/job.c) and a
 * Linux process (hosted/job_host.c) is the small platform table below.
 * Words read: nodes, rank, job, key, jointimeout, peertimeout, crc, window, rtomin,
 * colltimeout (net/job.h describes them).
 */
#ifndef PORTO_JOB_CORE_H
#define PORTO_JOB_CORE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/link.h"

struct cmdline;
struct job_platform {
    /* The Porto words (kernel/cmdline.h's table: key=value before `--`), read with
     * cmdline_get_*: the same syntax and checks on both platforms. */
    const struct cmdline *words;
    uint64_t (*now_ns)(void); /* monotonic */
    /* This node's random share of the run's nonce (net/job_form.h: contrib). */
    uint64_t (*entropy)(const uint8_t mac[6]);
    void (*print)(const char *s, size_t n);                /* normal output (prefix, tap) */
    void (*print_raw)(const char *s, size_t n);            /* no prefix, no tap */
    void (*set_prefix)(const char *prefix);                /* NULL: none */
    void (*set_tap)(void (*tap)(const char *s, size_t n)); /* NULL: none */
    /* End the program with `code`, running the exit hook registered with at_exit; does not
     * return. */
    void (*exit)(int code);
    void (*at_exit)(int (*hook)(int code));
    /* Open this node's link for a job of `nodes` (rank: given, or -1 for automatic);
     * NULL after printing why. */
    struct link *(*open_link)(unsigned nodes, int rank);
    /* Optional: called when a wait made no progress (a host process yields the CPU). */
    void (*idle)(void *arg);
    void *idle_arg;
    /* A node whose every core runs a rank (smp/): `cores` per node (0 or 1: one) and this
     * core's index. Node K's core c is rank K*cores + c of nodes*cores; with automatic ranks
     * the MAC order decides, as for single-core nodes. */
    unsigned cores, core;
    /* The app's argument vector: rank 0's replaces the others' (room for max_args + NULL). */
    int *argc;
    char **argv;
    int max_args;
};

/* Form the job when the words say nodes=N (N > 1) or rank=R; returns at once otherwise.
 * On failure prints why and exits with PORTO_EXIT_JOB (or _PANIC for bad words). */
void job_core_start(const struct job_platform *plat);
#endif
