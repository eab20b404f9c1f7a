/*
 * tests/engine/test_forge.c — an attacker on the switch. A forging "third node" (frames put
 * straight into a victim's receive queue, built from what a sniffer of the segment sees)
 * against engines over the in-memory switch, one test per hole that was open: argv length
 * (job_argv_share), forged ACKs, best-effort frames on control and collective ports, stream
 * injection and blind sequence sweeps, a peer dying half-way through a message, forged RNRs
 * keeping a dead peer alive, mismatched reduce counts, far-ahead BE sequences, puts past the
 * buffer or 2^32; and a keyed job over a corrupting switch. Built with ASan too.
 * Run: make unit-test (build/host/tests/engine/test_forge).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "net/ap_internal.h"
#include "net/job_argv.h"
#include "net/siphash.h"
#include "tests/engine/cluster.h"

#define FORGER 7 /* the attacker's own MAC is node 7's (no such node in these jobs) */

static struct ap *aps[8];
static atomic_int flag;
static const uint8_t KEY[16] = {0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe,
                                0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef};
static const uint8_t *use_key; /* the key the forger uses (none, or a wrong one) */
static int spoof;              /* forge the claimed rank's MAC (else the forger's own) */

static void publish(struct ap *ap)
{
    aps[ap_rank(ap)] = ap;
    tc_sync(ap);
}

static void poll_n(struct ap *ap, int n)
{
    for (int i = 0; i < n; i++)
        ap_poll(ap);
}

/* A header as the victim `to` expects it from rank `src`. */
static struct ap_hdr forge_hdr(unsigned to, unsigned src, uint8_t type, uint16_t flags, int port)
{
    struct ap_hdr h;
    memset(&h, 0, sizeof h);
    h.version = AP_WIRE_VERSION;
    h.type = type;
    h.flags = flags;
    h.job = aps[to]->job;
    h.src = (uint16_t)src;
    h.dst = (flags & AP_F_BCAST) ? AP_WIRE_ALL : (uint16_t)to;
    h.port = (uint16_t)port;
    return h;
}

static void forge_send(unsigned to, struct ap_hdr h, const void *pay, uint16_t n)
{
    uint8_t fr[2048], dst[6], src[6];
    h.frag_len = n;
    if (h.type == AP_T_DATA && !h.msg_len) h.msg_len = n;
    if (h.type == AP_T_DATA) h.flags |= AP_F_FIRST | AP_F_LAST;
    if (h.flags & AP_F_BCAST)
        memset(dst, 0xFF, 6);
    else
        msw_mac(to, dst);
    msw_mac(spoof ? h.src : FORGER, src);
    if (use_key) h.flags |= AP_F_AUTH;
    ap_eth_write(fr, dst, src);
    ap_hdr_write(fr + AP_ETH_HLEN, &h);
    if (n) memcpy(fr + AP_FRAME_HLEN, pay, n);
    size_t len = AP_FRAME_HLEN + n;
    if (use_key) {
        struct sip_key k;
        struct sip_state st;
        sip_key_load(&k, use_key);
        sip_init(&st, &k);
        sip_update(&st, fr + AP_ETH_HLEN, AP_HDR_CRC_OFF);
        sip_update(&st, fr + AP_FRAME_HLEN, n);
        uint64_t t = sip_final(&st);
        memcpy(fr + len, &t, 8);
        len += 8;
    }
    msw_inject(tc_switch(), to, fr, (unsigned)len);
}

static uint64_t drops(struct ap *ap, int reason)
{
    return ap->st.drop[reason];
}

static struct tc_opts opts(unsigned nodes, int keyed)
{
    struct tc_opts o;
    memset(&o, 0, sizeof(o));
    o.nodes = nodes;
    o.sw.seed = 3;
    o.ap.job_id = 7;
    o.ap.seq_seed = 0x5eed;
    o.ap.rto_init_ns = 5000000;
    o.ap.rto_min_ns = 1000000;
    o.ap.giveup_ns = 5000000000ull;
    o.ap.coll_timeout_ns = 5000000000ull;
    o.ap.key = keyed ? KEY : NULL;
    o.timeout_s = 60;
    return o;
}

