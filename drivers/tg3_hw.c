/*
 * drivers/tg3_hw.c — stopping, resetting and initialising the tg3: quiescing the DMA engines,
 * the firmware handshake around a core-clock reset, and everything between a reset and a
 * running chip (buffer manager, ring control blocks, host coalescing, engine enables), in the
 * order Linux tg3_halt/tg3_chip_reset/tg3_reset_hw use.
 */
#include "drivers/tg3_int.h"

/* Stop one engine block: clear its enable bit and wait until the chip agrees. 5705 and
 * later cannot stop these five; Linux tg3_stop_block reports success without touching them. */
static int tg3_stop_block(struct tg3 *tp, uint32_t reg)
{
    if (tp->is_5705_plus && (reg == RCVLSC_MODE || reg == DMAC_MODE || reg == MBFREE_MODE ||
                             reg == BUFMGR_MODE || reg == MEMARB_MODE))
        return 0;
    tw32_f(tp, reg, tr32(tp, reg) & ~TG3_MODE_ENABLE);
    for (int i = 0; i < TG3_STOP_LOOPS; i++) {
        if (!(tr32(tp, reg) & TG3_MODE_ENABLE)) return 0;
        delay_us(100);
    }
    tg3_log(tp, "block %#x does not stop", (unsigned)reg);
    return -NIC_ETIMEDOUT;
}

void tg3_disable_ints(struct tg3 *tp)
{
    tw32(tp, TG3PCI_MISC_HOST_CTRL, tp->misc_host_ctrl | MISC_HOST_CTRL_MASK_PCI_INT);
    tw32_mbox(tp, MAILBOX_INTERRUPT_0, 1);
}

/* Quiesce every DMA engine before a reset (Linux tg3_abort_hw order): receive side first,
 * then send, then host coalescing and write DMA, then the queues and memory. */
static int tg3_abort_hw(struct tg3 *tp)
{
    static const uint32_t rx_blocks[] = {RCVBDI_MODE,  RCVLPC_MODE, RCVLSC_MODE,
                                         RCVDBDI_MODE, RCVDCC_MODE, RCVCC_MODE};
    static const uint32_t tx_blocks[] = {SNDBDS_MODE,   SNDBDI_MODE, SNDDATAI_MODE, RDMAC_MODE,
                                         SNDDATAC_MODE, DMAC_MODE,   SNDBDC_MODE};
    int err = 0;

    tg3_disable_ints(tp);
    tp->rx_mode &= ~RX_MODE_ENABLE;
    tw32_f(tp, MAC_RX_MODE, tp->rx_mode);
    delay_us(10);
    for (size_t i = 0; i < sizeof(rx_blocks) / sizeof(rx_blocks[0]); i++)
        err |= tg3_stop_block(tp, rx_blocks[i]);
    for (size_t i = 0; i < sizeof(tx_blocks) / sizeof(tx_blocks[0]); i++)
        err |= tg3_stop_block(tp, tx_blocks[i]);

    tp->mac_mode &= ~MAC_MODE_TDE_ENABLE;
    tw32_f(tp, MAC_MODE, tp->mac_mode);
    delay_us(40);
    tp->tx_mode &= ~TX_MODE_ENABLE;
    tw32_f(tp, MAC_TX_MODE, tp->tx_mode);
    int i;
    for (i = 0; i < TG3_STOP_LOOPS && (tr32(tp, MAC_TX_MODE) & TX_MODE_ENABLE); i++)
        delay_us(100);
    if (i == TG3_STOP_LOOPS) {
        tg3_log(tp, "MAC transmitter does not stop");
        err = -NIC_ETIMEDOUT;
    }
    err |= tg3_stop_block(tp, HOSTCC_MODE);
    err |= tg3_stop_block(tp, WDMAC_MODE);
    err |= tg3_stop_block(tp, MBFREE_MODE);
    tw32(tp, FTQ_RESET, 0xffffffff);
    tw32(tp, FTQ_RESET, 0);
    err |= tg3_stop_block(tp, BUFMGR_MODE);
    err |= tg3_stop_block(tp, MEMARB_MODE);
    tp->blocks_running = false;
    return err ? -NIC_ETIMEDOUT : NIC_OK;
}

/* ASF management firmware must be paused before a reset (Linux tg3_stop_fw). The APE
 * firmware is not the ASF firmware: it learns about resets from the driver-state messages
 * and the GRC lock, and takes no pause command. */
static void tg3_stop_fw(struct tg3 *tp)
{
    if (!tp->asf || tp->ape) return;
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < 250 && (tr32(tp, GRC_RX_CPU_EVENT) & GRC_RX_CPU_DRIVER_EVENT); i++)
            delay_us(10);
        if (pass == 1) break;
        tg3_write_mem(tp, NIC_SRAM_FW_CMD_MBOX, FWCMD_NICDRV_PAUSE_FW);
        tw32(tp, GRC_RX_CPU_EVENT, tr32(tp, GRC_RX_CPU_EVENT) | GRC_RX_CPU_DRIVER_EVENT);
    }
}

static bool tg3_bootcode_done(struct tg3 *tp)
{
    return tg3_read_mem(tp, NIC_SRAM_FIRMWARE_MBOX) == (uint32_t)~NIC_SRAM_FIRMWARE_MBOX_MAGIC1;
}

