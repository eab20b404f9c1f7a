/*
 * tests/engine/test_lossy.c — random traffic over a bad network: 5% drop, 1% duplicate, 5%
 * reorder, 0.1% corruption (bit flips), 1% delayed 1 ms; CRC32C on. Flow-controlled traffic
 * must deliver every message exactly once, in order per source, every byte intact; best-effort
 * traffic must never deliver a partial, corrupted, duplicated or out-of-order message.
 * Also: reliable broadcast under faults, and many senders contending for one port (no slots).
 * Run: make build/host/tests/engine/test_lossy && build/host/tests/engine/test_lossy
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "net/crc32c.h"
#include "tests/engine/cluster.h"

#define MAXN    8
#define MAGIC   0x504f5254u
#define HDR_LEN 20

static const struct msw_faults bad_net = {
    .drop = 0.05,
    .dup = 0.01,
    .reorder = 0.05,
    .corrupt = 0.001,
    .delay = 0.01,
    .delay_ns = 1000000,
};

struct traffic {
    unsigned msgs;    /* per node */
    unsigned max_len; /* largest message */
    int fc;
    int slots; /* per-source slots; else all senders share one buffer */
    int wrap;  /* start every sequence number just below 2^32 */
    atomic_uint sent[MAXN][MAXN];
    atomic_uint got[MAXN][MAXN];
};

/* Per-node receive state, handed to the handler. */
struct rx {
    struct traffic *t;
    int me;
    uint32_t next_seq[MAXN]; /* FC: exact; BE: lowest acceptable */
    int bad;
    char why[200];
};

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* A message: magic, src, dst, seq, crc32c(payload) then a pattern payload. */
static size_t build(uint8_t *m, size_t len, int src, int dst, uint32_t seq)
{
    if (len < HDR_LEN) len = HDR_LEN;
    uint32_t h[5] = {MAGIC, (uint32_t)src, (uint32_t)dst, seq, 0};
    for (size_t i = HDR_LEN; i < len; i++)
        m[i] = tc_pattern(seq * 31 + (uint32_t)src, i);
    h[4] = crc32c(m + HDR_LEN, len - HDR_LEN);
    memcpy(m, h, HDR_LEN);
    return len;
}

static void rx_bad(struct rx *rx, const char *fmt, unsigned a, unsigned b)
{
    if (!rx->bad++) snprintf(rx->why, sizeof(rx->why), fmt, a, b);
}

static void on_msg(struct ap *ap, int src, int port, void *data, size_t len, void *arg)
{
    struct rx *rx = arg;
    uint32_t h[5];
    (void)port;
    if (len < HDR_LEN) {
        rx_bad(rx, "short message %u from %u", (unsigned)len, (unsigned)src);
        goto rearm;
    }
    memcpy(h, data, HDR_LEN);
    if (h[0] != MAGIC || h[1] != (uint32_t)src || h[2] != (uint32_t)rx->me) {
        rx_bad(rx, "bad header from %u (claims %u)", (unsigned)src, h[1]);
        goto rearm;
    }
    if (crc32c((uint8_t *)data + HDR_LEN, len - HDR_LEN) != h[4]) {
        rx_bad(rx, "corrupted payload from %u seq %u", (unsigned)src, h[3]);
        goto rearm;
    }
    if (rx->t->fc ? h[3] != rx->next_seq[src] : h[3] < rx->next_seq[src]) {
        rx_bad(rx, "seq %u from %u out of order", h[3], (unsigned)src);
        goto rearm;
    }
    rx->next_seq[src] = h[3] + 1;
    atomic_fetch_add(&rx->t->got[src][rx->me], 1);
rearm:
    ap_port_post(ap, 30, NULL, 0);
}

/* Test-only surgery on the engine's state (every node does the same before any traffic):
 * all frame and message sequence numbers start just below the 32-bit wrap. */
static void start_near_wrap(struct ap *ap)
{
    const uint32_t x = 0xFFFFFFF0u;
    for (unsigned i = 0; i < ap->nodes; i++) {
        struct ap_peer *p = &ap->peers[i];
        p->fc.una = p->fc.nxt = p->fc.rtx = x;
        p->rx_expect[0] = p->rx_expect[1] = x;
        p->back = x;
        p->fc.msg_seq = p->be_msg_seq = x;
    }
    ap->bfc.una = ap->bfc.nxt = ap->bfc.rtx = x;
    ap->bfc.msg_seq = ap->be_bc_seq = x;
}

