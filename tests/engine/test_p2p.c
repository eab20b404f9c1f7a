/*
 * tests/engine/test_p2p.c — every point-to-point call of the Active Port engine over a
 * fault-free in-memory switch: FC and BE, blocking and non-blocking, sizes 0..16 MiB, vectored
 * sends, puts at offsets, handlers (including replies sent from a handler), one-shot ports with
 * back-pressure, per-source slots, sends to self, broadcast, zero-copy buffer lifetime, dead
 * peers, closed ports, foreign frames, argument errors, counters.
 * Run: make build/host/tests/engine/test_p2p && build/host/tests/engine/test_p2p
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "net/wire.h"
#include "tests/engine/cluster.h"

#define MiB (1024u * 1024u)

static const size_t sizes[] = {0,    1,    2,    127,  128,   129,    1455, 1456,
                               1457, 2912, 2913, 4000, 65536, 100003, MiB,  16 * MiB};
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

static void fill(uint8_t *b, size_t len, uint32_t id)
{
    for (size_t i = 0; i < len; i++)
        b[i] = tc_pattern(id, i);
}

static size_t first_bad(const uint8_t *b, size_t len, uint32_t id)
{
    for (size_t i = 0; i < len; i++)
        if (b[i] != tc_pattern(id, i)) return i;
    return SIZE_MAX;
}

static void run_ok(struct tc_opts *o, tc_node_fn fn, void *arg)
{
    struct tc_result res;
    unsigned failed = tc_run(o, fn, arg, &res);
    if (failed) fail_msg("%u node(s) failed: %s", failed, res.why);
}

static struct tc_opts opts(unsigned nodes)
{
    struct tc_opts o;
    memset(&o, 0, sizeof(o));
    o.nodes = nodes;
    o.sw.seed = 1;
    o.ap.job_id = 7;
    o.ap.rto_init_ns = 5000000;
    o.ap.rto_min_ns = 1000000;
    o.ap.giveup_ns = 5000000000ull;
    return o;
}

/* ---- sizes: FC and BE, blocking, to a one-shot port waited on without handler ---- */

struct sizes_arg {
    int fc;
};

static int sizes_node(struct ap *ap, void *vp)
{
    struct sizes_arg *a = vp;
    size_t max = 16 * MiB;
    uint8_t *buf = malloc(max);
    uint8_t ack;
    TC_CHECK(ap, buf, "malloc");
    if (ap_rank(ap) == 1) {
        TC_CHECK(ap, ap_port_open(ap, 3, buf, max, NULL, NULL, AP_PORT_ONESHOT) == 0, "open");
        TC_CHECK(ap, ap_port_open(ap, 4, &ack, 1, NULL, NULL, 0) == 0, "open ack port");
        tc_sync(ap);
        for (size_t k = 0; k < NSIZES; k++) {
            int src = -1;
            size_t len = 1;
            int r = ap_port_wait(ap, 3, 10000000000ull, &src, &len);
            TC_CHECK(ap, r == 0, "size %zu: wait: %s", sizes[k], ap_strerror(r));
            TC_CHECK(ap, src == 0 && len == sizes[k], "size %zu: got src %d len %zu", sizes[k], src,
                     len);
            size_t bad = first_bad(buf, len, (uint32_t)k + 100);
            TC_CHECK(ap, bad == SIZE_MAX, "size %zu: byte %zu wrong", sizes[k], bad);
            memset(buf, 0, len);
            TC_CHECK(ap, ap_port_post(ap, 3, NULL, 0) == 0, "re-arm");
            /* Tell the sender the port is armed again (BE would be dropped otherwise). */
            TC_CHECK(ap, ap_send_fc(ap, 0, 4, "", 1) == 0, "ack");
        }
    } else {
        TC_CHECK(ap, ap_port_open(ap, 4, &ack, 1, NULL, NULL, 0) == 0, "open ack port");
        tc_sync(ap);
        for (size_t k = 0; k < NSIZES; k++) {
            fill(buf, sizes[k], (uint32_t)k + 100);
            int r =
                a->fc ? ap_send_fc(ap, 1, 3, buf, sizes[k]) : ap_send_be(ap, 1, 3, buf, sizes[k]);
            TC_CHECK(ap, r == 0, "size %zu: send: %s", sizes[k], ap_strerror(r));
            TC_CHECK(ap, ap_port_wait(ap, 4, 10000000000ull, NULL, NULL) == 0, "wait ack");
        }
    }
    free(buf);
    return 0;
}

static void test_sizes_fc(void **state)
{
    (void)state;
    struct tc_opts o = opts(2);
    struct sizes_arg a = {1};
    run_ok(&o, sizes_node, &a);
}

static void test_sizes_be(void **state)
{
    (void)state;
    struct tc_opts o = opts(2);
    struct sizes_arg a = {0};
    run_ok(&o, sizes_node, &a);
}

static void test_sizes_fc_crc_jumbo(void **state)
{
    (void)state;
    struct tc_opts o = opts(2);
    o.sw.mtu = 9000;
    o.ap.crc = true;
    struct sizes_arg a = {1};
    run_ok(&o, sizes_node, &a);
}

/* ---- handlers: ping-pong where the reply is sent from inside the handler ---- */

struct pp {
    int count, bad;
    uint8_t inbox[64];
};

