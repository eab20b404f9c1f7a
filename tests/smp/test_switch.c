/*
 * tests/smp/test_switch.c — the node's software switch (smp/switch.c) on the host: cores are
 * links in one process (threads in the stress case), the NIC a fake that records what it sends,
 * holds frames as long as the test says and delivers frames the test queues.
 * Checked: a frame for a core of the node reaches that core only, whole; a broadcast reaches
 * every other core and the NIC; a full ring refuses (unicast) instead of overwriting; a frame
 * for no core goes to the NIC, and its slot is not reused while the NIC holds it; frames from
 * the NIC are routed by MAC, drops are counted by reason, and the switch takes from the NIC no
 * more than the cores' rings have room for; two threads over one ring see every frame once, in
 * order. Run by `make unit-test` (tests/mk/smp.mk).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/nic.h"
#include "kernel/mem.h"
#include "smp/smp.h"
#include "smp/switch.h"

/* ---- what smp/switch.c links against ---- */

/* The switch lives as long as the machine: the test frees its pages itself, between cases. */
#define MAX_ALLOCS 256
static void *allocs[MAX_ALLOCS];
static unsigned nallocs;

void *page_alloc(size_t npages)
{
    if (nallocs == MAX_ALLOCS) return NULL;
    void *p = aligned_alloc(PAGE_SIZE, npages * PAGE_SIZE);
    if (p) memset(p, 0, npages * PAGE_SIZE);
    return allocs[nallocs++] = p;
}

static int free_pages(void **state)
{
    (void)state;
    while (nallocs)
        free(allocs[--nallocs]);
    return 0;
}

static unsigned kicks[SMP_MAX_CPUS];
void smp_kick(unsigned core)
{
    __atomic_fetch_add(&kicks[core], 1, __ATOMIC_RELAXED);
}

void nic_rx_tap_fn(void *tap, const void *frame, size_t len)
{
    struct nic_rx_tap *t = tap;
    t->fn(t->ctx, frame, len);
}

/* ---- the fake NIC ---- */

#define FAKE_FRAMES 4096
static struct fake {
    uint8_t sent[FAKE_FRAMES][64];       /* first bytes of each frame sent */
    const uint8_t *sent_at[FAKE_FRAMES]; /* where the NIC read it (zero copy) */
    size_t sent_len[FAKE_FRAMES];
    unsigned nsent, held; /* held: frames the NIC still reads */
    unsigned flushes;
    uint8_t rx[FAKE_FRAMES][128];
    size_t rx_len[FAKE_FRAMES];
    unsigned rx_head, rx_tail;
} fk;

static int fk_transmit(struct nic *n, const struct nic_iov *iov, unsigned k)
{
    (void)n;
    if (k != 1 || fk.nsent == FAKE_FRAMES) return -NIC_EINVAL;
    memcpy(fk.sent[fk.nsent], iov[0].base, iov[0].len < 64 ? iov[0].len : 64);
    fk.sent_at[fk.nsent] = iov[0].base;
    fk.sent_len[fk.nsent++] = iov[0].len;
    fk.held++;
    return 0;
}
static void fk_flush(struct nic *n)
{
    (void)n;
    fk.flushes++;
}
static unsigned fk_reclaim(struct nic *n)
{
    (void)n;
    return fk.held;
}
static int fk_poll(struct nic *n, nic_rx_fn fn, void *ctx, unsigned budget)
{
    (void)n;
    unsigned got = 0;
    while (got < budget && fk.rx_tail != fk.rx_head) {
        fn(ctx, fk.rx[fk.rx_tail % FAKE_FRAMES], fk.rx_len[fk.rx_tail % FAKE_FRAMES]);
        fk.rx_tail++;
        got++;
    }
    return (int)got;
}
static const struct nic_ops fk_ops = {
    .transmit = fk_transmit, .flush = fk_flush, .tx_reclaim = fk_reclaim, .poll = fk_poll};

