/*
 * tests/engine/test_malformed.c — one engine fed hand-made frames through ap_input(): every
 * drop reason is produced and counted exactly once, nothing is delivered, and the guard bytes
 * around the port buffers stay untouched (no out-of-bounds write). Also checks that valid
 * frames built the same way are accepted, so the drops are not an artefact of the builder.
 * Run: make build/host/tests/engine/test_malformed && build/host/tests/engine/test_malformed
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "net/ap.h"
#include "net/crc32c.h"
#include "net/wire.h"
#include "tests/engine/memswitch.h"

#define NODES 4
#define ME    1
#define JOB   0xABCD
#define GUARD 64

static uint64_t fake_now;
static uint64_t now_fn(void)
{
    return fake_now;
}

struct fake_link {
    struct link link;
    unsigned sent;
    uint8_t last[2048];
    size_t last_len;
};

static int fl_send(void *ctx, const struct link_iov *iov, unsigned n)
{
    struct fake_link *fl = ctx;
    size_t at = 0;
    for (unsigned k = 0; k < n; k++) {
        if (at + iov[k].len <= sizeof(fl->last)) memcpy(fl->last + at, iov[k].base, iov[k].len);
        at += iov[k].len;
    }
    fl->last_len = at;
    fl->sent++;
    return 0;
}
static void fl_flush(void *ctx)
{
    (void)ctx;
}
static int fl_poll(void *ctx, link_rx_fn fn, void *arg, unsigned budget)
{
    (void)ctx, (void)fn, (void)arg, (void)budget;
    return 0;
}
static unsigned fl_pending(void *ctx)
{
    (void)ctx;
    return 0;
}

struct fixture {
    struct fake_link fl;
    struct ap ap;
    uint8_t macs[NODES][6];
    uint8_t mem[3][GUARD + 1000 + GUARD]; /* port buffers with guards either side */
    int handled;
    uint8_t frame[4096];
};

static struct fixture *cur; /* streams start at sequence numbers derived from a seed */

static uint8_t *pbuf(struct fixture *f, int k)
{
    return f->mem[k] + GUARD;
}

static void on_msg(struct ap *ap, int src, int port, void *data, size_t len, void *arg)
{
    (void)ap, (void)src, (void)port, (void)data, (void)len;
    ((struct fixture *)arg)->handled++;
}

static int setup(void **state, int crc)
{
    struct fixture *f = calloc(1, sizeof(*f));
    f->fl.link.ctx = &f->fl;
    msw_mac(ME, f->fl.link.mac);
    f->fl.link.mtu = 1500;
    f->fl.link.send = fl_send;
    f->fl.link.flush = fl_flush;
    f->fl.link.poll = fl_poll;
    f->fl.link.pending = fl_pending;
    for (int k = 0; k < NODES; k++)
        msw_mac((unsigned)k, f->macs[k]);
    memset(f->mem, 0xA5, sizeof(f->mem));
    struct ap_config cfg = {.nodes = NODES,
                            .rank = ME,
                            .job_id = JOB,
                            .macs = (const uint8_t(*)[6])f->macs,
                            .link = &f->fl.link,
                            .now_ns = now_fn,
                            .crc = crc};
    assert_int_equal(ap_init(&f->ap, &cfg), 0);
    /* Port 1: plain, 1000 bytes. Port 2: one-shot. Port 3: slots (250 bytes each). */
    assert_int_equal(ap_port_open(&f->ap, 1, pbuf(f, 0), 1000, on_msg, f, 0), 0);
    assert_int_equal(ap_port_open(&f->ap, 2, pbuf(f, 1), 1000, NULL, NULL, AP_PORT_ONESHOT), 0);
    assert_int_equal(ap_port_open(&f->ap, 3, pbuf(f, 2), 1000, NULL, NULL, AP_PORT_SLOTS), 0);
    *state = f;
    cur = f;
    return 0;
}