static void pong_handler(struct ap *ap, int src, int port, void *data, size_t len, void *arg)
{
    struct pp *pp = arg;
    if (port != 5 || len != 8 || data != pp->inbox) pp->bad++;
    uint64_t v;
    memcpy(&v, data, 8);
    v++;
    /* A blocking FC send from a handler: the engine must keep making progress under it. */
    if (ap_send_fc(ap, src, 5, &v, 8) != 0) pp->bad++;
    pp->count++;
}

static void ping_handler(struct ap *ap, int src, int port, void *data, size_t len, void *arg)
{
    (void)ap;
    (void)src;
    (void)port;
    struct pp *pp = arg;
    if (len != 8) pp->bad++;
    pp->count++;
    (void)data;
}

static int handler_node(struct ap *ap, void *vp)
{
    (void)vp;
    struct pp pp;
    memset(&pp, 0, sizeof(pp));
    int me = ap_rank(ap);
    TC_CHECK(ap,
             ap_port_open(ap, 5, pp.inbox, sizeof(pp.inbox), me ? pong_handler : ping_handler, &pp,
                          0) == 0,
             "open");
    tc_sync(ap);
    if (me == 0) {
        for (uint64_t i = 0; i < 200; i++) {
            uint64_t v = i * 2;
            int before = pp.count;
            TC_CHECK(ap, ap_send_fc(ap, 1, 5, &v, 8) == 0, "ping %u", (unsigned)i);
            while (pp.count == before)
                ap_poll(ap);
            uint64_t got;
            memcpy(&got, pp.inbox, 8);
            TC_CHECK(ap, got == v + 1, "pong %u carried %llu", (unsigned)i,
                     (unsigned long long)got);
        }
    }
    tc_sync(ap);
    TC_CHECK(ap, pp.bad == 0, "handler saw %d bad calls", pp.bad);
    TC_CHECK(ap, pp.count == 200, "handler ran %d times, expected 200", pp.count);
    TC_CHECK(ap, ap_port_deliveries(ap, 5) == 200, "deliveries");
    return 0;
}

static void test_handler_reply(void **state)
{
    (void)state;
    struct tc_opts o = opts(2);
    run_ok(&o, handler_node, NULL);
}

/* ---- non-blocking FC and BE to several ports and peers at once ---- */

#define NB_MSGS 24
#define NB_SIZE 5000

static int nonblocking_node(struct ap *ap, void *vp)
{
    (void)vp;
    int me = ap_rank(ap), n = ap_nodes(ap);
    uint8_t *in = calloc((size_t)n, NB_SIZE);
    uint8_t *out = malloc((size_t)NB_MSGS * NB_SIZE);
    struct ap_req *req = calloc(NB_MSGS, sizeof(*req));
    TC_CHECK(ap, in && out && req, "malloc");
    TC_CHECK(ap, ap_port_open(ap, 9, in, (size_t)n * NB_SIZE, NULL, NULL, AP_PORT_SLOTS) == 0,
             "open");
    tc_sync(ap);
    /* Rank r sends NB_MSGS messages round-robin to the others, alternating FC and BE, each a
     * put into its own slot at a distinct offset... all to slot r, so the last one of each
     * destination decides the slot's content: make them all write the same final bytes. */
    for (int k = 0; k < NB_MSGS; k++) {
        int dst = (me + 1 + k % (n - 1)) % n;
        uint8_t *m = out + (size_t)k * NB_SIZE;
        fill(m, NB_SIZE, (uint32_t)(me * 1000 + dst));
        int r = (k % 2) ? ap_isend_be(ap, &req[k], dst, 9, m, NB_SIZE)
                        : ap_isend_fc(ap, &req[k], dst, 9, m, NB_SIZE);
        TC_CHECK(ap, r == 0, "isend %d: %s", k, ap_strerror(r));
    }
    int pending = NB_MSGS;
    while (pending) {
        pending = 0;
        for (int k = 0; k < NB_MSGS; k++) {
            int r = ap_test(ap, &req[k]);
            TC_CHECK(ap, r <= 0 || r == AP_PENDING, "test");
            TC_CHECK(ap, r >= 0, "request %d failed: %s", k, ap_strerror(r));
            pending += r == AP_PENDING;
        }
    }
    tc_sync(ap);
    for (int s = 0; s < n; s++) {
        if (s == me) continue;
        size_t bad = first_bad(in + (size_t)s * NB_SIZE, NB_SIZE, (uint32_t)(s * 1000 + me));
        TC_CHECK(ap, bad == SIZE_MAX, "slot %d byte %zu wrong", s, bad);
    }
    free(in);
    free(out);
    free(req);
    return 0;
}

static void test_nonblocking_slots(void **state)
{
    (void)state;
    struct tc_opts o = opts(4);
    run_ok(&o, nonblocking_node, NULL);
}

/* ---- vectored sends with many small pieces, and puts at offsets (bounds checked) ---- */

