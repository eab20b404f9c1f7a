/*
 * tests/e1000/test_e1000.c — host unit tests of drivers/e1000.c against the fake device in
 * fake_e1000.c: probe and MAC, what open() programs, TX descriptors, batching, the copy rule,
 * ring full / reclaim / wrap of the free-running indices, RX delivery, refill, overrun and
 * recovery, bad frames, bad input, link down, and that the fast path reads no register.
 * Run: make unit-test   (or build/host/tests/e1000/test_e1000 after make build/host/...)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/e1000.h"
#include "fake_e1000.h"
#include "kernel/mem.h"
#include "kernel/pci.h"

static const uint8_t test_mac[6] = {0x52, 0x54, 0x00, 0x50, 0x00, 0x07};
static const struct pci_dev test_pci;
static const struct nic_pci_id test_id = {0x8086, 0x100e, "82540EM"};

static struct nic nic;

static struct e1000 *drv(void)
{
    return nic.priv;
}

static void probe_ok(void)
{
    memset(&nic, 0, sizeof(nic));
    assert_int_equal(e1000_driver.probe(&nic, &test_pci, &test_id), 0);
}

static void open_with(unsigned rx, unsigned tx, unsigned mtu)
{
    probe_ok();
    struct nic_config cfg = {.rx_ring = rx, .tx_ring = tx, .mtu = mtu};
    assert_int_equal(nic_open(&nic, &cfg), 0);
}

static int setup(void **state)
{
    (void)state;
    fake_reset(test_mac);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (nic.ops) nic_close(&nic);
    if (nic.priv) page_free(nic.priv, 1);
    memset(&nic, 0, sizeof(nic));
    return 0;
}

/* A frame whose bytes say where they came from: header to `seq`, payload a pattern. */
static size_t make_frame(uint8_t *buf, size_t len, uint32_t seq)
{
    memset(buf, 0xff, 6);
    memcpy(buf + 6, test_mac, 6);
    buf[12] = 0x88;
    buf[13] = 0xb6;
    for (size_t i = 14; i < len; i++)
        buf[i] = (uint8_t)(seq * 7 + i * 13);
    if (len >= 18) memcpy(buf + 14, &seq, 4);
    return len;
}

static int send_one(const void *frame, size_t len)
{
    struct nic_iov iov = {frame, len};
    return nic_transmit(&nic, &iov, 1);
}

/* ---- probe ---- */

static void test_probe_mac_from_ral(void **state)
{
    (void)state;
    probe_ok();
    assert_memory_equal(nic.mac, test_mac, 6);
    assert_string_equal(nic.model, "82540EM");
    assert_true(fake.bus_master);
    assert_int_equal(fake_reg(E1000_IMS), 0); /* every interrupt masked */
}

static void test_probe_mac_from_eerd_small(void **state)
{
    (void)state;
    fake_set_reg(E1000_RAH0, 0); /* RA0 not valid: the driver must read the EEPROM */
    probe_ok();
    assert_memory_equal(nic.mac, test_mac, 6);
    assert_int_equal(drv()->eerd_done, E1000_EERD_DONE_SMALL);
}

static void test_probe_mac_from_eerd_large(void **state)
{
    (void)state;
    fake_set_reg(E1000_RAH0, 0);
    fake.eerd_large = true;
    probe_ok();
    assert_memory_equal(nic.mac, test_mac, 6);
    assert_int_equal(drv()->eerd_done, E1000_EERD_DONE_LARGE);
}

