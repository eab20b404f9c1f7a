/*
 * drivers/e1000.c — polling driver for the Intel 8254x family (82540/82541/82544/82545/82546/
 * 82547), the NIC QEMU emulates as `-device e1000`. Implements drivers/nic.h.
 *
 * Everything is polled: every interrupt is masked (IMC). TX: legacy descriptors, one per piece
 * of a frame (small pieces are copied into a per-slot area and merged), RS on each so the
 * device writes DD back, and one TDT write per flush(). RX: one buffer per descriptor, sized
 * from the MTU; completion is seen by DD in memory; consumed descriptors go back to the device
 * in batches by an RDT write. RCTL is written exactly once per open (QEMU stops receiving for
 * 1 s after each RCTL write). The fast path (transmit, flush, tx_reclaim, poll) reads no
 * register. Register facts: drivers/e1000.h.
 *
 * Transmit planning, counting and the open/closed rules are the shared ones in drivers/nic.h.
 * Tests: `make unit-test` runs tests/e1000/test_e1000, which drives this file against a fake
 * device; tests/qemu/30-linktest.sh runs it on 4 QEMU nodes.
 */
#include "drivers/e1000.h"

#include <stddef.h>
#include <string.h>

#include "kernel/console.h"
#include "kernel/kernel.h"
#include "kernel/mem.h"
#include "kernel/pci.h"
#include "kernel/tsc.h"

#define E1000_MMIO_MIN_SIZE 0x10000u /* every register the driver touches lies below */
#define E1000_EERD_WAIT_MS  100
#define E1000_VLAN_TAG_LEN  4 /* a tagged frame is stored with its tag (VME is off) */

static const struct nic_pci_id e1000_ids[] = {
    {0x8086, 0x1008, "82544EI"},           {0x8086, 0x1009, "82544EI fiber"},
    {0x8086, 0x100C, "82544GC"},           {0x8086, 0x100D, "82544GC LOM"},
    {0x8086, 0x100E, "82540EM"},           {0x8086, 0x1015, "82540EM LOM"},
    {0x8086, 0x1016, "82540EP LOM"},       {0x8086, 0x1017, "82540EP"},
    {0x8086, 0x101E, "82540EP LP"},        {0x8086, 0x100F, "82545EM"},
    {0x8086, 0x1011, "82545EM fiber"},     {0x8086, 0x1026, "82545GM"},
    {0x8086, 0x1027, "82545GM fiber"},     {0x8086, 0x1028, "82545GM SerDes"},
    {0x8086, 0x1010, "82546EB"},           {0x8086, 0x1012, "82546EB fiber"},
    {0x8086, 0x101D, "82546EB quad"},      {0x8086, 0x1079, "82546GB"},
    {0x8086, 0x107A, "82546GB fiber"},     {0x8086, 0x107B, "82546GB SerDes"},
    {0x8086, 0x108A, "82546GB PCIe"},      {0x8086, 0x1099, "82546GB quad"},
    {0x8086, 0x10B5, "82546GB quad KSP3"}, {0x8086, 0x1013, "82541EI"},
    {0x8086, 0x1018, "82541EI mobile"},    {0x8086, 0x1014, "82541ER LOM"},
    {0x8086, 0x1078, "82541ER"},           {0x8086, 0x1076, "82541GI"},
    {0x8086, 0x1077, "82541GI mobile"},    {0x8086, 0x107C, "82541GI LF"},
    {0x8086, 0x1019, "82547EI"},           {0x8086, 0x101A, "82547EI mobile"},
    {0x8086, 0x1075, "82547GI"},           {0, 0, NULL},
};

static inline uint32_t rd(const struct e1000 *e, uint32_t off)
{
    return mmio_read32(e->regs, off);
}
static inline void wr(const struct e1000 *e, uint32_t off, uint32_t v)
{
    mmio_write32(e->regs, off, v);
}
static inline uint64_t dma_addr(const void *p)
{
    return (uint64_t)(uintptr_t)p;
}
static inline struct e1000 *priv(struct nic *nic)
{
    return nic->priv;
}

#define e1000_log(pci, ...) nic_log("e1000", pci, __VA_ARGS__)