static void fk_deliver(const uint8_t dst[6], const uint8_t src[6], size_t len, uint8_t fill)
{
    uint8_t *f = fk.rx[fk.rx_head % FAKE_FRAMES];
    memset(f, fill, sizeof fk.rx[0]);
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    fk.rx_len[fk.rx_head++ % FAKE_FRAMES] = len;
}

/* ---- helpers ---- */

static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t far_mac[6] = {0x52, 0x54, 0x00, 0x99, 0x00, 0x01};
static uint8_t macs[SMP_MAX_CPUS][6];
static struct link links[SMP_MAX_CPUS];
static struct nic nic;

static void make_switch(unsigned cores, bool with_nic)
{
    memset(&fk, 0, sizeof fk);
    memset(kicks, 0, sizeof kicks);
    memset(&nic, 0, sizeof nic);
    nic.ops = &fk_ops;
    nic.is_open = true;
    nic.mtu = 1500;
    for (unsigned c = 0; c < cores; c++)
        memcpy(macs[c], (uint8_t[6]){0x52, 0x00, 0x50, 0x00, 0x01, (uint8_t)c}, 6);
    assert_int_equal(sw_create(cores, with_nic ? &nic : NULL, (const uint8_t(*)[6])macs), 0);
    for (unsigned c = 0; c < cores; c++)
        sw_link(&links[c], c);
}

/* A frame dst, src, then len - 12 bytes of `fill`, in two pieces (as the engine sends). */
static int send_frame(unsigned core, const uint8_t dst[6], size_t len, uint8_t fill)
{
    static uint8_t hdr[12], body[9100];
    memcpy(hdr, dst, 6);
    memcpy(hdr + 6, macs[core], 6);
    memset(body, fill, len - 12);
    struct link_iov iov[2] = {{hdr, 12}, {body, len - 12}};
    return links[core].send(links[core].ctx, iov, 2);
}

struct got {
    unsigned n;
    uint8_t first[FAKE_FRAMES][16];
    size_t len[FAKE_FRAMES];
    uint8_t last_byte[FAKE_FRAMES];
};
static struct got got;

static void on_frame(void *arg, const void *frame, size_t len)
{
    struct got *g = arg;
    const uint8_t *f = frame;
    memcpy(g->first[g->n], f, 16);
    g->last_byte[g->n] = f[len - 1];
    g->len[g->n++] = len;
}

static unsigned poll_all(unsigned core)
{
    memset(&got, 0, sizeof got);
    unsigned total = 0;
    int n;
    while ((n = links[core].poll(links[core].ctx, on_frame, &got, 64)) > 0)
        total += (unsigned)n;
    return total;
}

/* ---- cases ---- */

static void unicast_and_broadcast_between_cores(void **state)
{
    (void)state;
    make_switch(3, false);
    assert_memory_equal(links[1].mac, macs[1], 6);
    assert_int_equal(links[1].mtu, 1500);
    assert_int_equal(send_frame(0, macs[2], 100, 0xab), 0);
    assert_int_equal(poll_all(1), 0);
    assert_int_equal(poll_all(2), 1);
    assert_int_equal(got.len[0], 100);
    assert_memory_equal(got.first[0], macs[2], 6);
    assert_memory_equal(got.first[0] + 6, macs[0], 6);
    assert_int_equal(got.last_byte[0], 0xab);
    assert_int_equal(kicks[2], 1);
    assert_int_equal(links[0].pending(links[0].ctx), 0); /* copied at send */

    assert_int_equal(send_frame(1, bcast, 60, 0x11), 0);
    assert_int_equal(poll_all(1), 0); /* not to itself */
    assert_int_equal(poll_all(0), 1);
    assert_int_equal(poll_all(2), 1);
    assert_int_equal(got.last_byte[0], 0x11);
    struct sw_stats st;
    sw_stats(&st);
    assert_int_equal(st.local, 3);
    assert_int_equal(st.to_nic, 0);
}

