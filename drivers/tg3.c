/*
 * drivers/tg3.c — polling driver for Broadcom NetXtreme (Tigon3) BCM57xx Gigabit NICs,
 * behind the drivers/nic.h interface.
 *
 * The PCI interrupt stays masked (MISC_HOST_CTRL) and the chip's own interrupt mailbox stays
 * non-zero; the driver learns about sent and received frames from the status block that the
 * host-coalescing engine DMAs into memory, and answers with mailbox writes. Send ring,
 * standard receive producer ring (plus the jumbo producer ring where the part has one) and the
 * receive return ring all live in host memory. The fast path (transmit, flush, tx_reclaim,
 * poll) reads no register; link() and close() are the slow path.
 *
 * Facts (register offsets, bits, init order, per-part quirks) come from the public Linux and
 * iPXE tg3 drivers; docs/tg3.md lists the supported parts and the part-specific steps.
 * Tested only against the device model in tests/tg3/ (`make test`), never on real hardware.
 */
#include "drivers/tg3.h"
#include "drivers/nic.h"
#include "kernel/console.h"
#include "kernel/kernel.h"
#include "kernel/mem.h"
#include "kernel/pci.h"
#include "kernel/tsc.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

extern const struct nic_driver tg3_driver;

#ifdef PORTO_HOST
unsigned tg3_test_faults;
#define TG3_FAULT(f) (tg3_test_faults & (f))
#else
#define TG3_FAULT(f) 0
#endif

#define TG3_PCI_CMD_INVALIDATE  0x0010 /* memory-write-and-invalidate */
#define TG3_PCI_CMD_PARITY_SERR 0x0140
#define TG3_PCI_CAP_ID_PM       0x01
#define TG3_PM_CTRL             0x04
#define TG3_BAR_SIZE_MIN        0x10000 /* registers + the 32 KiB SRAM window */

#define TG3_ETH_FCS        4
#define TG3_VLAN_HLEN      4
#define TG3_VLAN_FRAME_MAX 1518 /* above this a frame needs TXD_FLAG_JMB_PKT on 5717+ */
#define TG3_MTU_MAX        9000
#define TG3_DEF_RX_PENDING 256
#define TG3_DEF_TX_PENDING (TG3_TX_RING_SIZE - 1)
#define TG3_TX_BOUNCE      1280 /* per frame: 8 copied pieces of 128 + padding + short-DMA fixups */
#define TG3_TX_MAX_SEGS    32
#define TG3_SHORT_DMA_MAX  8 /* 5755 and later hang on a send descriptor this short */
#define TG3_STD_BUF_STRIDE 2048
#define TG3_JMB_BUF_STRIDE 9216
#define TG3_FW_POLL_US     10
#define TG3_FW_POLL_LOOPS  100000 /* 1 s, as Linux tg3_poll_fw */
#define TG3_STOP_LOOPS     1000   /* x 100 us */

/* One contiguous run of zeroed pages, kept with its size so close() can give it back. */
struct tg3_dma {
    void *mem;
    size_t pages;
};

struct tg3 {
    struct nic *nic;
    const struct pci_dev *pci;
    volatile void *regs;

    /* What the part is (tg3_get_invariants). */
    uint32_t chip_rev_id, asic;
    bool is_5705_plus, is_5750_plus, is_5755_plus, is_5780_class, is_5717_plus;
    bool jumbo_capable, lrg_prod_ring, cpmu, pcie, pcix_mode;
    bool indirect;         /* PCI-X target bug: every register access through config space */
    bool txd_mbox_hwbug;   /* 5700 BX: write the send producer mailbox twice */
    bool short_dma_bug;    /* no send descriptor of 8 bytes or less */
    bool use_jumbo_bdflag; /* 5717+: frames above 1518 bytes carry TXD_FLAG_JMB_PKT */
    bool asf, eeprom_wp, fw_missing_reported, warned_no_rx_fn;
    uint8_t pcie_cap, pcix_cap, pm_cap, phy_addr, cacheline, latency;
    unsigned std_ring_size, jmb_ring_size, ret_ring_size, rx_std_max_post, tx_dma_limit;
    uint32_t misc_host_ctrl, grc_mode, grc_local_ctrl, dma_rwctrl, coalesce_mode, mi_mode;
    uint32_t pci_clock_ctrl, mac_mode, rx_mode, tx_mode, led_ctrl;
    uint16_t pci_cmd;

    /* Rings and buffers; valid while open. */
    bool is_open, jumbo_ring, blocks_running;
    unsigned mtu, std_buf_size, rx_std_pending, rx_jmb_pending, tx_limit;
    struct tg3_dma status_dma, tx_dma, bounce_dma, std_dma, jmb_dma, ret_dma, stdbuf_dma,
        jmbbuf_dma;
    volatile struct tg3_status_block *status;
    struct tg3_tx_bd *tx_ring;
    uint8_t *tx_bounce;
    struct tg3_rx_bd *rx_std, *rx_ret;
    struct tg3_ext_rx_bd *rx_jmb;

    unsigned tx_prod, tx_cons, tx_flushed, tx_frames_inflight;
    unsigned ret_cons, std_prod, std_unposted, jmb_prod, jmb_unposted;
    uint8_t tx_frame_end[TG3_TX_RING_SIZE]; /* 1 on the last descriptor of each frame */

    struct nic_link link;
};

/* ---------------------------------------------------------------- register access ---- */

static uint32_t tr32(struct tg3 *tp, uint32_t off)
{
    if (tp->indirect) {
        pci_write32(tp->pci, TG3PCI_REG_BASE_ADDR, off);
        return pci_read32(tp->pci, TG3PCI_REG_DATA);
    }
    return mmio_read32(tp->regs, off);
}

static void tw32(struct tg3 *tp, uint32_t off, uint32_t v)
{
    if (tp->indirect) {
        pci_write32(tp->pci, TG3PCI_REG_BASE_ADDR, off);
        pci_write32(tp->pci, TG3PCI_REG_DATA, v);
        return;
    }
    mmio_write32(tp->regs, off, v);
}

/* Write, then read back so the posted write has reached the chip. */
static void tw32_f(struct tg3 *tp, uint32_t off, uint32_t v)
{
    tw32(tp, off, v);
    (void)tr32(tp, off);
}

/* Some registers (clocks, GPIO power) must not be read back too early. */
static void tw32_wait_f(struct tg3 *tp, uint32_t off, uint32_t v, unsigned us)
{
    tw32(tp, off, v);
    delay_us(us);
    (void)tr32(tp, off);
    delay_us(us);
}

/* Mailboxes: memory-mapped normally; on the indirect path the two receive mailboxes have
 * config-space aliases and the others are reached through their GRC alias (Linux
 * tg3_write_indirect_mbox). No read-back: this is the fast path. */
