/*
 * tests/mpi/platform_host.c — libmpi's platform seam for host tests (see mpi_host.h): the
 * calling thread's rank state and engine, the host clock, sched_yield when idle, and an exit
 * that unwinds to mpi_host_run instead of ending the process.
 */
#define _GNU_SOURCE
#include "tests/mpi/mpi_host.h"

#include <sched.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mpi/mpi_impl.h"

static _Thread_local struct mpi_proc *cur_proc;
static _Thread_local struct ap *cur_ap;
static _Thread_local jmp_buf *cur_exit;
static _Thread_local int cur_code;

struct mpi_proc *mpi_proc(void)
{
    return cur_proc;
}

struct ap *mpi_platform_ap(void)
{
    return cur_ap;
}

uint64_t mpi_platform_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void mpi_platform_idle(void)
{
    sched_yield();
}

void mpi_platform_name(char *buf, size_t size)
{
    snprintf(buf, size, "host-rank%d", cur_ap ? ap_rank(cur_ap) : 0);
}

_Noreturn void mpi_platform_exit(int code)
{
    cur_code = code;
    longjmp(*cur_exit, 1);
}

int mpi_host_run(struct ap *ap, int (*fn)(void *arg), void *arg, int *exit_code)
{
    struct mpi_proc *p = calloc(1, sizeof *p);
    if (!p) return -1;
    jmp_buf jb;
    cur_proc = p;
    cur_ap = ap;
    cur_exit = &jb;
    volatile int rc; /* set on both sides of setjmp */
    *exit_code = MPI_HOST_RETURNED;
    if (setjmp(jb) == 0) {
        rc = fn(arg);
    } else {
        rc = -1;
        *exit_code = cur_code;
    }
    if (p->initialized && !p->finalized) mpi_release(p);
    free(p);
    cur_proc = NULL;
    cur_ap = NULL;
    cur_exit = NULL;
    return rc;
}