static void run_ok(struct tc_opts *o, tc_node_fn fn)
{
    struct tc_result res;
    atomic_store(&flag, 0);
    unsigned failed = tc_run(o, fn, NULL, &res);
    if (failed) fail_msg("%u node(s) failed: %s", failed, res.why);
}

/* Variants: no key, the forger uses its own MAC (the Ethernet source check stops it); with a
 * key, the forger spoofs the MAC and signs with a key of its own (the tag stops it). */
static void variant(int keyed)
{
    spoof = keyed;
    use_key = NULL;
    static const uint8_t WRONG[16] = {9};
    if (keyed) use_key = WRONG;
}

/* ---- 1: argv lengths ---- */

static int argv_node(struct ap *ap, void *vp)
{
    (void)vp;
    publish(ap);
    char buf[16]; /* ASan catches a write past it */
    uint32_t len = 0;
    if (ap_rank(ap) == 0) {
        /* Forged frames "from rank 0" on the collective port with the tags of the next two
         * collectives: a length of 1456, then 1456 bytes. Best effort, rank 0's own MAC. */
        spoof = 1;
        uint32_t ep = aps[1]->coll_epoch, big = 1456;
        static uint8_t junk[1456];
        memset(junk, 'A', sizeof junk);
        struct ap_hdr h = forge_hdr(1, 0, AP_T_DATA, 0, AP_COLL_PORT);
        h.base = ((ep + 1) & 0xFFFFFF) << 8;
        h.msg_seq = aps[1]->peers[0].be_last[0] + 1;
        forge_send(1, h, &big, 4);
        h.base = ((ep + 2) & 0xFFFFFF) << 8;
        h.msg_seq++;
        forge_send(1, h, junk, sizeof junk);
        memcpy(buf, "a\0bc\0", 5);
        len = 5;
    }
    tc_sync(ap);
    int r = job_argv_share(ap, buf, sizeof buf, &len);
    TC_CHECK(ap, r == 0, "argv: %s", ap_strerror(r));
    TC_CHECK(ap, len == 5 && !memcmp(buf, "a\0bc\0", 5), "argv replaced (len %u)", len);
    if (ap_rank(ap) == 1)
        TC_CHECK(ap, drops(ap, AP_DROP_NOT_FC) == 2, "not_fc drops: %llu",
                 (unsigned long long)drops(ap, AP_DROP_NOT_FC));
    /* A member that sends more than fits is refused, not stored. */
    char small[4];
    len = 5;
    if (ap_rank(ap) == 0) memcpy(small, "x\0y", 4);
    r = job_argv_share(ap, ap_rank(ap) == 0 ? buf : small, ap_rank(ap) == 0 ? 16 : sizeof small,
                       &len);
    if (ap_rank(ap) == 1) TC_CHECK(ap, r == -AP_EMSGSIZE, "5 bytes into 4 accepted: %d", r);
    return 0;
}

static void test_argv_length_checked(void **state)
{
    (void)state;
    struct tc_opts o = opts(2, 0);
    o.ap.coll_timeout_ns = 500000000ull; /* rank 0's second broadcast finds no receiver */
    run_ok(&o, argv_node);
}

/* ---- 2: a forged ACK does not complete a send that never arrived ---- */