static void test_probe_failures_are_clear(void **state)
{
    (void)state;
    struct nic n = {0};
    fake.bar0_is_io = true;
    assert_int_equal(e1000_driver.probe(&n, &test_pci, &test_id), -NIC_ENODEV);
    assert_non_null(strstr(fake.console, "I/O BAR"));
    fake.bar0_is_io = false;

    fake_set_reg(E1000_STATUS, 0xFFFFFFFFu); /* nothing answers */
    assert_int_equal(e1000_driver.probe(&n, &test_pci, &test_id), -NIC_ENODEV);
    assert_non_null(strstr(fake.console, "does not answer"));

    fake_reset(test_mac);
    memset(fake.eeprom, 0, sizeof(fake.eeprom)); /* no MAC anywhere */
    fake_set_reg(E1000_RAH0, 0);
    long pages = fake.pages_outstanding;
    assert_int_equal(e1000_driver.probe(&n, &test_pci, &test_id), -NIC_ENODEV);
    assert_non_null(strstr(fake.console, "no valid MAC"));
    assert_int_equal(fake.pages_outstanding, pages); /* nothing kept on failure */
    assert_null(n.ops);
}

static void test_id_table_covers_qemu_models(void **state)
{
    (void)state;
    const uint16_t want[] = {0x100e, 0x100c, 0x100f, 0x1076, 0x1075, 0x1010, 0x1026};
    for (size_t k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
        bool found = false;
        for (const struct nic_pci_id *id = e1000_driver.ids; id->vendor; id++)
            found |= id->vendor == 0x8086 && id->device == want[k];
        assert_true(found);
    }
}

/* ---- open ---- */

static void test_open_programs_device(void **state)
{
    (void)state;
    open_with(0, 0, 0);
    struct e1000 *e = drv();
    assert_int_equal(e->rx_count, E1000_RING_DEFAULT);
    assert_int_equal(e->tx_count, E1000_RING_DEFAULT);
    assert_int_equal(nic.mtu, 1500);
    assert_int_equal(fake.rctl_writes, 1); /* QEMU pauses RX 1 s per RCTL write */
    uint32_t rctl = fake_reg(E1000_RCTL);
    assert_true(rctl & E1000_RCTL_EN);
    assert_true(rctl & E1000_RCTL_SECRC);
    assert_true(rctl & E1000_RCTL_BAM);
    assert_false(rctl & E1000_RCTL_LPE);
    assert_int_equal(fake_rx_buffer_size(), 2048);
    assert_int_equal(fake_reg(E1000_RDH), 0);
    assert_int_equal(fake_reg(E1000_RDT), E1000_RING_DEFAULT - 1);
    assert_int_equal(fake_reg(E1000_RDLEN), E1000_RING_DEFAULT * 16);
    assert_int_equal(fake_reg(E1000_TDLEN), E1000_RING_DEFAULT * 16);
    assert_int_equal(fake_reg(E1000_TDH), fake_reg(E1000_TDT));
    assert_true(fake_reg(E1000_TCTL) & E1000_TCTL_EN);
    assert_int_equal(fake_reg(E1000_IMS), 0);
    assert_true(fake_reg(E1000_CTRL) & E1000_CTRL_SLU);
    assert_true(fake_reg(E1000_RAH0) & E1000_RAH_AV);
    assert_ptr_equal(
        (void *)(uintptr_t)((uint64_t)fake_reg(E1000_RDBAH) << 32 | fake_reg(E1000_RDBAL)),
        e->rx_ring);
}

/* A multi-core node's virtual MACs (smp/): RA1..RA15 valid, the rest cleared; more than 15
 * turn on unicast promiscuous mode instead (the node's switch filters). */
