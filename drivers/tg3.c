/*
 * drivers/tg3.c — polling driver for Broadcom NetXtreme (Tigon3) BCM57xx Gigabit NICs,
 * behind the drivers/nic.h interface: rings, the nic_ops data path and probe. The chip's
 * identification, reset/init and PHY live in tg3_chip.c, tg3_hw.c and tg3_phy.c, sharing
 * drivers/tg3_int.h.
 *
 * The PCI interrupt stays masked (MISC_HOST_CTRL) and the chip's own interrupt mailbox stays
 * non-zero; the driver learns about sent and received frames from the status block that the
 * host-coalescing engine DMAs into memory, and answers with mailbox writes. Send ring,
 * standard receive producer ring (plus the jumbo producer ring where the part has one) and the
 * receive return ring all live in host memory. The fast path (transmit, flush, tx_reclaim,
 * poll) reads no register, except the liveness check below, at most once a second; link()
 * and close() are the slow path.
 *
 * Liveness: a DMA error disables the write-DMA engine and the chip goes quiet for good (no
 * status block, no received frames). poll() looks once a second (and when sent frames stay
 * unfinished): if write DMA is off it resets and reopens the chip with the same settings,
 * counted in stats.resets and logged, as Linux's tg3_timer schedules a reset on a dead
 * write-DMA engine; a status block that stops moving with work pending first gets a
 * coalescing "now" kick, as Linux gives one.
 *
 * Facts (register offsets, bits, init order, per-part quirks) come from the public Linux and
 * iPXE tg3 drivers; docs/tg3.md lists the supported parts and the part-specific steps.
 * Tested only against the device model in tests/tg3/ (`make test`), never on real hardware.
 */
#include "drivers/tg3_int.h"

extern const struct nic_driver tg3_driver;

#ifdef PORTO_HOST
unsigned tg3_test_faults;
#endif

static bool tg3_dma_alloc(struct tg3_dma *d, size_t bytes)
{
    d->pages = (bytes + PAGE_SIZE - 1) / PAGE_SIZE;
    d->mem = page_alloc(d->pages);
    return d->mem != NULL;
}

static void tg3_dma_free(struct tg3_dma *d)
{
    if (d->mem) page_free(d->mem, d->pages);
    d->mem = NULL;
    d->pages = 0;
}

static void tg3_free_rings(struct tg3 *tp)
{
    struct tg3_dma *all[] = {&tp->status_dma, &tp->tx_dma,  &tp->bounce_dma, &tp->std_dma,
                             &tp->jmb_dma,    &tp->ret_dma, &tp->stdbuf_dma, &tp->jmbbuf_dma};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        tg3_dma_free(all[i]);
    tp->status = NULL;
    tp->tx_ring = NULL;
    tp->tx_bounce = NULL;
    tp->rx_std = tp->rx_ret = NULL;
    tp->rx_jmb = NULL;
}