/* 5717/5719/5720 may run the MAC clock slowly (link-aware power saving); the bootcode then
 * needs longer than the driver waits. Force full speed across the reset, restore after
 * (Linux tg3_override_clk / tg3_restore_clk). */
static void tg3_override_clk(struct tg3 *tp, bool on)
{
    if (tp->asic == ASIC_REV_5717) {
        uint32_t v = tr32(tp, TG3_CPMU_CLCK_ORIDE_EN);
        tw32(tp, TG3_CPMU_CLCK_ORIDE_EN,
             on ? v | CPMU_CLCK_ORIDE_MAC_CLCK_ORIDE_EN : v & ~CPMU_CLCK_ORIDE_MAC_CLCK_ORIDE_EN);
    } else if (tp->asic == ASIC_REV_5719 || tp->asic == ASIC_REV_5720) {
        uint32_t v = tr32(tp, TG3_CPMU_CLCK_ORIDE);
        tw32(tp, TG3_CPMU_CLCK_ORIDE,
             on ? v | CPMU_CLCK_ORIDE_MAC_ORIDE_EN : v & ~CPMU_CLCK_ORIDE_MAC_ORIDE_EN);
    }
}

/* Core-clock reset and the firmware handshake (Linux tg3_chip_reset). */
static int tg3_chip_reset(struct tg3 *tp)
{
    int err = tg3_nvram_lock(tp); /* the reset releases it */
    if (err) return err;
    if ((err = tg3_ape_lock(tp, TG3_APE_LOCK_GRC))) return err;
    tp->pci_cmd = pci_read16(tp->pci, PCI_COMMAND);
    if (tp->asic == ASIC_REV_5752 || tp->is_5755_plus) tw32(tp, GRC_FASTBOOT_PC, 0);
    if (tp->status) memset((void *)tp->status, 0, TG3_STATUS_BLOCK_SIZE);

    uint32_t val = GRC_MISC_CFG_CORECLK_RESET;
    /* PCIe parts before the 5717 may come up in PCIe 1.1 mode with scrambling: force 1.0a,
     * which the reset's link retraining needs (Linux tg3_chip_reset). */
    if (tp->pcie && !tp->is_5717_plus &&
        tr32(tp, TG3_PCIE_PHY_TSTCTL) == (TG3_PCIE_PHY_TSTCTL_PCIE10 | TG3_PCIE_PHY_TSTCTL_PSCRAM))
        tw32(tp, TG3_PCIE_PHY_TSTCTL, TG3_PCIE_PHY_TSTCTL_PSCRAM);
    if (tp->pcie && tp->chip_rev_id != CHIPREV_ID_5750_A0) {
        tw32(tp, GRC_MISC_CFG, GRC_MISC_CFG_PCIE_RESET_BIT);
        val |= GRC_MISC_CFG_PCIE_RESET_BIT;
    }
    tg3_override_clk(tp, true);
    if (tp->is_5705_plus && !tp->cpmu) val |= GRC_MISC_CFG_KEEP_GPHY_POWER;
    tw32(tp, GRC_MISC_CFG, val);

    /* MMIO is dead for a while: wait, push the write out with a config read, wait again. */
    delay_us(120);
    (void)pci_read32(tp->pci, PCI_COMMAND);
    delay_us(120);

    if (tp->pcie) {
        uint16_t ctl = pci_read16(tp->pci, tp->pcie_cap + TG3_PCIE_DEVCTL);
        ctl &= ~(TG3_PCIE_DEVCTL_RELAX_EN | TG3_PCIE_DEVCTL_NOSNOOP_EN);
        if (!tp->cpmu)
            ctl &= ~TG3_PCIE_DEVCTL_PAYLOAD; /* older PCIe parts: 128-byte payload only */
        pci_write16(tp->pci, tp->pcie_cap + TG3_PCIE_DEVCTL, ctl);
        pci_write16(tp->pci, tp->pcie_cap + TG3_PCIE_DEVSTA, TG3_PCIE_DEVSTA_ERRORS);
    }

    /* The reset cleared the memory enable and our host-control word: restore them. */
    pci_write32(tp->pci, TG3PCI_MISC_HOST_CTRL, tp->misc_host_ctrl);
    val = PCISTATE_ROM_ENABLE | PCISTATE_ROM_RETRY_ENABLE;
    if (tp->chip_rev_id == CHIPREV_ID_5704_A0 && tp->pcix_mode) val |= PCISTATE_RETRY_SAME_DMA;
    pci_write32(tp->pci, TG3PCI_PCISTATE, val);
    pci_write16(tp->pci, PCI_COMMAND, tp->pci_cmd);
    pci_write8(tp->pci, TG3_PCI_CACHELINE_LAT, tp->cacheline);
    pci_write8(tp->pci, TG3_PCI_CACHELINE_LAT + 1, tp->latency);
    if (tp->pcix_mode && tp->pcix_cap) {
        uint16_t cmd = pci_read16(tp->pci, tp->pcix_cap + TG3_PCIX_CMD);
        pci_write16(tp->pci, tp->pcix_cap + TG3_PCIX_CMD, cmd & ~TG3_PCIX_CMD_ERO);
    }
    tg3_ape_unlock(tp, TG3_APE_LOCK_GRC);

    /* SRAM (and so the firmware mailbox) is unreachable until the arbiter runs. */
    if (!TG3_FAULT(TG3_FAULT_SKIP_MEMARB)) {
        uint32_t arb = tp->is_5780_class ? tr32(tp, MEMARB_MODE) : 0;
        tw32(tp, MEMARB_MODE, arb | MEMARB_MODE_ENABLE);
    }

    int i;
    for (i = 0; i < TG3_FW_POLL_LOOPS && !tg3_bootcode_done(tp); i++)
        delay_us(TG3_FW_POLL_US);
    if (i == TG3_FW_POLL_LOOPS && !tp->fw_missing_reported) {
        /* Some boards carry no bootcode; Linux carries on as well. A bootcode slowed by a
         * low MAC clock is prevented by the clock override above. */
        tg3_log(tp, "no firmware answered the reset handshake, continuing");
        tp->fw_missing_reported = true;
    }

    tw32(tp, GRC_MODE, tp->grc_mode);
    tw32_f(tp, MAC_MODE, 0);
    delay_us(40);
    tp->mac_mode = 0;
    tw32_f(tp, MAC_MI_MODE, tp->mi_mode);
    delay_us(80);

    if (tp->pcie && tp->chip_rev_id != CHIPREV_ID_5750_A0 && !tp->is_5717_plus)
        tw32(tp, TG3_PCIE_TLDLPL_PORT,
             tr32(tp, TG3_PCIE_TLDLPL_PORT) | TG3_PCIE_TL_TRANSACTION_FIX);
    tg3_override_clk(tp, false);

    /* The bootcode may have (re)started management firmware. */
    tp->asf = tg3_read_mem(tp, NIC_SRAM_DATA_SIG) == NIC_SRAM_DATA_SIG_MAGIC &&
              (tg3_read_mem(tp, NIC_SRAM_DATA_CFG) & NIC_SRAM_DATA_CFG_ASF_ENABLE);
    return NIC_OK;
}