static void tw32_mbox(struct tg3 *tp, uint32_t mbox, uint32_t v)
{
    uint32_t off = mbox + TG3_64BIT_REG_LOW;

    if (tp->indirect) {
        if (mbox == MAILBOX_RCVRET_CON_IDX_0) {
            pci_write32(tp->pci, TG3PCI_RCV_RET_RING_CON_IDX + TG3_64BIT_REG_LOW, v);
        } else if (mbox == MAILBOX_RCV_STD_PROD_IDX) {
            pci_write32(tp->pci, TG3PCI_STD_RING_PROD_IDX + TG3_64BIT_REG_LOW, v);
        } else {
            pci_write32(tp->pci, TG3PCI_REG_BASE_ADDR, off + GRCMBOX_BASE);
            pci_write32(tp->pci, TG3PCI_REG_DATA, v);
        }
        return;
    }
    mmio_write32(tp->regs, off, v);
    if (tp->txd_mbox_hwbug && mbox == MAILBOX_SNDHOST_PROD_IDX_0)
        mmio_write32(tp->regs, off, v); /* 5700 BX may drop the first write */
}

/* NIC SRAM through the config-space memory window, which is left at 0 afterwards. */
static uint32_t tg3_read_mem(struct tg3 *tp, uint32_t off)
{
    pci_write32(tp->pci, TG3PCI_MEM_WIN_BASE_ADDR, off);
    uint32_t v = pci_read32(tp->pci, TG3PCI_MEM_WIN_DATA);
    pci_write32(tp->pci, TG3PCI_MEM_WIN_BASE_ADDR, 0);
    return v;
}

static void tg3_write_mem(struct tg3 *tp, uint32_t off, uint32_t v)
{
    pci_write32(tp->pci, TG3PCI_MEM_WIN_BASE_ADDR, off);
    pci_write32(tp->pci, TG3PCI_MEM_WIN_DATA, v);
    pci_write32(tp->pci, TG3PCI_MEM_WIN_BASE_ADDR, 0);
}

static void tg3_log(struct tg3 *tp, const char *what)
{
    kprintf("tg3 %02x:%02x.%x: %s\n", tp->pci->bus, tp->pci->dev, tp->pci->fn, what);
}

static uint32_t hi32(const void *p)
{
    return (uint32_t)((uint64_t)(uintptr_t)p >> 32);
}
static uint32_t lo32(const void *p)
{
    return (uint32_t)(uintptr_t)p;
}
static void *bd_addr(uint32_t hi, uint32_t lo)
{
    return (void *)(uintptr_t)(((uint64_t)hi << 32) | lo);
}

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

/* ------------------------------------------------------------------------ the PHY ---- */

static int tg3_mi_op(struct tg3 *tp, uint32_t frame, uint32_t *out)
{
    tw32_f(tp, MAC_MI_COM, frame | MI_COM_BUSY);
    for (int i = 0; i < 5000; i++) {
        delay_us(10);
        uint32_t v = tr32(tp, MAC_MI_COM);
        if (!(v & MI_COM_BUSY)) {
            delay_us(5);
            v = tr32(tp, MAC_MI_COM);
            if (v & MI_COM_READ_FAILED) return -NIC_ENODEV;
            *out = v & MI_COM_DATA_MASK;
            return NIC_OK;
        }
    }
    return -NIC_ETIMEDOUT;
}

static int tg3_readphy(struct tg3 *tp, unsigned reg, uint32_t *val)
{
    uint32_t frame = ((uint32_t)tp->phy_addr << MI_COM_PHY_ADDR_SHIFT) |
                     (reg << MI_COM_REG_ADDR_SHIFT) | MI_COM_CMD_READ;
    return tg3_mi_op(tp, frame, val);
}

static int tg3_writephy(struct tg3 *tp, unsigned reg, uint32_t val)
{
    uint32_t ignored;
    uint32_t frame = ((uint32_t)tp->phy_addr << MI_COM_PHY_ADDR_SHIFT) |
                     (reg << MI_COM_REG_ADDR_SHIFT) | (val & MI_COM_DATA_MASK) | MI_COM_CMD_WRITE;
    return tg3_mi_op(tp, frame, &ignored);
}

/* Reset the PHY and restart autonegotiation advertising everything the part can do. */
static int tg3_phy_start(struct tg3 *tp)
{
    uint32_t v = 0;
    int err = tg3_writephy(tp, MII_BMCR, BMCR_RESET);
    if (err) return err;
    for (int i = 0; i < 5000; i++) {
        if ((err = tg3_readphy(tp, MII_BMCR, &v))) return err;
        if (!(v & BMCR_RESET)) break;
        delay_us(10);
    }
    if (v & BMCR_RESET) return -NIC_ETIMEDOUT;
    (void)tg3_readphy(tp, MII_TG3_ISTAT, &v); /* clear latched PHY events */
    tg3_writephy(tp, MII_TG3_IMASK, 0xffff);  /* and never raise one: we poll */
    tg3_writephy(tp, MII_ADVERTISE,
                 ADVERTISE_CSMA | ADVERTISE_10HALF | ADVERTISE_10FULL | ADVERTISE_100HALF |
                     ADVERTISE_100FULL);
    tg3_writephy(tp, MII_TG3_CTRL, MII_TG3_CTRL_ADV_1000_HALF | MII_TG3_CTRL_ADV_1000_FULL);
    return tg3_writephy(tp, MII_BMCR, BMCR_ANENABLE | BMCR_ANRESTART);
}

/* Read link state from the PHY and make the MAC match it (port mode: GMII at 1000 Mb/s, MII
 * below; duplex), as Linux tg3_setup_copper_phy. Slow path. */