static int traffic_node(struct ap *ap, void *vp)
{
    struct traffic *t = vp;
    int me = ap_rank(ap), n = ap_nodes(ap);
    if (t->wrap) start_near_wrap(ap);
    struct rx rx;
    memset(&rx, 0, sizeof(rx));
    rx.t = t;
    rx.me = me;
    size_t inbox = (size_t)t->max_len * (t->slots ? (unsigned)n : 1);
    uint8_t *in = malloc(inbox);
    enum { OUTSTANDING = 6 };
    uint8_t *out[OUTSTANDING];
    struct ap_req req[OUTSTANDING];
    int busy[OUTSTANDING] = {0};
    for (int k = 0; k < OUTSTANDING; k++)
        out[k] = malloc(t->max_len);
    TC_CHECK(ap, in && out[OUTSTANDING - 1], "malloc");
    unsigned flags = AP_PORT_ONESHOT | (t->slots ? AP_PORT_SLOTS : 0);
    TC_CHECK(ap, ap_port_open(ap, 30, in, inbox, on_msg, &rx, flags) == 0, "open");
    tc_sync(ap);
    uint64_t seed = 0x1234567ull * (uint64_t)(me + 1);
    uint32_t seq[MAXN] = {0};
    for (unsigned i = 0; i < t->msgs; i++) {
        int dst = (me + 1 + (int)(rnd(&seed) % (uint64_t)(n - 1))) % n;
        uint64_t r = rnd(&seed);
        size_t len = r % 16 == 0 ? t->max_len - (r >> 8) % 100 : (r >> 8) % 3000;
        if (i % 3 == 0) {
            /* Blocking. */
            size_t l = build(out[0], len, me, dst, seq[dst]);
            int rc =
                t->fc ? ap_send_fc(ap, dst, 30, out[0], l) : ap_send_be(ap, dst, 30, out[0], l);
            TC_CHECK(ap, rc == 0, "send: %s", ap_strerror(rc));
        } else {
            /* Non-blocking: reuse a finished request slot (index 0 is the blocking one). */
            int k;
            for (;;) {
                for (k = 1; k < OUTSTANDING; k++)
                    if (!busy[k] || ap_test(ap, &req[k]) <= 0) break;
                if (k < OUTSTANDING) break;
            }
            if (busy[k])
                TC_CHECK(ap, req[k].status == 0, "isend failed: %s", ap_strerror(req[k].status));
            size_t l = build(out[k], len, me, dst, seq[dst]);
            int rc = t->fc ? ap_isend_fc(ap, &req[k], dst, 30, out[k], l)
                           : ap_isend_be(ap, &req[k], dst, 30, out[k], l);
            TC_CHECK(ap, rc == 0, "isend: %s", ap_strerror(rc));
            busy[k] = 1;
        }
        seq[dst]++;
        atomic_fetch_add(&t->sent[me][dst], 1);
    }
    for (int k = 1; k < OUTSTANDING; k++)
        if (busy[k]) TC_CHECK(ap, ap_wait(ap, &req[k]) == 0, "final wait");
    tc_sync(ap);
    /* Everybody's sends are complete: FC ones were delivered, and their handlers ran
     * before the ACK that completed them left the receiver. */
    TC_CHECK(ap, rx.bad == 0, "%d bad deliveries, first: %s", rx.bad, rx.why);
    for (int s = 0; s < n; s++) {
        unsigned sent = atomic_load(&t->sent[s][me]), got = atomic_load(&t->got[s][me]);
        if (t->fc)
            TC_CHECK(ap, got == sent, "from %d: %u delivered of %u sent", s, got, sent);
        else
            TC_CHECK(ap, got <= sent, "from %d: %u delivered of %u sent", s, got, sent);
    }
    tc_sync(ap); /* nobody closes its port while others may still deliver into it */
    for (int k = 0; k < OUTSTANDING; k++)
        free(out[k]);
    ap_port_close(ap, 30);
    free(in);
    return 0;
}