static int vector_node(struct ap *ap, void *vp)
{
    (void)vp;
    enum { PORT = 11, SIZE = 100000 };
    static uint8_t rx[2][SIZE];
    uint8_t *in = rx[ap_rank(ap)];
    TC_CHECK(ap, ap_port_open(ap, PORT, in, SIZE, NULL, NULL, 0) == 0, "open");
    tc_sync(ap);
    if (ap_rank(ap) == 0) {
        /* 16 pieces: empty ones, 1-byte ones and big ones; more than a frame can carry. */
        static uint8_t src[SIZE];
        fill(src, SIZE, 77);
        struct ap_iov iov[AP_REQ_IOV];
        size_t at = 0,
               lens[AP_REQ_IOV] = {0, 1, 2, 3, 0, 5, 7, 11, 13, 4000, 1, 1, 9000, 0, 3, 30000};
        for (int k = 0; k < AP_REQ_IOV; k++) {
            iov[k].base = src + at;
            iov[k].len = lens[k];
            at += lens[k];
        }
        TC_CHECK(ap, ap_sendv_fc(ap, 1, PORT, 100, iov, AP_REQ_IOV) == 0, "sendv fc");
        TC_CHECK(ap, ap_sendv_be(ap, 1, PORT, 100 + at, iov, AP_REQ_IOV) == 0, "sendv be");
        /* A put that ends exactly at the end of the buffer, and one byte past it. */
        TC_CHECK(ap, ap_put_fc(ap, 1, PORT, SIZE - 10, src, 10) == 0, "put at end");
        int r = ap_put_fc(ap, 1, PORT, SIZE - 9, src, 10);
        TC_CHECK(ap, r == -AP_EMSGSIZE, "put past end: %d, want -AP_EMSGSIZE", r);
        TC_CHECK(ap, ap_put_be(ap, 1, PORT, SIZE, src, 1) == 0, "put past end be");
        /* The non-blocking forms of puts and vectored BE sends. */
        struct ap_req r1, r2, r3;
        struct ap_iov two[2] = {{src + 5000, 700}, {src + 9000, 1300}};
        TC_CHECK(ap, ap_iput_fc(ap, &r1, 1, PORT, 86200, src + 2000, 1000) == 0, "iput_fc");
        TC_CHECK(ap, ap_iput_be(ap, &r2, 1, PORT, 88000, src + 3000, 1000) == 0, "iput_be");
        TC_CHECK(ap, ap_isendv_be(ap, &r3, 1, PORT, 90000, two, 2) == 0, "isendv_be");
        TC_CHECK(ap, ap_wait(ap, &r1) == 0 && ap_wait(ap, &r2) == 0 && ap_wait(ap, &r3) == 0,
                 "waits");
        struct ap_iov many[AP_REQ_IOV + 1];
        TC_CHECK(ap, ap_sendv_fc(ap, 1, PORT, 0, many, AP_REQ_IOV + 1) == -AP_EINVAL,
                 "17 pieces refused");
        /* The switch is FIFO without faults: once this arrives, so did everything above. */
        TC_CHECK(ap, ap_send_fc(ap, 1, PORT + 1, NULL, 0) == 0, "done");
        return 0;
    }
    TC_CHECK(ap, ap_port_open(ap, PORT + 1, NULL, 0, NULL, NULL, 0) == 0, "open done port");
    TC_CHECK(ap, ap_port_wait(ap, PORT + 1, 5000000000ull, NULL, NULL) == 0, "done");
    /* Expected: src[0..at) at 100, again at 100+at (BE, fault-free: must arrive), src[0..10)
     * at SIZE-10; nothing of the two out-of-bounds puts. */
    static uint8_t src[SIZE];
    fill(src, SIZE, 77);
    size_t at = 0;
    for (int k = 0; k < AP_REQ_IOV; k++)
        at += (size_t[]){0, 1, 2, 3, 0, 5, 7, 11, 13, 4000, 1, 1, 9000, 0, 3, 30000}[k];
    TC_CHECK(ap, memcmp(in + 100, src, at) == 0, "FC vectored payload");
    TC_CHECK(ap, memcmp(in + 100 + at, src, at) == 0, "BE vectored payload");
    TC_CHECK(ap, memcmp(in + SIZE - 10, src, 10) == 0, "put at the end");
    TC_CHECK(ap, memcmp(in + 86200, src + 2000, 1000) == 0, "iput_fc payload");
    TC_CHECK(ap, memcmp(in + 88000, src + 3000, 1000) == 0, "iput_be payload");
    TC_CHECK(ap,
             memcmp(in + 90000, src + 5000, 700) == 0 && memcmp(in + 90700, src + 9000, 1300) == 0,
             "isendv_be payload");
    struct ap_stats st;
    ap_stats(ap, &st);
    TC_CHECK(ap, st.drop[AP_DROP_BOUNDS] == 2, "bounds drops %llu, expected 2",
             (unsigned long long)st.drop[AP_DROP_BOUNDS]);
    TC_CHECK(ap, ap_port_deliveries(ap, PORT) == 6, "deliveries %llu",
             (unsigned long long)ap_port_deliveries(ap, PORT));
    return 0;
}

static void test_vectored_and_put(void **state)
{
    (void)state;
    struct tc_opts o = opts(2);
    run_ok(&o, vector_node, NULL);
}

/* ---- one-shot back-pressure: a slow receiver, FC messages must all arrive in order ---- */