static void test_open_extra_macs(void **state)
{
    (void)state;
    uint8_t macs[16][6];
    for (int i = 0; i < 16; i++)
        memcpy(macs[i], (uint8_t[6]){0x52, 0, 0x50, 0, 1, (uint8_t)i}, 6);
    probe_ok();
    struct nic_config cfg = {.extra_macs = (const uint8_t(*)[6])macs, .n_extra_macs = 2};
    assert_int_equal(nic_open(&nic, &cfg), 0);
    assert_int_equal(fake_reg(E1000_RAL0 + 8), 0x00500052u);
    assert_int_equal(fake_reg(E1000_RAH0 + 8), 0x0001u | E1000_RAH_AV);
    assert_int_equal(fake_reg(E1000_RAL0 + 16), 0x00500052u);
    assert_int_equal(fake_reg(E1000_RAH0 + 16), 0x0101u | E1000_RAH_AV);
    assert_false(fake_reg(E1000_RAH0 + 24) & E1000_RAH_AV);
    assert_false(fake_reg(E1000_RCTL) & E1000_RCTL_UPE);
    assert_true(fake_reg(E1000_RAH0) & E1000_RAH_AV); /* its own address stays */
    nic_close(&nic);
    page_free(nic.priv, 1);
    fake_reset(test_mac);
    probe_ok();
    cfg.n_extra_macs = 16;
    assert_int_equal(nic_open(&nic, &cfg), 0);
    assert_true(fake_reg(E1000_RCTL) & E1000_RCTL_UPE);
    assert_false(fake_reg(E1000_RAH0 + 8) & E1000_RAH_AV);
    assert_int_equal(fake.rctl_writes, 1);
    assert_true(e1000_driver.multi_unicast);
}

static void test_open_rounds_ring_sizes(void **state)
{
    (void)state;
    const unsigned ask[] = {1, 16, 17, 100, 256, 4096, 100000};
    const unsigned got[] = {16, 16, 32, 128, 256, 4096, 4096};
    for (size_t k = 0; k < sizeof(ask) / sizeof(ask[0]); k++) {
        fake_reset(test_mac);
        open_with(ask[k], ask[k], 0);
        assert_int_equal(drv()->rx_count, got[k]);
        assert_int_equal(drv()->tx_count, got[k]);
        teardown(NULL);
    }
}

struct jumbo_rx {
    size_t len;
    bool same;
};

static void jumbo_check(void *ctx, const void *frame, size_t len)
{
    static uint8_t expect[9014];
    struct jumbo_rx *got = ctx;
    make_frame(expect, sizeof expect, 1);
    got->len = len;
    got->same = len == sizeof expect && memcmp(frame, expect, len) == 0;
}

static void test_open_jumbo(void **state)
{
    (void)state;
    open_with(16, 16, 9000);
    assert_true(fake_reg(E1000_RCTL) & E1000_RCTL_LPE);
    assert_int_equal(fake_rx_buffer_size(), 16384);
    static uint8_t big[9014], big2[9015];
    make_frame(big, sizeof big, 1);
    assert_int_equal(send_one(big, sizeof big), 0);
    assert_int_equal(send_one(big2, sizeof big2), -NIC_EINVAL); /* over MTU + header */
    nic_flush(&nic);
    assert_int_equal(fake.sent, 1);
    assert_int_equal(fake_sent(0)->len, sizeof big);
    assert_memory_equal(fake_sent(0)->data, big, sizeof big);

    assert_true(fake_rx_inject(big, sizeof big));
    struct jumbo_rx got = {0, false};
    assert_int_equal(nic_poll(&nic, jumbo_check, &got, 8), 1);
    assert_int_equal(got.len, sizeof big);
    assert_true(got.same);
}

static void test_open_rejects_bad_mtu(void **state)
{
    (void)state;
    probe_ok();
    struct nic_config cfg = {.mtu = 9001};
    assert_int_equal(nic_open(&nic, &cfg), -NIC_EINVAL);
    cfg.mtu = 20;
    assert_int_equal(nic_open(&nic, &cfg), -NIC_EINVAL);
    assert_int_equal(fake.rctl_writes, 0);
    assert_non_null(strstr(fake.console, "mtu"));
}

/* ---- transmit ---- */

static void test_tx_pads_short_frames(void **state)
{
    (void)state;
    open_with(16, 16, 0);
    uint8_t hdr[14];
    make_frame(hdr, sizeof hdr, 0);
    assert_int_equal(send_one(hdr, sizeof hdr), 0);
    nic_flush(&nic);
    const struct fake_frame *f = fake_sent(0);
    assert_non_null(f);
    assert_int_equal(f->len, NIC_ETH_MIN_FRAME);
    assert_memory_equal(f->data, hdr, 14);
    for (size_t i = 14; i < NIC_ETH_MIN_FRAME; i++)
        assert_int_equal(f->data[i], 0);
    assert_int_equal(nic.stats.tx_frames, 1);
    assert_int_equal(nic.stats.tx_bytes, NIC_ETH_MIN_FRAME);
}