static int tg3_alloc_rings(struct tg3 *tp)
{
    size_t std_stride =
        tp->std_buf_size > TG3_RX_STD_DMA_SZ ? TG3_JMB_BUF_STRIDE : TG3_STD_BUF_STRIDE;
    bool ok = tg3_dma_alloc(&tp->status_dma, TG3_STATUS_BLOCK_SIZE) &&
              tg3_dma_alloc(&tp->tx_dma, TG3_TX_RING_SIZE * sizeof(struct tg3_tx_bd)) &&
              tg3_dma_alloc(&tp->bounce_dma, (size_t)TG3_TX_RING_SIZE * NIC_TX_COPY_MAX) &&
              tg3_dma_alloc(&tp->std_dma, tp->std_ring_size * sizeof(struct tg3_rx_bd)) &&
              tg3_dma_alloc(&tp->ret_dma, tp->ret_ring_size * sizeof(struct tg3_rx_bd)) &&
              tg3_dma_alloc(&tp->stdbuf_dma, tp->rx_std_pending * std_stride);
    if (ok && tp->jumbo_ring)
        ok = tg3_dma_alloc(&tp->jmb_dma, tp->jmb_ring_size * sizeof(struct tg3_ext_rx_bd)) &&
             tg3_dma_alloc(&tp->jmbbuf_dma, (size_t)tp->rx_jmb_pending * TG3_JMB_BUF_STRIDE);
    if (!ok) {
        tg3_free_rings(tp);
        return -NIC_ENOMEM;
    }
    tp->status = tp->status_dma.mem;
    tp->tx_ring = tp->tx_dma.mem;
    tp->tx_bounce = tp->bounce_dma.mem;
    tp->rx_std = tp->std_dma.mem;
    tp->rx_ret = tp->ret_dma.mem;
    tp->rx_jmb = tp->jmb_dma.mem;

    /* Producer descriptors: length and opaque (the slot index) never change; the buffer
     * address moves with each recycled buffer. */
    for (unsigned i = 0; i < tp->std_ring_size; i++) {
        struct tg3_rx_bd *d = &tp->rx_std[i];
        d->idx_len = tp->std_buf_size;
        d->type_flags = RXD_FLAG_END;
        d->opaque = RXD_OPAQUE_RING_STD | i;
    }
    uint8_t *buf = tp->stdbuf_dma.mem;
    for (unsigned i = 0; i < tp->rx_std_pending; i++, buf += std_stride) {
        tp->rx_std[i].addr_hi = hi32(buf);
        tp->rx_std[i].addr_lo = lo32(buf);
    }
    if (tp->jumbo_ring) {
        for (unsigned i = 0; i < tp->jmb_ring_size; i++) {
            struct tg3_rx_bd *d = &tp->rx_jmb[i].std;
            d->idx_len = TG3_RX_JMB_DMA_SZ;
            d->type_flags = RXD_FLAG_END | RXD_FLAG_JUMBO;
            d->opaque = RXD_OPAQUE_RING_JUMBO | i;
        }
        buf = tp->jmbbuf_dma.mem;
        for (unsigned i = 0; i < tp->rx_jmb_pending; i++, buf += TG3_JMB_BUF_STRIDE) {
            tp->rx_jmb[i].std.addr_hi = hi32(buf);
            tp->rx_jmb[i].std.addr_lo = lo32(buf);
        }
    }
    tp->tx_prod = tp->tx_cons = tp->tx_flushed = tp->tx_frames_inflight = 0;
    memset(tp->tx_frame_end, 0, sizeof(tp->tx_frame_end));
    tp->ret_cons = 0;
    tp->std_prod = tp->rx_std_pending;
    tp->jmb_prod = tp->jumbo_ring ? tp->rx_jmb_pending : 0;
    tp->std_unposted = tp->jmb_unposted = 0;
    return NIC_OK;
}

static int tg3_open(struct nic *nic, const struct nic_config *cfg)
{
    struct tg3 *tp = nic->priv;
    unsigned mtu = cfg && cfg->mtu ? cfg->mtu : NIC_MTU_DEFAULT;

    if (cfg && cfg->n_extra_macs) {
        tg3_log(tp, "extra unicast addresses are not supported by this driver");
        return -NIC_EINVAL;
    }
    if (mtu > TG3_MTU_MAX || (mtu > NIC_MTU_DEFAULT && !tp->jumbo_capable)) {
        tg3_log(tp, "mtu %u rejected: this %s takes at most %u bytes", mtu, nic->model,
                tp->jumbo_capable ? TG3_MTU_MAX : NIC_MTU_DEFAULT);
        return -NIC_EINVAL;
    }
    tp->mtu = mtu;
    tp->jumbo_ring = mtu > NIC_MTU_DEFAULT && !tp->is_5780_class;
    tp->std_buf_size =
        (mtu > NIC_MTU_DEFAULT && tp->is_5780_class) ? TG3_RX_JMB_DMA_SZ : TG3_RX_STD_DMA_SZ;
    unsigned want = cfg && cfg->rx_ring ? cfg->rx_ring : TG3_DEF_RX_PENDING;
    tp->rx_std_pending = want < 8 ? 8 : want > tp->std_ring_size - 1 ? tp->std_ring_size - 1 : want;
    tp->rx_jmb_pending =
        tp->rx_std_pending > tp->jmb_ring_size - 1 ? tp->jmb_ring_size - 1 : tp->rx_std_pending;
    want = cfg && cfg->tx_ring ? cfg->tx_ring : TG3_DEF_TX_PENDING;
    tp->tx_limit = want < 8 ? 8 : want > TG3_DEF_TX_PENDING ? TG3_DEF_TX_PENDING : want;

    int err = tg3_alloc_rings(tp);
    if (err) {
        tg3_log(tp, "open: out of memory for rings and buffers");
        return err;
    }
    if ((err = tg3_reset_hw(tp))) {
        tg3_halt(tp, TG3_RESET_SHUTDOWN);
        tg3_free_rings(tp);
        return err;
    }
    tp->is_open = true;
    tp->dead = false;
    tp->live_check_ns = tp->live_progress_ns = time_ns();
    tp->heartbeat_ns = 0;
    tp->live_kicks = tp->tx_done_frames = 0;
    nic->mtu = mtu;
    return NIC_OK;
}