static void tg3_link_update(struct tg3 *tp)
{
    uint32_t bmsr = 0, aux = 0;
    struct nic_link now = {false, 0, false};

    (void)tg3_readphy(tp, MII_BMSR, &bmsr); /* latched-low: the second read is current */
    if (tg3_readphy(tp, MII_BMSR, &bmsr) == NIC_OK && (bmsr & BMSR_LSTATUS)) {
        for (int i = 0; i < 200 && !(aux & MII_TG3_AUX_STAT_SPDMASK); i++) {
            if (tg3_readphy(tp, MII_TG3_AUX_STAT, &aux)) break;
            if (!(aux & MII_TG3_AUX_STAT_SPDMASK)) delay_us(10);
        }
        switch (aux & MII_TG3_AUX_STAT_SPDMASK) {
        case MII_TG3_AUX_STAT_10HALF:
            now = (struct nic_link){true, 10, false};
            break;
        case MII_TG3_AUX_STAT_10FULL:
            now = (struct nic_link){true, 10, true};
            break;
        case MII_TG3_AUX_STAT_100HALF:
            now = (struct nic_link){true, 100, false};
            break;
        case MII_TG3_AUX_STAT_100FULL:
            now = (struct nic_link){true, 100, true};
            break;
        case MII_TG3_AUX_STAT_1000HALF:
            now = (struct nic_link){true, 1000, false};
            break;
        case MII_TG3_AUX_STAT_1000FULL:
            now = (struct nic_link){true, 1000, true};
            break;
        default:
            break; /* link bit without a resolved speed: not up yet */
        }
    }

    uint32_t mode = tp->mac_mode & ~(MAC_MODE_PORT_MODE_MASK | MAC_MODE_HALF_DUPLEX);
    mode |= (now.up && now.speed_mbps < 1000) ? MAC_MODE_PORT_MODE_MII : MAC_MODE_PORT_MODE_GMII;
    if (now.up && !now.full_duplex) mode |= MAC_MODE_HALF_DUPLEX;
    if (TG3_FAULT(TG3_FAULT_SKIP_PORT_MODE)) mode = tp->mac_mode;
    if (mode != tp->mac_mode) {
        tp->mac_mode = mode;
        tw32_f(tp, MAC_MODE, mode);
        delay_us(40);
    }
    /* Gigabit half duplex needs the long slot time. */
    uint32_t lengths = (2u << TX_LENGTHS_IPG_CRS_SHIFT) | (6u << TX_LENGTHS_IPG_SHIFT);
    if (tp->asic == ASIC_REV_5720)
        lengths |=
            tr32(tp, MAC_TX_LENGTHS) & (TX_LENGTHS_JMB_FRM_LEN_MSK | TX_LENGTHS_CNT_DWN_VAL_MSK);
    lengths |= (now.up && now.speed_mbps == 1000 && !now.full_duplex ? 0xffu : 32u)
               << TX_LENGTHS_SLOT_TIME_SHIFT;
    tw32(tp, MAC_TX_LENGTHS, lengths);

    /* Acknowledge the change and keep the link attention armed for the status block. */
    tw32_f(tp, MAC_STATUS,
           MAC_STATUS_SYNC_CHANGED | MAC_STATUS_CFG_CHANGED | MAC_STATUS_MI_COMPLETION |
               MAC_STATUS_LNKSTATE_CHANGED);
    tw32_f(tp, MAC_EVENT, MAC_EVENT_LNKSTATE_CHANGED);

    if (now.up != tp->link.up || now.speed_mbps != tp->link.speed_mbps ||
        now.full_duplex != tp->link.full_duplex) {
        if (now.up)
            kprintf("tg3 %02x:%02x.%x: link up, %u Mb/s %s duplex\n", tp->pci->bus, tp->pci->dev,
                    tp->pci->fn, now.speed_mbps, now.full_duplex ? "full" : "half");
        else
            tg3_log(tp, "link down");
    }
    tp->link = now;
}

/* ------------------------------------------------------------ reset and shutdown ---- */

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
    kprintf("tg3 %02x:%02x.%x: block %#x does not stop\n", tp->pci->bus, tp->pci->dev, tp->pci->fn,
            (unsigned)reg);
    return -NIC_ETIMEDOUT;
}

static void tg3_disable_ints(struct tg3 *tp)
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