static int ack_node(struct ap *ap, void *vp)
{
    (void)vp;
    static uint8_t inbox[64];
    if (ap_rank(ap) == 1) {
        TC_CHECK(ap, ap_port_open(ap, 5, inbox, sizeof inbox, NULL, NULL, AP_PORT_ONESHOT) == 0,
                 "open");
        publish(ap);
        TC_CHECK(ap, ap_port_wait(ap, 5, AP_FOREVER, NULL, NULL) == 0, "first");
        tc_sync(ap); /* A: now disarmed */
        tc_sync(ap); /* B: the forger is done */
        ap_port_post(ap, 5, NULL, 0);
        TC_CHECK(ap, ap_port_wait(ap, 5, AP_FOREVER, NULL, NULL) == 0, "second");
        TC_CHECK(ap, !memcmp(inbox, "second", 6), "second message lost");
        return 0;
    }
    publish(ap);
    TC_CHECK(ap, ap_send_fc(ap, 1, 5, "first", 5) == 0, "first send");
    tc_sync(ap); /* A */
    struct ap_req req;
    TC_CHECK(ap, ap_isend_fc(ap, &req, 1, 5, "second", 6) == 0, "isend");
    poll_n(ap, 200); /* refused: RNR */
    struct ap_peer *p = &ap->peers[1];
    struct ap_hdr h = forge_hdr(0, 1, AP_T_ACK, AP_F_ACK | AP_F_BACK, 0);
    h.ack = p->fc.nxt; /* everything we sent: as a sniffer of our frames knows */
    h.msg_seq = p->back;
    forge_send(0, h, NULL, 0);
    /* The same ACK piggybacked on a DATA frame that is itself garbage. */
    struct ap_hdr d = forge_hdr(0, 1, AP_T_DATA, AP_F_FC | AP_F_ACK, 40);
    d.ack = p->fc.nxt;
    d.seq = p->rx_expect[0] + 1000;
    forge_send(0, d, "zz", 2);
    poll_n(ap, 200);
    TC_CHECK(ap, req.status == AP_PENDING, "send completed (%d) though nothing arrived",
             req.status);
    tc_sync(ap); /* B */
    int r = ap_wait(ap, &req);
    TC_CHECK(ap, r == 0, "second send: %s", ap_strerror(r));
    TC_CHECK(ap, drops(ap, spoof ? AP_DROP_AUTH : AP_DROP_ETH_SRC) >= 2, "forgeries not counted");
    return 0;
}

static void test_forged_ack(void **state)
{
    (void)state;
    for (int keyed = 0; keyed < 2; keyed++) {
        variant(keyed);
        struct tc_opts o = opts(2, keyed);
        run_ok(&o, ack_node);
    }
}

/* ---- 3 and 4: best effort to an FC-only port; injection into FC streams ---- */

static atomic_int handled;
static void count_msg(struct ap *ap, int src, int port, void *data, size_t len, void *arg)
{
    (void)ap, (void)src, (void)port, (void)len, (void)arg;
    if (len == 4 && !memcmp(data, "real", 4))
        atomic_fetch_add(&handled, 1);
    else
        atomic_fetch_add(&handled, 1000); /* a forged message got through */
}

static int inject_node(struct ap *ap, void *vp)
{
    (void)vp;
    static uint8_t ctl[2][64], bcbuf[64];
    if (ap_rank(ap) == 1) {
        TC_CHECK(ap,
                 ap_port_open(ap, 6, ctl[1], sizeof ctl[1], count_msg, NULL,
                              AP_PORT_SLOTS | AP_PORT_FC_ONLY) == 0,
                 "open 6");
        TC_CHECK(ap, ap_port_open(ap, 7, bcbuf, sizeof bcbuf, count_msg, NULL, 0) == 0, "open 7");
        publish(ap);
        tc_sync(ap); /* forgeries in */
        poll_n(ap, 100);
        TC_CHECK(ap, atomic_load(&handled) == 0, "a forged message was delivered (%d)",
                 atomic_load(&handled));
        tc_sync(ap); /* real traffic */
        while (atomic_load(&handled) < 3)
            ap_poll(ap);
        TC_CHECK(ap, atomic_load(&handled) == 3, "delivered %d", atomic_load(&handled));
        return 0;
    }
    (void)ctl;
    publish(ap);
    struct ap_peer *v = &aps[1]->peers[0]; /* what rank 1 expects from rank 0 */
    /* A best-effort broadcast "from rank 0" to the control port (rank 0's MAC). */
    int was = spoof;
    spoof = 1;
    struct ap_hdr h = forge_hdr(1, 0, AP_T_DATA, AP_F_BCAST, 6);
    h.msg_seq = v->be_last[1] + 1;
    forge_send(1, h, "SHUT", 4);
    spoof = was;
    /* The next frame of the reliable broadcast stream, and of the unicast one. */
    h = forge_hdr(1, 0, AP_T_DATA, AP_F_FC | AP_F_BCAST, 7);
    h.seq = v->rx_expect[1];
    forge_send(1, h, "fake", 4);
    h = forge_hdr(1, 0, AP_T_DATA, AP_F_FC, 7);
    h.seq = v->rx_expect[0];
    forge_send(1, h, "fake", 4);
    /* A blind sweep of unicast sequence numbers 0..63 with rank 0's MAC and no key. */
    if (!use_key) {
        spoof = 1;
        for (uint32_t s = 0; s < 64; s++) {
            h.seq = s;
            forge_send(1, h, "fake", 4);
        }
        spoof = was;
    }
    tc_sync(ap);
    tc_sync(ap);
    TC_CHECK(ap, ap_bcast_fc(ap, 7, "real", 4) == 0, "bcast");
    TC_CHECK(ap, ap_send_fc(ap, 1, 6, "real", 4) == 0, "send ctl");
    TC_CHECK(ap, ap_send_fc(ap, 1, 7, "real", 4) == 0, "send");
    return 0;
}