static void tg3_fold_drops(struct tg3 *tp);

/* Reset and reopen a chip that stopped, keeping the settings of the last open(). Frames in
 * flight are lost (the caller's protocol retransmits); received frames not yet polled too. */
static void tg3_restart(struct tg3 *tp, const char *why)
{
    unsigned lost = tp->tx_frames_inflight;
    tp->nic->stats.resets++;
    tg3_log(tp, "chip stopped (%s): reset #%llu, %u frames in flight lost", why,
            (unsigned long long)tp->nic->stats.resets, lost);
    tg3_fold_drops(tp);
    tg3_halt(tp, TG3_RESET_SHUTDOWN);
    tg3_free_rings(tp);
    tp->is_open = false;
    int err = tg3_alloc_rings(tp);
    if (!err) err = tg3_reset_hw(tp);
    if (err) {
        tg3_log(tp, "restart failed: the device stays stopped");
        tg3_halt(tp, TG3_RESET_SHUTDOWN);
        tg3_free_rings(tp);
        tp->dead = true;
        return;
    }
    tp->is_open = true;
    tp->link = (struct nic_link){false, 0, false};
    tp->live_progress_ns = tp->live_check_ns = time_ns();
    tp->live_kicks = 0;
}

#define TG3_LIVE_PERIOD_NS 1000000000ull /* the once-a-second look */
#define TG3_STALL_NS       200000000ull  /* sent frames unfinished this long: look now */

/* Called from poll(): cheap (clock and status block) unless a look is due. */
static void tg3_check_alive(struct tg3 *tp)
{
    uint64_t now = time_ns();
    uint32_t stamp = tp->status->idx[0].tx_consumer | (uint32_t)tp->status->idx[0].rx_producer
                                                          << 16;
    if (stamp != tp->live_stamp) {
        tp->live_stamp = stamp;
        tp->live_progress_ns = now;
        tp->live_kicks = 0;
    }
    bool stalled = tp->tx_frames_inflight && tp->tx_flushed != tp->tx_cons &&
                   now - tp->live_progress_ns >= TG3_STALL_NS;
    if (!stalled && now - tp->live_check_ns < TG3_LIVE_PERIOD_NS) return;
    tp->live_check_ns = now;

    if (!(tr32(tp, WDMAC_MODE) & TG3_MODE_ENABLE)) {
        tg3_restart(tp, "write DMA disabled");
        return;
    }
    if (stalled) {
        if (tp->live_kicks++ < 3) {
            tw32(tp, HOSTCC_MODE, tp->coalesce_mode | HOSTCC_MODE_ENABLE | HOSTCC_MODE_NOW);
            tp->live_progress_ns = now;
        } else {
            tg3_restart(tp, "status block does not move");
            return;
        }
    }
    if (tp->rdma_len_wa && tp->tx_done_frames > TG3_NUM_RDMA_CHANNELS) {
        tw32(tp, TG3_LSO_RD_DMA_CRPTEN_CTRL, tp->lso_rd_dma_ctrl); /* lengths are sane now */
        tp->rdma_len_wa = false;
    }
    tg3_asf_heartbeat(tp);
}

/* Frames go out as drivers/nic.h plans them; the part adds a per-descriptor length limit
 * (5719) and, on 5755 and later, no descriptor of 8 bytes or less. */