static void test_tx_scatter_gather_copy_rule(void **state)
{
    (void)state;
    open_with(16, 16, 0);
    static uint8_t payload[1000];
    for (size_t i = 0; i < sizeof payload; i++)
        payload[i] = (uint8_t)(i * 3);
    uint8_t hdr[14], small[100];
    make_frame(hdr, sizeof hdr, 0);
    memset(small, 0x5a, sizeof small);
    struct nic_iov iov[4] = {
        {hdr, sizeof hdr}, {small, 0}, {small, sizeof small}, {payload, sizeof payload}};
    assert_int_equal(nic_transmit(&nic, iov, 4), 0);
    struct e1000 *e = drv();
    /* header + small piece merged into one copied descriptor, the big one by address */
    assert_int_equal(e->tx_tail, 2);
    assert_int_equal(e->tx_ring[0].length, sizeof hdr + sizeof small);
    assert_ptr_not_equal((void *)(uintptr_t)e->tx_ring[0].addr, hdr);
    assert_ptr_equal((void *)(uintptr_t)e->tx_ring[1].addr, payload);
    assert_false(e->tx_ring[0].cmd & E1000_TXD_CMD_EOP);
    assert_true(e->tx_ring[1].cmd & E1000_TXD_CMD_EOP);
    assert_true(e->tx_ring[1].cmd & E1000_TXD_CMD_RS);
    /* Small pieces may be reused at once: scribble over them before the doorbell. */
    uint8_t expect[14 + 100 + 1000];
    memcpy(expect, hdr, 14);
    memcpy(expect + 14, small, 100);
    memcpy(expect + 114, payload, 1000);
    memset(hdr, 0, sizeof hdr);
    memset(small, 0, sizeof small);
    assert_int_equal(nic_tx_pending(&nic), 1);
    nic_flush(&nic);
    assert_int_equal(fake.sent, 1);
    assert_int_equal(fake_sent(0)->len, sizeof expect);
    assert_memory_equal(fake_sent(0)->data, expect, sizeof expect);
    assert_int_equal(nic_tx_pending(&nic), 0);
}

static void test_tx_batched_doorbell(void **state)
{
    (void)state;
    open_with(64, 64, 0);
    unsigned long before = fake.tdt_writes;
    static uint8_t f[10][200]; /* zero-copy pieces: each frame keeps its own until sent */
    for (uint32_t s = 0; s < 10; s++) {
        make_frame(f[s], sizeof f[s], s);
        assert_int_equal(send_one(f[s], sizeof f[s]), 0);
    }
    assert_int_equal(fake.sent, 0); /* nothing goes before the doorbell */
    nic_flush(&nic);
    assert_int_equal(fake.tdt_writes - before, 1);
    assert_int_equal(fake.sent, 10);
    for (uint32_t s = 0; s < 10; s++)
        assert_memory_equal(fake_sent(s)->data, f[s], sizeof f[s]);
    nic_flush(&nic); /* nothing new: no register write */
    assert_int_equal(fake.tdt_writes - before, 1);
}

static void test_tx_ring_full_and_reclaim(void **state)
{
    (void)state;
    open_with(16, 16, 0);
    fake.tx_budget = 0; /* the device is slow: a TDT write sends nothing yet */
    uint8_t f[64];
    make_frame(f, sizeof f, 0);
    for (int i = 0; i < 15; i++) /* ring of 16: 15 usable, TDH == TDT means empty */
        assert_int_equal(send_one(f, sizeof f), 0);
    assert_int_equal(send_one(f, sizeof f), -NIC_EBUSY);
    assert_int_equal(nic.stats.tx_busy, 1);
    assert_int_equal(nic.stats.tx_errors, 0);
    nic_flush(&nic);
    assert_int_equal(nic_tx_pending(&nic), 15);
    fake_tx_process(5);
    assert_int_equal(nic_tx_pending(&nic), 10);
    for (int i = 0; i < 5; i++)
        assert_int_equal(send_one(f, sizeof f), 0);
    assert_int_equal(send_one(f, sizeof f), -NIC_EBUSY);
    nic_flush(&nic);
    fake_tx_process(~0u);
    assert_int_equal(nic_tx_pending(&nic), 0);
    assert_int_equal(fake.sent, 20);
}