static int setup_crc(void **state)
{
    return setup(state, 1);
}
static int setup_plain(void **state)
{
    return setup(state, 0);
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    for (int k = 0; k < 3; k++)
        for (int i = 0; i < GUARD; i++) {
            assert_int_equal(f->mem[k][i], 0xA5);
            assert_int_equal(f->mem[k][GUARD + 1000 + i], 0xA5);
        }
    ap_fini(&f->ap);
    free(f);
    return 0;
}

/* A valid DATA frame from `src` to us; tweak the header before `finish`. */

static struct ap_hdr hdr(int src, int port, int fc, uint32_t msg_len, uint32_t frag_off,
                         uint16_t frag_len)
{
    struct ap_hdr h;
    memset(&h, 0, sizeof(h));
    const struct ap_peer *p = &cur->ap.peers[src < NODES ? src : 0];
    h.msg_seq = p->be_last[0] + 1; /* the next BE message */
    if (p->as[AP_ST_BE_UNI].active) h.msg_seq = p->as[AP_ST_BE_UNI].msg_seq + 1;
    h.seq = p->rx_expect[0]; /* the next FC frame */
    h.version = AP_WIRE_VERSION;
    h.type = AP_T_DATA;
    h.flags = (fc ? AP_F_FC : 0) | (frag_off == 0 ? AP_F_FIRST : 0) |
              (frag_off + frag_len == msg_len ? AP_F_LAST : 0);
    h.job = JOB;
    h.src = (uint16_t)src;
    h.dst = ME;
    h.port = (uint16_t)port;
    h.frag_len = frag_len;
    h.msg_len = msg_len;
    h.frag_off = frag_off;
    return h;
}

/* Serialize into f->frame (with a correct CRC when asked); returns the frame length. */
static size_t build(struct fixture *f, struct ap_hdr h, int with_crc)
{
    uint8_t *fr = f->frame;
    ap_eth_write(fr, f->macs[ME], f->macs[h.src < NODES ? h.src : 0]);
    for (unsigned i = 0; i < h.frag_len; i++)
        fr[AP_FRAME_HLEN + i] = (uint8_t)(i * 13 + 1);
    if (with_crc) {
        h.flags |= AP_F_CRC;
        ap_hdr_write(fr + AP_ETH_HLEN, &h);
        uint32_t c = crc32c_update(CRC32C_INIT, fr + AP_FRAME_HLEN, h.frag_len);
        h.crc = crc32c_final(crc32c_update(c, fr + AP_ETH_HLEN, AP_HDR_CRC_OFF));
    }
    ap_hdr_write(fr + AP_ETH_HLEN, &h);
    return AP_FRAME_HLEN + h.frag_len;
}

/* Build and feed, cut to `cut` bytes if non-zero. */
static void feed(struct fixture *f, struct ap_hdr h, int with_crc, size_t cut)
{
    size_t len = build(f, h, with_crc);
    ap_input(&f->ap, f->frame, cut ? cut : len);
}

/* Besides the drop reasons: a frame that must be accepted and completes a message (it is
 * delivered), and one that must be accepted as a fragment of a message still incomplete. */
#define ACCEPT_MSG  AP_DROP_NREASONS
#define ACCEPT_FRAG (AP_DROP_NREASONS + 1)

static void expect_only(struct fixture *f, const struct ap_stats *before, int reason)
{
    struct ap_stats now;
    ap_stats(&f->ap, &now);
    for (int r = 0; r < AP_DROP_NREASONS; r++) {
        uint64_t d = now.drop[r] - before->drop[r];
        if (d != (r == reason ? 1u : 0u))
            fail_msg("drop %s counted %llu, expected %d", ap_drop_name(r), (unsigned long long)d,
                     r == reason);
    }
    /* Exactly one message delivered when the frame completes one, none otherwise. */
    assert_int_equal(now.rx_msgs, before->rx_msgs + (reason == ACCEPT_MSG ? 1u : 0u));
    assert_int_equal(now.rx_frames, before->rx_frames + 1);
}

#define DROPS(f, reason, stmt)                                                                     \
    do {                                                                                           \
        struct ap_stats b_;                                                                        \
        ap_stats(&(f)->ap, &b_);                                                                   \
        stmt;                                                                                      \
        expect_only(f, &b_, reason);                                                               \
    } while (0)

