/*
 * tests/tg3/test_tg3_traffic.c — frames through the tg3 driver and two tg3 models back to
 * back: every size both ways with scatter/gather, jumbo frames on each kind of part, ring
 * wrap-around, receive overrun (dropped, counted, recovered), linktest's exchange (the same
 * wire format and checks as apps/linktest), bad input, the receive filter, and that the fast
 * path reads no register and rings the doorbell once per flush. Run: `make unit-test`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/frames.h"
#include "drivers/tg3.h"
#include "tg3_fixture.h"

#define POOL_FRAMES 64

/* Frames being sent stay here until the device is done with them (zero-copy pieces). */
static uint8_t pool[2][POOL_FRAMES][FX_FRAME_MAX];

static void register_pools(void)
{
    tg3_host_dma_register(pool, sizeof(pool));
}

/* Cut a frame into 1..8 pieces, a mix of copied (<= 128) and zero-copy ones. */
static unsigned split(const uint8_t *buf, size_t len, uint32_t seed, struct nic_iov *iov)
{
    unsigned want = 1 + seed % NIC_MAX_IOV, n = 0;
    size_t off = 0;
    uint32_t x = seed * 747796405u + 2891336453u;
    while (off < len && n < want - 1) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        size_t piece = (x & 1) ? 1 + x % 12 : 1 + x % 400; /* tiny, or anything */
        if (piece > len - off) piece = len - off;
        iov[n++] = (struct nic_iov){buf + off, piece};
        off += piece;
    }
    if (off < len) iov[n++] = (struct nic_iov){buf + off, len - off};
    return n;
}

/* Wait (bounded) until the device has finished every frame handed to it. */
static void drain_tx(struct nic *n)
{
    for (int r = 0; r < 1000 && nic_tx_pending(n); r++)
        tg3_host_advance_us(10);
    assert_int_equal(nic_tx_pending(n), 0);
}

static void send_ok(struct nic *n, const struct nic_iov *iov, unsigned k)
{
    int rc = nic_transmit(n, iov, k);
    for (int tries = 0; rc == -NIC_EBUSY && tries < 1000; tries++) {
        nic_flush(n);
        nic_tx_pending(n);
        tg3_host_advance_us(10);
        rc = nic_transmit(n, iov, k);
    }
    assert_int_equal(rc, 0);
}

/* Send sizes lo..hi from `from` to the other node in batches, check each arrives intact
 * (runts padded with zeros to 60 bytes). */
static void sizes_one_way(struct fx *f, int from, size_t lo, size_t hi, size_t step)
{
    int to = 1 - from;
    size_t sizes[POOL_FRAMES];
    size_t len = lo;
    while (len <= hi) {
        unsigned batch = 0;
        f->rx[to].count = 0;
        for (; batch < POOL_FRAMES && len <= hi; batch++, len += step) {
            uint8_t *buf = pool[from][batch];
            struct nic_iov iov[NIC_MAX_IOV];
            fx_make_frame(buf, len, from, to, (uint32_t)len);
            sizes[batch] = len;
            unsigned k = split(buf, len, (uint32_t)(len * 31 + (size_t)from), iov);
            send_ok(&f->nic[from], iov, k);
        }
        nic_flush(&f->nic[from]);
        assert_int_equal(fx_pump(f, to, batch, 10000), batch);
        for (unsigned i = 0; i < batch; i++) {
            size_t want = sizes[i] < 60 ? 60 : sizes[i];
            const uint8_t *got = f->rx[to].data + (size_t)i * FX_FRAME_MAX;
            assert_int_equal(f->rx[to].len[i], want);
            assert_memory_equal(got, pool[from][i], sizes[i]);
            for (size_t b = sizes[i]; b < want; b++)
                assert_int_equal(got[b], 0);
        }
        for (int r = 0; r < 100 && nic_tx_pending(&f->nic[from]); r++)
            tg3_host_advance_us(10);
        assert_int_equal(nic_tx_pending(&f->nic[from]), 0);
    }
}