static struct tc_opts lossy_opts(unsigned nodes, uint64_t seed)
{
    struct tc_opts o;
    memset(&o, 0, sizeof(o));
    o.nodes = nodes;
    o.sw.seed = seed;
    o.sw.faults = bad_net;
    o.ap.job_id = 0xC0FFEE;
    o.ap.crc = true;
    o.ap.rto_init_ns = 3000000;
    o.ap.rto_min_ns = 1000000;
    o.ap.rto_max_ns = 50000000;
    o.ap.giveup_ns = 20000000000ull;
    o.timeout_s = 20;
    return o;
}

static void report(const char *what, unsigned nodes, struct tc_result *res)
{
    printf("%s: switch sent %llu, dropped %llu, duplicated %llu, reordered %llu, corrupted %llu, "
           "delayed %llu; engine: retransmits %llu, timeouts %llu, fast %llu, crc drops %llu, "
           "dups %llu, be aborted %llu, delivered %llu msgs\n",
           what, (unsigned long long)res->sw.sent, (unsigned long long)res->sw.dropped,
           (unsigned long long)res->sw.duplicated, (unsigned long long)res->sw.reordered,
           (unsigned long long)res->sw.corrupted, (unsigned long long)res->sw.delayed,
           (unsigned long long)TC_SUM(res, nodes, retransmits),
           (unsigned long long)TC_SUM(res, nodes, timeouts),
           (unsigned long long)TC_SUM(res, nodes, fast_retransmits),
           (unsigned long long)TC_SUM(res, nodes, drop[AP_DROP_CRC]),
           (unsigned long long)TC_SUM(res, nodes, drop[AP_DROP_DUP]),
           (unsigned long long)TC_SUM(res, nodes, be_aborted),
           (unsigned long long)TC_SUM(res, nodes, rx_msgs));
}

static void run_traffic(unsigned nodes, int fc, int slots, unsigned msgs, unsigned max_len,
                        uint64_t seed, const char *what)
{
    struct tc_opts o = lossy_opts(nodes, seed);
    struct traffic *t = calloc(1, sizeof(*t));
    t->wrap = strstr(what, "wrap") != NULL;
    t->msgs = msgs;
    t->max_len = max_len;
    t->fc = fc;
    t->slots = slots;
    struct tc_result res;
    unsigned failed = tc_run(&o, traffic_node, t, &res);
    report(what, nodes, &res);
    unsigned delivered = 0, sent = 0;
    for (unsigned s = 0; s < nodes; s++)
        for (unsigned d = 0; d < nodes; d++) {
            delivered += atomic_load(&t->got[s][d]);
            sent += atomic_load(&t->sent[s][d]);
        }
    free(t);
    if (failed) fail_msg("%u node(s) failed: %s", failed, res.why);
    assert_int_equal(sent, nodes * msgs);
    /* The faults really happened, and were really repaired or rejected. */
    assert_true(res.sw.dropped > 0 && res.sw.duplicated > 0 && res.sw.reordered > 0);
    if (fc)
        assert_true(TC_SUM(&res, nodes, retransmits) > 0);
    else
        assert_true(delivered > 0);
}

static void test_fc_random_traffic(void **state)
{
    (void)state;
    run_traffic(4, 1, 1, 150, 200000, 11, "fc, 4 nodes, slots");
}

static void test_fc_shared_port(void **state)
{
    (void)state;
    /* Every sender targets one shared buffer: messages are assembled one at a time. */
    run_traffic(4, 1, 0, 80, 50000, 12, "fc, 4 nodes, one shared buffer");
}

static void test_be_random_traffic(void **state)
{
    (void)state;
    run_traffic(4, 0, 1, 200, 100000, 13, "be, 4 nodes, slots");
}

static void test_sequence_wrap(void **state)
{
    (void)state;
    /* Frame, message and BE sequence numbers cross 2^32 during the run. */
    run_traffic(3, 1, 1, 60, 20000, 15, "fc, 3 nodes, sequence wrap");
    run_traffic(3, 0, 1, 60, 20000, 16, "be, 3 nodes, sequence wrap");
}

static void test_be_shared_port(void **state)
{
    (void)state;
    run_traffic(3, 0, 0, 150, 30000, 14, "be, 3 nodes, one shared buffer");
}

/* ---- reliable broadcast under faults ---- */

struct bc {
    unsigned rounds;
    size_t len;
};

struct bc_rx {
    size_t len;
    uint8_t *slots;
    unsigned got[MAXN];
    int bad;
};

