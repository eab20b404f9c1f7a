/*
 * tests/engine/test_coll.c — collectives for 1..9 nodes (powers of two and not): barrier
 * (checked to really hold everyone back), broadcast from every root, reduce to every root and
 * allreduce with sum/min/max over int32, int64 and double (negative, mixed-sign and extreme
 * inputs: wrapping sums, signed comparisons, +-DBL_MAX and infinities), gather to every root,
 * allgather; many consecutive collectives back to back; and the same over the lossy network.
 * Large messages (net/ap_coll_large.c: Rabenseifner allreduce, scatter + allgather broadcast,
 * ring allgather, direct gather) with lengths that do not divide evenly, powers of two and
 * not, lossless (where nothing may be refused or resent) and lossy.
 * Run: make build/host/tests/engine/test_coll && build/host/tests/engine/test_coll
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <float.h>
#include <math.h>

#include "tests/engine/cluster.h"

/* ---- barrier: nobody leaves round k before everybody entered it ---- */

struct barrier_arg {
    atomic_int entered[64];
};

static int barrier_node(struct ap *ap, void *vp)
{
    struct barrier_arg *b = vp;
    int n = ap_nodes(ap);
    for (int k = 0; k < 30; k++) {
        atomic_fetch_add(&b->entered[k], 1);
        int r = ap_barrier(ap);
        TC_CHECK(ap, r == 0, "barrier %d: %s (%s)", k, ap_strerror(r), ap_error(ap));
        int e = atomic_load(&b->entered[k]);
        TC_CHECK(ap, e == n, "left barrier %d when only %d of %d had entered", k, e, n);
    }
    return 0;
}

/* ---- bcast, reduce, allreduce, gather, allgather with known answers ---- */

/* Reduction inputs: negative, mixed-sign and extreme values for every type, each rank a
 * different element of the table at the same index, so min and max must compare signed values
 * of both signs (an unsigned comparison picks -1 over 1 as the maximum) and integer sums wrap.
 * Double sums use integers below 2^49 so that any order of additions gives the same bits;
 * min and max see the extremes (+-DBL_MAX, +-infinity, the smallest normals). */
static const int32_t t32[] = {INT32_MIN, INT32_MIN + 1, -1000000,      -7,       -1, 0, 1,
                              7,         1000000,       INT32_MAX - 1, INT32_MAX};
static const int64_t t64[] = {INT64_MIN,
                              INT64_MIN + 1,
                              -((int64_t)1 << 32),
                              -1,
                              0,
                              1,
                              (int64_t)1 << 32,
                              INT64_MAX - 1,
                              INT64_MAX,
                              -3,
                              0x7fffffff00000000};
static const double tdsum[] = {-562949953421312.0, -1000.0, -1.0, -0.25, 0.0, 0.5, 3.0, 1e6,
                               562949953421311.0};
static const double tdext[] = {-INFINITY, -DBL_MAX, -1e300, -1.5,    -DBL_MIN,
                               DBL_MIN,   2.5,      1e300,  DBL_MAX, INFINITY};
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
static size_t pick(int rank, size_t i, size_t len)
{
    return (i + (size_t)rank * 4) % len;
}
static int32_t val32(int rank, size_t i)
{
    return t32[pick(rank, i, NELEM(t32))];
}
static int64_t val64(int rank, size_t i)
{
    return t64[pick(rank, i, NELEM(t64))];
}
static double vald(int rank, size_t i, enum ap_op op)
{
    return op == AP_SUM ? tdsum[pick(rank, i, NELEM(tdsum))] : tdext[pick(rank, i, NELEM(tdext))];
}

struct coll_arg {
    size_t count; /* elements per reduction */
    size_t blk;   /* gather block */
    size_t blen;  /* bcast length */
    int rounds;
};