static void test_valid_frames_accepted(void **state)
{
    struct fixture *f = *state;
    feed(f, hdr(0, 1, 0, 10, 0, 10), 1, 0);      /* BE, whole */
    ap_poll(&f->ap);                             /* its handler runs and frees the buffer */
    feed(f, hdr(2, 1, 1, 10, 0, 10), 1, 0);      /* FC seq 0 */
    struct ap_hdr h = hdr(3, 3, 0, 200, 0, 100); /* slot 3, two fragments */
    feed(f, h, 1, 0);
    struct ap_hdr h2 = hdr(3, 3, 0, 200, 100, 100);
    h2.msg_seq = h.msg_seq;
    feed(f, h2, 1, 0);
    struct ap_stats st;
    ap_stats(&f->ap, &st);
    for (int r = 0; r < AP_DROP_NREASONS; r++)
        if (st.drop[r]) fail_msg("drop %s: %llu", ap_drop_name(r), (unsigned long long)st.drop[r]);
    assert_int_equal(st.rx_msgs, 3);
    assert_int_equal(pbuf(f, 2)[3 * 250 + 150], (uint8_t)(50 * 13 + 1));
    ap_poll(&f->ap);
    assert_int_equal(f->handled, 2);
    assert_true(f->fl.sent >= 1); /* the FC frame was acknowledged */
}

static void test_header_drops(void **state)
{
    struct fixture *f = *state;
    DROPS(f, AP_DROP_TRUNCATED, ap_input(&f->ap, f->frame, 10));
    DROPS(f, AP_DROP_TRUNCATED, feed(f, hdr(0, 1, 0, 10, 0, 10), 1, AP_ETH_HLEN + 20));
    DROPS(f, AP_DROP_TRUNCATED, feed(f, hdr(0, 1, 0, 10, 0, 10), 1, AP_FRAME_HLEN + 9));
    size_t len = build(f, hdr(0, 1, 0, 10, 0, 10), 1);
    f->frame[12] = 0x08; /* IPv4 */
    f->frame[13] = 0x00;
    DROPS(f, AP_DROP_NOT_PORTO, ap_input(&f->ap, f->frame, len));
}

static void test_field_drops(void **state)
{
    struct fixture *f = *state;
    struct ap_hdr h;
    h = hdr(0, 1, 0, 10, 0, 10);
    h.version = 2;
    DROPS(f, AP_DROP_VERSION, feed(f, h, 1, 0));
    h = hdr(0, 1, 0, 10, 0, 10);
    h.flags |= AP_F_CRC;
    h.crc = 0x12345678;
    DROPS(f, AP_DROP_CRC, feed(f, h, 0, 0));
    DROPS(f, AP_DROP_NO_CRC, feed(f, hdr(0, 1, 0, 10, 0, 10), 0, 0));
    h = hdr(0, 1, 0, 10, 0, 10);
    h.job = JOB + 1;
    DROPS(f, AP_DROP_JOB, feed(f, h, 1, 0));
    DROPS(f, AP_DROP_SRC, feed(f, hdr(NODES, 1, 0, 10, 0, 10), 1, 0));
    DROPS(f, AP_DROP_SRC, feed(f, hdr(ME, 1, 0, 10, 0, 10), 1, 0));
    h = hdr(0, 1, 0, 10, 0, 10);
    h.dst = 2;
    DROPS(f, AP_DROP_DST, feed(f, h, 1, 0));
    h = hdr(0, 1, 0, 10, 0, 10);
    h.dst = AP_WIRE_ALL; /* broadcast address without the broadcast flag */
    DROPS(f, AP_DROP_DST, feed(f, h, 1, 0));
    h = hdr(0, 1, 0, 10, 0, 10);
    h.type = 7;
    DROPS(f, AP_DROP_TYPE, feed(f, h, 1, 0));
    h = hdr(0, 1, 0, 10, 0, 10);
    h.type = 0x90;
    DROPS(f, AP_DROP_FOREIGN, feed(f, h, 1, 0));
}