static void on_bcast(struct ap *ap, int src, int port, void *data, size_t len, void *arg)
{
    struct bc_rx *rx = arg;
    uint32_t h[5];
    memcpy(h, data, HDR_LEN);
    /* Root src sends rounds src, src + n, src + 2n, ... in order. */
    uint32_t want = (uint32_t)src + rx->got[src] * (uint32_t)ap_nodes(ap);
    if (len != rx->len || (uint8_t *)data != rx->slots + (size_t)src * rx->len ||
        h[1] != (uint32_t)src || h[3] != want ||
        crc32c((uint8_t *)data + HDR_LEN, len - HDR_LEN) != h[4])
        rx->bad++;
    rx->got[src]++;
    ap_port_post_slot(ap, port, src);
}

static int bcast_fc_node(struct ap *ap, void *vp)
{
    struct bc *b = vp;
    int me = ap_rank(ap), n = ap_nodes(ap);
    struct bc_rx rx;
    memset(&rx, 0, sizeof(rx));
    rx.len = b->len;
    rx.slots = malloc(b->len * (size_t)n);
    uint8_t *out = malloc(b->len);
    TC_CHECK(ap, rx.slots && out, "malloc");
    TC_CHECK(ap,
             ap_port_open(ap, 31, rx.slots, b->len * (size_t)n, on_bcast, &rx,
                          AP_PORT_ONESHOT | AP_PORT_SLOTS) == 0,
             "open");
    tc_sync(ap);
    for (unsigned r = 0; r < b->rounds; r++)
        if ((unsigned)me == r % (unsigned)n) {
            build(out, b->len, me, 0, r);
            TC_CHECK(ap, ap_bcast_fc(ap, 31, out, b->len) == 0, "bcast_fc round %u", r);
        }
    /* Every root's broadcasts must all arrive, intact and in order. */
    for (int s = 0; s < n; s++) {
        unsigned want = s == me ? 0 : (b->rounds - (unsigned)s + (unsigned)n - 1) / (unsigned)n;
        uint64_t until = msw_now_ns() + 20000000000ull;
        while (rx.got[s] < want && msw_now_ns() < until)
            ap_poll(ap);
        TC_CHECK(ap, rx.got[s] == want, "from root %d: %u of %u broadcasts", s, rx.got[s], want);
    }
    TC_CHECK(ap, rx.bad == 0, "%d bad broadcasts", rx.bad);
    tc_sync(ap);
    ap_port_close(ap, 31);
    free(rx.slots);
    free(out);
    return 0;
}

static void test_bcast_fc_lossy(void **state)
{
    (void)state;
    struct tc_opts o = lossy_opts(5, 21);
    struct bc b = {20, 40000};
    struct tc_result res;
    unsigned failed = tc_run(&o, bcast_fc_node, &b, &res);
    report("bcast fc, 5 nodes", 5, &res);
    if (failed) fail_msg("%u node(s) failed: %s", failed, res.why);
}

/* Selective repair: a 2-node FC stream over a switch that only drops frames (1%). With
 * go-back-N every loss resent the rest of the window (about 20 frames each here); with the
 * receiver holding frames past a gap and reporting them (SACK), a lost frame costs about one
 * resent frame. Every message arrives whole and in order. */
#define SR_MSGS 150
#define SR_LEN  65536

static int sr_node(struct ap *ap, void *arg)
{
    (void)arg;
    static uint8_t out[SR_LEN], in[SR_LEN];
    int me = ap_rank(ap);
    if (me == 1) {
        TC_CHECK(ap, ap_port_open(ap, 5, in, sizeof in, NULL, NULL, AP_PORT_ONESHOT) == 0, "open");
    }
    tc_sync(ap);
    for (uint32_t m = 0; m < SR_MSGS; m++) {
        if (me == 0) {
            for (size_t i = 0; i < SR_LEN; i++)
                out[i] = tc_pattern(m, i);
            int rc = ap_send_fc(ap, 1, 5, out, SR_LEN);
            TC_CHECK(ap, rc == 0, "send %u: %s", m, ap_strerror(rc));
        } else {
            size_t len = 0;
            int rc = ap_port_wait(ap, 5, 10000000000ull, NULL, &len);
            TC_CHECK(ap, rc == 0 && len == SR_LEN, "message %u: rc %d len %zu", m, rc, len);
            for (size_t i = 0; i < SR_LEN; i++)
                TC_CHECK(ap, in[i] == tc_pattern(m, i), "message %u byte %zu wrong", m, i);
            ap_port_post(ap, 5, NULL, 0);
        }
    }
    tc_sync(ap);
    return 0;
}