static int backpressure_node(struct ap *ap, void *vp)
{
    (void)vp;
    enum { PORT = 12, MSGS = 30, LEN = 3000 };
    uint8_t buf[LEN];
    if (ap_rank(ap) == 1) {
        TC_CHECK(ap, ap_port_open(ap, PORT, buf, LEN, NULL, NULL, AP_PORT_ONESHOT) == 0, "open");
        tc_sync(ap);
        for (int k = 0; k < MSGS; k++) {
            TC_CHECK(ap, ap_port_wait(ap, PORT, 10000000000ull, NULL, NULL) == 0, "wait %d", k);
            TC_CHECK(ap, first_bad(buf, LEN, (uint32_t)k) == SIZE_MAX, "message %d content", k);
            /* Stay disarmed a while: the sender must be held back, not lose data. */
            uint64_t until = msw_now_ns() + 2000000;
            while (msw_now_ns() < until)
                ap_poll(ap);
            TC_CHECK(ap, ap_port_post(ap, PORT, NULL, 0) == 0, "re-arm");
        }
        return 0;
    }
    tc_sync(ap);
    struct ap_req req[MSGS];
    static uint8_t out[MSGS][LEN];
    for (int k = 0; k < MSGS; k++) {
        fill(out[k], LEN, (uint32_t)k);
        TC_CHECK(ap, ap_isend_fc(ap, &req[k], 1, PORT, out[k], LEN) == 0, "isend");
    }
    for (int k = 0; k < MSGS; k++)
        TC_CHECK(ap, ap_wait(ap, &req[k]) == 0, "wait %d", k);
    struct ap_stats st;
    ap_stats(ap, &st);
    TC_CHECK(ap, st.rnr_rcvd > 0, "the receiver never pushed back");
    return 0;
}

static void test_oneshot_backpressure(void **state)
{
    (void)state;
    struct tc_opts o = opts(2);
    run_ok(&o, backpressure_node, NULL);
}

/* ---- FC to a port that opens later; BE to a closed port is dropped ---- */

static int closed_port_node(struct ap *ap, void *vp)
{
    (void)vp;
    uint8_t buf[100];
    if (ap_rank(ap) == 1) {
        tc_sync(ap);
        /* Open only once both messages met the closed port (the BE one dropped, the FC one
         * refused): waiting for the counter, not for a time, so a starved thread on a busy
         * host cannot open the port before rank 0 has sent. */
        struct ap_stats st;
        uint64_t until = msw_now_ns() + 10000000000ull;
        do {
            ap_poll(ap);
            ap_stats(ap, &st);
        } while (st.drop[AP_DROP_PORT] < 2 && msw_now_ns() < until);
        TC_CHECK(ap, ap_port_open(ap, 13, buf, sizeof(buf), NULL, NULL, 0) == 0, "open");
        TC_CHECK(ap, ap_port_wait(ap, 13, 5000000000ull, NULL, NULL) == 0, "late delivery");
        TC_CHECK(ap, memcmp(buf, "late", 4) == 0, "content");
        ap_stats(ap, &st);
        TC_CHECK(ap, st.drop[AP_DROP_PORT] >= 2, "closed-port drops %llu",
                 (unsigned long long)st.drop[AP_DROP_PORT]);
        return 0;
    }
    tc_sync(ap);
    TC_CHECK(ap, ap_send_be(ap, 1, 13, "lost", 4) == 0, "be to closed port");
    TC_CHECK(ap, ap_send_fc(ap, 1, 13, "late", 4) == 0, "fc waits for the port");
    return 0;
}

static void test_closed_port(void **state)
{
    (void)state;
    struct tc_opts o = opts(2);
    run_ok(&o, closed_port_node, NULL);
}

/* A receiver that stays not-ready much longer than the give-up time is alive: the sender
 * keeps probing and must not declare it dead. */
static int long_rnr_node(struct ap *ap, void *vp)
{
    (void)vp;
    uint8_t buf[8];
    if (ap_rank(ap) == 1) {
        tc_sync(ap);
        uint64_t until = msw_now_ns() + 3000000000ull; /* 3 x the give-up time */
        while (msw_now_ns() < until)
            ap_poll(ap);
        TC_CHECK(ap, ap_port_open(ap, 16, buf, sizeof(buf), NULL, NULL, 0) == 0, "open");
        TC_CHECK(ap, ap_port_wait(ap, 16, 5000000000ull, NULL, NULL) == 0, "delivery");
        return 0;
    }
    tc_sync(ap);
    int r = ap_send_fc(ap, 1, 16, "patience", 8);
    TC_CHECK(ap, r == 0, "send to a slow port: %s", ap_strerror(r));
    TC_CHECK(ap, ap_peer_alive(ap, 1), "declared dead while it answered");
    return 0;
}

static void test_long_rnr_is_not_death(void **state)
{
    (void)state;
    struct tc_opts o = opts(2);
    /* 1 s: longer than a thread of this test is kept off a CPU on a busy 2-CPU host, so
     * the test fails only when the engine itself declares a refusing receiver dead. */
    o.ap.giveup_ns = 1000000000ull;
    o.ap.rto_max_ns = 50000000ull;
    run_ok(&o, long_rnr_node, NULL);
}

/* ---- sends to self, FC and BE, handler and no handler ---- */

static void self_handler(struct ap *ap, int src, int port, void *data, size_t len, void *arg)
{
    int *ok = arg;
    if (src == ap_rank(ap) && port == 14 && len == 5 && memcmp(data, "hello", 5) == 0) (*ok)++;
}