static void test_port_drops(void **state)
{
    struct fixture *f = *state;
    struct ap_hdr h;
    DROPS(f, AP_DROP_PORT, feed(f, hdr(0, 200, 0, 10, 0, 10), 1, 0));
    DROPS(f, AP_DROP_PORT, feed(f, hdr(0, 9, 0, 10, 0, 10), 1, 0)); /* closed */
    h = hdr(0, 1, 0, 10, 0, 10);
    h.base = 991; /* 991 + 10 > 1000 */
    DROPS(f, AP_DROP_BOUNDS, feed(f, h, 1, 0));
    h = hdr(0, 1, 0, 2000, 0, 100);
    DROPS(f, AP_DROP_BOUNDS, feed(f, h, 1, 0));
    h = hdr(0, 1, 0, 0xFFFFFFFFu, 0, 100);
    h.base = 0xFFFFFFF0u; /* offset + length overflows 32 bits */
    DROPS(f, AP_DROP_BOUNDS, feed(f, h, 1, 0));
    h = hdr(2, 3, 0, 251, 0, 251); /* one byte more than a slot */
    DROPS(f, AP_DROP_BOUNDS, feed(f, h, 1, 0));
    /* One-shot: first message lands, the second finds the port disarmed. */
    DROPS(f, ACCEPT_MSG, feed(f, hdr(0, 2, 0, 10, 0, 10), 1, 0));
    DROPS(f, AP_DROP_NOT_READY, feed(f, hdr(0, 2, 0, 10, 0, 10), 1, 0));
    /* A handler port keeps a delivered message until its handler ran. */
    DROPS(f, ACCEPT_MSG, feed(f, hdr(0, 1, 0, 10, 0, 10), 1, 0));
    DROPS(f, AP_DROP_NOT_READY, feed(f, hdr(0, 1, 0, 10, 0, 10), 1, 0));
    ap_poll(&f->ap);
    DROPS(f, ACCEPT_MSG, feed(f, hdr(0, 1, 0, 10, 0, 10), 1, 0));
    ap_poll(&f->ap);
    assert_int_equal(f->handled, 2);
}

static void test_fragment_drops(void **state)
{
    struct fixture *f = *state;
    struct ap_hdr h;
    h = hdr(0, 1, 0, 10, 5, 10); /* past msg_len */
    DROPS(f, AP_DROP_FRAG, feed(f, h, 1, 0));
    h = hdr(0, 1, 0, 10, 0, 10);
    h.flags &= (uint16_t)~AP_F_FIRST;
    DROPS(f, AP_DROP_FRAG, feed(f, h, 1, 0));
    h = hdr(0, 1, 0, 10, 0, 0); /* empty fragment of a non-empty message */
    h.flags = AP_F_FIRST;
    DROPS(f, AP_DROP_FRAG, feed(f, h, 1, 0));
    /* BE: a middle fragment without its first. */
    h = hdr(0, 1, 0, 300, 100, 100);
    DROPS(f, AP_DROP_BE_GAP, feed(f, h, 1, 0));
    /* BE: deliver a message, then an older one is stale. */
    h = hdr(0, 1, 0, 10, 0, 10);
    DROPS(f, ACCEPT_MSG, feed(f, h, 1, 0));
    ap_poll(&f->ap);
    h.msg_seq--;
    DROPS(f, AP_DROP_STALE, feed(f, h, 1, 0));
    /* BE: a gap inside a message aborts it; the rest of it is then stale. */
    h = hdr(0, 1, 0, 300, 0, 100);
    uint32_t seq = h.msg_seq;
    DROPS(f, ACCEPT_FRAG, feed(f, h, 1, 0));
    h = hdr(0, 1, 0, 300, 200, 100);
    h.msg_seq = seq;
    DROPS(f, AP_DROP_BE_GAP, feed(f, h, 1, 0));
    h = hdr(0, 1, 0, 300, 100, 100);
    h.msg_seq = seq;
    DROPS(f, AP_DROP_STALE, feed(f, h, 1, 0));
    /* A newer message abandons one in progress (its tail was lost). */
    h = hdr(0, 1, 0, 300, 0, 100);
    DROPS(f, ACCEPT_FRAG, feed(f, h, 1, 0));
    struct ap_stats st;
    ap_stats(&f->ap, &st);
    DROPS(f, ACCEPT_MSG, feed(f, hdr(0, 1, 0, 10, 0, 10), 1, 0));
    struct ap_stats st2;
    ap_stats(&f->ap, &st2);
    assert_int_equal(st2.be_aborted, st.be_aborted + 1);
    assert_int_equal(st2.rx_msgs, st.rx_msgs + 1);
}