static int check_reduce(struct ap *ap, int n, size_t count, int root)
{
    int me = ap_rank(ap);
    int32_t *a32 = malloc(count * 4), *r32 = malloc(count * 4);
    int64_t *a64 = malloc(count * 8), *r64 = malloc(count * 8);
    double *ad = malloc(count * 8), *rd = malloc(count * 8);
    TC_CHECK(ap, a32 && r32 && a64 && r64 && ad && rd, "malloc");
    for (size_t i = 0; i < count; i++) {
        a32[i] = val32(me, i);
        a64[i] = val64(me, i);
    }
    static const enum ap_op ops[] = {AP_SUM, AP_MIN, AP_MAX};
    for (int o = 0; o < 3; o++) {
        enum ap_op op = ops[o];
        int all = root < 0;
        int r;
        for (size_t i = 0; i < count; i++)
            ad[i] = vald(me, i, op);
        memset(r32, 0x55, count * 4);
        r = all ? ap_allreduce(ap, a32, r32, count, AP_INT32, op)
                : ap_reduce(ap, root, a32, r32, count, AP_INT32, op);
        TC_CHECK(ap, r == 0, "int32 reduce: %s (%s)", ap_strerror(r), ap_error(ap));
        r = all ? ap_allreduce(ap, a64, r64, count, AP_INT64, op)
                : ap_reduce(ap, root, a64, r64, count, AP_INT64, op);
        TC_CHECK(ap, r == 0, "int64 reduce: %s", ap_strerror(r));
        r = all ? ap_allreduce(ap, ad, rd, count, AP_DOUBLE, op)
                : ap_reduce(ap, root, ad, rd, count, AP_DOUBLE, op);
        TC_CHECK(ap, r == 0, "double reduce: %s", ap_strerror(r));
        if (!all && me != root) continue;
        for (size_t i = 0; i < count; i++) {
            /* Sums wrap: computed unsigned, like the engine, with no overflow in the test. */
            uint32_t s32 = 0;
            uint64_t s64 = 0;
            int32_t e32 = val32(0, i);
            int64_t e64 = val64(0, i);
            double ed = op == AP_SUM ? 0 : vald(0, i, op);
            for (int k = 0; k < n; k++) {
                if (op == AP_SUM) {
                    s32 += (uint32_t)val32(k, i);
                    s64 += (uint64_t)val64(k, i);
                    ed += vald(k, i, op);
                } else if (op == AP_MIN) {
                    e32 = val32(k, i) < e32 ? val32(k, i) : e32;
                    e64 = val64(k, i) < e64 ? val64(k, i) : e64;
                    ed = vald(k, i, op) < ed ? vald(k, i, op) : ed;
                } else {
                    e32 = val32(k, i) > e32 ? val32(k, i) : e32;
                    e64 = val64(k, i) > e64 ? val64(k, i) : e64;
                    ed = vald(k, i, op) > ed ? vald(k, i, op) : ed;
                }
            }
            if (op == AP_SUM) {
                memcpy(&e32, &s32, sizeof e32);
                memcpy(&e64, &s64, sizeof e64);
            }
            TC_CHECK(ap, r32[i] == e32, "int32 op %d [%zu]: %d != %d", o, i, r32[i], e32);
            TC_CHECK(ap, r64[i] == e64, "int64 op %d [%zu]: %lld != %lld", o, i, (long long)r64[i],
                     (long long)e64);
            TC_CHECK(ap, rd[i] == ed, "double op %d [%zu]: %g != %g", o, i, rd[i], ed);
        }
    }
    /* In place: sendbuf == recvbuf. */
    for (size_t i = 0; i < count; i++)
        a32[i] = me + 1;
    int r = root < 0 ? ap_allreduce(ap, a32, a32, count, AP_INT32, AP_SUM)
                     : ap_reduce(ap, root, a32, a32, count, AP_INT32, AP_SUM);
    TC_CHECK(ap, r == 0, "in-place reduce");
    if (root < 0 || me == root)
        for (size_t i = 0; i < count; i++)
            TC_CHECK(ap, a32[i] == n * (n + 1) / 2, "in-place sum %d", a32[i]);
    free(a32);
    free(r32);
    free(a64);
    free(r64);
    free(ad);
    free(rd);
    return 0;
}