void tg3_set_mac_addr(struct tg3 *tp)
{
    const uint8_t *m = tp->nic->mac;
    uint32_t hi = (uint32_t)m[0] << 8 | m[1];
    uint32_t lo = (uint32_t)m[2] << 24 | (uint32_t)m[3] << 16 | (uint32_t)m[4] << 8 | m[5];

    for (int i = 0; i < 4; i++) {
        tw32(tp, MAC_ADDR_0_HIGH + i * 8, hi);
        tw32(tp, MAC_ADDR_0_LOW + i * 8, lo);
    }
    if (tp->asic == ASIC_REV_5703 || tp->asic == ASIC_REV_5704) {
        for (int i = 0; i < 12; i++) {
            tw32(tp, MAC_EXTADDR_0_HIGH + i * 8, hi);
            tw32(tp, MAC_EXTADDR_0_LOW + i * 8, lo);
        }
    }
    tw32(tp, MAC_TX_BACKOFF_SEED, (m[0] + m[1] + m[2] + m[3] + m[4] + m[5]) & TX_BACKOFF_SEED_MASK);
}

/* Full stop: pause firmware, sign the mailboxes, stop DMA, reset (Linux tg3_halt). */
int tg3_halt(struct tg3 *tp, enum tg3_reset_kind kind)
{
    tg3_stop_fw(tp);
    if (!TG3_FAULT(TG3_FAULT_SKIP_FW_SIGNATURE)) tg3_sig_pre_reset(tp, kind);
    bool running = tp->blocks_running || (tr32(tp, HOSTCC_MODE) & HOSTCC_MODE_ENABLE) ||
                   (tr32(tp, WDMAC_MODE) & TG3_MODE_ENABLE);
    if (running && !TG3_FAULT(TG3_FAULT_SKIP_ABORT)) tg3_abort_hw(tp);
    int err = tg3_chip_reset(tp);
    if (!err) tg3_sig_post_reset(tp, kind);
    if (tp->nic->mac[0] | tp->nic->mac[1] | tp->nic->mac[2] | tp->nic->mac[3] | tp->nic->mac[4] |
        tp->nic->mac[5])
        tg3_set_mac_addr(tp);
    return err;
}

static void tg3_set_bdinfo(struct tg3 *tp, uint32_t rcb, const void *ring, uint32_t maxlen_flags,
                           uint32_t nic_addr)
{
    tg3_write_mem(tp, rcb + TG3_BDINFO_HOST_ADDR + TG3_64BIT_REG_HIGH, hi32(ring));
    tg3_write_mem(tp, rcb + TG3_BDINFO_HOST_ADDR + TG3_64BIT_REG_LOW, lo32(ring));
    tg3_write_mem(tp, rcb + TG3_BDINFO_MAXLEN_FLAGS, maxlen_flags);
    if (!tp->is_5705_plus) tg3_write_mem(tp, rcb + TG3_BDINFO_NIC_ADDR, nic_addr);
}

/* Send and return ring control blocks, mailboxes and the status block address
 * (Linux tg3_rings_reset). */