static void test_fc_selective_repair(void **state)
{
    (void)state;
    struct tc_opts o = lossy_opts(2, 33);
    memset(&o.sw.faults, 0, sizeof(o.sw.faults));
    o.sw.faults.drop = 0.01;
    struct tc_result res;
    unsigned failed = tc_run(&o, sr_node, NULL, &res);
    report("fc stream, 1% drop", 2, &res);
    if (failed) fail_msg("%u node(s) failed: %s", failed, res.why);
    uint64_t retx = res.stats[0].retransmits;
    printf("selective repair: %llu frames dropped by the switch, %llu resent, %llu held, "
           "%llu resends saved\n",
           (unsigned long long)res.sw.dropped, (unsigned long long)retx,
           (unsigned long long)res.stats[1].sack_held,
           (unsigned long long)res.stats[0].sack_skipped);
    assert_true(res.sw.dropped > 0);
    assert_true(res.stats[1].sack_held > 0);
    /* About one resend per loss; go-back-N needed ~20. Lost ACKs and tail losses (which end
     * in a timeout that resends what is unacknowledged) leave room for a few more. */
    if (retx > 3 * res.sw.dropped + 32)
        fail_msg("%llu frames resent for %llu dropped: not selective", (unsigned long long)retx,
                 (unsigned long long)res.sw.dropped);
}

/* BE pacing: a sender 10 x faster than the switch port (20 MB/s, 48 KB of buffer) sends
 * 64 KiB messages back to back. Unpaced, every message overflows the port's buffer and loses
 * its tail; with the receiver's loss reports the sender paces itself below the port's rate
 * and most messages arrive whole. Losses stay possible, corruption never. */
#define BP_MSGS 150
#define BP_LEN  65536

struct bp {
    atomic_uint got, bad;
    uint32_t msgs; /* messages rank 0 sends */
    long pause_ns; /* rank 0 polls this long after each send (0: back to back) */
};

static void bp_msg(struct ap *ap, int src, int port, void *data, size_t len, void *arg)
{
    (void)ap, (void)src, (void)port;
    struct bp *b = arg;
    uint32_t m;
    memcpy(&m, data, sizeof(m));
    int ok = len == BP_LEN && m < b->msgs;
    for (size_t i = sizeof(m); ok && i < len; i++)
        ok = ((uint8_t *)data)[i] == tc_pattern(m, i);
    atomic_fetch_add(ok ? &b->got : &b->bad, 1);
}

static int bp_node(struct ap *ap, void *arg)
{
    struct bp *b = arg;
    static uint8_t out[BP_LEN], in[BP_LEN];
    if (ap_rank(ap) == 1)
        TC_CHECK(ap, ap_port_open(ap, 6, in, sizeof in, bp_msg, b, 0) == 0, "open");
    tc_sync(ap);
    if (ap_rank(ap) == 0) {
        for (uint32_t m = 0; m < b->msgs; m++) {
            memcpy(out, &m, sizeof(m));
            for (size_t i = sizeof(m); i < BP_LEN; i++)
                out[i] = tc_pattern(m, i);
            int rc = ap_send_be(ap, 1, 6, out, BP_LEN);
            TC_CHECK(ap, rc == 0, "send %u: %s", m, ap_strerror(rc));
            struct timespec t0, t;
            clock_gettime(CLOCK_MONOTONIC, &t0);
            do {
                ap_poll(ap);
                clock_gettime(CLOCK_MONOTONIC, &t);
            } while ((t.tv_sec - t0.tv_sec) * 1000000000L + (t.tv_nsec - t0.tv_nsec) < b->pause_ns);
        }
    }
    tc_sync(ap);
    return 0;
}