static void test_injection(void **state)
{
    (void)state;
    for (int keyed = 0; keyed < 2; keyed++) {
        variant(keyed);
        atomic_store(&handled, 0);
        struct tc_opts o = opts(2, keyed);
        struct tc_result res;
        atomic_store(&flag, 0);
        if (tc_run(&o, inject_node, NULL, &res)) fail_msg("%s", res.why);
        if (!keyed) assert_true(res.stats[1].drop[AP_DROP_NOT_FC] == 1);
        assert_true(res.stats[1].drop[keyed ? AP_DROP_AUTH : AP_DROP_ETH_SRC] >= 2);
    }
}

/* ---- 5: a peer dying half-way through a message releases the port ---- */

static int dying_node(struct ap *ap, void *vp)
{
    (void)vp;
    static uint8_t big[150000], inbox[200000];
    static struct ap_req req;
    if (ap_rank(ap) == 1) {
        TC_CHECK(ap, ap_port_open(ap, 8, inbox, sizeof inbox, NULL, NULL, 0) == 0, "open");
        publish(ap);
        for (;;) {
            int src = -1;
            TC_CHECK(ap, ap_port_wait(ap, 8, AP_FOREVER, &src, NULL) == 0, "wait");
            if (src == 0) break;
        }
        TC_CHECK(ap, !memcmp(inbox, "ten bytes!", 10), "wrong message");
        TC_CHECK(ap, !ap_peer_alive(ap, 2), "the dead sender is still alive");
        return 0;
    }
    publish(ap);
    if (ap_rank(ap) == 2) {
        TC_CHECK(ap, ap_isend_fc(ap, &req, 1, 8, big, sizeof big) == 0, "isend");
        while (req.sent < 20000)
            ap_poll(ap);
        msw_set_down(tc_switch(), 2, 1); /* crash half-way through the message */
        atomic_store(&flag, 1);
        return 0;
    }
    while (!atomic_load(&flag))
        ap_poll(ap);
    int r = ap_send_fc(ap, 1, 8, "ten bytes!", 10);
    TC_CHECK(ap, r == 0, "send behind the dead peer's message: %s", ap_strerror(r));
    return 0;
}

static void test_dead_peer_releases_claim(void **state)
{
    (void)state;
    struct tc_opts o = opts(3, 0);
    o.ap.giveup_ns = 300000000ull;
    o.ap.rto_max_ns = 50000000ull;
    run_ok(&o, dying_node);
}

/* ---- 6: forged RNRs do not keep a crashed peer alive ---- */