static void every_size(uint16_t device)
{
    struct fx f;
    fx_up(&f, device, 0);
    register_pools();
    for (int i = 0; i < 2; i++)
        fx_frames_init(&f.rx[i], POOL_FRAMES);
    for (int from = 0; from < 2; from++)
        sizes_one_way(&f, from, 14, 1514, 1);
    assert_int_equal(f.nic[0].stats.tx_frames, 1501);
    assert_int_equal(f.nic[1].stats.rx_frames, 1501);
    assert_int_equal(f.nic[0].stats.rx_errors + f.nic[0].stats.rx_dropped, 0);
    fx_assert_clean(&f);
    fx_down(&f);
}

static void test_every_frame_size_both_ways(void **state)
{
    (void)state;
    every_size(0x1648); /* BCM5704 */
    every_size(0x1681); /* BCM5761: no send descriptor of 8 bytes or less */
    every_size(0x1657); /* BCM5719 */
    every_size(0x1600); /* BCM5752: standard ring refilled 8 at a time */
}

static void test_jumbo_frames_on_every_kind_of_part(void **state)
{
    (void)state;
    /* 5704: jumbo producer ring; 5714: 9 KB buffers on the standard ring; 5719: 4 KiB per
     * send descriptor; 5717/5720: TXD_FLAG_JMB_PKT. */
    const uint16_t parts[] = {0x1648, 0x1668, 0x1657, 0x1655, 0x165f};
    for (size_t p = 0; p < sizeof(parts) / sizeof(parts[0]); p++) {
        struct fx f;
        fx_up(&f, parts[p], 9000);
        register_pools();
        for (int i = 0; i < 2; i++)
            fx_frames_init(&f.rx[i], POOL_FRAMES);
        for (int from = 0; from < 2; from++) {
            sizes_one_way(&f, from, 1500, 1530, 1);
            sizes_one_way(&f, from, 4090, 4100, 1);
            sizes_one_way(&f, from, 8990, 9014, 1);
            sizes_one_way(&f, from, 60, 9014, 997);
        }
        fx_assert_clean(&f);
        fx_down(&f);
    }
}

/* Many more frames than any ring has entries, received with a small budget. */
static void wrap(uint16_t device, unsigned frames)
{
    struct fx f;
    fx_up(&f, device, 0);
    register_pools();
    fx_frames_init(&f.rx[1], 8);
    unsigned next_seq = 0, sent = 0;
    static uint8_t hdr[64];
    tg3_host_dma_register(hdr, sizeof(hdr));
    while (next_seq < frames) {
        for (unsigned b = 0; b < 40 && sent < frames; b++, sent++) {
            size_t len = 60 + sent % 140;
            uint8_t *buf = pool[0][sent % POOL_FRAMES];
            fx_make_frame(buf, len, 0, 1, sent);
            memcpy(buf + 14, &sent, sizeof(sent));
            struct nic_iov iov = {buf, len};
            send_ok(&f.nic[0], &iov, 1);
        }
        nic_flush(&f.nic[0]);
        /* Poll with a budget of 7 until the batch is in, checking order and content. */
        for (unsigned idle = 0; next_seq < sent; idle++) {
            assert_true(idle < 1000);
            f.rx[1].count = 0;
            int n = nic_poll(&f.nic[1], fx_collect, &f.rx[1], 7);
            assert_true(n >= 0 && n <= 7);
            if (n == 0) {
                tg3_host_advance_us(10);
                continue;
            }
            idle = 0;
            for (int i = 0; i < n; i++, next_seq++) {
                uint32_t seq;
                memcpy(&seq, f.rx[1].data + (size_t)i * FX_FRAME_MAX + 14, sizeof(seq));
                assert_int_equal(seq, next_seq);
                assert_int_equal(f.rx[1].len[i], 60 + next_seq % 140);
            }
        }
        drain_tx(&f.nic[0]);
    }
    assert_int_equal(f.nic[1].stats.rx_frames, frames);
    fx_assert_clean(&f);
    fx_down(&f);
}