static size_t pages_for(size_t bytes)
{
    return (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
}

/* Smallest power of two >= want, within [E1000_RING_MIN, E1000_RING_MAX]. */
static unsigned ring_size(unsigned want)
{
    unsigned n = E1000_RING_MIN;
    if (want == 0) want = E1000_RING_DEFAULT;
    while (n < want && n < E1000_RING_MAX)
        n <<= 1;
    return n;
}

/* ---- Reset, MAC address, counters (slow path) ---- */

static void e1000_reset_hw(struct e1000 *e)
{
    wr(e, E1000_IMC, E1000_IRQ_ALL);
    wr(e, E1000_CTRL, rd(e, E1000_CTRL) | E1000_CTRL_RST);
    /* Silicon keeps RST set while it resets and then reloads from the EEPROM (Linux waits
     * 5 ms); QEMU resets nothing and never shows the bit, so it costs no boot time there. */
    delay_us(10);
    if (rd(e, E1000_CTRL) & E1000_CTRL_RST) {
        for (unsigned i = 0; i < E1000_RESET_MS * 10 && (rd(e, E1000_CTRL) & E1000_CTRL_RST); i++)
            delay_us(100);
        delay_us(E1000_RESET_SETTLE_MS * 1000);
    }
    wr(e, E1000_IMC, E1000_IRQ_ALL);
    (void)rd(e, E1000_ICR); /* drop causes latched before the reset */
}

/* Start an EERD read and wait for `done`; returns the register value or 0 on timeout. */
static uint32_t eerd_cycle(struct e1000 *e, uint32_t request, uint32_t done_mask)
{
    wr(e, E1000_EERD, request | E1000_EERD_START);
    for (unsigned i = 0; i < E1000_EERD_WAIT_MS * 10; i++) {
        uint32_t v = rd(e, E1000_EERD);
        if (v & done_mask) return v;
        delay_us(100);
    }
    return 0;
}

static int eerd_detect(struct e1000 *e)
{
    /* Word 0 is addressed the same way in both layouts; the DONE bit that rises says which
     * layout this chip has. */
    uint32_t v = eerd_cycle(e, 0, E1000_EERD_DONE_SMALL | E1000_EERD_DONE_LARGE);
    if (v & E1000_EERD_DONE_LARGE) {
        e->eerd_done = E1000_EERD_DONE_LARGE;
        e->eerd_shift = E1000_EERD_ADDR_LARGE;
    } else if (v & E1000_EERD_DONE_SMALL) {
        e->eerd_done = E1000_EERD_DONE_SMALL;
        e->eerd_shift = E1000_EERD_ADDR_SMALL;
    } else {
        return -NIC_ETIMEDOUT;
    }
    return 0;
}

static int eerd_read_word(struct e1000 *e, unsigned word, uint16_t *out)
{
    uint32_t v = eerd_cycle(e, (uint32_t)word << e->eerd_shift, e->eerd_done);
    if (!(v & e->eerd_done)) return -NIC_ETIMEDOUT;
    *out = (uint16_t)(v >> E1000_EERD_DATA_SHIFT);
    return 0;
}

static bool mac_is_usable(const uint8_t mac[6])
{
    static const uint8_t zero[6];
    return !(mac[0] & 1) && memcmp(mac, zero, 6) != 0; /* unicast and not all zero */
}

/* The chip loads RAL0/RAH0 from the EEPROM at reset (QEMU sets them from -device mac=); fall
 * back to reading the EEPROM words 0-2 when the address is not marked valid. */
static int e1000_read_mac(struct e1000 *e, uint8_t mac[6])
{
    uint32_t lo = rd(e, E1000_RAL0), hi = rd(e, E1000_RAH0);
    if (hi & E1000_RAH_AV) {
        for (int i = 0; i < 4; i++)
            mac[i] = (uint8_t)(lo >> (8 * i));
        mac[4] = (uint8_t)hi;
        mac[5] = (uint8_t)(hi >> 8);
        if (mac_is_usable(mac)) return 0;
    }
    if (eerd_detect(e) != 0) return -NIC_ETIMEDOUT;
    for (unsigned w = 0; w < 3; w++) {
        uint16_t v;
        if (eerd_read_word(e, w, &v) != 0) return -NIC_ETIMEDOUT;
        mac[2 * w] = (uint8_t)v;
        mac[2 * w + 1] = (uint8_t)(v >> 8);
    }
    return mac_is_usable(mac) ? 0 : -NIC_ENODEV;
}

/* Frames the device missed since the last call. Silicon clears MPC on read; QEMU 7.2 never
 * does. The first non-zero value is read twice: a second read at least as large means the
 * counter is sticky, a smaller one that the first read cleared it. */
static uint64_t e1000_missed_delta(struct e1000 *e)
{
    uint32_t v = rd(e, E1000_MPC), again, delta;
    switch (e->mpc_mode) {
    case E1000_CNT_UNKNOWN:
        if (v == 0) return 0;
        again = rd(e, E1000_MPC);
        if (again >= v) {
            e->mpc_mode = E1000_CNT_STICKY;
            e->mpc_last = again;
            return again;
        }
        e->mpc_mode = E1000_CNT_CLEAR_ON_READ;
        return (uint64_t)v + again;
    case E1000_CNT_CLEAR_ON_READ:
        return v;
    case E1000_CNT_STICKY:
        delta = v - e->mpc_last;
        e->mpc_last = v;
        return delta;
    }
    return 0;
}

void e1000_refresh_counters(struct nic *nic)
{
    struct e1000 *e = priv(nic);
    if (e && e->is_open) nic->stats.rx_dropped += e1000_missed_delta(e);
}

static void read_link(struct e1000 *e, struct nic_link *out)
{
    uint32_t st = rd(e, E1000_STATUS);
    out->up = (st & E1000_STATUS_LU) != 0;
    out->full_duplex = (st & E1000_STATUS_FD) != 0;
    switch (st & E1000_STATUS_SPEED_MASK) {
    case E1000_STATUS_SPEED_10:
        out->speed_mbps = 10;
        break;
    case E1000_STATUS_SPEED_100:
        out->speed_mbps = 100;
        break;
    default:
        out->speed_mbps = 1000;
        break;
    }
    if (!out->up) {
        out->speed_mbps = 0;
        out->full_duplex = false;
    }
    e->link_up = out->up;
}

static int e1000_link(struct nic *nic, struct nic_link *out)
{
    struct e1000 *e = priv(nic);
    if (rd(e, E1000_STATUS) == 0xFFFFFFFFu) /* the device fell off the bus */
        return -NIC_ENODEV;
    read_link(e, out);
    e1000_refresh_counters(nic);
    return 0;
}

/* ---- Open / close ---- */

static void free_rings(struct e1000 *e)
{
    if (e->tx_ring) page_free(e->tx_ring, e->tx_ring_pages);
    if (e->tx_copy) page_free(e->tx_copy, e->tx_copy_pages);
    if (e->rx_ring) page_free(e->rx_ring, e->rx_ring_pages);
    if (e->rx_bufs) page_free(e->rx_bufs, e->rx_buf_pages);
    e->tx_ring = NULL;
    e->tx_copy = NULL;
    e->rx_ring = NULL;
    e->rx_bufs = NULL;
}

/* Receive buffer size and the RCTL bits that select it, for frames of up to `frame` bytes. */
static unsigned rx_buffer_for(unsigned frame, uint32_t *rctl_bits)
{
    if (frame <= 2048) {
        *rctl_bits = E1000_RCTL_BSIZE_2048;
        return 2048;
    }
    if (frame <= 4096) {
        *rctl_bits = E1000_RCTL_BSIZE_4096;
        return 4096;
    }
    if (frame <= 8192) {
        *rctl_bits = E1000_RCTL_BSIZE_8192;
        return 8192;
    }
    *rctl_bits = E1000_RCTL_BSIZE_16384;
    return 16384;
}

static int e1000_open(struct nic *nic, const struct nic_config *cfg)
{
    struct e1000 *e = priv(nic);
    static const struct nic_config defaults;
    if (!cfg) cfg = &defaults;
    unsigned mtu = cfg->mtu ? cfg->mtu : NIC_MTU_DEFAULT;
    if (mtu < 46 || mtu > NIC_MTU_JUMBO) {
        e1000_log(e->pci, "mtu %u out of range (46..%u)", mtu, NIC_MTU_JUMBO);
        return -NIC_EINVAL;
    }

    e->tx_count = ring_size(cfg->tx_ring);
    e->rx_count = ring_size(cfg->rx_ring);
    uint32_t bsize_bits;
    e->rx_buf_size = rx_buffer_for(mtu + NIC_ETH_HLEN + E1000_VLAN_TAG_LEN, &bsize_bits);
    e->tx_ring_pages = pages_for(e->tx_count * sizeof(struct e1000_tx_desc));
    e->tx_copy_pages = pages_for((size_t)e->tx_count * NIC_TX_COPY_MAX);
    e->rx_ring_pages = pages_for(e->rx_count * sizeof(struct e1000_rx_desc));
    e->rx_buf_pages = pages_for((size_t)e->rx_count * e->rx_buf_size);
    e->tx_ring = page_alloc(e->tx_ring_pages);
    e->tx_copy = page_alloc(e->tx_copy_pages);
    e->rx_ring = page_alloc(e->rx_ring_pages);
    e->rx_bufs = page_alloc(e->rx_buf_pages);
    if (!e->tx_ring || !e->tx_copy || !e->rx_ring || !e->rx_bufs) {
        e1000_log(e->pci, "out of memory for rings (rx %u x %u B, tx %u)", e->rx_count,
                  e->rx_buf_size, e->tx_count);
        free_rings(e);
        return -NIC_ENOMEM;
    }
    memset(e->tx_ring, 0, e->tx_count * sizeof(struct e1000_tx_desc));
    for (unsigned i = 0; i < e->rx_count; i++) {
        e->rx_ring[i] =
            (struct e1000_rx_desc){.addr = dma_addr(e->rx_bufs + (size_t)i * e->rx_buf_size)};
    }
    e->tx_tail = e->tx_clean = e->tx_doorbell = 0;
    e->tx_frames_queued = e->tx_frames_done = 0;
    e->rx_next = 0;
    e->rx_returned = 0;
    e->rx_refill_batch = e->rx_count / 8 < 32 ? e->rx_count / 8 : 32;
    e->rx_discarding = false;
    nic->mtu = mtu;

    wr(e, E1000_IMC, E1000_IRQ_ALL);
    uint32_t ctrl = rd(e, E1000_CTRL);
    ctrl |= E1000_CTRL_SLU | E1000_CTRL_ASDE;
    ctrl &= ~(E1000_CTRL_LRST | E1000_CTRL_PHY_RST | E1000_CTRL_VME | E1000_CTRL_ILOS |
              E1000_CTRL_FRCSPD | E1000_CTRL_FRCDPLX);
    wr(e, E1000_CTRL, ctrl);

    /* Our own address in RA0 (valid), nothing in the multicast table: with MPE set below every
     * multicast frame is accepted anyway, for protocols that use group addresses. */
    wr(e, E1000_RAL0,
       (uint32_t)nic->mac[0] | (uint32_t)nic->mac[1] << 8 | (uint32_t)nic->mac[2] << 16 |
           (uint32_t)nic->mac[3] << 24);
    wr(e, E1000_RAH0, (uint32_t)nic->mac[4] | (uint32_t)nic->mac[5] << 8 | E1000_RAH_AV);
    for (unsigned i = 0; i < E1000_MTA_WORDS; i++)
        wr(e, E1000_MTA + 4 * i, 0);
    /* A multi-core node's cores have virtual MACs (smp/): RA1..RA15 filter on them; more
     * than the table holds turn on unicast promiscuous mode (the node's switch then drops
     * what is for none of its cores). Unused entries are cleared: AV off. */
    unsigned nextra = cfg && cfg->extra_macs ? cfg->n_extra_macs : 0;
    bool promisc = nextra > E1000_RA_ENTRIES - 1;
    for (unsigned i = 1; i < E1000_RA_ENTRIES; i++) {
        uint32_t lo = 0, hi = 0;
        if (!promisc && i <= nextra) {
            const uint8_t *m = cfg->extra_macs[i - 1];
            lo = (uint32_t)m[0] | (uint32_t)m[1] << 8 | (uint32_t)m[2] << 16 | (uint32_t)m[3] << 24;
            hi = (uint32_t)m[4] | (uint32_t)m[5] << 8 | E1000_RAH_AV;
        }
        wr(e, E1000_RAL0 + 8 * i, lo);
        wr(e, E1000_RAH0 + 8 * i, hi);
    }

    /* The reset does not clear ring registers on every model (QEMU's does not): program all. */
    uint64_t tx_base = dma_addr(e->tx_ring), rx_base = dma_addr(e->rx_ring);
    wr(e, E1000_TDBAL, (uint32_t)tx_base);
    wr(e, E1000_TDBAH, (uint32_t)(tx_base >> 32));
    wr(e, E1000_TDLEN, e->tx_count * (uint32_t)sizeof(struct e1000_tx_desc));
    wr(e, E1000_TDH, 0);
    wr(e, E1000_TDT, 0);
    wr(e, E1000_TIPG, E1000_TIPG_DEFAULT);
    wr(e, E1000_TCTL,
       E1000_TCTL_EN | E1000_TCTL_PSP | E1000_TCTL_CT_DEFAULT | E1000_TCTL_COLD_FULL |
           E1000_TCTL_RTLC);

    wr(e, E1000_RDBAL, (uint32_t)rx_base);
    wr(e, E1000_RDBAH, (uint32_t)(rx_base >> 32));
    wr(e, E1000_RDLEN, e->rx_count * (uint32_t)sizeof(struct e1000_rx_desc));
    wr(e, E1000_RDTR, 0);
    wr(e, E1000_RADV, 0);
    wr(e, E1000_ITR, 0);
    wr(e, E1000_RDH, 0);
    wr(e, E1000_RDT, e->rx_count - 1); /* all but one buffer: RDT == RDH would mean none */

    /* Baseline of the missed counter (QEMU's survives resets), not counted as drops. */
    e->is_open = true;
    (void)e1000_missed_delta(e);

    e->rctl = E1000_RCTL_EN | E1000_RCTL_BAM | E1000_RCTL_MPE | E1000_RCTL_SECRC |
              E1000_RCTL_RDMTS_HALF | bsize_bits | (mtu > NIC_MTU_DEFAULT ? E1000_RCTL_LPE : 0) |
              (promisc ? E1000_RCTL_UPE : 0);
    wr(e, E1000_RCTL, e->rctl); /* last, and only once */

    struct nic_link l;
    read_link(e, &l);
    e1000_log(e->pci, "open: mtu %u, rx ring %u x %u B, tx ring %u, link %s", mtu, e->rx_count,
              e->rx_buf_size, e->tx_count, l.up ? "up" : "down");
    return 0;
}

static void e1000_close(struct nic *nic)
{
    struct e1000 *e = priv(nic);
    if (!e->is_open) return;
    e1000_refresh_counters(nic);
    wr(e, E1000_RCTL, 0);
    wr(e, E1000_TCTL, 0);
    e1000_reset_hw(e); /* stops all DMA before the rings are freed */
    e->is_open = false;
    e->link_up = false;
    free_rings(e);
}

/* ---- Transmit (fast path: no register reads) ---- */

static inline unsigned tx_free(const struct e1000 *e)
{
    return e->tx_count - 1 - (e->tx_tail - e->tx_clean);
}

static unsigned e1000_tx_reclaim(struct nic *nic)
{
    struct e1000 *e = priv(nic);
    const uint32_t mask = e->tx_count - 1;
    while (e->tx_clean != e->tx_doorbell) {
        volatile struct e1000_tx_desc *d = &e->tx_ring[e->tx_clean & mask];
        if (!(d->status & E1000_TXD_STAT_DD)) break;
        if (d->cmd & E1000_TXD_CMD_EOP) e->tx_frames_done++;
        e->tx_clean++;
    }
    return e->tx_frames_queued - e->tx_frames_done;
}

static int e1000_transmit(struct nic *nic, const struct nic_iov *iov, unsigned niov)
{
    struct e1000 *e = priv(nic);
    if (!e->link_up) {
        /* Only while the link is believed down does transmit look at the device. */
        struct nic_link l;
        read_link(e, &l);
        if (!l.up) return -NIC_ELINK;
    }
    struct nic_tx_plan plan;
    const struct nic_tx_rules rules = {.max_frame = (size_t)nic->mtu + NIC_ETH_HLEN};
    int nseg = nic_tx_plan(iov, niov, &rules, &plan);
    if (nseg < 0) return nseg;
    if ((unsigned)nseg > e->tx_count - 1) return -NIC_EINVAL; /* could never fit */
    if ((unsigned)nseg > tx_free(e)) e1000_tx_reclaim(nic);
    if ((unsigned)nseg > tx_free(e)) return -NIC_EBUSY;

    const uint32_t mask = e->tx_count - 1;
    for (int s = 0; s < nseg; s++) {
        uint32_t slot = e->tx_tail & mask;
        struct e1000_tx_desc *d = &e->tx_ring[slot];
        if (plan.seg[s].copied) {
            uint8_t *area = e->tx_copy + (size_t)slot * NIC_TX_COPY_MAX;
            d->length = (uint16_t)nic_tx_copy(&plan, (unsigned)s, area);
            d->addr = dma_addr(area);
        } else {
            d->length = (uint16_t)plan.seg[s].len;
            d->addr = dma_addr(plan.seg[s].addr);
        }
        d->cso = 0;
        d->css = 0;
        d->special = 0;
        d->status = 0;
        d->cmd = E1000_TXD_CMD_RS | E1000_TXD_CMD_IFCS | (s == nseg - 1 ? E1000_TXD_CMD_EOP : 0);
        e->tx_tail++;
    }
    e->tx_frames_queued++;
    return NIC_OK;
}

static void e1000_flush(struct nic *nic)
{
    struct e1000 *e = priv(nic);
    if (e->tx_doorbell == e->tx_tail) return;
    wmb(); /* descriptors in memory before the device is told about them */
    wr(e, E1000_TDT, e->tx_tail & (e->tx_count - 1));
    e->tx_doorbell = e->tx_tail;
}

/* ---- Receive (fast path: no register reads) ---- */

static int e1000_poll(struct nic *nic, nic_rx_fn fn, void *ctx, unsigned budget)
{
    struct e1000 *e = priv(nic);
    const uint32_t mask = e->rx_count - 1;
    int delivered = 0;
    unsigned seen = 0;
    while (seen < budget) {
        uint32_t slot = e->rx_next & mask;
        volatile struct e1000_rx_desc *d = &e->rx_ring[slot];
        uint8_t status = d->status;
        if (!(status & E1000_RXD_STAT_DD)) break;
        rmb(); /* the length and data were written before DD */
        unsigned len = d->length;
        uint8_t errors = d->errors;
        uint8_t *buf = e->rx_bufs + (size_t)slot * e->rx_buf_size;
        bool eop = (status & E1000_RXD_STAT_EOP) != 0;
        if (e->rx_discarding) {
            if (eop) /* tail of a frame too long for one buffer, already counted */
                e->rx_discarding = false;
        } else if (!eop) {
            nic->stats.rx_errors++; /* larger than the buffer: cannot hand it over whole */
            e->rx_discarding = true;
        } else if ((errors & E1000_RXD_ERR_FRAME) || len == 0 || len > e->rx_buf_size) {
            nic->stats.rx_errors++;
        } else {
            fn(ctx, buf, len);
            delivered++;
        }
        /* Back to the device: clear the status (QEMU ORs DD into what it reads). */
        d->addr = dma_addr(buf);
        d->length = 0;
        d->errors = 0;
        d->status = 0;
        e->rx_next++;
        e->rx_returned++;
        seen++;
    }
    if (e->rx_returned >= e->rx_refill_batch) {
        wmb(); /* cleared descriptors visible before the device may reuse them */
        wr(e, E1000_RDT, (e->rx_next - 1) & mask);
        e->rx_returned = 0;
    }
    if (seen >= e->rx_count - 1)
        e1000_refresh_counters(nic); /* the ring was full: the device may have missed frames */
    return delivered;
}

static const struct nic_ops e1000_ops = {
    .open = e1000_open,
    .transmit = e1000_transmit,
    .flush = e1000_flush,
    .tx_reclaim = e1000_tx_reclaim,
    .poll = e1000_poll,
    .link = e1000_link,
    .close = e1000_close,
};

/* ---- Probe ---- */

static int e1000_probe(struct nic *nic, const struct pci_dev *pci, const struct nic_pci_id *id)
{
    volatile void *regs = nic_map_bar("e1000", pci, E1000_MMIO_MIN_SIZE);
    if (!regs) return -NIC_ENODEV;
    if (mmio_read32(regs, E1000_STATUS) == 0xFFFFFFFFu) {
        e1000_log(pci, "%s does not answer", id->model);
        return -NIC_ENODEV;
    }
    struct e1000 *e = page_alloc(pages_for(sizeof(struct e1000)));
    if (!e) return -NIC_ENOMEM;
    memset(e, 0, sizeof(*e));
    e->regs = regs;
    e->pci = pci;

    int rc = e1000_read_mac(e, nic->mac);
    if (rc != 0) {
        e1000_log(pci, "%s: no valid MAC address in RAL0 or the EEPROM", id->model);
        page_free(e, pages_for(sizeof(struct e1000)));
        return rc;
    }
    /* Bound from here on: bus mastering (QEMU's e1000 does no DMA without it). */
    pci_enable_device(pci);
    e1000_reset_hw(e);
    struct nic_link l;
    read_link(e, &l);

    nic->ops = &e1000_ops;
    nic->model = id->model;
    nic->mtu = NIC_MTU_DEFAULT;
    nic->priv = e;
    memset(&nic->stats, 0, sizeof(nic->stats));
    return 0;
}

const struct nic_driver e1000_driver = {
    .name = "e1000",
    .ids = e1000_ids,
    .multi_unicast = true,
    .probe = e1000_probe,
};