static void test_tx_pending_counts_frames_not_descriptors(void **state)
{
    (void)state;
    open_with(16, 16, 0);
    fake.tx_budget = 0;
    static uint8_t a[400], b[400], c[400];
    uint8_t hdr[14];
    make_frame(hdr, sizeof hdr, 0);
    struct nic_iov iov[4] = {{hdr, 14}, {a, 400}, {b, 400}, {c, 400}};
    assert_int_equal(nic_transmit(&nic, iov, 4), 0);
    assert_int_equal(nic_transmit(&nic, iov, 4), 0);
    nic_flush(&nic);
    assert_int_equal(nic_tx_pending(&nic), 2);
    fake_tx_process(3); /* three of the first frame's four descriptors */
    assert_int_equal(nic_tx_pending(&nic), 2);
    fake_tx_process(1);
    assert_int_equal(nic_tx_pending(&nic), 1);
    fake_tx_process(4);
    assert_int_equal(nic_tx_pending(&nic), 0);
    assert_int_equal(fake.sent, 2);
    assert_int_equal(fake_sent(1)->len, 14 + 1200);
}

static void test_tx_wraps_free_running_indices(void **state)
{
    (void)state;
    open_with(16, 16, 0);
    struct e1000 *e = drv();
    /* Start just below 2^32: the slot is index & 15, so TDH/TDT (0) stay consistent. */
    e->tx_tail = e->tx_clean = e->tx_doorbell = 0xFFFFFFF0u;
    e->tx_frames_queued = e->tx_frames_done = 0xFFFFFFFEu;
    srand(7);
    uint32_t seq = 0, checked = 0;
    static uint8_t big[1500];
    for (int round = 0; round < 400; round++) {
        int batch = 1 + rand() % 5;
        for (int k = 0; k < batch; k++, seq++) {
            size_t len = 60 + (size_t)(rand() % 1400);
            make_frame(big, len, seq);
            /* 1 to 3 pieces: the split moves the copy/zero-copy boundary around. */
            size_t cut1 = 14 + (size_t)rand() % (len - 14), cut2 = cut1 + (len - cut1) / 2;
            struct nic_iov iov[3] = {
                {big, cut1}, {big + cut1, cut2 - cut1}, {big + cut2, len - cut2}};
            int rc;
            while ((rc = nic_transmit(&nic, iov, 3)) == -NIC_EBUSY) {
                nic_flush(&nic);
                nic_tx_pending(&nic);
            }
            assert_int_equal(rc, 0);
            /* Zero-copy pieces must stay untouched until sent: send before reusing `big`. */
            nic_flush(&nic);
            const struct fake_frame *f = fake_sent(seq);
            assert_non_null(f);
            assert_int_equal(f->len, len);
            assert_memory_equal(f->data, big, len);
            checked++;
        }
        nic_tx_pending(&nic);
    }
    assert_int_equal(nic_tx_pending(&nic), 0);
    assert_true(e->tx_tail < 0x10000u); /* it did wrap */
    assert_int_equal(checked, seq);
    assert_int_equal(fake_reg(E1000_TDT), e->tx_tail & 15);
    assert_int_equal(fake_reg(E1000_TDH), fake_reg(E1000_TDT));
}

/* ---- receive ---- */

struct rx_log {
    unsigned n;
    uint32_t next_seq;
    unsigned bad;
    size_t last_len;
};