static void test_rings_wrap_around(void **state)
{
    (void)state;
    wrap(0x1648, 3000); /* 512 send, 512 standard, 1024 return entries */
    wrap(0x1653, 3000); /* 5705: 512 return entries */
    wrap(0x1656, 9000); /* 5718: 2048 standard, 4096 return entries */
}

static void test_rx_overrun_dropped_counted_and_recovers(void **state)
{
    (void)state;
    struct fx f;
    struct tg3_model_config c0, c1;
    fx_config(&c0, 0x1659, 0);
    fx_config(&c1, 0x1659, 1);
    c0.rx_fifo_frames = 8;
    memset(&f, 0, sizeof(f));
    tg3_host_reset();
    assert_int_equal(fx_probe(&f, 0, &c0), 0);
    assert_int_equal(fx_probe(&f, 1, &c1), 0);
    struct nic_config small = {.rx_ring = 32}, dflt = {0};
    assert_int_equal(nic_open(&f.nic[0], &small), 0);
    assert_int_equal(nic_open(&f.nic[1], &dflt), 0);
    assert_true(fx_wait_link(&f.nic[0], 2000));
    assert_true(fx_wait_link(&f.nic[1], 2000));
    register_pools();
    fx_frames_init(&f.rx[0], 128);

    /* 100 frames while node 0 does not poll: 32 buffers + 8 in the chip, 60 dropped. */
    for (uint32_t k = 0; k < 100; k++) {
        uint8_t *buf = pool[1][k % POOL_FRAMES];
        fx_make_frame(buf, 300, 1, 0, k);
        memcpy(buf + 14, &k, sizeof(k));
        struct nic_iov iov = {buf, 300};
        send_ok(&f.nic[1], &iov, 1);
        nic_flush(&f.nic[1]);
        drain_tx(&f.nic[1]);
    }
    struct nic_link l;
    assert_int_equal(nic_link(&f.nic[0], &l), 0);
    assert_int_equal(f.nic[0].stats.rx_dropped, 60);
    assert_int_equal(fx_pump(&f, 0, 40, 1000), 40);
    for (unsigned i = 0; i < 40; i++) {
        uint32_t seq;
        memcpy(&seq, f.rx[0].data + (size_t)i * FX_FRAME_MAX + 14, sizeof(seq));
        assert_int_equal(seq, i);
    }
    /* The ring recovered: everything sent while node 0 polls arrives. */
    f.rx[0].count = 0;
    for (uint32_t k = 0; k < 200; k++) {
        uint8_t *buf = pool[1][k % POOL_FRAMES];
        fx_make_frame(buf, 300, 1, 0, 1000 + k);
        struct nic_iov iov = {buf, 300};
        send_ok(&f.nic[1], &iov, 1);
        nic_flush(&f.nic[1]);
        fx_pump(&f, 0, k + 1, 100);
        drain_tx(&f.nic[1]);
    }
    assert_int_equal(f.rx[0].count, 200);
    assert_int_equal(nic_link(&f.nic[0], &l), 0);
    assert_int_equal(f.nic[0].stats.rx_dropped, 60);
    assert_int_equal(f.nic[0].stats.rx_frames, 240);
    fx_assert_clean(&f);
    fx_down(&f);
}

/* ---- linktest's exchange: its frame format, pattern tape and checks (apps/linktest) ---- */

#define LT_WINDOW 16

struct lt_node {
    struct nic *nic;
    int rank;
    uint8_t mac[6];
    uint32_t next[2], acked[2]; /* per stream: 0 unicast to the peer, 1 broadcast */
    uint8_t got[2][4096];
    unsigned corrupt, dup, other;
};

static const unsigned lt_sizes_std[] = {60,  61,  64,   100,  127,  128,  129, 200,
                                        256, 512, 1000, 1024, 1400, 1500, 1514};