static int rnr_node(struct ap *ap, void *vp)
{
    (void)vp;
    publish(ap);
    if (ap_rank(ap) == 1) {
        msw_set_down(tc_switch(), 1, 1); /* crashed */
        return 0;
    }
    struct ap_req req;
    TC_CHECK(ap, ap_isend_fc(ap, &req, 1, 9, "anyone?", 7) == 0, "isend");
    uint64_t give_up = msw_now_ns() + 20000000000ull, next = 0;
    int r;
    while ((r = ap_test(ap, &req)) == AP_PENDING && msw_now_ns() < give_up) {
        if (msw_now_ns() >= next) {
            /* "Receiver not ready", in the crashed peer's name, MAC and all. */
            struct ap_hdr h = forge_hdr(0, 1, AP_T_ACK, AP_F_ACK | AP_F_BACK | AP_F_RNR, 0);
            h.ack = ap->peers[1].fc.una;
            h.msg_seq = ap->peers[1].back;
            forge_send(0, h, NULL, 0);
            next = msw_now_ns() + 20000000ull;
        }
    }
    TC_CHECK(ap, r == -AP_EPEER, "send to a crashed peer kept alive by forged RNRs: %d", r);
    TC_CHECK(ap, ap->st.rnr_rcvd > 0, "the forged RNRs were not even believed");
    return 0;
}

static void test_rnr_limit(void **state)
{
    (void)state;
    struct tc_opts o = opts(2, 0);
    spoof = 1;
    use_key = NULL;
    o.ap.giveup_ns = 200000000ull;
    o.ap.stall_ns = 1000000000ull;
    o.ap.rto_max_ns = 50000000ull;
    run_ok(&o, rnr_node);
}

/* ---- 7: collectives take no best-effort frame ---- */

static int coll_node(struct ap *ap, void *vp)
{
    (void)vp;
    publish(ap);
    if (ap_rank(ap) == 0) {
        spoof = 1;
        uint32_t ep = (aps[1]->coll_epoch + 1) & 0xFFFFFF;
        int32_t evil = 999;
        struct ap_hdr h = forge_hdr(1, 0, AP_T_DATA, 0, AP_COLL_PORT);
        h.base = ep << 8 | 1; /* the recursive-doubling step of a 2-node allreduce */
        h.msg_seq = aps[1]->peers[0].be_last[0] + 1;
        forge_send(1, h, &evil, 4);
    }
    tc_sync(ap);
    int32_t mine = ap_rank(ap) + 1, sum = 0;
    int r = ap_allreduce(ap, &mine, &sum, 1, AP_INT32, AP_SUM);
    TC_CHECK(ap, r == 0 && sum == 3, "allreduce: rc %d sum %d", r, sum);
    return 0;
}

static void test_collectives_fc_only(void **state)
{
    (void)state;
    struct tc_opts o = opts(2, 0);
    run_ok(&o, coll_node);
}

/* ---- 8: reductions with different counts on different ranks fail everywhere ---- */

static int counts_node(struct ap *ap, void *vp)
{
    (void)vp;
    publish(ap);
    int64_t in[4] = {1, 2, 3, 4}, out[4];
    size_t count = ap_rank(ap) == 0 ? 4 : 2;
    int r = ap_allreduce(ap, in, out, count, AP_INT64, AP_SUM);
    TC_CHECK(ap, r < 0, "allreduce with counts 4 and 2 returned %d", r);
    return 0;
}

static void test_reduce_counts(void **state)
{
    (void)state;
    struct tc_opts o = opts(2, 0);
    o.ap.coll_timeout_ns = 1000000000ull;
    run_ok(&o, counts_node);
}

/* ---- 9: one far-ahead BE sequence does not make the real messages stale ---- */

static int jump_node(struct ap *ap, void *vp)
{
    (void)vp;
    static uint8_t inbox[64];
    if (ap_rank(ap) == 1) {
        TC_CHECK(ap, ap_port_open(ap, 10, inbox, sizeof inbox, NULL, NULL, 0) == 0, "open");
        publish(ap);
        tc_sync(ap);
        int r = ap_port_wait(ap, 10, AP_FOREVER, NULL, NULL);
        TC_CHECK(ap, r == 0, "wait");
        atomic_store(&flag, 1);
        TC_CHECK(ap, drops(ap, AP_DROP_SEQ) == 1, "seq_jump drops %llu",
                 (unsigned long long)drops(ap, AP_DROP_SEQ));
        return 0;
    }
    publish(ap);
    spoof = 1;
    struct ap_hdr h = forge_hdr(1, 0, AP_T_DATA, 0, 20); /* a closed port */
    h.msg_seq = aps[1]->peers[0].be_last[0] + 1000000;
    forge_send(1, h, "x", 1);
    tc_sync(ap);
    /* Best effort: repeat until one arrives (none will if they all look stale). */
    for (int k = 0; k < 2000 && !atomic_load(&flag); k++) {
        ap_send_be(ap, 1, 10, "hello", 5);
        poll_n(ap, 20);
    }
    TC_CHECK(ap, atomic_load(&flag), "no BE message arrived after the forged jump");
    return 0;
}