static void tg3_rings_reset(struct tg3 *tp)
{
    unsigned send_rcbs = !tp->is_5705_plus ? 16 : tp->is_5717_plus ? 4 : 1;
    unsigned ret_rcbs = tp->is_5717_plus              ? 17
                        : !tp->is_5705_plus           ? 16
                        : (tp->asic == ASIC_REV_5755) ? 4
                                                      : 1;
    for (unsigned i = 1; i < send_rcbs; i++)
        tg3_write_mem(tp, NIC_SRAM_SEND_RCB + i * TG3_BDINFO_SIZE + TG3_BDINFO_MAXLEN_FLAGS,
                      BDINFO_FLAGS_DISABLED);
    for (unsigned i = 1; i < ret_rcbs; i++)
        tg3_write_mem(tp, NIC_SRAM_RCV_RET_RCB + i * TG3_BDINFO_SIZE + TG3_BDINFO_MAXLEN_FLAGS,
                      BDINFO_FLAGS_DISABLED);

    tw32_mbox(tp, MAILBOX_INTERRUPT_0, 1);
    (void)tr32(tp, MAILBOX_INTERRUPT_0 + TG3_64BIT_REG_LOW);
    tw32_mbox(tp, MAILBOX_SNDHOST_PROD_IDX_0, 0);
    tw32_mbox(tp, MAILBOX_RCVRET_CON_IDX_0, 0);
    if (!tp->is_5705_plus) /* the NIC-memory send rings stay unused */
        for (unsigned i = 0; i < 16; i++)
            tw32_mbox(tp, MAILBOX_SNDNIC_PROD_IDX_0 + i * 8, 0);

    memset((void *)tp->status, 0, TG3_STATUS_BLOCK_SIZE);
    tw32(tp, HOSTCC_STATUS_BLK_HOST_ADDR + TG3_64BIT_REG_HIGH, hi32((const void *)tp->status));
    tw32(tp, HOSTCC_STATUS_BLK_HOST_ADDR + TG3_64BIT_REG_LOW, lo32((const void *)tp->status));

    tg3_set_bdinfo(tp, NIC_SRAM_SEND_RCB, tp->tx_ring,
                   TG3_TX_RING_SIZE << BDINFO_FLAGS_MAXLEN_SHIFT, NIC_SRAM_TX_BUFFER_DESC);
    tg3_set_bdinfo(tp, NIC_SRAM_RCV_RET_RCB, tp->rx_ret,
                   tp->ret_ring_size << BDINFO_FLAGS_MAXLEN_SHIFT, 0);
}

/* The buffer manager holds frames in NIC memory between the MAC and the DMA engines. */
static int tg3_bufmgr_enable(struct tg3 *tp)
{
    uint32_t v = BUFMGR_MODE_ENABLE | BUFMGR_MODE_ATTN_ENABLE;
    if (tp->asic == ASIC_REV_5719) v |= BUFMGR_MODE_NO_TX_UNDERRUN;
    if (tp->asic == ASIC_REV_5717 || tp->chip_rev_id == CHIPREV_ID_5719_A0 ||
        tp->chip_rev_id == CHIPREV_ID_5720_A0)
        v |= BUFMGR_MODE_MBLOW_ATTN_ENAB;
    tw32(tp, BUFMGR_MODE, v);
    for (int i = 0; i < 2000; i++) {
        if (tr32(tp, BUFMGR_MODE) & BUFMGR_MODE_ENABLE) return NIC_OK;
        delay_us(10);
    }
    tg3_log(tp, "the buffer manager does not start");
    return -NIC_ENODEV;
}