static void test_be_paced_through_slow_switch(void **state)
{
    (void)state;
    struct tc_opts o = lossy_opts(2, 44);
    memset(&o.sw.faults, 0, sizeof(o.sw.faults));
    o.sw.faults.rate = 20000000;
    o.sw.faults.buffer = 32 * 1500;
    o.sw.faults.tx_rate = 200000000; /* the senders' links: 10 x the port */
    struct bp b = {.msgs = BP_MSGS};
    struct tc_result res;
    unsigned failed = tc_run(&o, bp_node, &b, &res);
    report("be stream through a 20 MB/s port", 2, &res);
    if (failed) fail_msg("%u node(s) failed: %s", failed, res.why);
    unsigned got = atomic_load(&b.got);
    printf("be pacing: %u of %u messages delivered whole, %u bad; %llu loss reports, "
           "%llu frames held back\n",
           got, BP_MSGS, atomic_load(&b.bad), (unsigned long long)res.stats[0].be_loss_reports,
           (unsigned long long)res.stats[0].be_paced);
    assert_int_equal(atomic_load(&b.bad), 0);
    assert_true(res.stats[0].be_loss_reports > 0);
    /* Unpaced, none arrives whole: each 64 KiB message overflows the port's 48 KB at 10x its
     * rate (0 of 150, checked with pacing switched off). Paced, nearly all do on a quiet host
     * (142-144 of 150); threads descheduled on a loaded host disturb the arrival rate the
     * receiver measures (74-135 seen at load 8-12), so the bar only says pacing took hold. */
    assert_true(res.stats[0].be_paced > 0);
    if (got < BP_MSGS / 10) fail_msg("only %u of %u BE messages delivered", got, BP_MSGS);
}

/* BE pacing must tell random loss from congestion. The switch keeps up with the senders'
 * 100 MB/s links and only drops 3% of the frames at random; the sender sends 64 KiB messages
 * with pauses between them, as an application does between phases. Pacing cannot cure random
 * loss, so it must not engage: the loss reports arrive (a 44-frame message loses a frame
 * more often than not), but lone lost frames carry no rate, and rates are measured while
 * frames flow, not over the pauses. Before, the pauses counted as slow arrivals: report after
 * report cut the rate, towards the 256 KB/s floor, a collapse of the whole BE stream. */
#define BR_MSGS 60

static void test_be_random_loss_not_paced(void **state)
{
    (void)state;
    struct tc_opts o = lossy_opts(2, 45);
    memset(&o.sw.faults, 0, sizeof(o.sw.faults));
    o.sw.faults.drop = 0.03;
    o.sw.faults.tx_rate = 100000000;
    /* A pause of about 2 ms after each message (its own time on the link is 0.7 ms). */
    struct bp b = {.msgs = BR_MSGS, .pause_ns = 2000000};
    struct tc_result res;
    unsigned failed = tc_run(&o, bp_node, &b, &res);
    report("be messages with pauses, 3% random loss", 2, &res);
    if (failed) fail_msg("%u node(s) failed: %s", failed, res.why);
    printf("be random loss: %u of %u messages whole, %u bad; %llu loss reports, %llu pace "
           "cuts, %llu frames held back\n",
           atomic_load(&b.got), BR_MSGS, atomic_load(&b.bad),
           (unsigned long long)res.stats[0].be_loss_reports,
           (unsigned long long)res.stats[0].be_pace_cuts,
           (unsigned long long)res.stats[0].be_paced);
    assert_int_equal(atomic_load(&b.bad), 0);
    assert_true(res.sw.dropped > 0);
    assert_true(res.stats[0].be_loss_reports > 0);
    /* Three frames lost in a row look like congestion and happen about once in 37000 frames
     * at 3% (this run sends about 2700); before, 3 to 10 of the reports cut the rate. */
    if (res.stats[0].be_pace_cuts > 2)
        fail_msg("random loss paced: %llu cuts for %llu reports",
                 (unsigned long long)res.stats[0].be_pace_cuts,
                 (unsigned long long)res.stats[0].be_loss_reports);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bcast_fc_lossy),
        cmocka_unit_test(test_fc_random_traffic),
        cmocka_unit_test(test_fc_shared_port),
        cmocka_unit_test(test_be_random_traffic),
        cmocka_unit_test(test_be_shared_port),
        cmocka_unit_test(test_sequence_wrap),
        cmocka_unit_test(test_fc_selective_repair),
        cmocka_unit_test(test_be_paced_through_slow_switch),
        cmocka_unit_test(test_be_random_loss_not_paced),
    };
    if (getenv("TEST_FILTER"))
        cmocka_set_test_filter(getenv("TEST_FILTER")); /* e.g. TEST_FILTER='*bcast*' */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