static void test_be_jump(void **state)
{
    (void)state;
    struct tc_opts o = opts(2, 0);
    run_ok(&o, jump_node);
}

/* ---- 11: puts past the buffer or past 2^32 fail with EMSGSIZE ---- */

static int put_node(struct ap *ap, void *vp)
{
    (void)vp;
    static uint8_t inbox[100];
    if (ap_rank(ap) == 1) TC_CHECK(ap, ap_port_open(ap, 11, inbox, 100, NULL, NULL, 0) == 0, "o");
    publish(ap);
    if (ap_rank(ap) == 1) return 0;
    uint8_t src[10] = {0};
    int r = ap_put_fc(ap, 1, 11, 0xFFFFFFFBull, src, 10);
    TC_CHECK(ap, r == -AP_EMSGSIZE, "put past 2^32: %d", r);
    r = ap_put_fc(ap, 1, 11, 95, src, 10);
    TC_CHECK(ap, r == -AP_EMSGSIZE, "put past the buffer: %d", r);
    r = ap_put_fc(ap, 1, 11, 90, src, 10);
    TC_CHECK(ap, r == 0, "put up to the end: %d", r);
    return 0;
}

static void test_put_emsgsize(void **state)
{
    (void)state;
    struct tc_opts o = opts(2, 0);
    run_ok(&o, put_node);
}

/* ---- a keyed job over a corrupting, lossy switch: every byte right, bad tags counted ---- */

static int keyed_node(struct ap *ap, void *vp)
{
    (void)vp;
    enum { SIZE = 300000 };
    static uint8_t data[SIZE], inbox[SIZE];
    if (ap_rank(ap) == 1) {
        TC_CHECK(ap, ap_port_open(ap, 12, inbox, SIZE, NULL, NULL, 0) == 0, "open");
        publish(ap);
        TC_CHECK(ap, ap_port_wait(ap, 12, AP_FOREVER, NULL, NULL) == 0, "wait");
        for (size_t i = 0; i < SIZE; i++)
            TC_CHECK(ap, inbox[i] == tc_pattern(5, i), "byte %zu wrong", i);
        return 0;
    }
    for (size_t i = 0; i < SIZE; i++)
        data[i] = tc_pattern(5, i);
    publish(ap);
    TC_CHECK(ap, ap_send_fc(ap, 1, 12, data, SIZE) == 0, "send");
    return 0;
}

static void test_keyed_over_corruption(void **state)
{
    (void)state;
    struct tc_opts o = opts(2, 1);
    o.sw.faults.corrupt = 0.05;
    o.sw.faults.drop = 0.01;
    struct tc_result res;
    if (tc_run(&o, keyed_node, NULL, &res)) fail_msg("%s", res.why);
    assert_true(res.sw.corrupted > 0);
    assert_true(TC_SUM(&res, 2, drop[AP_DROP_AUTH]) > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_argv_length_checked), cmocka_unit_test(test_forged_ack),
        cmocka_unit_test(test_injection),           cmocka_unit_test(test_dead_peer_releases_claim),
        cmocka_unit_test(test_rnr_limit),           cmocka_unit_test(test_collectives_fc_only),
        cmocka_unit_test(test_reduce_counts),       cmocka_unit_test(test_be_jump),
        cmocka_unit_test(test_put_emsgsize),        cmocka_unit_test(test_keyed_over_corruption),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