/* Everything between a reset and a running chip, in Linux tg3_reset_hw order. */
int tg3_reset_hw(struct tg3 *tp)
{
    bool jumbo_mtu = tp->mtu > NIC_MTU_DEFAULT;
    int err;

    tg3_disable_ints(tp);
    if ((err = tg3_halt(tp, TG3_RESET_INIT))) return err;

    if (!tp->cpmu) {
        if (!tp->pcie) tp->pci_clock_ctrl |= CLOCK_CTRL_DELAY_PCI_GRANT;
        tw32_f(tp, TG3PCI_CLOCK_CTRL, tp->pci_clock_ctrl);
    }
    if (tp->chip_rev_id == CHIPREV_ID_5704_A0 && tp->pcix_mode)
        tw32(tp, TG3PCI_PCISTATE, tr32(tp, TG3PCI_PCISTATE) | PCISTATE_RETRY_SAME_DMA);
    if (TG3_CHIP_REV(tp->chip_rev_id) == CHIPREV_5704_BX) /* hardware fixes */
        tw32(tp, TG3PCI_MSI_DATA, tr32(tp, TG3PCI_MSI_DATA) | (1u << 26) | (1u << 28) | (1u << 29));

    if (tp->is_5717_plus) {
        uint32_t v = tr32(tp, TG3PCI_DMA_RW_CTRL) & ~DMA_RWCTRL_DIS_CACHE_ALIGNMENT;
        if (tp->asic != ASIC_REV_5717) v |= DMA_RWCTRL_TAGGED_STAT_WA;
        tw32(tp, TG3PCI_DMA_RW_CTRL, v | tp->dma_rwctrl);
    } else if (tp->asic != ASIC_REV_5761) {
        tw32(tp, TG3PCI_DMA_RW_CTRL, tp->dma_rwctrl);
    }

    tp->grc_mode |= GRC_MODE_HOST_SENDBDS | GRC_MODE_NO_TX_PHDR_CSUM;
    tw32(tp, GRC_MODE, tp->grc_mode | GRC_MODE_IRQ_ON_MAC_ATTN | GRC_MODE_HOST_STACKUP);
    uint32_t misc = tr32(tp, GRC_MISC_CFG) & ~0xffu;
    tw32(tp, GRC_MISC_CFG, misc | (65u << GRC_MISC_CFG_PRESCALAR_SHIFT)); /* 1 us timer tick */

    /* Buffer manager: NIC memory pools on 5700-5704, then watermarks, then enable. */
    if (!tp->is_5705_plus) {
        tw32(tp, BUFMGR_MB_POOL_ADDR, NIC_SRAM_MBUF_POOL_BASE);
        tw32(tp, BUFMGR_MB_POOL_SIZE,
             tp->asic == ASIC_REV_5704 ? NIC_SRAM_MBUF_POOL_SIZE64 : NIC_SRAM_MBUF_POOL_SIZE96);
        tw32(tp, BUFMGR_DMA_DESC_POOL_ADDR, NIC_SRAM_DMA_DESC_POOL_BASE);
        tw32(tp, BUFMGR_DMA_DESC_POOL_SIZE, NIC_SRAM_DMA_DESC_POOL_SIZE);
    }
    uint32_t rdma_lw, macrx_lw, high;
    if (tp->is_5717_plus) {
        rdma_lw = 0;
        macrx_lw = jumbo_mtu ? 0x7e : 0x2a;
        high = jumbo_mtu ? 0xea : 0xa0;
    } else if (tp->is_5705_plus) {
        rdma_lw = 0;
        macrx_lw = jumbo_mtu ? 0x4b : 0x10;
        high = jumbo_mtu ? 0x96 : 0x60;
    } else {
        rdma_lw = jumbo_mtu ? 0x130 : 0x50;
        macrx_lw = jumbo_mtu ? 0x98 : 0x20;
        high = jumbo_mtu ? 0x17c : 0x60;
    }
    tw32(tp, BUFMGR_MB_RDMA_LOW_WATER, rdma_lw);
    tw32(tp, BUFMGR_MB_MACRX_LOW_WATER, macrx_lw);
    tw32(tp, BUFMGR_MB_HIGH_WATER, high);
    tw32(tp, BUFMGR_DMA_LOW_WATER, 5);
    tw32(tp, BUFMGR_DMA_HIGH_WATER, 10);
    if (!TG3_FAULT(TG3_FAULT_SKIP_BUFMGR) && (err = tg3_bufmgr_enable(tp))) return err;

    /* Receive producer rings. Replenish thresholds as Linux tg3_setup_rxbd_thresholds. */
    unsigned bdcache = (!tp->is_5750_plus || tp->is_5780_class || tp->asic == ASIC_REV_5750 ||
                        tp->asic == ASIC_REV_5752 || tp->is_5717_plus)
                           ? 128
                       : (tp->asic == ASIC_REV_5755 || tp->asic == 0x0b) ? 64
                                                                         : 32;
    unsigned thresh = bdcache / 2 < tp->rx_std_max_post ? bdcache / 2 : tp->rx_std_max_post;
    unsigned host_thresh = tp->rx_std_pending / 8 ? tp->rx_std_pending / 8 : 1;
    tw32(tp, RCVBDI_STD_THRESH, thresh < host_thresh ? thresh : host_thresh);
    if (tp->is_5717_plus) tw32(tp, STD_REPLENISH_LWM, bdcache);
    if (tp->jumbo_capable && !tp->is_5780_class) {
        unsigned jt = tp->rx_jmb_pending / 8 ? tp->rx_jmb_pending / 8 : 1;
        tw32(tp, RCVBDI_JUMBO_THRESH, jt < 32 ? jt : 32);
        if (tp->is_5717_plus) tw32(tp, JMB_REPLENISH_LWM, 64);
    }

    tw32(tp, RCVDBDI_STD_BD + TG3_BDINFO_HOST_ADDR + TG3_64BIT_REG_HIGH, hi32(tp->rx_std));
    tw32(tp, RCVDBDI_STD_BD + TG3_BDINFO_HOST_ADDR + TG3_64BIT_REG_LOW, lo32(tp->rx_std));
    if (!tp->is_5717_plus) tw32(tp, RCVDBDI_STD_BD + TG3_BDINFO_NIC_ADDR, NIC_SRAM_RX_BUFFER_DESC);
    if (!tp->is_5705_plus)
        tw32(tp, RCVDBDI_MINI_BD + TG3_BDINFO_MAXLEN_FLAGS, BDINFO_FLAGS_DISABLED);
    uint32_t std_maxlen;
    if (tp->chip_rev_id == CHIPREV_ID_5719_A0 || (tp->jumbo_capable && !tp->is_5780_class)) {
        if (tp->jumbo_ring) {
            tw32(tp, RCVDBDI_JUMBO_BD + TG3_BDINFO_HOST_ADDR + TG3_64BIT_REG_HIGH,
                 hi32(tp->rx_jmb));
            tw32(tp, RCVDBDI_JUMBO_BD + TG3_BDINFO_HOST_ADDR + TG3_64BIT_REG_LOW, lo32(tp->rx_jmb));
            tw32(tp, RCVDBDI_JUMBO_BD + TG3_BDINFO_MAXLEN_FLAGS,
                 tp->jmb_ring_size << BDINFO_FLAGS_MAXLEN_SHIFT | BDINFO_FLAGS_USE_EXT_RECV);
            if (!tp->use_jumbo_bdflag)
                tw32(tp, RCVDBDI_JUMBO_BD + TG3_BDINFO_NIC_ADDR, NIC_SRAM_RX_JUMBO_BUFFER_DESC);
        } else {
            tw32(tp, RCVDBDI_JUMBO_BD + TG3_BDINFO_MAXLEN_FLAGS, BDINFO_FLAGS_DISABLED);
        }
        std_maxlen = tp->is_5717_plus
                         ? tp->std_ring_size << BDINFO_FLAGS_MAXLEN_SHIFT | TG3_RX_STD_DMA_SZ << 2
                         : TG3_RX_STD_DMA_SZ << BDINFO_FLAGS_MAXLEN_SHIFT;
    } else {
        std_maxlen = TG3_RX_STD_RING_SIZE << BDINFO_FLAGS_MAXLEN_SHIFT;
    }
    tw32(tp, RCVDBDI_STD_BD + TG3_BDINFO_MAXLEN_FLAGS, std_maxlen);

    /* Post every buffer at once: the receive engines are still off, so the 8-per-write
     * erratum of 5750/5752/5755 does not apply yet. */
    tw32_mbox(tp, MAILBOX_RCV_STD_PROD_IDX, tp->std_prod & (tp->std_ring_size - 1));
    tw32_mbox(tp, MAILBOX_RCV_JUMBO_PROD_IDX, tp->jmb_prod & (tp->jmb_ring_size - 1));

    tg3_rings_reset(tp);
    tg3_set_mac_addr(tp);
    if (!TG3_FAULT(TG3_FAULT_SKIP_RX_MTU))
        tw32(tp, MAC_RX_MTU_SIZE, tp->mtu + NIC_ETH_HLEN + TG3_ETH_FCS + TG3_VLAN_HLEN);
    uint32_t lengths = (2u << TX_LENGTHS_IPG_CRS_SHIFT) | (6u << TX_LENGTHS_IPG_SHIFT) |
                       (32u << TX_LENGTHS_SLOT_TIME_SHIFT);
    if (tp->asic == ASIC_REV_5720)
        lengths |=
            tr32(tp, MAC_TX_LENGTHS) & (TX_LENGTHS_JMB_FRM_LEN_MSK | TX_LENGTHS_CNT_DWN_VAL_MSK);
    tw32(tp, MAC_TX_LENGTHS, lengths);
    tw32(tp, MAC_RCV_RULE_CFG, RCV_RULE_CFG_DEFAULT_CLASS);
    tw32(tp, RCVLPC_CONFIG, 0x0181);

    uint32_t rdmac = TG3_MODE_ENABLE | RDMAC_MODE_ERROR_ENABLES;
    if (tp->asic == ASIC_REV_5717) rdmac |= RDMAC_MODE_MULT_DMA_RD_DIS;
    if (tp->asic == ASIC_REV_5705 && tp->chip_rev_id != CHIPREV_ID_5705_A0 &&
        !(tr32(tp, TG3PCI_PCISTATE) & PCISTATE_BUS_SPEED_HIGH))
        rdmac |= RDMAC_MODE_FIFO_LONG_BURST;
    if (tp->pcie) rdmac |= RDMAC_MODE_FIFO_LONG_BURST;
    if (tp->asic == ASIC_REV_5720) rdmac |= tr32(tp, RDMAC_MODE) & RDMAC_MODE_H2BNC_VLAN_DET;
    if (tp->asic == ASIC_REV_5761 || tp->is_5717_plus) {
        uint32_t v = tr32(tp, TG3_RDMA_RSRVCTRL_REG);
        if (tp->chip_rev_id == CHIPREV_ID_5719_A0) { /* others keep the bootcode's FIFO */
            v &= ~(TG3_RDMA_RSRVCTRL_TXMRGN_MASK | TG3_RDMA_RSRVCTRL_FIFO_LWM_MASK |
                   TG3_RDMA_RSRVCTRL_FIFO_HWM_MASK);
            v |= TG3_RDMA_RSRVCTRL_TXMRGN_320B | TG3_RDMA_RSRVCTRL_FIFO_LWM_1_5K |
                 TG3_RDMA_RSRVCTRL_FIFO_HWM_1_5K;
        }
        tw32(tp, TG3_RDMA_RSRVCTRL_REG, v | TG3_RDMA_RSRVCTRL_FIFO_OFLW_FIX);
    }
    if (tp->asic == ASIC_REV_5719 || tp->asic == ASIC_REV_5720)
        tw32(tp, TG3_LSO_RD_DMA_CRPTEN_CTRL,
             tr32(tp, TG3_LSO_RD_DMA_CRPTEN_CTRL) | TG3_LSO_RD_DMA_CRPTEN_CTRL_BLEN_BD_4K |
                 TG3_LSO_RD_DMA_CRPTEN_CTRL_BLEN_LSO_4K);

    if (tp->is_5750_plus)
        tw32(tp, RCVLPC_STATS_ENABLE, tr32(tp, RCVLPC_STATS_ENABLE) & ~RCVLPC_STATSENAB_DACK_FIX);
    else
        tw32(tp, RCVLPC_STATS_ENABLE, 0xffffff);
    tw32(tp, RCVLPC_STATSCTRL, RCVLPC_STATSCTRL_ENABLE);
    tw32(tp, SNDDATAI_STATSENAB, 0xffffff);
    tw32(tp, SNDDATAI_STATSCTRL, SNDDATAI_SCTRL_ENABLE | SNDDATAI_SCTRL_FASTUPD);

    /* Host coalescing: stopped while it is programmed; one status block per frame (we poll,
     * so latency matters more than the bus). */
    tw32(tp, HOSTCC_MODE, 0);
    int i;
    for (i = 0; i < 2000 && (tr32(tp, HOSTCC_MODE) & HOSTCC_MODE_ENABLE); i++)
        delay_us(10);
    tw32(tp, HOSTCC_RXCOL_TICKS, 0);
    tw32(tp, HOSTCC_TXCOL_TICKS, 0);
    tw32(tp, HOSTCC_RXMAX_FRAMES, 1);
    tw32(tp, HOSTCC_TXMAX_FRAMES, 1);
    tw32(tp, HOSTCC_RXCOAL_MAXF_INT, 1);
    tw32(tp, HOSTCC_TXCOAL_MAXF_INT, 1);
    if (!tp->is_5705_plus) {
        tw32(tp, HOSTCC_RXCOAL_TICK_INT, 0);
        tw32(tp, HOSTCC_TXCOAL_TICK_INT, 0);
        tw32(tp, HOSTCC_STAT_COAL_TICKS, 0); /* no statistics block DMA */
        tw32(tp, HOSTCC_STATUS_BLK_NIC_ADDR, NIC_SRAM_STATUS_BLK);
        for (uint32_t a = NIC_SRAM_STATS_BLK; a < NIC_SRAM_STATUS_BLK + TG3_STATUS_BLOCK_SIZE;
             a += 4)
            tg3_write_mem(tp, a, 0);
    }
    tw32(tp, HOSTCC_MODE, HOSTCC_MODE_ENABLE | tp->coalesce_mode);

    tw32(tp, RCVCC_MODE, TG3_MODE_ENABLE | RCVCC_MODE_ATTN_ENABLE);
    tw32(tp, RCVLPC_MODE, TG3_MODE_ENABLE);
    if (!tp->is_5705_plus) tw32(tp, RCVLSC_MODE, TG3_MODE_ENABLE | RCVLSC_MODE_ATTN_ENABLE);

    tp->mac_mode = MAC_MODE_TXSTAT_ENABLE | MAC_MODE_RXSTAT_ENABLE | MAC_MODE_TDE_ENABLE |
                   MAC_MODE_RDE_ENABLE | MAC_MODE_FHDE_ENABLE | MAC_MODE_PORT_MODE_GMII;
    if (tp->ape) /* the management firmware keeps its side-band traffic */
        tp->mac_mode |= MAC_MODE_APE_TX_EN | MAC_MODE_APE_RX_EN;
    if (!tp->is_5705_plus && tp->asic != ASIC_REV_5700) tp->mac_mode |= MAC_MODE_LINK_POLARITY;
    tw32_f(tp, MAC_MODE, tp->mac_mode | MAC_MODE_RXSTAT_CLEAR | MAC_MODE_TXSTAT_CLEAR);
    delay_us(40);
    if (!tp->is_nic) {
        /* LAN-on-motherboard: the bootcode set the GPIOs (power switching, PHY) after the
         * reset; keep them (Linux tg3_reset_hw). GPIO1 stays driven for write protection. */
        uint32_t gpio = GRC_LCLCTRL_GPIO_OE0 | GRC_LCLCTRL_GPIO_OE1 | GRC_LCLCTRL_GPIO_OE2 |
                        GRC_LCLCTRL_GPIO_OUTPUT0 | GRC_LCLCTRL_GPIO_OUTPUT1 |
                        GRC_LCLCTRL_GPIO_OUTPUT2;
        if (tp->asic == ASIC_REV_5752) gpio |= GRC_LCLCTRL_GPIO_OE3 | GRC_LCLCTRL_GPIO_OUTPUT3;
        if (tp->asic == ASIC_REV_5755) gpio |= GRC_LCLCTRL_GPIO_UART_SEL;
        tp->grc_local_ctrl = (tp->grc_local_ctrl & ~gpio) | (tr32(tp, GRC_LOCAL_CTRL) & gpio);
        if (tp->eeprom_wp) tp->grc_local_ctrl |= GRC_LCLCTRL_GPIO_OE1 | GRC_LCLCTRL_GPIO_OUTPUT1;
    }
    tw32_f(tp, GRC_LOCAL_CTRL, tp->grc_local_ctrl);
    delay_us(100);

    if (!tp->is_5705_plus) {
        tw32_f(tp, DMAC_MODE, TG3_MODE_ENABLE);
        delay_us(40);
    }
    uint32_t wdmac = TG3_MODE_ENABLE | WDMAC_MODE_ERROR_ENABLES;
    if (tp->is_5755_plus) wdmac |= WDMAC_MODE_STATUS_TAG_FIX;
    tw32_f(tp, WDMAC_MODE, wdmac);
    delay_us(40);
    if (tp->pcix_mode && tp->pcix_cap && (tp->asic == ASIC_REV_5703 || tp->asic == ASIC_REV_5704)) {
        uint16_t cmd = pci_read16(tp->pci, tp->pcix_cap + TG3_PCIX_CMD);
        cmd &= ~TG3_PCIX_CMD_MAX_READ;
        if (tp->asic == ASIC_REV_5704) cmd &= ~TG3_PCIX_CMD_MAX_SPLIT;
        pci_write16(tp->pci, tp->pcix_cap + TG3_PCIX_CMD, cmd | TG3_PCIX_CMD_READ_2K);
    }
    tw32_f(tp, RDMAC_MODE, rdmac);
    delay_us(40);
    if (tp->asic == ASIC_REV_5719 || tp->asic == ASIC_REV_5720) {
        /* After power-on the read-DMA channels may hold stale lengths that stall the first
         * frames; the workaround bit stays on until a few frames went out (Linux). */
        tp->rdma_len_wa = false;
        for (unsigned c = 0; c < TG3_NUM_RDMA_CHANNELS; c++)
            if (tr32(tp, TG3_RDMA_LENGTH + c * 4) > TG3_MAX_MTU_JUMBO) tp->rdma_len_wa = true;
        if (tp->rdma_len_wa) {
            tp->lso_rd_dma_ctrl = tr32(tp, TG3_LSO_RD_DMA_CRPTEN_CTRL);
            tw32(tp, TG3_LSO_RD_DMA_CRPTEN_CTRL,
                 tp->lso_rd_dma_ctrl |
                     (tp->asic == ASIC_REV_5719 ? TG3_LSO_RD_DMA_TX_LENGTH_WA_5719
                                                : TG3_LSO_RD_DMA_TX_LENGTH_WA_5720));
        }
    }

    tw32(tp, RCVDCC_MODE, TG3_MODE_ENABLE | RCVDCC_MODE_ATTN_ENABLE);
    if (!tp->is_5705_plus) tw32(tp, MBFREE_MODE, TG3_MODE_ENABLE);
    tw32(tp, SNDDATAC_MODE,
         TG3_MODE_ENABLE | (tp->asic == ASIC_REV_5761 ? SNDDATAC_MODE_CDELAY : 0));
    tw32(tp, SNDBDC_MODE, TG3_MODE_ENABLE | SNDBDC_MODE_ATTN_ENABLE);
    tw32(tp, RCVBDI_MODE, TG3_MODE_ENABLE | RCVBDI_MODE_RCB_ATTN_ENAB);
    tw32(tp, RCVDBDI_MODE,
         TG3_MODE_ENABLE | RCVDBDI_MODE_INV_RING_SZ |
             (tp->lrg_prod_ring ? RCVDBDI_MODE_LRG_RING_SZ : 0));
    tw32(tp, SNDDATAI_MODE, TG3_MODE_ENABLE);
    tw32(tp, SNDBDI_MODE, TG3_MODE_ENABLE | SNDBDI_MODE_ATTN_ENABLE);
    tw32(tp, SNDBDS_MODE, TG3_MODE_ENABLE | SNDBDS_MODE_ATTN_ENABLE);
    tp->blocks_running = true;

    tp->tx_mode = TX_MODE_ENABLE;
    if (tp->is_5755_plus) tp->tx_mode |= TX_MODE_MBUF_LOCKUP_FIX;
    if (tp->asic == ASIC_REV_5720)
        tp->tx_mode |= tr32(tp, MAC_TX_MODE) & (TX_MODE_JMB_FRM_LEN | TX_MODE_CNT_DN_MODE);
    tw32_f(tp, MAC_TX_MODE, tp->tx_mode);
    delay_us(100);

    /* Receive filter: our address (all four slots) and broadcast; no multicast (hash all
     * zero), not promiscuous; VLAN tags stay in the frame, except with ASF firmware, which
     * needs them stripped (Linux __tg3_set_rx_mode). */
    for (int r = 0; r < 4; r++)
        tw32(tp, MAC_HASH_REG_0 + r * 4, 0);
    tp->rx_mode = RX_MODE_ENABLE | (tp->asf ? 0 : RX_MODE_KEEP_VLAN_TAG);
    if (tp->is_5755_plus) tp->rx_mode |= RX_MODE_IPV6_CSUM_ENABLE;
    tw32_f(tp, MAC_RX_MODE, tp->rx_mode);
    delay_us(10);

    tw32(tp, MAC_LED_CTRL, tp->led_ctrl);
    tw32(tp, MAC_MI_STAT, MAC_MI_STAT_LNKSTAT_ATTN_ENAB);
    tw32_f(tp, MAC_LOW_WMARK_MAX_RX_FRAME, 2);

    /* Receive rules: the two Linux installs, disabled, and the rest cleared. */
    tw32(tp, MAC_RCV_RULE_0, 0xc2000000 & RCV_RULE_DISABLE_MASK);
    tw32(tp, MAC_RCV_VALUE_0, 0xffffffff & RCV_RULE_DISABLE_MASK);
    tw32(tp, MAC_RCV_RULE_0 + 8, 0x86000004 & RCV_RULE_DISABLE_MASK);
    tw32(tp, MAC_RCV_VALUE_0 + 8, 0xffffffff & RCV_RULE_DISABLE_MASK);
    unsigned rules = (tp->is_5705_plus && !tp->is_5780_class) ? 8 : 16;
    if (tp->asf) rules -= 4; /* the top rules belong to the management firmware */
    for (unsigned r = 4; r < rules; r++) {
        tw32(tp, MAC_RCV_RULE_0 + r * 8, 0);
        tw32(tp, MAC_RCV_VALUE_0 + r * 8, 0);
    }

    tp->link = (struct nic_link){false, 0, false};
    if ((err = tg3_phy_start(tp))) {
        tg3_log(tp, "the PHY does not answer");
        return err;
    }
    tw32_f(tp, MAC_EVENT, MAC_EVENT_LNKSTATE_CHANGED);
    tg3_ape_driver_state(tp, TG3_RESET_INIT);
    return NIC_OK;
}