static void rx_check(void *ctx, const void *frame, size_t len)
{
    struct rx_log *log = ctx;
    uint8_t expect[2048];
    uint32_t seq;
    memcpy(&seq, (const uint8_t *)frame + 14, 4);
    make_frame(expect, len, log->next_seq);
    if (seq != log->next_seq || len > sizeof expect || memcmp(frame, expect, len) != 0) log->bad++;
    log->next_seq++;
    log->n++;
    log->last_len = len;
}

static void test_rx_delivers_and_refills(void **state)
{
    (void)state;
    open_with(16, 16, 0);
    uint8_t f[300];
    for (uint32_t s = 0; s < 5; s++) {
        make_frame(f, sizeof f, s);
        assert_true(fake_rx_inject(f, sizeof f));
    }
    struct rx_log log = {0};
    assert_int_equal(nic_poll(&nic, rx_check, &log, 3), 3);
    assert_int_equal(nic_poll(&nic, rx_check, &log, 3), 2);
    assert_int_equal(nic_poll(&nic, rx_check, &log, 3), 0);
    assert_int_equal(log.bad, 0);
    assert_int_equal(log.n, 5);
    assert_int_equal(nic.stats.rx_frames, 5);
    assert_int_equal(nic.stats.rx_bytes, 5 * sizeof f);
    /* Buffers go back in batches; RDT stays one behind the next slot the driver reads. */
    struct e1000 *e = drv();
    assert_int_equal(fake_reg(E1000_RDT), (e->rx_next - 1) & 15);
    assert_true(fake.rdt_writes >= 1);
    assert_int_equal(nic_poll(&nic, rx_check, &log, 0), 0); /* zero budget: nothing */
}

static void test_rx_wraps_many_times(void **state)
{
    (void)state;
    open_with(16, 16, 0);
    struct e1000 *e = drv();
    e->rx_next = 0xFFFFFFF0u; /* slot 0, as the device's RDH */
    srand(11);
    uint8_t f[1514];
    struct rx_log log = {0};
    uint32_t seq = 0;
    for (int round = 0; round < 3000; round++) {
        int burst = rand() % 16;
        for (int k = 0; k < burst; k++) {
            size_t len = 60 + (size_t)(rand() % (1514 - 60));
            make_frame(f, len, seq);
            if (!fake_rx_inject(f, len))
                break; /* ring full: stop this burst, the rest comes later */
            seq++;
        }
        nic_poll(&nic, rx_check, &log, 1 + (unsigned)(rand() % 16));
    }
    while (nic_poll(&nic, rx_check, &log, 16) > 0)
        ;
    assert_int_equal(log.bad, 0);
    assert_int_equal(log.n, seq);
    assert_true(seq > 10000);
    assert_true(e->rx_next < 0x100000u); /* wrapped */
    assert_int_equal(nic.stats.rx_errors, 0);
}

static void rx_count(void *ctx, const void *frame, size_t len)
{
    (void)frame;
    (void)len;
    (*(unsigned *)ctx)++;
}

static void overrun_and_recover(bool clear_on_read)
{
    fake.mpc_clear_on_read = clear_on_read;
    fake_set_reg(E1000_MPC, clear_on_read ? 0 : 3); /* QEMU's counter survives resets */
    open_with(16, 16, 0);
    uint8_t f[100];
    make_frame(f, sizeof f, 0);
    unsigned accepted = 0;
    for (int i = 0; i < 20; i++)
        accepted += fake_rx_inject(f, sizeof f);
    assert_int_equal(accepted, 15); /* 16 descriptors, RDT == RDH would mean none */
    unsigned got = 0;
    assert_int_equal(nic_poll(&nic, rx_count, &got, 64), 15);
    /* A full ring was drained: the driver looked at the missed counter. */
    assert_int_equal(nic.stats.rx_dropped, 5);
    /* The ring recovered: it takes a full ring again. */
    accepted = 0;
    for (int i = 0; i < 15; i++)
        accepted += fake_rx_inject(f, sizeof f);
    assert_int_equal(accepted, 15);
    assert_int_equal(nic_poll(&nic, rx_count, &got, 64), 15);
    assert_true(fake_rx_inject(f, sizeof f));
    struct nic_link l;
    assert_int_equal(nic_link(&nic, &l), 0); /* refreshes counters again: no double count */
    assert_int_equal(nic.stats.rx_dropped, 5);
    assert_int_equal(nic_poll(&nic, rx_count, &got, 64), 1);
    assert_int_equal(got, 31);
}