static void bad_lengths_are_counted_not_sent(void **state)
{
    (void)state;
    make_switch(2, true);
    assert_int_equal(send_frame(0, macs[1], 1515, 0), 0); /* 14 + 1500 + 1: too long */
    uint8_t tiny[8] = {0};
    struct link_iov iov = {tiny, sizeof tiny};
    assert_int_equal(links[0].send(links[0].ctx, &iov, 1), 0);
    assert_int_equal(poll_all(1), 0);
    links[0].flush(links[0].ctx);
    assert_int_equal(fk.nsent, 0);
    struct sw_stats st;
    sw_stats(&st);
    assert_int_equal(st.drop_bad, 2);
}

static void full_ring_refuses_then_recovers_in_order(void **state)
{
    (void)state;
    make_switch(2, false);
    unsigned sent = 0;
    while (send_frame(0, macs[1], 1514, (uint8_t)sent) == 0)
        sent++;
    assert_true(sent >= 32);
    assert_int_equal(sent & (sent - 1), 0); /* a power of two: exactly the ring */
    assert_int_equal(poll_all(1), sent);
    for (unsigned i = 0; i < sent; i++)
        assert_int_equal(got.last_byte[i], (uint8_t)i);
    assert_int_equal(send_frame(0, macs[1], 1514, 7), 0);
    /* A broadcast to a full ring is dropped for that core (counted) and still succeeds. */
    while (send_frame(0, macs[1], 60, 0) == 0)
        ;
    assert_int_equal(send_frame(0, bcast, 60, 0), 0);
    struct sw_stats st;
    sw_stats(&st);
    assert_int_equal(st.drop_full, 1);
}

static void nic_frames_keep_their_slot_until_the_nic_is_done(void **state)
{
    (void)state;
    make_switch(2, true);
    assert_int_equal(send_frame(1, far_mac, 1000, 0x42), 0);
    assert_int_equal(poll_all(0), 0); /* not for a core */
    links[1].flush(links[1].ctx);
    assert_int_equal(fk.nsent, 1);
    assert_int_equal(fk.sent_len[0], 1000);
    assert_memory_equal(fk.sent[0], far_mac, 6);
    assert_memory_equal(fk.sent[0] + 6, macs[1], 6);
    assert_true(fk.flushes >= 1);
    /* The NIC holds every frame: the core's ring to the NIC fills and refuses; the first
     * frame's bytes stay as they were while the NIC may read them. */
    unsigned more = 0;
    while (send_frame(1, far_mac, 1000, (uint8_t)more) == 0) {
        more++;
        links[1].flush(links[1].ctx);
    }
    assert_true(more > 0);
    assert_int_equal(fk.sent_at[0][999], 0x42);
    assert_int_equal(fk.nsent, more + 1);
    /* The NIC finishes: the slots come back. */
    fk.held = 0;
    links[1].flush(links[1].ctx);
    assert_int_equal(send_frame(1, far_mac, 1000, 1), 0);
    links[1].flush(links[1].ctx);
    assert_int_equal(fk.nsent, more + 2);
    /* A broadcast goes to the other core and the NIC once each. */
    assert_int_equal(send_frame(0, bcast, 60, 9), 0);
    links[0].flush(links[0].ctx);
    assert_int_equal(fk.nsent, more + 3);
    assert_memory_equal(fk.sent[more + 2], bcast, 6);
    assert_int_equal(poll_all(1), 1);
}