static int self_node(struct ap *ap, void *vp)
{
    (void)vp;
    uint8_t a[16], b[16];
    int ok = 0;
    TC_CHECK(ap, ap_port_open(ap, 14, a, sizeof(a), self_handler, &ok, 0) == 0, "open");
    TC_CHECK(ap, ap_port_open(ap, 15, b, sizeof(b), NULL, NULL, AP_PORT_ONESHOT) == 0, "open");
    TC_CHECK(ap, ap_send_fc(ap, ap_rank(ap), 14, "hello", 5) == 0, "self fc");
    /* The port takes no other message until its handler ran (a BE one would be dropped). */
    while (ok < 1)
        ap_poll(ap);
    TC_CHECK(ap, ap_send_be(ap, ap_rank(ap), 14, "hello", 5) == 0, "self be");
    while (ok < 2)
        ap_poll(ap);
    TC_CHECK(ap, ap_put_fc(ap, ap_rank(ap), 15, 3, "xyz", 3) == 0, "self put");
    int src;
    size_t len;
    TC_CHECK(ap, ap_port_wait(ap, 15, 1000000000ull, &src, &len) == 0, "wait");
    TC_CHECK(ap, src == ap_rank(ap) && len == 3 && memcmp(b + 3, "xyz", 3) == 0, "self put");
    /* Disarmed one-shot: BE to self is dropped, FC waits until re-armed. */
    TC_CHECK(ap, ap_send_be(ap, ap_rank(ap), 15, "no", 2) == 0, "be to disarmed");
    struct ap_req req;
    TC_CHECK(ap, ap_isend_fc(ap, &req, ap_rank(ap), 15, "yes", 3) == 0, "fc to disarmed");
    for (int i = 0; i < 10; i++)
        TC_CHECK(ap, ap_test(ap, &req) == AP_PENDING, "must wait while disarmed");
    TC_CHECK(ap, ap_port_post(ap, 15, NULL, 0) == 0, "re-arm");
    TC_CHECK(ap, ap_wait(ap, &req) == 0, "fc after re-arm");
    TC_CHECK(ap, memcmp(b, "yes", 3) == 0, "content after re-arm");
    return 0;
}

static void test_self(void **state)
{
    (void)state;
    struct tc_opts o = opts(1);
    run_ok(&o, self_node, NULL);
    o = opts(3);
    run_ok(&o, self_node, NULL);
}

/* ---- broadcast, BE and FC, several sizes ---- */

static int bcast_node(struct ap *ap, void *vp)
{
    (void)vp;
    enum { MAXLEN = 300000 };
    static const size_t lens[] = {0, 10, 1456, 1457, 100000, MAXLEN};
    int me = ap_rank(ap), n = ap_nodes(ap);
    uint8_t *buf = calloc(1, MAXLEN);
    TC_CHECK(ap, buf != NULL, "malloc");
    TC_CHECK(ap, ap_port_open(ap, 20, buf, MAXLEN, NULL, NULL, AP_PORT_ONESHOT) == 0, "open");
    tc_sync(ap);
    for (int round = 0; round < 2 * n; round++) {
        int root = round % n, fc = round / n == 0;
        for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
            uint32_t id = (uint32_t)(round * 100 + k);
            if (me == root) {
                fill(buf, lens[k], id);
                int r = fc ? ap_bcast_fc(ap, 20, buf, lens[k]) : ap_bcast_be(ap, 20, buf, lens[k]);
                TC_CHECK(ap, r == 0, "bcast: %s", ap_strerror(r));
            } else {
                int src;
                size_t len;
                TC_CHECK(ap, ap_port_wait(ap, 20, 10000000000ull, &src, &len) == 0,
                         "bcast round %d len %zu not delivered", round, lens[k]);
                TC_CHECK(ap, src == root && len == lens[k], "from %d len %zu", src, len);
                size_t bad = first_bad(buf, len, id);
                TC_CHECK(ap, bad == SIZE_MAX, "byte %zu", bad);
                TC_CHECK(ap, ap_port_post(ap, 20, NULL, 0) == 0, "re-arm");
            }
            /* Everyone re-armed before the next (possibly BE) broadcast. */
            tc_sync(ap);
        }
    }
    free(buf);
    return 0;
}

static void test_bcast(void **state)
{
    (void)state;
    struct tc_opts o = opts(4);
    run_ok(&o, bcast_node, NULL);
}

/* ---- zero copy: the engine must not return before the link read the payload ---- */

static int zerocopy_node(struct ap *ap, void *vp)
{
    (void)vp;
    enum { LEN = 50000 };
    static uint8_t rx[LEN], tx[LEN];
    if (ap_rank(ap) == 1) {
        TC_CHECK(ap, ap_port_open(ap, 22, rx, LEN, NULL, NULL, AP_PORT_ONESHOT) == 0, "open");
        tc_sync(ap);
        for (int k = 0; k < 4; k++) {
            TC_CHECK(ap, ap_port_wait(ap, 22, 10000000000ull, NULL, NULL) == 0, "wait");
            size_t bad = first_bad(rx, LEN, (uint32_t)k);
            TC_CHECK(ap, bad == SIZE_MAX, "message %d byte %zu changed after send returned", k,
                     bad);
            TC_CHECK(ap, ap_port_post(ap, 22, NULL, 0) == 0, "re-arm");
            TC_CHECK(ap, ap_send_fc(ap, 0, 22, "", 0) == 0, "ack");
        }
        return 0;
    }
    TC_CHECK(ap, ap_port_open(ap, 22, NULL, 0, NULL, NULL, 0) == 0, "open");
    tc_sync(ap);
    for (int k = 0; k < 4; k++) {
        fill(tx, LEN, (uint32_t)k);
        int r = (k % 2) ? ap_send_be(ap, 1, 22, tx, LEN) : ap_send_fc(ap, 1, 22, tx, LEN);
        TC_CHECK(ap, r == 0, "send");
        memset(tx, 0xAB, LEN); /* the caller owns the buffer again */
        TC_CHECK(ap, ap_port_wait(ap, 22, 10000000000ull, NULL, NULL) == 0, "ack");
    }
    return 0;
}