static int coll_node(struct ap *ap, void *vp)
{
    struct coll_arg *a = vp;
    int me = ap_rank(ap), n = ap_nodes(ap);
    size_t blk = a->blk;
    uint8_t *bbuf = malloc(a->blen + 1), *gin = malloc(blk + 1), *gout = malloc(n * blk + 1);
    TC_CHECK(ap, bbuf && gin && gout, "malloc");
    for (int round = 0; round < a->rounds; round++) {
        for (int root = 0; root < n; root++) {
            uint32_t id = (uint32_t)(round * 64 + root);
            /* bcast */
            for (size_t i = 0; i < a->blen; i++)
                bbuf[i] = me == root ? tc_pattern(id, i) : 0;
            int r = ap_coll_bcast(ap, root, bbuf, a->blen);
            TC_CHECK(ap, r == 0, "bcast root %d: %s (%s)", root, ap_strerror(r), ap_error(ap));
            for (size_t i = 0; i < a->blen; i++)
                TC_CHECK(ap, bbuf[i] == tc_pattern(id, i), "bcast root %d byte %zu", root, i);
            /* gather */
            for (size_t i = 0; i < blk; i++)
                gin[i] = tc_pattern(id + (uint32_t)me, i);
            memset(gout, 0, n * blk);
            r = ap_gather(ap, root, gin, blk, gout);
            TC_CHECK(ap, r == 0, "gather root %d: %s (%s)", root, ap_strerror(r), ap_error(ap));
            if (me == root)
                for (int k = 0; k < n; k++)
                    for (size_t i = 0; i < blk; i++)
                        TC_CHECK(ap, gout[k * blk + i] == tc_pattern(id + (uint32_t)k, i),
                                 "gather root %d block %d byte %zu", root, k, i);
            /* reduce */
            if (check_reduce(ap, n, a->count, root)) return -1;
        }
        /* allgather and allreduce */
        uint32_t id = (uint32_t)(round * 64 + 63);
        for (size_t i = 0; i < blk; i++)
            gin[i] = tc_pattern(id + (uint32_t)me, i);
        memset(gout, 0, n * blk);
        int r = ap_allgather(ap, gin, blk, gout);
        TC_CHECK(ap, r == 0, "allgather: %s (%s)", ap_strerror(r), ap_error(ap));
        for (int k = 0; k < n; k++)
            for (size_t i = 0; i < blk; i++)
                TC_CHECK(ap, gout[k * blk + i] == tc_pattern(id + (uint32_t)k, i),
                         "allgather block %d byte %zu", k, i);
        if (check_reduce(ap, n, a->count, -1)) return -1;
    }
    free(bbuf);
    free(gin);
    free(gout);
    return 0;
}

static struct tc_opts opts(unsigned nodes)
{
    struct tc_opts o;
    memset(&o, 0, sizeof(o));
    o.nodes = nodes;
    o.sw.seed = nodes;
    o.ap.job_id = 3;
    o.ap.rto_init_ns = 5000000;
    o.ap.rto_min_ns = 1000000;
    o.ap.rto_max_ns = 50000000;
    /* Fail fast: a collective that stops making progress (a lost message never repaired)
     * returns an error after 3 s of silence and a silent peer is dead after 2 s, well before
     * the whole-run guard (40 s, which aborts with a dump). Every run here, lossy ones
     * included, finishes in a few seconds when the engine works. */
    o.ap.coll_timeout_ns = 3000000000ull;
    o.ap.giveup_ns = 2000000000ull;
    o.timeout_s = 40;
    return o;
}

static void run(struct tc_opts *o, tc_node_fn fn, void *arg)
{
    struct tc_result res;
    unsigned failed = tc_run(o, fn, arg, &res);
    if (failed) fail_msg("%u nodes: %u failed: %s", o->nodes, failed, res.why);
}

static void test_barrier(void **state)
{
    (void)state;
    for (unsigned n = 1; n <= 9; n++) {
        struct tc_opts o = opts(n);
        struct barrier_arg *b = calloc(1, sizeof(*b));
        run(&o, barrier_node, b);
        free(b);
    }
}

/* Ranks in blocks per machine (ap_config.node_ranks, smp/): the two-level barrier holds the
 * same promise, for blocks of 2, 3 and 4, one machine alone included; blocks that do not tile
 * the job fall back to the flat barrier. */