static void test_rx_overrun_sticky_counter(void **state)
{
    (void)state;
    overrun_and_recover(false);
}

static void test_rx_overrun_clear_on_read_counter(void **state)
{
    (void)state;
    overrun_and_recover(true);
}

static void test_rx_bad_frames_counted_not_delivered(void **state)
{
    (void)state;
    open_with(16, 16, 0);
    uint8_t f[3000];
    struct rx_log log = {0};
    make_frame(f, 200, 0);
    assert_true(fake_rx_inject_errors(f, 200, E1000_RXD_ERR_CE));
    make_frame(f, sizeof f, 0); /* spreads over two 2048-byte buffers */
    assert_true(fake_rx_inject(f, sizeof f));
    make_frame(f, 400, 0);
    assert_true(fake_rx_inject(f, 400));
    assert_int_equal(nic_poll(&nic, rx_check, &log, 16), 1);
    assert_int_equal(log.n, 1);
    assert_int_equal(log.bad, 0);
    assert_int_equal(log.last_len, 400);
    assert_int_equal(nic.stats.rx_errors, 2);
    assert_int_equal(nic.stats.rx_frames, 1);
    assert_false(drv()->rx_discarding);
}

/* ---- bad input, link, fast path ---- */

static void test_tx_bad_input(void **state)
{
    (void)state;
    open_with(16, 16, 0);
    uint8_t f[1600];
    make_frame(f, sizeof f, 0);
    struct nic_iov iov[NIC_MAX_IOV + 1];
    for (int i = 0; i <= NIC_MAX_IOV; i++)
        iov[i] = (struct nic_iov){f + 20 * i, 20};
    struct nic_iov zero = {f, 0}, null_base = {NULL, 100}, tiny = {f, 10};
    assert_int_equal(nic_transmit(&nic, &zero, 1), -NIC_EINVAL);
    assert_int_equal(nic_transmit(&nic, NULL, 1), -NIC_EINVAL);
    assert_int_equal(nic_transmit(&nic, iov, 0), -NIC_EINVAL);
    assert_int_equal(nic_transmit(&nic, iov, NIC_MAX_IOV + 1), -NIC_EINVAL);
    assert_int_equal(nic_transmit(&nic, &null_base, 1), -NIC_EINVAL);
    assert_int_equal(nic_transmit(&nic, &tiny, 1), -NIC_EINVAL); /* shorter than a header */
    assert_int_equal(send_one(f, 1515), -NIC_EINVAL);            /* MTU 1500 + 14 + 1 */
    assert_int_equal(nic.stats.tx_errors, 7);
    assert_int_equal(drv()->tx_tail, 0); /* nothing was queued */
    assert_int_equal(send_one(f, 1514), 0);
    assert_int_equal(nic_transmit(&nic, iov, NIC_MAX_IOV), 0);
    nic_flush(&nic);
    assert_int_equal(fake.sent, 2);
    assert_int_equal(fake_sent(1)->len, 20 * NIC_MAX_IOV);
}

static void test_link_down_is_an_error_not_a_hang(void **state)
{
    (void)state;
    fake_set_reg(E1000_STATUS, 0);
    open_with(16, 16, 0);
    struct nic_link l;
    assert_int_equal(nic_link(&nic, &l), 0);
    assert_false(l.up);
    assert_int_equal(l.speed_mbps, 0);
    uint8_t f[60];
    make_frame(f, sizeof f, 0);
    assert_int_equal(send_one(f, sizeof f), -NIC_ELINK);
    assert_int_equal(nic.stats.tx_errors, 1);
    assert_int_equal(drv()->tx_tail, 0);
    fake_set_reg(E1000_STATUS, E1000_STATUS_LU | E1000_STATUS_SPEED_100);
    assert_int_equal(send_one(f, sizeof f), 0); /* link came back: sends again */
    assert_int_equal(nic_link(&nic, &l), 0);
    assert_true(l.up);
    assert_int_equal(l.speed_mbps, 100);
    assert_false(l.full_duplex);
}