static int tg3_transmit(struct nic *nic, const struct nic_iov *iov, unsigned niov)
{
    struct tg3 *tp = nic->priv;

    if (tp->dead) return -NIC_ENODEV;
    if (!tp->link.up) {
        /* Only while the link is believed down does transmit look at the chip (slow path):
         * frames would be lost on a dead wire, so say so. */
        tg3_link_update(tp);
        if (!tp->link.up) return -NIC_ELINK;
    }
    const struct nic_tx_rules rules = {.max_frame = (size_t)tp->mtu + NIC_ETH_HLEN,
                                       .dma_max = tp->tx_dma_limit,
                                       .no_short_dma = tp->short_dma_bug};
    struct nic_tx_plan plan;
    int n = nic_tx_plan(iov, niov, &rules, &plan);
    if (n < 0) return n;
    if ((unsigned)n > tp->tx_limit) return -NIC_EINVAL; /* could never fit */
    if ((unsigned)n > tp->tx_limit - (tp->tx_prod - tp->tx_cons)) return -NIC_EBUSY;

    const unsigned mask = TG3_TX_RING_SIZE - 1;
    uint32_t flags =
        (tp->use_jumbo_bdflag && plan.total > TG3_VLAN_FRAME_MAX) ? TXD_FLAG_JMB_PKT : 0;
    for (int s = 0; s < n; s++) {
        unsigned slot = tp->tx_prod & mask;
        struct tg3_tx_bd *bd = &tp->tx_ring[slot];
        const uint8_t *p = plan.seg[s].addr;
        uint32_t len = plan.seg[s].len;
        if (plan.seg[s].copied) {
            uint8_t *area = tp->tx_bounce + (size_t)slot * NIC_TX_COPY_MAX;
            len = nic_tx_copy(&plan, (unsigned)s, area);
            p = area;
        }
        bd->addr_hi = hi32(p);
        bd->addr_lo = lo32(p);
        bd->len_flags = len << TXD_LEN_SHIFT | flags | (s == n - 1 ? TXD_FLAG_END : 0);
        bd->vlan_tag = 0;
        tp->tx_frame_end[slot] = s == n - 1;
        tp->tx_prod++;
    }
    tp->tx_frames_inflight++;
    return NIC_OK;
}

static void tg3_flush(struct nic *nic)
{
    struct tg3 *tp = nic->priv;
    if (tp->tx_flushed == tp->tx_prod) return;
    wmb(); /* descriptors and bounce data before the doorbell */
    tw32_mbox(tp, MAILBOX_SNDHOST_PROD_IDX_0, tp->tx_prod & (TG3_TX_RING_SIZE - 1));
    tp->tx_flushed = tp->tx_prod;
}

static unsigned tg3_tx_reclaim(struct nic *nic)
{
    struct tg3 *tp = nic->priv;
    const unsigned mask = TG3_TX_RING_SIZE - 1;
    unsigned hw = tp->status->idx[0].tx_consumer;
    rmb();
    /* The chip reports a ring slot; how far it moved must lie within what was flushed. */
    unsigned done = (hw - tp->tx_cons) & mask;
    if (hw > mask || done > tp->tx_flushed - tp->tx_cons)
        return tp->tx_frames_inflight; /* not a consumer index we handed out: ignore it */
    for (; done; done--, tp->tx_cons++) {
        unsigned slot = tp->tx_cons & mask;
        if (tp->tx_frame_end[slot]) {
            tp->tx_frame_end[slot] = 0;
            tp->tx_frames_inflight--;
            tp->tx_done_frames++;
        }
    }
    return tp->tx_frames_inflight;
}

/* Put a buffer back on the ring it came from, at that ring's producer slot. */
static void tg3_recycle(struct tg3 *tp, bool jumbo, uint32_t hi, uint32_t lo)
{
    if (jumbo) {
        struct tg3_rx_bd *d = &tp->rx_jmb[tp->jmb_prod++ & (tp->jmb_ring_size - 1)].std;
        d->addr_hi = hi;
        d->addr_lo = lo;
        tp->jmb_unposted++;
        return;
    }
    struct tg3_rx_bd *d = &tp->rx_std[tp->std_prod++ & (tp->std_ring_size - 1)];
    d->addr_hi = hi;
    d->addr_lo = lo;
    if (++tp->std_unposted >= tp->rx_std_max_post) {
        wmb();
        tw32_mbox(tp, MAILBOX_RCV_STD_PROD_IDX, tp->std_prod & (tp->std_ring_size - 1));
        tp->std_unposted = 0;
    }
}