static const unsigned lt_sizes_jumbo[] = {60, 129, 1500, 1514, 4000, 8000, 9014};

static void lt_on_frame(void *ctx, const void *frame, size_t len)
{
    struct lt_node *n = ctx;
    struct lt_hdr h;
    if (!lt_get_header(frame, len, &h) || h.type != LT_DATA || h.src == n->rank) {
        n->other++;
        return;
    }
    int s = h.dst == LT_BCAST ? 1 : 0;
    if ((s == 0 && h.dst != n->rank) || h.seq >= 4096 || !lt_data_intact(frame, len, &h, n->mac)) {
        n->corrupt++;
        return;
    }
    if (n->got[s][h.seq]++) n->dup++;
}

static void lt_send(struct lt_node *n, int stream, const unsigned *sizes, unsigned nsizes)
{
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    uint8_t head[LT_HDR_LEN], peer[6];
    uint32_t seq = n->next[stream];
    int dst = stream ? LT_BCAST : 1 - n->rank;
    unsigned len = sizes[seq % nsizes];
    struct lt_hdr h = {.magic = LT_MAGIC,
                       .type = LT_DATA,
                       .src = (uint8_t)n->rank,
                       .dst = (uint8_t)dst,
                       .seq = seq,
                       .len = (uint16_t)len,
                       .tape_off = lt_tape_offset(n->rank, dst, seq)};
    lt_mac_of(1 - n->rank, peer);
    lt_put_header(head, stream ? bcast : peer, n->mac, &h);
    const uint8_t *payload = lt_tape() + h.tape_off;
    size_t plen = len - LT_HDR_LEN;
    /* As apps/linktest: odd frames in three pieces, a small copied one in the middle. */
    size_t first = seq % 2 ? (plen < 64 ? plen : 64) : plen;
    struct nic_iov iov[3] = {
        {head, sizeof head}, {payload, first}, {payload + first, plen - first}};
    send_ok(n->nic, iov, first < plen ? 3 : 2);
    n->next[stream]++;
}

static void linktest_exchange(uint16_t device, unsigned mtu, unsigned reps)
{
    struct fx f;
    struct tg3_model_config c0, c1;
    fx_config(&c0, device, 0);
    fx_config(&c1, device, 1);
    lt_mac_of(0, c0.mac);
    lt_mac_of(1, c1.mac);
    fx_up_cfg(&f, &c0, &c1, mtu);
    lt_tape_init();
    tg3_host_dma_register(lt_tape(), lt_tape_len());
    const unsigned *sizes = mtu > 1500 ? lt_sizes_jumbo : lt_sizes_std;
    unsigned nsizes = mtu > 1500 ? 7 : 15;
    uint32_t total = nsizes * reps;
    static struct lt_node node[2];
    for (int r = 0; r < 2; r++) {
        memset(&node[r], 0, sizeof(node[r]));
        node[r].nic = &f.nic[r];
        node[r].rank = r;
        lt_mac_of(r, node[r].mac);
    }
    for (unsigned round = 0; round < 100000; round++) {
        bool done = true;
        for (int r = 0; r < 2; r++) {
            struct lt_node *n = &node[r], *p = &node[1 - r];
            for (int s = 0; s < 2; s++) {
                /* Windowed like linktest: what the peer has taken counts as acknowledged. */
                uint32_t have = 0;
                while (have < n->next[s] && p->got[s][have])
                    have++;
                n->acked[s] = have;
                for (int b = 0; b < 4 && n->next[s] < total && n->next[s] - n->acked[s] < LT_WINDOW;
                     b++)
                    lt_send(n, s, sizes, nsizes);
                if (n->acked[s] < total) done = false;
            }
            nic_flush(n->nic);
        }
        for (int r = 0; r < 2; r++) {
            nic_poll(node[r].nic, lt_on_frame, &node[r], 64);
            nic_tx_pending(node[r].nic);
        }
        if (done) break;
        tg3_host_advance_us(5);
    }
    for (int r = 0; r < 2; r++) {
        assert_int_equal(node[r].corrupt, 0);
        assert_int_equal(node[r].dup, 0);
        assert_int_equal(node[r].other, 0);
        for (int s = 0; s < 2; s++)
            for (uint32_t q = 0; q < total; q++)
                assert_int_equal(node[r].got[s][q], 1);
    }
    assert_int_equal(f.nic[0].stats.rx_dropped + f.nic[1].stats.rx_dropped, 0);
    fx_assert_clean(&f);
    tg3_host_dma_unregister(lt_tape());
    fx_down(&f);
}