static void nic_frames_routed_by_mac_and_counted(void **state)
{
    (void)state;
    make_switch(2, true);
    fk_deliver(macs[1], far_mac, 100, 1);  /* core 1 */
    fk_deliver(bcast, far_mac, 80, 2);     /* both */
    fk_deliver(far_mac, far_mac, 90, 3);   /* nobody */
    fk_deliver(macs[0], macs[1], 90, 4);   /* our own, looped back */
    fk_deliver(macs[0], far_mac, 10, 5);   /* too short */
    fk_deliver(macs[0], far_mac, 1515, 6); /* too long */
    assert_int_equal(poll_all(1), 2);
    assert_int_equal(got.last_byte[0], 1);
    assert_int_equal(got.last_byte[1], 2);
    assert_int_equal(poll_all(0), 1);
    assert_int_equal(got.last_byte[0], 2);
    struct sw_stats st;
    sw_stats(&st);
    assert_int_equal(st.from_nic, 6);
    assert_int_equal(st.drop_unknown, 1);
    assert_int_equal(st.drop_own, 1);
    assert_int_equal(st.drop_bad, 2);
    assert_int_equal(st.drop_full, 0);
    assert_true(kicks[0] >= 1 && kicks[1] >= 2);
}

static void nic_frames_wait_in_the_nic_when_a_core_is_full(void **state)
{
    (void)state;
    make_switch(2, true);
    for (unsigned i = 0; i < 3000; i++)
        fk_deliver(macs[1], far_mac, 100, (uint8_t)i);
    /* Core 0 polls (and so serves the NIC) while core 1 does not. */
    for (int i = 0; i < 200; i++)
        poll_all(0);
    assert_true(fk.rx_tail < 3000);                     /* the rest stayed in the NIC */
    assert_int_equal(fk.rx_tail & (fk.rx_tail - 1), 0); /* exactly core 1's ring */
    unsigned seen = 0;
    while (seen < 3000) { /* core 1's polls take the rest as its ring drains */
        unsigned n = poll_all(1);
        assert_true(n > 0);
        for (unsigned i = 0; i < n; i++)
            assert_int_equal(got.last_byte[i], (uint8_t)(seen + i));
        seen += n;
    }
    struct sw_stats st;
    sw_stats(&st);
    assert_int_equal(st.drop_full, 0);
}

/* Two threads over one ring: every frame once, whole, in order. */
#define STRESS_FRAMES 100000
static void *producer(void *arg)
{
    (void)arg;
    for (uint32_t i = 0; i < STRESS_FRAMES;) {
        uint8_t hdr[16];
        memcpy(hdr, macs[1], 6);
        memcpy(hdr + 6, macs[0], 6);
        memcpy(hdr + 12, &i, 4);
        size_t len = 16 + i % 1400;
        static uint8_t body[1500];
        memset(body, (uint8_t)i, len - 16);
        struct link_iov iov[2] = {{hdr, 16}, {body, len - 16}};
        if (links[0].send(links[0].ctx, iov, 2) == 0) i++;
    }
    return NULL;
}

struct check {
    uint32_t next;
    unsigned bad;
};
static void on_stress(void *arg, const void *frame, size_t len)
{
    struct check *c = arg;
    const uint8_t *f = frame;
    uint32_t i;
    memcpy(&i, f + 12, 4);
    if (i != c->next || len != 16 + i % 1400 || (len > 16 && f[len - 1] != (uint8_t)i)) c->bad++;
    c->next++;
}

static void two_threads_one_ring(void **state)
{
    (void)state;
    make_switch(2, false);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, producer, NULL), 0);
    struct check c = {0, 0};
    while (c.next < STRESS_FRAMES)
        links[1].poll(links[1].ctx, on_stress, &c, 64);
    pthread_join(t, NULL);
    assert_int_equal(c.bad, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(unicast_and_broadcast_between_cores, free_pages),
        cmocka_unit_test_teardown(bad_lengths_are_counted_not_sent, free_pages),
        cmocka_unit_test_teardown(full_ring_refuses_then_recovers_in_order, free_pages),
        cmocka_unit_test_teardown(nic_frames_keep_their_slot_until_the_nic_is_done, free_pages),
        cmocka_unit_test_teardown(nic_frames_routed_by_mac_and_counted, free_pages),
        cmocka_unit_test_teardown(nic_frames_wait_in_the_nic_when_a_core_is_full, free_pages),
        cmocka_unit_test_teardown(two_threads_one_ring, free_pages),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