static void test_fc_sequence_drops(void **state)
{
    struct fixture *f = *state;
    struct ap_hdr h = hdr(2, 1, 1, 10, 0, 10);
    uint32_t seq0 = h.seq;
    DROPS(f, ACCEPT_MSG, feed(f, h, 1, 0));
    DROPS(f, AP_DROP_DUP, feed(f, h, 1, 0));
    /* Past a gap: held for later (selective repair), within the span a SACK map reports;
     * further ahead it cannot be held and is dropped (the sender resends it). */
    struct ap_stats st;
    ap_stats(&f->ap, &st);
    h.seq = seq0 + 5;
    DROPS(f, ACCEPT_FRAG, feed(f, h, 1, 0));
    DROPS(f, ACCEPT_FRAG, feed(f, h, 1, 0)); /* a second copy is not held twice */
    struct ap_stats st2;
    ap_stats(&f->ap, &st2);
    assert_int_equal(st2.sack_held - st.sack_held, 1);
    h.seq = seq0 + 1 + 64 + 1;
    DROPS(f, AP_DROP_OOO, feed(f, h, 1, 0));
    /* An ACK for frames we never sent. */
    struct ap_hdr a;
    memset(&a, 0, sizeof(a));
    a.version = AP_WIRE_VERSION;
    a.type = AP_T_ACK;
    a.flags = AP_F_ACK | AP_F_BACK;
    a.job = JOB;
    a.src = 2;
    a.dst = ME;
    a.ack = f->ap.peers[2].fc.nxt + 100;
    DROPS(f, AP_DROP_ACK, feed(f, a, 1, 0));
    /* An FC frame to a closed port is refused (RNR), not consumed: a later copy is accepted
     * once the port opens. */
    ap_poll(&f->ap); /* the handler of seq 0 runs (a release would also resume) */
    h = hdr(2, 9, 1, 10, 0, 10);
    h.seq = seq0 + 1;
    DROPS(f, AP_DROP_PORT, feed(f, h, 1, 0));
    ap_poll(&f->ap); /* sends the RNR */
    struct ap_hdr sent;
    ap_hdr_read(&sent, f->fl.last + AP_ETH_HLEN);
    assert_int_equal(sent.type, AP_T_ACK);
    if (!(sent.flags & AP_F_RNR))
        fail_msg("ACK flags %#x ack %u, expected RNR", sent.flags, sent.ack);
    assert_int_equal(sent.ack, seq0 + 1);
    uint8_t b9[16];
    assert_int_equal(ap_port_open(&f->ap, 9, b9, sizeof(b9), NULL, NULL, 0), 0);
    DROPS(f, ACCEPT_MSG, feed(f, h, 1, 0));
    assert_int_equal(ap_port_deliveries(&f->ap, 9), 1);
    ap_port_close(&f->ap, 9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_valid_frames_accepted, setup_crc, teardown),
        cmocka_unit_test_setup_teardown(test_header_drops, setup_crc, teardown),
        cmocka_unit_test_setup_teardown(test_field_drops, setup_crc, teardown),
        cmocka_unit_test_setup_teardown(test_port_drops, setup_crc, teardown),
        cmocka_unit_test_setup_teardown(test_fragment_drops, setup_plain, teardown),
        cmocka_unit_test_setup_teardown(test_fc_sequence_drops, setup_crc, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