static void test_linktest_exchange_every_frame_intact(void **state)
{
    (void)state;
    linktest_exchange(0x1648, 1500, 40); /* BCM5704 */
    linktest_exchange(0x1677, 1500, 40); /* BCM5751 */
    linktest_exchange(0x1657, 9000, 40); /* BCM5719, jumbo */
}

/* ---- bad input ---- */

static void test_bad_input_is_an_error_not_a_hang(void **state)
{
    (void)state;
    struct fx f;
    struct tg3_model_config c0, c1;
    fx_config(&c0, 0x1648, 0);
    fx_config(&c1, 0x1648, 1);
    memset(&f, 0, sizeof(f));
    tg3_host_reset();
    assert_int_equal(fx_probe(&f, 0, &c0), 0);
    assert_int_equal(fx_probe(&f, 1, &c1), 0);
    static uint8_t buf[2000];
    struct nic_iov one = {buf, 100};
    assert_int_equal(nic_transmit(&f.nic[0], &one, 1), -NIC_ENODEV); /* not open */
    struct nic_config nc = {.tx_ring = 16};
    assert_int_equal(nic_open(&f.nic[0], &nc), 0);
    assert_int_equal(nic_open(&f.nic[1], NULL), 0);
    assert_true(fx_wait_link(&f.nic[0], 2000));
    assert_true(fx_wait_link(&f.nic[1], 2000));
    tg3_host_dma_register(buf, sizeof(buf));
    fx_make_frame(buf, sizeof(buf), 0, 1, 7);

    struct nic_iov zero = {buf, 0};
    struct nic_iov big = {buf, 1515};
    struct nic_iov nine[9];
    for (int i = 0; i < 9; i++)
        nine[i] = (struct nic_iov){buf + i * 10, 10};
    struct nic_iov null_base = {NULL, 64};
    assert_int_equal(nic_transmit(&f.nic[0], &zero, 1), -NIC_EINVAL);
    assert_int_equal(nic_transmit(&f.nic[0], &big, 1), -NIC_EINVAL);
    assert_int_equal(nic_transmit(&f.nic[0], nine, 9), -NIC_EINVAL);
    assert_int_equal(nic_transmit(&f.nic[0], nine, 0), -NIC_EINVAL);
    assert_int_equal(nic_transmit(&f.nic[0], NULL, 1), -NIC_EINVAL);
    assert_int_equal(nic_transmit(&f.nic[0], &null_base, 1), -NIC_EINVAL);
    struct nic_iov wraps[2] = {{buf, SIZE_MAX}, {buf, 2}}; /* lengths that sum to 1 */
    assert_int_equal(nic_transmit(&f.nic[0], wraps, 2), -NIC_EINVAL);
    assert_int_equal(f.nic[0].stats.tx_errors, 8);
    assert_int_equal(f.nic[0].stats.tx_frames, 0);
    assert_int_equal(nic_poll(&f.nic[0], NULL, NULL, 8), -NIC_EINVAL);

    /* Ring full: EBUSY, counted; after the doorbell and a reclaim there is room again. */
    struct nic_iov ok = {buf, 200};
    int rc, queued = 0;
    while ((rc = nic_transmit(&f.nic[0], &ok, 1)) == 0 && queued < 600)
        queued++;
    assert_int_equal(rc, -NIC_EBUSY);
    assert_int_equal(queued, 16);
    assert_int_equal(f.nic[0].stats.tx_busy, 1);
    assert_int_equal(nic_tx_pending(&f.nic[0]), 16); /* not sent before the doorbell */
    nic_flush(&f.nic[0]);
    assert_int_equal(nic_tx_pending(&f.nic[0]), 0);
    assert_int_equal(nic_transmit(&f.nic[0], &ok, 1), 0);
    nic_flush(&f.nic[0]);
    fx_frames_init(&f.rx[1], 32);
    assert_int_equal(fx_pump(&f, 1, 17, 1000), 17);
    fx_assert_clean(&f);
    tg3_host_dma_unregister(buf);
    fx_down(&f);
}