static void test_barrier_blocks(void **state)
{
    (void)state;
    static const unsigned cases[][2] = {{2, 2}, {4, 2}, {6, 2}, {6, 3}, {8, 4}, {9, 3}, {5, 2}};
    for (unsigned k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        struct tc_opts o = opts(cases[k][0]);
        o.ap.node_ranks = cases[k][1];
        struct barrier_arg *b = calloc(1, sizeof(*b));
        run(&o, barrier_node, b);
        free(b);
    }
}

static void test_small_1_to_9(void **state)
{
    (void)state;
    /* Small: everything fits the eager buffers. */
    struct coll_arg a = {.count = 5, .blk = 3, .blen = 17, .rounds = 2};
    for (unsigned n = 1; n <= 9; n++) {
        struct tc_opts o = opts(n);
        run(&o, coll_node, &a);
    }
}

static void test_large(void **state)
{
    (void)state;
    /* Large: rendezvous (receive posted, sender held back until then), multi-frame. */
    struct coll_arg a = {.count = 20000, .blk = 5000, .blen = 300000, .rounds = 1};
    static const unsigned ns[] = {2, 3, 5, 8};
    for (unsigned k = 0; k < 4; k++) {
        struct tc_opts o = opts(ns[k]);
        run(&o, coll_node, &a);
    }
}

static void test_lossy(void **state)
{
    (void)state;
    struct coll_arg a = {.count = 3000, .blk = 700, .blen = 20000, .rounds = 1};
    struct tc_opts o = opts(6);
    o.ap.crc = true;
    o.sw.faults = (struct msw_faults){.drop = 0.05,
                                      .dup = 0.01,
                                      .reorder = 0.05,
                                      .corrupt = 0.001,
                                      .delay = 0.01,
                                      .delay_ns = 1000000};
    run(&o, coll_node, &a);
    struct barrier_arg *b = calloc(1, sizeof(*b));
    run(&o, barrier_node, b);
    free(b);
}

static void test_large_uneven(void **state)
{
    (void)state;
    /* Every length above AP_COLL_LARGE and not a multiple of any node count: chunks differ. */
    struct coll_arg a = {.count = 4099, .blk = 8195, .blen = 65537, .rounds = 1};
    static const unsigned ns[] = {2, 3, 4, 6, 7, 9};
    for (unsigned k = 0; k < sizeof ns / sizeof ns[0]; k++) {
        struct tc_opts o = opts(ns[k]);
        run(&o, coll_node, &a);
    }
}

/* Back-to-back large collectives on a lossless switch: every long message waits for its
 * receiver's clear-to-send, so none is refused (RNR) and none is retransmitted. */
static int back_to_back_node(struct ap *ap, void *vp)
{
    size_t count = *(size_t *)vp;
    int me = ap_rank(ap), n = ap_nodes(ap);
    double *in = malloc(count * sizeof *in), *out = malloc(count * sizeof *out);
    uint8_t *b = malloc(count * sizeof *in);
    TC_CHECK(ap, in && out && b, "malloc");
    for (int k = 0; k < 12; k++) {
        for (size_t i = 0; i < count; i++)
            in[i] = (double)(me + k) + (double)(i % 7);
        int r = ap_allreduce(ap, in, out, count, AP_DOUBLE, AP_SUM);
        TC_CHECK(ap, r == 0, "allreduce %d: %s (%s)", k, ap_strerror(r), ap_error(ap));
        for (size_t i = 0; i < count; i++)
            TC_CHECK(ap, out[i] == (double)(n * (n - 1) / 2 + n * k) + (double)(n * (int)(i % 7)),
                     "allreduce %d [%zu] = %g", k, i, out[i]);
        for (size_t i = 0; i < count * sizeof *in; i++)
            b[i] = me == k % n ? tc_pattern((uint32_t)k, i) : 0;
        r = ap_coll_bcast(ap, k % n, b, count * sizeof *in);
        TC_CHECK(ap, r == 0, "bcast %d: %s (%s)", k, ap_strerror(r), ap_error(ap));
        for (size_t i = 0; i < count * sizeof *in; i++)
            TC_CHECK(ap, b[i] == tc_pattern((uint32_t)k, i), "bcast %d byte %zu", k, i);
    }
    free(in);
    free(out);
    free(b);
    return 0;
}