/* ASF management firmware must be paused before a reset (Linux tg3_stop_fw). */
static void tg3_stop_fw(struct tg3 *tp)
{
    if (!tp->asf) return;
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

/* Core-clock reset and the firmware handshake (Linux tg3_chip_reset). */
static int tg3_chip_reset(struct tg3 *tp)
{
    tp->pci_cmd = pci_read16(tp->pci, PCI_COMMAND);
    if (tp->asic == ASIC_REV_5752 || tp->is_5755_plus) tw32(tp, GRC_FASTBOOT_PC, 0);
    if (tp->status) memset((void *)tp->status, 0, TG3_STATUS_BLOCK_SIZE);

    uint32_t val = GRC_MISC_CFG_CORECLK_RESET;
    if (tp->pcie && tp->chip_rev_id != CHIPREV_ID_5750_A0) {
        tw32(tp, GRC_MISC_CFG, GRC_MISC_CFG_PCIE_RESET_BIT);
        val |= GRC_MISC_CFG_PCIE_RESET_BIT;
    }
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

    /* SRAM (and so the firmware mailbox) is unreachable until the arbiter runs. */
    if (!TG3_FAULT(TG3_FAULT_SKIP_MEMARB)) {
        uint32_t arb = tp->is_5780_class ? tr32(tp, MEMARB_MODE) : 0;
        tw32(tp, MEMARB_MODE, arb | MEMARB_MODE_ENABLE);
    }

    int i;
    for (i = 0; i < TG3_FW_POLL_LOOPS && !tg3_bootcode_done(tp); i++)
        delay_us(TG3_FW_POLL_US);
    if (i == TG3_FW_POLL_LOOPS && !tp->fw_missing_reported) {
        /* Some boards carry no bootcode; Linux carries on as well. */
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
    if (tp->asic == ASIC_REV_5720)
        tw32(tp, TG3_CPMU_CLCK_ORIDE,
             tr32(tp, TG3_CPMU_CLCK_ORIDE) & ~CPMU_CLCK_ORIDE_MAC_ORIDE_EN);
    if (tp->cpmu) {
        tw32(tp, TG3_CPMU_D0_CLCK_POLICY, 0);
        tw32(tp, TG3_CPMU_CLCK_ORIDE_EN,
             tr32(tp, TG3_CPMU_CLCK_ORIDE_EN) | CPMU_CLCK_ORIDE_MAC_CLCK_ORIDE_EN);
    }

    /* The bootcode may have (re)started management firmware. */
    tp->asf = tg3_read_mem(tp, NIC_SRAM_DATA_SIG) == NIC_SRAM_DATA_SIG_MAGIC &&
              (tg3_read_mem(tp, NIC_SRAM_DATA_CFG) & NIC_SRAM_DATA_CFG_ASF_ENABLE);
    return NIC_OK;
}

static void tg3_set_mac_addr(struct tg3 *tp)
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

/* Full stop: pause firmware, sign the mailbox, stop DMA, reset (Linux tg3_halt). */
static int tg3_halt(struct tg3 *tp)
{
    tg3_stop_fw(tp);
    if (!TG3_FAULT(TG3_FAULT_SKIP_FW_SIGNATURE))
        tg3_write_mem(tp, NIC_SRAM_FIRMWARE_MBOX, NIC_SRAM_FIRMWARE_MBOX_MAGIC1);
    bool running = tp->blocks_running || (tr32(tp, HOSTCC_MODE) & HOSTCC_MODE_ENABLE) ||
                   (tr32(tp, WDMAC_MODE) & TG3_MODE_ENABLE);
    if (running && !TG3_FAULT(TG3_FAULT_SKIP_ABORT)) tg3_abort_hw(tp);
    int err = tg3_chip_reset(tp);
    if (tp->nic->mac[0] | tp->nic->mac[1] | tp->nic->mac[2] | tp->nic->mac[3] | tp->nic->mac[4] |
        tp->nic->mac[5])
        tg3_set_mac_addr(tp);
    return err;
}

/* ------------------------------------------------------------ what the part is ---- */

static uint8_t tg3_find_cap(const struct pci_dev *pci, uint8_t id)
{
    uint8_t pos = pci_read8(pci, TG3_PCI_CAP_PTR) & 0xfc;
    for (int hops = 0; pos >= 0x40 && hops < 48; hops++) {
        if (pci_read8(pci, pos) == id) return pos;
        pos = pci_read8(pci, pos + 1) & 0xfc;
    }
    return 0;
}

/* Family flags by ASIC revision, as Linux tg3_get_invariants. Returns false for parts this
 * driver does not know. */
static bool tg3_classify(struct tg3 *tp)
{
    switch (tp->asic) {
    case ASIC_REV_5700:
    case ASIC_REV_5701:
    case ASIC_REV_5703:
    case ASIC_REV_5704:
        tp->jumbo_capable = true; /* separate jumbo producer ring */
        tp->ret_ring_size = TG3_RX_RET_RING_SIZE_5700;
        break;
    case ASIC_REV_5705:
        tp->is_5705_plus = true;
        break;
    case ASIC_REV_5750:
    case ASIC_REV_5752:
        tp->is_5705_plus = tp->is_5750_plus = true;
        tp->rx_std_max_post = 8; /* erratum: post at most 8 standard buffers per mailbox write */
        break;
    case ASIC_REV_5714:
    case ASIC_REV_5780:
        tp->is_5705_plus = tp->is_5750_plus = tp->is_5780_class = true;
        tp->jumbo_capable = true; /* jumbo frames in 9 KB standard-ring buffers */
        break;
    case 0x0b: /* 5787: same family as 5755 */
    case ASIC_REV_5755:
        tp->is_5705_plus = tp->is_5750_plus = tp->is_5755_plus = true;
        tp->short_dma_bug = true;
        if (tp->asic == ASIC_REV_5755) tp->rx_std_max_post = 8;
        break;
    case ASIC_REV_5761:
        tp->is_5705_plus = tp->is_5750_plus = tp->is_5755_plus = true;
        tp->short_dma_bug = tp->cpmu = true;
        break;
    case ASIC_REV_5717:
    case ASIC_REV_5719:
    case ASIC_REV_5720:
        tp->is_5705_plus = tp->is_5750_plus = tp->is_5755_plus = tp->is_5717_plus = true;
        tp->short_dma_bug = tp->cpmu = tp->lrg_prod_ring = true;
        tp->use_jumbo_bdflag = tp->jumbo_capable = tp->chip_rev_id != CHIPREV_ID_5719_A0;
        tp->ret_ring_size = TG3_RX_RET_RING_SIZE_5717;
        if (tp->asic == ASIC_REV_5719)
            tp->tx_dma_limit = 4096; /* one send descriptor must not move more than 4 KiB */
        break;
    default:
        return false;
    }
    tp->std_ring_size = tp->lrg_prod_ring ? TG3_RX_STD_RING_SIZE_5717 : TG3_RX_STD_RING_SIZE;
    tp->jmb_ring_size = tp->lrg_prod_ring ? TG3_RX_JMB_RING_SIZE_5717 : TG3_RX_JMB_RING_SIZE;
    if (!tp->rx_std_max_post) tp->rx_std_max_post = tp->std_ring_size;
    return true;
}

/* DMA read/write control, the value Linux and iPXE derive in tg3_test_dma. The 5700/5701
 * write-DMA self-test is not run: the driver takes the 16-byte write boundary that the test
 * falls back to on those parts. */
static void tg3_dma_rwctrl(struct tg3 *tp)
{
    uint32_t v;

    if (tp->is_5717_plus) {
        tp->dma_rwctrl = DMA_RWCTRL_DIS_CACHE_ALIGNMENT;
        return;
    }
    v = (7u << DMA_RWCTRL_PCI_WRITE_CMD_SHIFT) | (6u << DMA_RWCTRL_PCI_READ_CMD_SHIFT);
    if (tp->pcie) {
        v |= 0x00180000;
    } else if (!tp->pcix_mode) {
        v |= (tp->asic == ASIC_REV_5705 || tp->asic == ASIC_REV_5750) ? 0x003f0000 : 0x003f000f;
    } else if (tp->asic == ASIC_REV_5703 || tp->asic == ASIC_REV_5704) {
        uint32_t clk = tr32(tp, TG3PCI_CLOCK_CTRL) & 0x1f;
        uint32_t read_water = tp->asic == ASIC_REV_5703 ? 4 : 7;
        if (clk == 6 || clk == 7) v |= DMA_RWCTRL_ONE_DMA;
        v |= (read_water << DMA_RWCTRL_READ_WATER_SHIFT) | (3u << DMA_RWCTRL_WRITE_WATER_SHIFT) |
             (1u << 23); /* PCI-X fix */
    } else if (tp->asic == ASIC_REV_5780) {
        v |= 0x00144000;
    } else if (tp->asic == ASIC_REV_5714) {
        v |= 0x00148000;
    } else {
        v |= 0x001b000f;
    }
    if (tp->asic == ASIC_REV_5703 || tp->asic == ASIC_REV_5704) v &= 0xfffffff0;
    if (tp->asic == ASIC_REV_5700 || tp->asic == ASIC_REV_5701) {
        v |= DMA_RWCTRL_USE_MEM_READ_MULT | DMA_RWCTRL_ASSERT_ALL_BE;
        v = (v & ~DMA_RWCTRL_WRITE_BNDRY_MASK) | DMA_RWCTRL_WRITE_BNDRY_16;
    }
    tp->dma_rwctrl = v;
}

/* Core clock selection after power-up (Linux tg3_switch_clocks). */
static void tg3_switch_clocks(struct tg3 *tp)
{
    if (tp->cpmu || tp->is_5780_class) return;
    uint32_t orig = tr32(tp, TG3PCI_CLOCK_CTRL);
    uint32_t keep = orig & (CLOCK_CTRL_FORCE_CLKRUN | CLOCK_CTRL_CLKRUN_OENABLE | 0x1f);
    tp->pci_clock_ctrl = keep;
    if (tp->is_5705_plus) {
        if (orig & CLOCK_CTRL_625_CORE)
            tw32_wait_f(tp, TG3PCI_CLOCK_CTRL, keep | CLOCK_CTRL_625_CORE, 40);
    } else if (orig & CLOCK_CTRL_44MHZ_CORE) {
        tw32_wait_f(tp, TG3PCI_CLOCK_CTRL, keep | CLOCK_CTRL_44MHZ_CORE | CLOCK_CTRL_ALTCLK, 40);
        tw32_wait_f(tp, TG3PCI_CLOCK_CTRL, keep | CLOCK_CTRL_ALTCLK, 40);
    }
    tw32_wait_f(tp, TG3PCI_CLOCK_CTRL, keep, 40);
}

/* 5701 A0/B0/B2/B5 in PCI-X mode may corrupt memory-mapped writes (the PCI-X target bug):
 * write a pattern into SRAM through the BAR window and see whether a neighbour changed. */
static bool tg3_5701_target_bug(struct tg3 *tp)
{
    uint32_t id = tp->chip_rev_id;
    if (!tp->pcix_mode || (id != CHIPREV_ID_5701_A0 && id != CHIPREV_ID_5701_B0 &&
                           id != CHIPREV_ID_5701_B2 && id != CHIPREV_ID_5701_B5))
        return false;
    uint32_t win = 0x8000 + NIC_SRAM_STATS_BLK;
    mmio_write32(tp->regs, win, 0);
    mmio_write32(tp->regs, win + 4, 0);
    mmio_write32(tp->regs, win + 4, 0xffffffff);
    return mmio_read32(tp->regs, win) != 0;
}

static int tg3_get_invariants(struct tg3 *tp, uint64_t bar)
{
    const struct pci_dev *pci = tp->pci;
    uint32_t misc = pci_read32(pci, TG3PCI_MISC_HOST_CTRL);

    tp->chip_rev_id = misc >> MISC_HOST_CTRL_CHIPREV_SHIFT;
    if (TG3_ASIC_REV(tp->chip_rev_id) == ASIC_REV_USE_PROD_ID_REG) {
        bool gen2 = pci->device == 0x1655 || pci->device == 0x1656 || pci->device == 0x1657 ||
                    pci->device == 0x165f;
        tp->chip_rev_id =
            pci_read32(pci, gen2 ? TG3PCI_GEN2_PRODID_ASICREV : TG3PCI_PRODID_ASICREV) & 0x0fffffff;
    }
    tp->asic = TG3_ASIC_REV(tp->chip_rev_id);
    tp->ret_ring_size = TG3_RX_RET_RING_SIZE_5705;
    if (!tg3_classify(tp)) {
        kprintf("tg3 %02x:%02x.%x: chip revision %#x (ASIC %#x) is not supported\n", pci->bus,
                pci->dev, pci->fn, (unsigned)tp->chip_rev_id, (unsigned)tp->asic);
        return -NIC_ENODEV;
    }

    tp->pcie_cap = tg3_find_cap(pci, TG3_PCI_CAP_ID_PCIE);
    tp->pcix_cap = tg3_find_cap(pci, TG3_PCI_CAP_ID_PCIX);
    tp->pm_cap = tg3_find_cap(pci, TG3_PCI_CAP_ID_PM);
    tp->pcie = tp->pcie_cap != 0;
    uint32_t pcistate = pci_read32(pci, TG3PCI_PCISTATE);
    if (!tp->pcie && (!tp->is_5705_plus || tp->is_5780_class)) {
        if (!tp->pcix_cap) {
            tg3_log(tp, "no PCI-X capability on a PCI-X part, giving up");
            return -NIC_ENODEV;
        }
        tp->pcix_mode = !(pcistate & PCISTATE_CONV_PCI_MODE);
    }

    /* From here on the device is ours. */
    pci_enable_device(pci);
    uint16_t cmd = pci_read16(pci, PCI_COMMAND) & ~TG3_PCI_CMD_INVALIDATE;
    pci_write16(pci, PCI_COMMAND, cmd);
    tp->regs = (volatile void *)(uintptr_t)bar;

    /* Mask the PCI interrupt and open the register windows before any register access. */
    tp->misc_host_ctrl = MISC_HOST_CTRL_MASK_PCI_INT | MISC_HOST_CTRL_WORD_SWAP |
                         MISC_HOST_CTRL_PCISTATE_RW | (misc & MISC_HOST_CTRL_CHIPREV);
    if (!TG3_FAULT(TG3_FAULT_NO_INDIRECT_ENABLE)) tp->misc_host_ctrl |= MISC_HOST_CTRL_INDIR_ACCESS;
    pci_write32(pci, TG3PCI_MISC_HOST_CTRL, tp->misc_host_ctrl);

    uint16_t cl = pci_read16(pci, TG3_PCI_CACHELINE_LAT);
    tp->cacheline = cl & 0xff;
    tp->latency = cl >> 8;
    if (tp->asic == ASIC_REV_5703 && tp->latency < 64) {
        tp->latency = 64;
        pci_write8(pci, TG3_PCI_CACHELINE_LAT + 1, tp->latency);
    }
    if (TG3_CHIP_REV(tp->chip_rev_id) == CHIPREV_5700_BX) {
        tp->txd_mbox_hwbug = true;
        if (tp->pcix_mode) {
            tp->indirect = true;
            if (tp->pm_cap) { /* the bug can clobber the power state: force D0 */
                uint32_t pm = pci_read32(pci, tp->pm_cap + TG3_PM_CTRL);
                pci_write32(pci, tp->pm_cap + TG3_PM_CTRL, (pm & ~3u) | 0x100);
            }
            pci_write16(pci, PCI_COMMAND, pci_read16(pci, PCI_COMMAND) | TG3_PCI_CMD_PARITY_SERR);
        }
    }
    if (tp->chip_rev_id == CHIPREV_ID_5704_A0 && !(pcistate & PCISTATE_RETRY_SAME_DMA))
        pci_write32(pci, TG3PCI_PCISTATE, pcistate | PCISTATE_RETRY_SAME_DMA);

    /* D0, then the memory arbiter so SRAM can be read (Linux tg3_get_eeprom_hw_cfg). */
    if (tp->pm_cap) {
        uint16_t pmcsr = pci_read16(pci, tp->pm_cap + TG3_PM_CTRL);
        pci_write16(pci, tp->pm_cap + TG3_PM_CTRL, pmcsr & ~3u);
        delay_us(1000);
    }
    tw32(tp, MEMARB_MODE, tr32(tp, MEMARB_MODE) | MEMARB_MODE_ENABLE);

    tp->eeprom_wp = true;
    if (tg3_read_mem(tp, NIC_SRAM_DATA_SIG) == NIC_SRAM_DATA_SIG_MAGIC) {
        uint32_t cfg = tg3_read_mem(tp, NIC_SRAM_DATA_CFG);
        if ((cfg & NIC_SRAM_DATA_CFG_PHY_TYPE_MASK) == NIC_SRAM_DATA_CFG_PHY_TYPE_FIBER) {
            tg3_log(tp, "fibre (SerDes) boards are not supported");
            return -NIC_ENODEV;
        }
        tp->eeprom_wp = (cfg & NIC_SRAM_DATA_CFG_EEPROM_WP) != 0;
        tp->asf = (cfg & NIC_SRAM_DATA_CFG_ASF_ENABLE) != 0;
    }

    /* GPIOs: 5700 and write-protected EEPROMs drive GPIO1 high; 5752 has no pull-up on
     * GPIO3; 5755 and 5761 switch the debug UART off (Linux tg3_get_invariants). */
    tp->grc_local_ctrl = GRC_LCLCTRL_INT_ON_ATTN | GRC_LCLCTRL_AUTO_SEEPROM;
    if (tp->asic == ASIC_REV_5700 || tp->eeprom_wp)
        tp->grc_local_ctrl |= GRC_LCLCTRL_GPIO_OE1 | GRC_LCLCTRL_GPIO_OUTPUT1;
    else if (tp->asic == ASIC_REV_5752)
        tp->grc_local_ctrl |= GRC_LCLCTRL_GPIO_OE3;
    if (tp->asic == ASIC_REV_5755 || tp->asic == ASIC_REV_5761)
        tp->grc_local_ctrl |= GRC_LCLCTRL_GPIO_UART_SEL;
    if (tp->asic == ASIC_REV_5761 && !tp->eeprom_wp)
        tp->grc_local_ctrl |= GRC_LCLCTRL_GPIO_OE0 | GRC_LCLCTRL_GPIO_OUTPUT0;
    pci_write32(pci, TG3PCI_MISC_HOST_CTRL, tp->misc_host_ctrl);
    tw32_wait_f(tp, GRC_LOCAL_CTRL, tp->grc_local_ctrl, 100);

    tp->mi_mode = tp->cpmu ? MAC_MI_MODE_500KHZ_CONST : MAC_MI_MODE_BASE;
    if (TG3_CHIP_REV(tp->chip_rev_id) != CHIPREV_5700_AX &&
        TG3_CHIP_REV(tp->chip_rev_id) != CHIPREV_5700_BX)
        tp->coalesce_mode = HOSTCC_MODE_32BYTE;
    tp->phy_addr = tp->is_5717_plus ? (uint8_t)(pci->fn + 1) : TG3_PHY_ADDR;
    tp->led_ctrl = LED_CTRL_MODE_PHY_1;

    /* Byte order of DMA: frame data and descriptors as a little-endian host lays them out. */
    tp->grc_mode = GRC_MODE_WSWAP_DATA | GRC_MODE_BSWAP_DATA;
    if (!TG3_FAULT(TG3_FAULT_NO_DESC_WORD_SWAP)) tp->grc_mode |= GRC_MODE_WSWAP_NONFRM_DATA;
    tw32(tp, GRC_MODE, (tr32(tp, GRC_MODE) & GRC_MODE_HOST_STACKUP) | tp->grc_mode);
    tg3_switch_clocks(tp);
    tw32(tp, TG3PCI_MEM_WIN_BASE_ADDR, 0);
    if (!tp->indirect && tg3_5701_target_bug(tp)) {
        tg3_log(tp, "PCI-X target bug: using indirect register access");
        tp->indirect = true;
    }
    delay_us(50);
    tg3_dma_rwctrl(tp);
    tw32(tp, TG3PCI_DMA_RW_CTRL, tp->dma_rwctrl);
    return NIC_OK;
}

static bool tg3_valid_mac(const uint8_t *m)
{
    return !(m[0] & 1) && (m[0] | m[1] | m[2] | m[3] | m[4] | m[5]);
}

/* MAC address: the bootcode's SRAM mailbox, else what it left in MAC_ADDR_0. */
static bool tg3_read_mac(struct tg3 *tp, uint8_t *mac)
{
    uint32_t hi = tg3_read_mem(tp, NIC_SRAM_MAC_ADDR_HIGH_MBOX);
    if ((hi >> 16) == NIC_SRAM_MAC_ADDR_SIG) {
        uint32_t lo = tg3_read_mem(tp, NIC_SRAM_MAC_ADDR_LOW_MBOX);
        uint8_t m[6] = {(uint8_t)(hi >> 8),  (uint8_t)hi,        (uint8_t)(lo >> 24),
                        (uint8_t)(lo >> 16), (uint8_t)(lo >> 8), (uint8_t)lo};
        if (tg3_valid_mac(m)) {
            memcpy(mac, m, 6);
            return true;
        }
    }
    hi = tr32(tp, MAC_ADDR_0_HIGH);
    uint32_t lo = tr32(tp, MAC_ADDR_0_LOW);
    uint8_t m[6] = {(uint8_t)(hi >> 8),  (uint8_t)hi,        (uint8_t)(lo >> 24),
                    (uint8_t)(lo >> 16), (uint8_t)(lo >> 8), (uint8_t)lo};
    if (!tg3_valid_mac(m)) return false;
    memcpy(mac, m, 6);
    return true;
}

/* ---------------------------------------------------------------------- rings ---- */

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
              tg3_dma_alloc(&tp->bounce_dma, (size_t)TG3_TX_RING_SIZE * TG3_TX_BOUNCE) &&
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
    tp->std_prod = tp->rx_std_pending % tp->std_ring_size;
    tp->jmb_prod = tp->jumbo_ring ? tp->rx_jmb_pending % tp->jmb_ring_size : 0;
    tp->std_unposted = tp->jmb_unposted = 0;
    return NIC_OK;
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
static int tg3_reset_hw(struct tg3 *tp)
{
    bool jumbo_mtu = tp->mtu > NIC_MTU_DEFAULT;
    int err;

    tg3_disable_ints(tp);
    if ((err = tg3_halt(tp))) return err;

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
    tw32_mbox(tp, MAILBOX_RCV_STD_PROD_IDX, tp->std_prod);
    tw32_mbox(tp, MAILBOX_RCV_JUMBO_PROD_IDX, tp->jmb_prod);

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
        if (tp->asic == ASIC_REV_5719 || tp->asic == ASIC_REV_5720) {
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
    if (!tp->is_5705_plus && tp->asic != ASIC_REV_5700) tp->mac_mode |= MAC_MODE_LINK_POLARITY;
    tw32_f(tp, MAC_MODE, tp->mac_mode | MAC_MODE_RXSTAT_CLEAR | MAC_MODE_TXSTAT_CLEAR);
    delay_us(40);
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
     * zero), not promiscuous; VLAN tags stay in the frame. */
    for (int r = 0; r < 4; r++)
        tw32(tp, MAC_HASH_REG_0 + r * 4, 0);
    tp->rx_mode = RX_MODE_ENABLE | RX_MODE_KEEP_VLAN_TAG;
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
    return NIC_OK;
}

/* ------------------------------------------------------------------ nic_ops ---- */

static int tg3_open(struct nic *nic, const struct nic_config *cfg)
{
    struct tg3 *tp = nic->priv;
    unsigned mtu = cfg && cfg->mtu ? cfg->mtu : NIC_MTU_DEFAULT;

    if (tp->is_open) {
        tg3_log(tp, "open: already open");
        return -NIC_EBUSY;
    }
    if (mtu > TG3_MTU_MAX || (mtu > NIC_MTU_DEFAULT && !tp->jumbo_capable)) {
        kprintf("tg3 %02x:%02x.%x: mtu %u rejected: this %s takes at most %u bytes\n", tp->pci->bus,
                tp->pci->dev, tp->pci->fn, mtu, nic->model,
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
        tg3_halt(tp);
        tg3_free_rings(tp);
        return err;
    }
    tp->is_open = true;
    nic->mtu = mtu;
    return NIC_OK;
}

/* Turn the pieces of one frame into send descriptors: pieces of at most NIC_TX_COPY_MAX
 * bytes are copied (consecutive ones into one run) into this frame's bounce area, larger
 * ones go by address, split where the part limits one descriptor's length. Frames shorter
 * than the Ethernet minimum are padded in the bounce area. On parts with the short-DMA bug
 * no descriptor is 8 bytes or shorter: a short copied run borrows bytes from its large
 * neighbour. Returns the number of segments. */
struct tg3_seg {
    const uint8_t *p;
    uint32_t len;
    bool copied;
};

static void tg3_add_large(struct tg3 *tp, struct tg3_seg *seg, unsigned *n, const uint8_t *p,
                          size_t len)
{
    size_t limit = tp->tx_dma_limit ? tp->tx_dma_limit : 0xffff;
    size_t parts = (len + limit - 1) / limit;
    size_t chunk = (len + parts - 1) / parts; /* balanced: no tiny last piece */
    while (len) {
        size_t c = len < chunk ? len : chunk;
        seg[(*n)++] = (struct tg3_seg){p, (uint32_t)c, false};
        p += c;
        len -= c;
    }
}

static unsigned tg3_build_segs(struct tg3 *tp, const struct nic_iov *iov, unsigned niov,
                               size_t total, uint8_t *bounce, struct tg3_seg *seg)
{
    unsigned n = 0;
    size_t used = 0;

    for (unsigned k = 0; k < niov; k++) {
        const uint8_t *p = iov[k].base;
        size_t len = iov[k].len;
        if (!len) continue;
        if (len <= NIC_TX_COPY_MAX || total < NIC_ETH_MIN_FRAME) {
            memcpy(bounce + used, p, len);
            if (n && seg[n - 1].copied && seg[n - 1].p + seg[n - 1].len == bounce + used)
                seg[n - 1].len += (uint32_t)len;
            else
                seg[n++] = (struct tg3_seg){bounce + used, (uint32_t)len, true};
            used += len;
            continue;
        }
        if (tp->short_dma_bug && n && seg[n - 1].copied && seg[n - 1].len <= TG3_SHORT_DMA_MAX &&
            seg[n - 1].p + seg[n - 1].len == bounce + used) {
            /* Borrow the head of this large piece into the short run before it. */
            size_t take = 16;
            memcpy(bounce + used, p, take);
            seg[n - 1].len += (uint32_t)take;
            used += take;
            p += take;
            len -= take;
        }
        tg3_add_large(tp, seg, &n, p, len);
    }
    if (total < NIC_ETH_MIN_FRAME) { /* every piece was copied into one run */
        memset(bounce + used, 0, NIC_ETH_MIN_FRAME - total);
        seg[n - 1].len += (uint32_t)(NIC_ETH_MIN_FRAME - total);
        used += NIC_ETH_MIN_FRAME - total;
    }
    if (tp->short_dma_bug && n >= 2 && seg[n - 1].copied && seg[n - 1].len <= TG3_SHORT_DMA_MAX &&
        !seg[n - 2].copied) {
        /* A short run at the end: move the tail of the large piece before it in front. */
        size_t take = 16, tail = seg[n - 1].len;
        memcpy(bounce + used, seg[n - 2].p + seg[n - 2].len - take, take);
        memcpy(bounce + used + take, seg[n - 1].p, tail);
        seg[n - 2].len -= (uint32_t)take;
        seg[n - 1] = (struct tg3_seg){bounce + used, (uint32_t)(take + tail), true};
    }
    return n;
}

static int tg3_transmit(struct nic *nic, const struct nic_iov *iov, unsigned niov)
{
    struct tg3 *tp = nic->priv;
    size_t total = 0;

    if (!tp->is_open) {
        nic->stats.tx_errors++;
        return -NIC_ENODEV;
    }
    if (!tp->link.up) {
        /* Only while the link is believed down does transmit look at the chip (slow path):
         * frames would be lost on a dead wire, so say so. */
        tg3_link_update(tp);
        if (!tp->link.up) {
            nic->stats.tx_errors++;
            return -NIC_ELINK;
        }
    }
    if (!iov || niov == 0 || niov > NIC_MAX_IOV) {
        nic->stats.tx_errors++;
        return -NIC_EINVAL;
    }
    size_t max = (size_t)tp->mtu + NIC_ETH_HLEN;
    for (unsigned k = 0; k < niov; k++) {
        if ((iov[k].len && !iov[k].base) || iov[k].len > max) { /* also keeps `total` sane */
            nic->stats.tx_errors++;
            return -NIC_EINVAL;
        }
        total += iov[k].len;
    }
    if (total == 0 || total > max) {
        nic->stats.tx_errors++;
        return -NIC_EINVAL;
    }

    struct tg3_seg seg[TG3_TX_MAX_SEGS];
    uint8_t *bounce = tp->tx_bounce + (size_t)tp->tx_prod * TG3_TX_BOUNCE;
    unsigned n = tg3_build_segs(tp, iov, niov, total, bounce, seg);
    if (n > tp->tx_limit) { /* could never fit, however long the caller waits */
        nic->stats.tx_errors++;
        return -NIC_EINVAL;
    }
    unsigned inflight = (tp->tx_prod - tp->tx_cons) & (TG3_TX_RING_SIZE - 1);
    if (n > tp->tx_limit - inflight) {
        nic->stats.tx_busy++;
        return -NIC_EBUSY;
    }

    uint32_t flags = (tp->use_jumbo_bdflag && total > TG3_VLAN_FRAME_MAX) ? TXD_FLAG_JMB_PKT : 0;
    unsigned entry = tp->tx_prod;
    for (unsigned s = 0; s < n; s++) {
        struct tg3_tx_bd *bd = &tp->tx_ring[entry];
        bd->addr_hi = hi32(seg[s].p);
        bd->addr_lo = lo32(seg[s].p);
        bd->len_flags = seg[s].len << TXD_LEN_SHIFT | flags | (s == n - 1 ? TXD_FLAG_END : 0);
        bd->vlan_tag = 0;
        tp->tx_frame_end[entry] = s == n - 1;
        entry = (entry + 1) & (TG3_TX_RING_SIZE - 1);
    }
    tp->tx_prod = entry;
    tp->tx_frames_inflight++;
    nic->stats.tx_frames++;
    nic->stats.tx_bytes += total < NIC_ETH_MIN_FRAME ? NIC_ETH_MIN_FRAME : total;
    return NIC_OK;
}

static void tg3_flush(struct nic *nic)
{
    struct tg3 *tp = nic->priv;
    if (!tp->is_open || tp->tx_flushed == tp->tx_prod) return;
    wmb(); /* descriptors and bounce data before the doorbell */
    tw32_mbox(tp, MAILBOX_SNDHOST_PROD_IDX_0, tp->tx_prod);
    tp->tx_flushed = tp->tx_prod;
}

static unsigned tg3_tx_reclaim(struct nic *nic)
{
    struct tg3 *tp = nic->priv;
    if (!tp->is_open) return 0;
    unsigned hw = tp->status->idx[0].tx_consumer & (TG3_TX_RING_SIZE - 1);
    rmb();
    unsigned queued = (tp->tx_flushed - tp->tx_cons) & (TG3_TX_RING_SIZE - 1);
    if (((hw - tp->tx_cons) & (TG3_TX_RING_SIZE - 1)) > queued)
        return tp->tx_frames_inflight; /* not a consumer index we handed out: ignore it */
    while (tp->tx_cons != hw) {
        if (tp->tx_frame_end[tp->tx_cons]) {
            tp->tx_frame_end[tp->tx_cons] = 0;
            tp->tx_frames_inflight--;
        }
        tp->tx_cons = (tp->tx_cons + 1) & (TG3_TX_RING_SIZE - 1);
    }
    return tp->tx_frames_inflight;
}

/* Put a buffer back on the ring it came from, at that ring's producer slot. */
static void tg3_recycle(struct tg3 *tp, bool jumbo, uint32_t hi, uint32_t lo)
{
    if (jumbo) {
        tp->rx_jmb[tp->jmb_prod].std.addr_hi = hi;
        tp->rx_jmb[tp->jmb_prod].std.addr_lo = lo;
        tp->jmb_prod = (tp->jmb_prod + 1) & (tp->jmb_ring_size - 1);
        tp->jmb_unposted++;
        return;
    }
    tp->rx_std[tp->std_prod].addr_hi = hi;
    tp->rx_std[tp->std_prod].addr_lo = lo;
    tp->std_prod = (tp->std_prod + 1) & (tp->std_ring_size - 1);
    if (++tp->std_unposted >= tp->rx_std_max_post) {
        wmb();
        tw32_mbox(tp, MAILBOX_RCV_STD_PROD_IDX, tp->std_prod);
        tp->std_unposted = 0;
    }
}

static int tg3_poll(struct nic *nic, nic_rx_fn fn, void *ctx, unsigned budget)
{
    struct tg3 *tp = nic->priv;
    int done = 0;

    if (!tp->is_open) return 0;
    if (!fn) {
        if (!tp->warned_no_rx_fn)
            tg3_log(tp, "poll without a receive function: frames left on the ring");
        tp->warned_no_rx_fn = true;
        return 0;
    }
    if (tp->status->status & SD_STATUS_LINK_CHG) {
        tp->status->status &= ~SD_STATUS_LINK_CHG;
        tg3_link_update(tp); /* rare: the slow path only when the chip flagged a change */
    }
    unsigned hw = tp->status->idx[0].rx_producer;
    rmb();
    if (hw >= tp->ret_ring_size) return 0;
    while (tp->ret_cons != hw && (unsigned)done < budget) {
        const struct tg3_rx_bd *d = &tp->rx_ret[tp->ret_cons];
        uint32_t ring = d->opaque & RXD_OPAQUE_RING_MASK;
        uint32_t idx = d->opaque & RXD_OPAQUE_INDEX_MASK;
        uint32_t len = d->idx_len & RXD_LEN_MASK;
        bool jumbo = ring == RXD_OPAQUE_RING_JUMBO;

        tp->ret_cons = (tp->ret_cons + 1) & (tp->ret_ring_size - 1);
        done++;
        if ((ring != RXD_OPAQUE_RING_STD && !(jumbo && tp->jumbo_ring)) ||
            idx >= (jumbo ? tp->jmb_ring_size : tp->std_ring_size)) {
            nic->stats.rx_dropped++; /* a descriptor we never posted: nothing to recycle */
            continue;
        }
        const struct tg3_rx_bd *posted = jumbo ? &tp->rx_jmb[idx].std : &tp->rx_std[idx];
        uint32_t cap = jumbo ? TG3_RX_JMB_DMA_SZ : tp->std_buf_size;
        if ((d->err_vlan & RXD_ERR_MASK) &&
            (d->err_vlan & RXD_ERR_MASK) != RXD_ERR_ODD_NIBBLE_RCVD_MII)
            nic->stats.rx_errors++;
        else if (len < NIC_ETH_HLEN + TG3_ETH_FCS || len > cap)
            nic->stats.rx_errors++;
        else {
            fn(ctx, bd_addr(posted->addr_hi, posted->addr_lo), len - TG3_ETH_FCS);
            nic->stats.rx_frames++;
            nic->stats.rx_bytes += len - TG3_ETH_FCS;
        }
        tg3_recycle(tp, jumbo, posted->addr_hi, posted->addr_lo);
    }
    if (done) {
        wmb();
        tw32_mbox(tp, MAILBOX_RCVRET_CON_IDX_0, tp->ret_cons);
        if (tp->std_unposted) {
            tw32_mbox(tp, MAILBOX_RCV_STD_PROD_IDX, tp->std_prod);
            tp->std_unposted = 0;
        }
        if (tp->jmb_unposted) {
            tw32_mbox(tp, MAILBOX_RCV_JUMBO_PROD_IDX, tp->jmb_prod);
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
    if (!tp->is_open) {
        if (out) *out = (struct nic_link){false, 0, false};
        return -NIC_ENODEV;
    }
    tg3_link_update(tp);
    tg3_fold_drops(tp);
    if (out) *out = tp->link;
    return NIC_OK;
}

static void tg3_close(struct nic *nic)
{
    struct tg3 *tp = nic->priv;
    if (!tp->is_open) return;
    tg3_fold_drops(tp);
    tg3_halt(tp); /* stops every engine before the rings go away */
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
    uint64_t bar_size = 0;
    uint64_t bar = pci_bar(pci, 0, &bar_size);
    if (!bar || bar_size < TG3_BAR_SIZE_MIN) {
        kprintf("tg3 %02x:%02x.%x: BAR0 missing or too small\n", pci->bus, pci->dev, pci->fn);
        return -NIC_ENODEV;
    }
#ifndef PORTO_HOST
    if (bar + bar_size > 0x100000000ull) { /* only the low 4 GiB are identity-mapped */
        kprintf("tg3 %02x:%02x.%x: BAR0 above 4 GiB is not mapped\n", pci->bus, pci->dev, pci->fn);
        return -NIC_ENODEV;
    }
#endif
    struct tg3_dma priv;
    if (!tg3_dma_alloc(&priv, sizeof(struct tg3))) return -NIC_ENOMEM;
    struct tg3 *tp = priv.mem;
    tp->nic = nic;
    tp->pci = pci;
    memset(nic->mac, 0, sizeof(nic->mac));

    int err = tg3_get_invariants(tp, bar);
    if (!err) {
        err = tg3_halt(tp);
        if (!err && !tg3_read_mac(tp, nic->mac)) {
            tg3_log(tp, "no valid MAC address in SRAM or MAC_ADDR_0");
            err = -NIC_ENODEV;
        }
    }
    if (err) {
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
    kprintf("tg3 %02x:%02x.%x: %s rev %#x%s%s, MAC %02x:%02x:%02x:%02x:%02x:%02x\n", pci->bus,
            pci->dev, pci->fn, id->model, (unsigned)tp->chip_rev_id,
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