static void test_fast_path_reads_no_register(void **state)
{
    (void)state;
    open_with(32, 32, 0);
    uint8_t f[500], hdr[14];
    make_frame(hdr, 14, 0);
    unsigned got = 0;
    fake.reg_reads = 0;
    for (uint32_t s = 0; s < 200; s++) {
        make_frame(f, sizeof f, s);
        struct nic_iov iov[2] = {{hdr, 14}, {f + 14, sizeof f - 14}};
        assert_int_equal(nic_transmit(&nic, iov, 2), 0);
        if (s % 4 == 3) {
            nic_flush(&nic);
            nic_tx_pending(&nic);
        }
        assert_true(fake_rx_inject(f, sizeof f));
        if (s % 3 == 0) nic_poll(&nic, rx_count, &got, 8);
    }
    while (nic_poll(&nic, rx_count, &got, 8) > 0)
        ;
    assert_int_equal(got, 200);
    assert_int_equal(fake.reg_reads, 0);
    assert_true(fake.tdt_writes <= 51); /* one doorbell per batch of 4 (+ the one at open) */
}

static void test_close_stops_device_and_frees(void **state)
{
    (void)state;
    probe_ok();
    long after_probe = fake.pages_outstanding;
    struct nic_config cfg = {.rx_ring = 64, .tx_ring = 64, .mtu = 9000};
    assert_int_equal(nic_open(&nic, &cfg), 0);
    assert_true(fake.pages_outstanding > after_probe);
    uint8_t f[100];
    make_frame(f, sizeof f, 0);
    assert_int_equal(nic_open(&nic, &cfg), -NIC_EBUSY); /* already open */
    nic_close(&nic);
    assert_int_equal(fake.pages_outstanding, after_probe);
    assert_false(fake_reg(E1000_RCTL) & E1000_RCTL_EN);
    assert_false(fake_reg(E1000_TCTL) & E1000_TCTL_EN);
    assert_false(fake_rx_inject(f, sizeof f));
    unsigned got = 0;
    assert_int_equal(nic_poll(&nic, rx_count, &got, 8), 0);
    assert_int_equal(send_one(f, sizeof f), -NIC_ENODEV);
    nic_flush(&nic);
    /* and it opens again */
    cfg.mtu = 0;
    assert_int_equal(nic_open(&nic, &cfg), 0);
    assert_true(fake_rx_inject(f, sizeof f));
    assert_int_equal(nic_poll(&nic, rx_count, &got, 8), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_probe_mac_from_ral, setup, teardown),
        cmocka_unit_test_setup_teardown(test_probe_mac_from_eerd_small, setup, teardown),
        cmocka_unit_test_setup_teardown(test_probe_mac_from_eerd_large, setup, teardown),
        cmocka_unit_test_setup_teardown(test_probe_failures_are_clear, setup, teardown),
        cmocka_unit_test_setup_teardown(test_id_table_covers_qemu_models, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_programs_device, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_extra_macs, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_rounds_ring_sizes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_jumbo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_rejects_bad_mtu, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_pads_short_frames, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_scatter_gather_copy_rule, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_batched_doorbell, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_ring_full_and_reclaim, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_pending_counts_frames_not_descriptors, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_tx_wraps_free_running_indices, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_delivers_and_refills, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_wraps_many_times, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_overrun_sticky_counter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_overrun_clear_on_read_counter, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rx_bad_frames_counted_not_delivered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tx_bad_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_link_down_is_an_error_not_a_hang, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fast_path_reads_no_register, setup, teardown),
        cmocka_unit_test_setup_teardown(test_close_stops_device_and_frees, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