static void test_zero_copy_lifetime(void **state)
{
    (void)state;
    struct tc_opts o = opts(2);
    o.sw.deferred = 1;
    run_ok(&o, zerocopy_node, NULL);
}

/* A zero-copy send that the link still reads when its last ACK comes in completes later, when
 * the link lets go of the buffer: a caller that only polls (an MPI library's progress loop)
 * must see that completion without ever calling ap_test or ap_wait. Both ranks send at once
 * and put a small best-effort frame on the link in every pass (to a port nobody opened), so
 * the link is always busy when the last ACK comes in. */
static int poll_completion_node(struct ap *ap, void *vp)
{
    (void)vp;
    enum { LEN = 200000 };
    static _Thread_local uint8_t rx[LEN], tx[LEN];
    int peer = 1 - ap_rank(ap);
    TC_CHECK(ap, ap_port_open(ap, 22, rx, LEN, NULL, NULL, 0) == 0, "open");
    fill(tx, LEN, 9);
    tc_sync(ap);
    for (int k = 0; k < 20; k++) {
        struct ap_req req;
        TC_CHECK(ap, ap_isend_fc(ap, &req, peer, 22, tx, LEN) == 0, "isend");
        uint64_t t0 = msw_now_ns();
        while (ap_status(&req) == AP_PENDING && msw_now_ns() - t0 < 20000000000ull) {
            TC_CHECK(ap, ap_send_be(ap, peer, 23, "x", 1) == 0, "filler");
            ap_poll(ap);
        }
        TC_CHECK(ap, ap_status(&req) == 0, "send %d: status %d after polling alone", k,
                 ap_status(&req));
        TC_CHECK(ap, ap_port_wait(ap, 22, 20000000000ull, NULL, NULL) == 0, "receive %d", k);
    }
    tc_sync(ap);
    return 0;
}

static void test_poll_completion(void **state)
{
    (void)state;
    struct tc_opts o = opts(2);
    o.sw.deferred = 1;
    run_ok(&o, poll_completion_node, NULL);
}

/* ---- a dead peer: FC sends fail after the give-up time, nothing hangs ---- */

static int dead_peer_node(struct ap *ap, void *vp)
{
    (void)vp;
    static uint8_t big[200000];
    if (ap_rank(ap) != 0) return 0;
    uint64_t t0 = msw_now_ns();
    int r = ap_send_fc(ap, 2, 1, big, sizeof(big));
    uint64_t took = msw_now_ns() - t0;
    TC_CHECK(ap, r == -AP_EPEER, "send to a dead peer returned %d (%s)", r, ap_strerror(r));
    TC_CHECK(ap, took >= 100000000ull && took < 2000000000ull, "gave up after %llu ms",
             (unsigned long long)(took / 1000000));
    TC_CHECK(ap, !ap_peer_alive(ap, 2) && ap_peer_alive(ap, 1), "alive flags");
    TC_CHECK(ap, ap_send_fc(ap, 2, 1, "x", 1) == -AP_EPEER, "later sends fail at once");
    struct ap_req req;
    TC_CHECK(ap, ap_isend_fc(ap, &req, 2, 1, "x", 1) == -AP_EPEER, "isend fails at once");
    TC_CHECK(ap, ap_send_be(ap, 2, 1, big, sizeof(big)) == 0, "BE does not hang");
    /* A reliable broadcast now only needs rank 1. */
    return 0;
}

static int dead_peer_bcast_node(struct ap *ap, void *vp)
{
    (void)vp;
    uint8_t buf[2000];
    if (ap_rank(ap) == 1) {
        TC_CHECK(ap, ap_port_open(ap, 1, buf, sizeof(buf), NULL, NULL, 0) == 0, "open");
        tc_sync(ap);
        TC_CHECK(ap, ap_port_wait(ap, 1, 5000000000ull, NULL, NULL) == 0, "bcast arrives");
        TC_CHECK(ap, first_bad(buf, sizeof(buf), 5) == SIZE_MAX, "content");
        return 0;
    }
    tc_sync(ap);
    fill(buf, sizeof(buf), 5);
    uint64_t t0 = msw_now_ns();
    TC_CHECK(ap, ap_bcast_fc(ap, 1, buf, sizeof(buf)) == 0, "bcast completes without rank 2");
    TC_CHECK(ap, msw_now_ns() - t0 < 2000000000ull, "took too long");
    TC_CHECK(ap, !ap_peer_alive(ap, 2), "rank 2 declared dead");
    return 0;
}

static void test_dead_peer(void **state)
{
    (void)state;
    struct tc_opts o = opts(3);
    o.ap.giveup_ns = 200000000ull;
    o.down_mask = 1u << 2;
    run_ok(&o, dead_peer_node, NULL);
    run_ok(&o, dead_peer_bcast_node, NULL);
}

/* ---- foreign frames go to the job layer's callback ---- */

static void foreign_cb(void *arg, const void *frame, size_t len)
{
    const uint8_t *f = frame;
    if (len >= 20 && f[AP_ETH_HLEN + 1] == 0x91 && memcmp(f + AP_ETH_HLEN + 2, "job!", 4) == 0)
        (*(int *)arg)++;
}