static void test_large_nothing_refused(void **state)
{
    (void)state;
    static const unsigned ns[] = {2, 3, 5, 8};
    for (unsigned k = 0; k < sizeof ns / sizeof ns[0]; k++) {
        struct tc_opts o = opts(ns[k]);
        o.sw.qcap = 8192; /* the switch never overflows: any resend would be the engine's */
        /* A retransmission timer this long never fires spuriously on a loaded host: one that
         * fires means a frame really waited for it. */
        o.ap.rto_init_ns = o.ap.rto_min_ns = 2000000000ull;
        o.ap.rto_max_ns = 4000000000ull;
        size_t count = 40000 + ns[k];
        struct tc_result res;
        unsigned failed = tc_run(&o, back_to_back_node, &count, &res);
        if (failed) fail_msg("%u nodes: %s", ns[k], res.why);
        assert_int_equal(TC_SUM(&res, ns[k], rnr_sent), 0);
        assert_int_equal(TC_SUM(&res, ns[k], retransmits), 0);
        assert_int_equal(TC_SUM(&res, ns[k], timeouts), 0);
    }
}

static void test_large_lossy(void **state)
{
    (void)state;
    struct coll_arg a = {.count = 5003, .blk = 4001, .blen = 70001, .rounds = 1};
    struct tc_opts o = opts(5);
    o.ap.crc = true;
    o.sw.faults = (struct msw_faults){.drop = 0.02, .dup = 0.01, .reorder = 0.02};
    run(&o, coll_node, &a);
}

/* A dead rank makes collectives fail instead of hanging. */
static int dead_node(struct ap *ap, void *vp)
{
    (void)vp;
    int r = ap_barrier(ap);
    TC_CHECK(ap, r < 0, "barrier with a dead rank returned %d", r);
    int v = 1, s;
    r = ap_allreduce(ap, &v, &s, 1, AP_INT32, AP_SUM);
    TC_CHECK(ap, r < 0, "allreduce with a dead rank returned %d", r);
    return 0;
}

static void test_dead_rank(void **state)
{
    (void)state;
    struct tc_opts o = opts(4);
    o.down_mask = 1u << 3;
    o.ap.giveup_ns = 100000000ull;
    o.ap.coll_timeout_ns = 300000000ull;
    run(&o, dead_node, NULL);
}

static int bad_args_node(struct ap *ap, void *vp)
{
    (void)vp;
    int v = 0;
    TC_CHECK(ap, ap_coll_bcast(ap, 5, &v, 4) == -AP_EINVAL, "bad root");
    TC_CHECK(ap, ap_reduce(ap, -1, &v, &v, 1, AP_INT32, AP_SUM) == -AP_EINVAL, "bad root");
    TC_CHECK(ap, ap_allreduce(ap, &v, &v, 1, (enum ap_type)9, AP_SUM) == -AP_EINVAL, "type");
    TC_CHECK(ap, ap_allreduce(ap, &v, &v, 1, AP_INT32, (enum ap_op)9) == -AP_EINVAL, "op");
    TC_CHECK(ap, ap_allreduce(ap, NULL, &v, 1, AP_INT32, AP_SUM) == -AP_EINVAL, "NULL");
    TC_CHECK(ap, ap_gather(ap, 2, &v, 4, &v) == -AP_EINVAL, "bad root");
    TC_CHECK(ap, strlen(ap_error(ap)) > 0, "error text");
    /* Errors consumed no epoch: the next collective still matches on every rank. */
    TC_CHECK(ap, ap_barrier(ap) == 0, "barrier after errors");
    return 0;
}

static void test_bad_args(void **state)
{
    (void)state;
    struct tc_opts o = opts(2);
    run(&o, bad_args_node, NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_barrier),
        cmocka_unit_test(test_barrier_blocks),
        cmocka_unit_test(test_small_1_to_9),
        cmocka_unit_test(test_large),
        cmocka_unit_test(test_lossy),
        cmocka_unit_test(test_dead_rank),
        cmocka_unit_test(test_bad_args),
        cmocka_unit_test(test_large_uneven),
        cmocka_unit_test(test_large_nothing_refused),
        cmocka_unit_test(test_large_lossy),
    };
    if (getenv("TEST_FILTER")) cmocka_set_test_filter(getenv("TEST_FILTER"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