static int tg3_poll(struct nic *nic, nic_rx_fn fn, void *ctx, unsigned budget)
{
    struct tg3 *tp = nic->priv;
    int done = 0;

    if (tp->dead) return 0;
    tg3_check_alive(tp);
    if (!tp->is_open) return 0;
    if (tp->status->status & SD_STATUS_LINK_CHG) {
        tp->status->status &= ~SD_STATUS_LINK_CHG;
        tg3_link_update(tp); /* rare: the slow path only when the chip flagged a change */
    }
    unsigned hw = tp->status->idx[0].rx_producer;
    rmb();
    if (hw >= tp->ret_ring_size) return 0;
    const unsigned ret_mask = tp->ret_ring_size - 1;
    while ((tp->ret_cons & ret_mask) != hw && (unsigned)done < budget) {
        const struct tg3_rx_bd *d = &tp->rx_ret[tp->ret_cons & ret_mask];
        uint32_t ring = d->opaque & RXD_OPAQUE_RING_MASK;
        uint32_t idx = d->opaque & RXD_OPAQUE_INDEX_MASK;
        uint32_t len = d->idx_len & RXD_LEN_MASK;
        bool jumbo = ring == RXD_OPAQUE_RING_JUMBO;

        tp->ret_cons++;
        done++;
        if ((ring != RXD_OPAQUE_RING_STD && !(jumbo && tp->jumbo_ring)) ||
            idx >= (jumbo ? tp->jmb_ring_size : tp->std_ring_size)) {
            nic->stats.rx_dropped++; /* a descriptor we never posted: nothing to recycle */
            continue;
        }
        const struct tg3_rx_bd *posted = jumbo ? &tp->rx_jmb[idx].std : &tp->rx_std[idx];
        uint32_t cap = jumbo ? TG3_RX_JMB_DMA_SZ : tp->std_buf_size;
        if (d->err_vlan & RXD_ERR_MASK) /* odd nibble (MII) is not in the mask: not an error */
            nic->stats.rx_errors++;
        else if (len < NIC_ETH_HLEN + TG3_ETH_FCS || len > cap)
            nic->stats.rx_errors++;
        else
            fn(ctx, bd_addr(posted->addr_hi, posted->addr_lo), len - TG3_ETH_FCS);
        tg3_recycle(tp, jumbo, posted->addr_hi, posted->addr_lo);
    }
    if (done) {
        wmb();
        tw32_mbox(tp, MAILBOX_RCVRET_CON_IDX_0, tp->ret_cons & ret_mask);
        if (tp->std_unposted) {
            tw32_mbox(tp, MAILBOX_RCV_STD_PROD_IDX, tp->std_prod & (tp->std_ring_size - 1));
            tp->std_unposted = 0;
        }
        if (tp->jmb_unposted) {
            tw32_mbox(tp, MAILBOX_RCV_JUMBO_PROD_IDX, tp->jmb_prod & (tp->jmb_ring_size - 1));
            tp->jmb_unposted = 0;
        }
    }
    return done;
}

/* Frames the chip dropped for lack of receive buffers; the counters clear on read. */
static void tg3_fold_drops(struct tg3 *tp)
{
    uint32_t no_bd = tr32(tp, RCVLPC_NO_RCV_BD_CNT);
    uint32_t discards = tr32(tp, RCVLPC_IN_DISCARDS_CNT);
    /* 5717, 5719 A0 and 5720 A0 do not count discards (Linux); use the empty-ring count. */
    bool no_discard_cnt = tp->asic == ASIC_REV_5717 || tp->chip_rev_id == CHIPREV_ID_5719_A0 ||
                          tp->chip_rev_id == CHIPREV_ID_5720_A0;
    tp->nic->stats.rx_dropped += no_discard_cnt ? no_bd : discards;
}

static int tg3_link(struct nic *nic, struct nic_link *out)
{
    struct tg3 *tp = nic->priv;
    if (tp->dead) {
        *out = (struct nic_link){false, 0, false};
        return -NIC_ENODEV;
    }
    tg3_link_update(tp);
    tg3_fold_drops(tp);
    tg3_asf_heartbeat(tp);
    *out = tp->link;
    return NIC_OK;
}

static void tg3_close(struct nic *nic)
{
    struct tg3 *tp = nic->priv;
    if (tp->dead) {
        tp->dead = false;
        return;
    }
    tg3_fold_drops(tp);
    tg3_halt(tp, TG3_RESET_SHUTDOWN); /* stops every engine before the rings go away */
    tg3_free_rings(tp);
    tp->is_open = false;
    tp->link = (struct nic_link){false, 0, false};
}

static const struct nic_ops tg3_ops = {
    .open = tg3_open,
    .transmit = tg3_transmit,
    .flush = tg3_flush,
    .tx_reclaim = tg3_tx_reclaim,
    .poll = tg3_poll,
    .link = tg3_link,
    .close = tg3_close,
};