static int foreign_node(struct ap *ap, void *vp)
{
    (void)vp;
    int seen = 0;
    ap_set_foreign(ap, foreign_cb, &seen);
    tc_sync(ap);
    if (ap_rank(ap) == 0) {
        uint8_t frame[64];
        uint8_t dst[6], src[6];
        msw_mac(1, dst);
        msw_mac(0, src);
        ap_eth_write(frame, dst, src);
        memset(frame + AP_ETH_HLEN, 0, sizeof(frame) - AP_ETH_HLEN);
        frame[AP_ETH_HLEN] = 1;
        frame[AP_ETH_HLEN + 1] = 0x91;
        memcpy(frame + AP_ETH_HLEN + 2, "job!", 4);
        msw_inject(tc_switch(), 1, frame, sizeof(frame));
    } else {
        uint64_t until = msw_now_ns() + 2000000000ull;
        while (!seen && msw_now_ns() < until)
            ap_poll(ap);
        TC_CHECK(ap, seen == 1, "foreign callback ran %d times", seen);
        ap_set_foreign(ap, NULL, NULL);
    }
    return 0;
}

static void test_foreign(void **state)
{
    (void)state;
    struct tc_opts o = opts(2);
    run_ok(&o, foreign_node, NULL);
}

/* ---- argument errors and the counters' text ---- */

static void print_line(void *arg, const char *line)
{
    int *lines = arg;
    if (strchr(line, ' ')) (*lines)++;
}

static int args_node(struct ap *ap, void *vp)
{
    (void)vp;
    uint8_t b[8] = {0};
    struct ap_req req;
    TC_CHECK(ap, ap_send_fc(ap, 5, 1, b, 1) == -AP_EINVAL, "bad rank");
    TC_CHECK(ap, ap_send_fc(ap, -2, 1, b, 1) == -AP_EINVAL, "bad rank");
    TC_CHECK(ap, ap_send_be(ap, 1, AP_MAX_PORTS, b, 1) == -AP_EINVAL, "bad port");
    TC_CHECK(ap, ap_isend_fc(ap, &req, 1, -1, b, 1) == -AP_EINVAL, "bad port");
    TC_CHECK(ap, ap_send_fc(ap, 1, 1, NULL, 5) == -AP_EINVAL, "NULL buffer");
    TC_CHECK(ap, ap_port_open(ap, AP_MAX_PORTS, b, 8, NULL, NULL, 0) == -AP_EINVAL, "port");
    TC_CHECK(ap, ap_port_open(ap, 1, b, 8, NULL, NULL, 0x80) == -AP_EINVAL, "flags");
    TC_CHECK(ap, ap_port_open(ap, 1, NULL, 8, NULL, NULL, 0) == -AP_EINVAL, "NULL buffer");
    TC_CHECK(ap, ap_port_open(ap, 1, b, 8, NULL, NULL, 0) == 0, "open");
    TC_CHECK(ap, ap_port_open(ap, 1, b, 8, NULL, NULL, 0) == -AP_EBUSY, "open twice");
    TC_CHECK(ap, ap_port_close(ap, 1) == 0, "close");
    TC_CHECK(ap, ap_port_close(ap, 1) == -AP_ECLOSED, "close twice");
    TC_CHECK(ap, ap_port_post(ap, 1, NULL, 0) == -AP_ECLOSED, "post closed");
    TC_CHECK(ap, ap_port_wait(ap, 1, 1000, NULL, NULL) == -AP_ECLOSED, "wait closed");
    TC_CHECK(ap, ap_port_open(ap, 2, b, 8, NULL, NULL, 0) == 0, "open");
    TC_CHECK(ap, ap_port_wait(ap, 2, 1000000, NULL, NULL) == -AP_ETIMEDOUT, "wait times out");
    TC_CHECK(ap, strcmp(ap_strerror(-AP_EPEER), ap_strerror(AP_EPEER)) == 0, "strerror sign");
    TC_CHECK(ap, strcmp(ap_drop_name(AP_DROP_CRC), "bad_crc") == 0, "drop names");
    int lines = 0;
    ap_stats_print(ap, print_line, &lines);
    TC_CHECK(ap, lines == 24 + AP_DROP_NREASONS, "stats lines %d", lines);
    char small[16];
    struct ap_stats st;
    ap_stats(ap, &st);
    int need = ap_stats_format(&st, small, sizeof(small));
    TC_CHECK(ap, need > 200 && strlen(small) == sizeof(small) - 1, "format truncates safely");
    return 0;
}

static void test_args(void **state)
{
    (void)state;
    struct tc_opts o = opts(2);
    run_ok(&o, args_node, NULL);
    /* ap_init refuses bad configurations with a reason. */
    struct ap ap;
    struct ap_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    assert_int_equal(ap_init(&ap, &cfg), -AP_EINVAL);
    assert_true(strlen(ap_error(&ap)) > 0);
}

/* ---- ACK timing, stepped by hand in one thread (two engines, one switch) ---- */

static uint64_t fake_clock;
static uint64_t fake_now(void)
{
    return fake_clock;
}

