/*
 * tests/mpi/harness.c — see harness.h. Each rank thread binds libmpi to its engine with
 * mpi_host_run and runs the test's rank function.
 */
#include "tests/mpi/harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static _Thread_local struct ap *my_ap;

struct mh_arg {
    int (*fn)(void);
    int *codes;
};

static int tramp(void *arg)
{
    return ((struct mh_arg *)arg)->fn();
}

static int node(struct ap *ap, void *arg)
{
    struct mh_arg *a = arg;
    my_ap = ap;
    int code;
    int rc = mpi_host_run(ap, tramp, a, &code);
    if (a->codes) a->codes[ap_rank(ap)] = code;
    my_ap = NULL;
    if (a->codes) return 0; /* the caller judges the exit codes */
    if (code != MPI_HOST_RETURNED) return tc_fail(ap, "rank exited with code %d", code);
    return rc ? -1 : 0;
}

int mh_fail(const char *file, int line, const char *fmt, ...)
{
    char msg[300];
    va_list va;
    va_start(va, fmt);
    vsnprintf(msg, sizeof msg, fmt, va);
    va_end(va);
    return tc_fail(my_ap, "%s:%d: %s", file, line, msg);
}

unsigned mh_run(const struct mh_opts *o, int (*fn)(void), int *codes)
{
    struct tc_opts t;
    memset(&t, 0, sizeof t);
    t.nodes = o->nodes;
    t.sw.seed = o->nodes * 7919u + 1;
    t.sw.faults.drop = o->drop;
    t.sw.faults.reorder = o->reorder;
    t.sw.faults.dup = o->dup;
    t.sw.deferred = o->deferred;
    t.ap.job_id = 0x4d5049;
    t.ap.rto_init_ns = 5000000;
    t.ap.rto_min_ns = 1000000;
    t.ap.rto_max_ns = 50000000;
    t.timeout_s = o->timeout_s ? o->timeout_s : 120;
    struct mh_arg a = {fn, codes};
    static struct tc_result res; /* large: not on the stack */
    unsigned failed = tc_run(&t, node, &a, &res);
    if (failed) fprintf(stderr, "%u of %u ranks failed: %s\n", failed, o->nodes, res.why);
    return failed;
}

void mh_expect_pass(unsigned n, int (*fn)(void))
{
    struct mh_opts o = {.nodes = n};
    assert_int_equal(mh_run(&o, fn, NULL), 0);
}