static int tg3_probe(struct nic *nic, const struct pci_dev *pci, const struct nic_pci_id *id)
{
    volatile void *regs = nic_map_bar("tg3", pci, TG3_BAR_SIZE_MIN);
    if (!regs) return -NIC_ENODEV;
    struct tg3_dma priv;
    if (!tg3_dma_alloc(&priv, sizeof(struct tg3))) return -NIC_ENOMEM;
    struct tg3 *tp = priv.mem;
    tp->nic = nic;
    tp->pci = pci;
    memset(nic->mac, 0, sizeof(nic->mac));
    uint16_t pci_cmd = pci_read16(pci, PCI_COMMAND);

    int err = tg3_get_invariants(tp, regs);
    if (!err) {
        err = tg3_halt(tp, TG3_RESET_INIT);
        if (!err && !tg3_read_mac(tp, nic->mac)) {
            tg3_log(tp, "no valid MAC address in SRAM or MAC_ADDR_0");
            err = -NIC_ENODEV;
        }
    }
    if (err) {
        if (pci_read16(pci, PCI_COMMAND) != pci_cmd)
            pci_write16(pci, PCI_COMMAND, pci_cmd); /* bus mastering as we found it */
        memset(nic->mac, 0, sizeof(nic->mac));
        page_free(priv.mem, priv.pages);
        return err;
    }
    tg3_set_mac_addr(tp);
    nic->ops = &tg3_ops;
    nic->drv = &tg3_driver;
    nic->model = id->model;
    nic->mtu = NIC_MTU_DEFAULT;
    memset(&nic->stats, 0, sizeof(nic->stats));
    nic->priv = tp;
    tg3_log(tp, "%s rev %#x%s%s, MAC %02x:%02x:%02x:%02x:%02x:%02x", id->model,
            (unsigned)tp->chip_rev_id,
            tp->pcie        ? " PCIe"
            : tp->pcix_mode ? " PCI-X"
                            : " PCI",
            tp->indirect ? " (indirect register access)" : "", nic->mac[0], nic->mac[1],
            nic->mac[2], nic->mac[3], nic->mac[4], nic->mac[5]);
    return NIC_OK;
}

/* Parts whose programming model this driver implements (docs/tg3.md has the table). The ID
 * only selects the driver; what it does follows the chip revision it reads. */
static const struct nic_pci_id tg3_ids[] = {
    {TG3_VENDOR_BROADCOM, 0x1644, "BCM5700"},
    {TG3_VENDOR_BROADCOM, 0x1645, "BCM5701"},
    {TG3_VENDOR_BROADCOM, 0x1646, "BCM5702"},
    {TG3_VENDOR_BROADCOM, 0x1647, "BCM5703"},
    {TG3_VENDOR_BROADCOM, 0x1648, "BCM5704"},
    {TG3_VENDOR_BROADCOM, 0x1653, "BCM5705"},
    {TG3_VENDOR_BROADCOM, 0x1654, "BCM5705"},
    {TG3_VENDOR_BROADCOM, 0x165d, "BCM5705M"},
    {TG3_VENDOR_BROADCOM, 0x165e, "BCM5705M"},
    {TG3_VENDOR_BROADCOM, 0x1668, "BCM5714"},
    {TG3_VENDOR_BROADCOM, 0x1678, "BCM5715"},
    {TG3_VENDOR_BROADCOM, 0x1659, "BCM5721"},
    {TG3_VENDOR_BROADCOM, 0x165a, "BCM5722"},
    {TG3_VENDOR_BROADCOM, 0x1676, "BCM5750"},
    {TG3_VENDOR_BROADCOM, 0x1677, "BCM5751"},
    {TG3_VENDOR_BROADCOM, 0x167d, "BCM5751M"},
    {TG3_VENDOR_BROADCOM, 0x1600, "BCM5752"},
    {TG3_VENDOR_BROADCOM, 0x1601, "BCM5752M"},
    {TG3_VENDOR_BROADCOM, 0x1680, "BCM5761E"},
    {TG3_VENDOR_BROADCOM, 0x1681, "BCM5761"},
    {TG3_VENDOR_BROADCOM, 0x1655, "BCM5717"},
    {TG3_VENDOR_BROADCOM, 0x1656, "BCM5718"},
    {TG3_VENDOR_BROADCOM, 0x1657, "BCM5719"},
    {TG3_VENDOR_BROADCOM, 0x165f, "BCM5720"},
    {0, 0, NULL},
};

const struct nic_driver tg3_driver = {
    .name = "tg3",
    .ids = tg3_ids,
    .probe = tg3_probe,
};