/* Two engines on an in-memory switch, on the fake clock (the caller steps it). */
static struct msw *fake_pair(struct ap a[2])
{
    struct msw_opts so = {.nodes = 2};
    struct msw *sw = msw_create(&so);
    uint8_t macs[2][6];
    msw_mac(0, macs[0]);
    msw_mac(1, macs[1]);
    for (int k = 0; k < 2; k++) {
        struct ap_config cfg = {.nodes = 2,
                                .rank = (unsigned)k,
                                .job_id = 1,
                                .macs = (const uint8_t(*)[6])macs,
                                .link = msw_link(sw, (unsigned)k),
                                .now_ns = fake_now};
        assert_int_equal(ap_init(&a[k], &cfg), 0);
    }
    return sw;
}

static void test_ack_piggyback_and_flush(void **state)
{
    (void)state;
    struct ap a[2];
    struct msw *sw = fake_pair(a);
    uint8_t box[2][8];
    assert_int_equal(ap_port_open(&a[0], 1, box[0], 8, NULL, NULL, 0), 0);
    assert_int_equal(ap_port_open(&a[1], 1, box[1], 8, NULL, NULL, 0), 0);
    struct ap_req ping, pong;
    struct ap_stats st;
    /* 0 -> 1: rank 1 receives; its ACK waits (the pass received something). */
    assert_int_equal(ap_isend_fc(&a[0], &ping, 1, 1, "ping", 4), 0);
    assert_true(ap_poll(&a[1]) > 0);
    assert_int_equal(ap_port_deliveries(&a[1], 1), 1);
    ap_stats(&a[1], &st);
    assert_int_equal(st.acks_sent, 0);
    /* The answer carries the ACK: rank 0's send completes without any pure ACK. */
    assert_int_equal(ap_isend_fc(&a[1], &pong, 0, 1, "pong", 4), 0);
    assert_int_equal(ap_test(&a[0], &ping), 0);
    assert_int_equal(ap_port_deliveries(&a[0], 1), 1);
    ap_stats(&a[1], &st);
    assert_int_equal(st.acks_sent, 0);
    /* Rank 0 stops polling after the pong arrived: ap_flush sends what it owes. */
    assert_int_equal(ap_test(&a[1], &pong), AP_PENDING);
    ap_flush(&a[0]);
    assert_int_equal(ap_test(&a[1], &pong), 0);
    ap_stats(&a[0], &st);
    assert_int_equal(st.acks_sent, 1);
    for (int k = 0; k < 2; k++)
        ap_fini(&a[k]);
    msw_destroy(sw);
}

static int lazy_seen;
static void lazy_handler(struct ap *ap, int src, int port, void *data, size_t len, void *arg)
{
    (void)ap, (void)src, (void)port, (void)data, (void)len, (void)arg;
    lazy_seen++;
}

/* A handler delivery is acknowledged at once (a pure ACK) unless the port is AP_PORT_LAZYACK:
 * then an answer sent after the handler carries the ACK. */
static void test_lazyack_handler(void **state)
{
    (void)state;
    for (int lazy = 0; lazy < 2; lazy++) {
        struct ap a[2];
        struct msw *sw = fake_pair(a);
        uint8_t box[2][8];
        unsigned flags = lazy ? AP_PORT_LAZYACK : 0;
        lazy_seen = 0;
        assert_int_equal(ap_port_open(&a[0], 1, box[0], 8, lazy_handler, NULL, flags), 0);
        assert_int_equal(ap_port_open(&a[1], 1, box[1], 8, lazy_handler, NULL, flags), 0);
        struct ap_req ping, pong;
        struct ap_stats st;
        assert_int_equal(ap_isend_fc(&a[0], &ping, 1, 1, "ping", 4), 0);
        assert_true(ap_poll(&a[1]) > 0);
        assert_int_equal(lazy_seen, 1);
        ap_stats(&a[1], &st);
        assert_int_equal(st.acks_sent, lazy ? 0 : 1);
        assert_int_equal(ap_isend_fc(&a[1], &pong, 0, 1, "pong", 4), 0);
        assert_int_equal(ap_test(&a[0], &ping), 0);
        assert_int_equal(lazy_seen, 2);
        ap_stats(&a[1], &st);
        assert_int_equal(st.acks_sent, lazy ? 0 : 1);
        ap_flush(&a[0]);
        assert_int_equal(ap_test(&a[1], &pong), 0);
        for (int k = 0; k < 2; k++)
            ap_fini(&a[k]);
        msw_destroy(sw);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes_fc),
        cmocka_unit_test(test_sizes_be),
        cmocka_unit_test(test_sizes_fc_crc_jumbo),
        cmocka_unit_test(test_handler_reply),
        cmocka_unit_test(test_nonblocking_slots),
        cmocka_unit_test(test_vectored_and_put),
        cmocka_unit_test(test_oneshot_backpressure),
        cmocka_unit_test(test_closed_port),
        cmocka_unit_test(test_long_rnr_is_not_death),
        cmocka_unit_test(test_self),
        cmocka_unit_test(test_bcast),
        cmocka_unit_test(test_zero_copy_lifetime),
        cmocka_unit_test(test_poll_completion),
        cmocka_unit_test(test_dead_peer),
        cmocka_unit_test(test_foreign),
        cmocka_unit_test(test_args),
        cmocka_unit_test(test_ack_piggyback_and_flush),
        cmocka_unit_test(test_lazyack_handler),
    };
    if (getenv("TEST_FILTER"))
        cmocka_set_test_filter(getenv("TEST_FILTER")); /* e.g. TEST_FILTER='*bcast*' */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