/* A frame needing more send descriptors than the ring may hold is refused, not retried for
 * ever: 5719 (4 KiB per descriptor), mtu 9000, an 8-descriptor ring. */
static void test_frame_larger_than_the_ring_is_refused(void **state)
{
    (void)state;
    struct fx f;
    struct tg3_model_config c0, c1;
    fx_config(&c0, 0x1657, 0);
    fx_config(&c1, 0x1657, 1);
    memset(&f, 0, sizeof(f));
    tg3_host_reset();
    assert_int_equal(fx_probe(&f, 0, &c0), 0);
    assert_int_equal(fx_probe(&f, 1, &c1), 0);
    struct nic_config nc = {.mtu = 9000, .tx_ring = 8};
    for (int i = 0; i < 2; i++) {
        assert_int_equal(nic_open(&f.nic[i], &nc), 0);
        assert_true(fx_wait_link(&f.nic[i], 2000));
    }
    static uint8_t buf[9014];
    tg3_host_dma_register(buf, sizeof(buf));
    fx_make_frame(buf, sizeof(buf), 0, 1, 9);
    /* small, 4200, small, 4200, small, 200, small, 200: 10 descriptors */
    const size_t cut[8] = {4, 4200, 4, 4200, 4, 200, 4, 200};
    struct nic_iov iov[8];
    size_t off = 0;
    for (int i = 0; i < 8; off += cut[i], i++)
        iov[i] = (struct nic_iov){buf + off, cut[i]};
    assert_int_equal(nic_transmit(&f.nic[0], iov, 8), -NIC_EINVAL);
    assert_int_equal(f.nic[0].stats.tx_errors, 1);
    struct nic_iov whole = {buf, off};
    assert_int_equal(nic_transmit(&f.nic[0], &whole, 1), 0); /* 3 descriptors: fine */
    nic_flush(&f.nic[0]);
    fx_frames_init(&f.rx[1], 2);
    assert_int_equal(fx_pump(&f, 1, 1, 100), 1);
    assert_memory_equal(f.rx[1].data, buf, off);
    fx_assert_clean(&f);
    tg3_host_dma_unregister(buf);
    fx_down(&f);
}

/* ---- filter, buffer lifetime, fast path ---- */

static void test_receive_filter_ours_and_broadcast_only(void **state)
{
    (void)state;
    struct fx f;
    fx_up(&f, 0x1659, 0);
    fx_frames_init(&f.rx[0], 8);
    uint8_t frame[100];
    fx_make_frame(frame, sizeof(frame), 1, 0, 1); /* to us */
    tg3_model_inject(f.m[0], frame, sizeof(frame));
    fx_make_frame(frame, sizeof(frame), 1, -1, 2); /* broadcast */
    tg3_model_inject(f.m[0], frame, sizeof(frame));
    fx_make_frame(frame, sizeof(frame), 1, 5, 3); /* someone else */
    tg3_model_inject(f.m[0], frame, sizeof(frame));
    static const uint8_t mcast[6] = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
    memcpy(frame, mcast, 6);
    tg3_model_inject(f.m[0], frame, sizeof(frame));
    assert_int_equal(fx_pump(&f, 0, 3, 200), 2);
    assert_int_equal(tg3_model_stats(f.m[0])->rx_filtered, 2);
    fx_assert_clean(&f);
    fx_down(&f);
}

static void test_small_pieces_copied_large_ones_read_in_place(void **state)
{
    (void)state;
    struct fx f;
    fx_up(&f, 0x1648, 0);
    fx_frames_init(&f.rx[1], 4);
    static uint8_t large[1000];
    tg3_host_dma_register(large, sizeof(large));
    uint8_t head[14];
    fx_make_frame(head, sizeof(head), 0, 1, 0);
    memset(large, 0xaa, sizeof(large));
    struct nic_iov iov[2] = {{head, sizeof(head)}, {large, sizeof(large)}};
    assert_int_equal(nic_transmit(&f.nic[0], iov, 2), 0);
    memset(head, 0, sizeof(head)); /* the header was copied: this must not matter */
    nic_flush(&f.nic[0]);
    assert_int_equal(fx_pump(&f, 1, 1, 100), 1);
    uint8_t want[14];
    fx_make_frame(want, sizeof(want), 0, 1, 0);
    assert_memory_equal(f.rx[1].data, want, 14);
    assert_int_equal(f.rx[1].data[14], 0xaa);
    assert_int_equal(nic_tx_pending(&f.nic[0]), 0); /* now `large` may be reused */
    fx_assert_clean(&f);
    tg3_host_dma_unregister(large);
    fx_down(&f);
}

static void test_fast_path_reads_no_register_and_batches_the_doorbell(void **state)
{
    (void)state;
    struct fx f;
    fx_up(&f, 0x1648, 0);
    register_pools();
    fx_frames_init(&f.rx[1], POOL_FRAMES);
    const struct tg3_model_stats *s0 = tg3_model_stats(f.m[0]), *s1 = tg3_model_stats(f.m[1]);
    unsigned long reads = s0->mmio_reads + s0->cfg_reads + s1->mmio_reads + s1->cfg_reads;
    for (int round = 0; round < 10; round++) {
        unsigned long writes = s0->mmio_writes;
        for (unsigned k = 0; k < 32; k++) {
            fx_make_frame(pool[0][k], 400, 0, 1, k);
            struct nic_iov iov[2] = {{pool[0][k], 14}, {pool[0][k] + 14, 386}};
            send_ok(&f.nic[0], iov, 2);
        }
        assert_int_equal(s0->mmio_writes, writes); /* transmit() rings nothing */
        nic_flush(&f.nic[0]);
        nic_flush(&f.nic[0]); /* nothing new: no second doorbell */
        assert_int_equal(s0->mmio_writes, writes + 1);
        f.rx[1].count = 0;
        assert_int_equal(fx_pump(&f, 1, 32, 1000), 32);
        assert_int_equal(nic_tx_pending(&f.nic[0]), 0);
    }
    assert_int_equal(s0->mmio_reads + s0->cfg_reads + s1->mmio_reads + s1->cfg_reads, reads);
    assert_int_equal(f.nic[0].stats.tx_frames, 320);
    assert_int_equal(f.nic[0].stats.tx_bytes, 320 * 400);
    assert_int_equal(f.nic[1].stats.rx_frames, 320);
    assert_int_equal(f.nic[1].stats.rx_bytes, 320 * 400);
    fx_assert_clean(&f);
    fx_down(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_frame_size_both_ways),
        cmocka_unit_test(test_jumbo_frames_on_every_kind_of_part),
        cmocka_unit_test(test_rings_wrap_around),
        cmocka_unit_test(test_rx_overrun_dropped_counted_and_recovers),
        cmocka_unit_test(test_linktest_exchange_every_frame_intact),
        cmocka_unit_test(test_bad_input_is_an_error_not_a_hang),
        cmocka_unit_test(test_frame_larger_than_the_ring_is_refused),
        cmocka_unit_test(test_receive_filter_ours_and_broadcast_only),
        cmocka_unit_test(test_small_pieces_copied_large_ones_read_in_place),
        cmocka_unit_test(test_fast_path_reads_no_register_and_batches_the_doorbell),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
