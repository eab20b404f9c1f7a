/*
 * drivers/tg3_int.h — the tg3 driver's private header: driver state, register and SRAM
 * access, and the functions its files share. The driver is split the way the chip's
 * programming is: tg3.c (rings, the nic_ops data path, liveness, probe), tg3_chip.c (what the
 * part is, its PCI setup and clocks), tg3_hw.c (stop, reset, and the init sequence),
 * tg3_phy.c (the MII PHY and link), tg3_fw.c (what the driver tells the firmware on the chip:
 * APE locks and driver state, ASF handshake and heartbeat, NVRAM arbitration). Register facts:
 * drivers/tg3.h. Tested by tests/tg3/ (`make unit-test`).
 */
#ifndef PORTO_TG3_INT_H
#define PORTO_TG3_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "drivers/nic.h"
#include "drivers/tg3.h"
#include "kernel/console.h"
#include "kernel/kernel.h"
#include "kernel/mem.h"
#include "kernel/pci.h"
#include "kernel/tsc.h"

#ifdef PORTO_HOST
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
#define TG3_STD_BUF_STRIDE 2048
#define TG3_JMB_BUF_STRIDE 9216
#define TG3_FW_POLL_US     10
#define TG3_FW_POLL_LOOPS  100000 /* 1 s, as Linux tg3_poll_fw */
#define TG3_STOP_LOOPS     1000   /* x 100 us */
#define TG3_MAX_MTU_JUMBO  9000   /* TG3_RDMA_LENGTH above this is stale (5719/5720) */

#define tg3_log(tp, ...) nic_log("tg3", (tp)->pci, __VA_ARGS__)

/* One contiguous run of zeroed pages, kept with its size so close() can give it back. */
struct tg3_dma {
    void *mem;
    size_t pages;
};

/* Ring positions (tx_*, ret_cons, std_prod, jmb_prod) are free-running counters, as
 * drivers/nic.h asks; the slot is `index & (ring size - 1)`. */
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
    bool asf, eeprom_wp, fw_missing_reported;
    bool is_nic;        /* add-in card (EEPROM not write-protected): GPIOs are ours to set */
    bool asf_handshake; /* ASF on 5750 and later: driver-state mailbox START/UNLOAD */
    bool ape;           /* APE management processor: locks and driver-state messages */
    bool nvram;         /* NVRAM arbitration exists (not 5700/5701) */
    bool clkreq_bug;    /* 5761: CLKREQ off at 10/100 Mb/s */
    bool rdma_len_wa;   /* 5719/5720: stale read-DMA lengths, workaround bit set */
    volatile void *aperegs;
    uint8_t pci_fn; /* port number: CPMU status on 5717/5719/5720, else PCI function */
    uint8_t pcie_cap, pcix_cap, pm_cap, phy_addr, cacheline, latency;
    unsigned std_ring_size, jmb_ring_size, ret_ring_size, rx_std_max_post, tx_dma_limit;
    uint32_t misc_host_ctrl, grc_mode, grc_local_ctrl, dma_rwctrl, coalesce_mode, mi_mode;
    uint32_t pci_clock_ctrl, mac_mode, rx_mode, tx_mode, led_ctrl, lso_rd_dma_ctrl;
    uint16_t pci_cmd;

    /* Rings and buffers; valid while open. */
    bool is_open, jumbo_ring, blocks_running;
    unsigned mtu, std_buf_size, rx_std_pending, rx_jmb_pending, tx_limit;
    struct tg3_dma status_dma, tx_dma, bounce_dma, std_dma, jmb_dma, ret_dma, stdbuf_dma,
        jmbbuf_dma;
    volatile struct tg3_status_block *status;
    struct tg3_tx_bd *tx_ring;
    uint8_t *tx_bounce; /* NIC_TX_COPY_MAX bytes per send descriptor, for copied segments */
    struct tg3_rx_bd *rx_std, *rx_ret;
    struct tg3_ext_rx_bd *rx_jmb;

    unsigned tx_prod, tx_cons, tx_flushed, tx_frames_inflight;
    unsigned ret_cons, std_prod, std_unposted, jmb_prod, jmb_unposted;
    uint8_t tx_frame_end[TG3_TX_RING_SIZE]; /* 1 on the last descriptor of each frame */

    struct nic_link link;

    /* Liveness (tg3.c): the status block must move while work is pending. */
    uint64_t live_check_ns, live_progress_ns, heartbeat_ns;
    uint32_t live_stamp;
    unsigned live_kicks, tx_done_frames;
    bool dead; /* a restart failed: the device is left stopped */
};

/* ---- Register, mailbox and SRAM access ---- */

static inline uint32_t tr32(struct tg3 *tp, uint32_t off)
{
    if (tp->indirect) {
        pci_write32(tp->pci, TG3PCI_REG_BASE_ADDR, off);
        return pci_read32(tp->pci, TG3PCI_REG_DATA);
    }
    return mmio_read32(tp->regs, off);
}

static inline void tw32(struct tg3 *tp, uint32_t off, uint32_t v)
{
    if (tp->indirect) {
        pci_write32(tp->pci, TG3PCI_REG_BASE_ADDR, off);
        pci_write32(tp->pci, TG3PCI_REG_DATA, v);
        return;
    }
    mmio_write32(tp->regs, off, v);
}

/* Write, then read back so the posted write has reached the chip. */
static inline void tw32_f(struct tg3 *tp, uint32_t off, uint32_t v)
{
    tw32(tp, off, v);
    (void)tr32(tp, off);
}

/* Some registers (clocks, GPIO power) must not be read back too early. */
static inline void tw32_wait_f(struct tg3 *tp, uint32_t off, uint32_t v, unsigned us)
{
    tw32(tp, off, v);
    delay_us(us);
    (void)tr32(tp, off);
    delay_us(us);
}

/* Mailboxes: memory-mapped normally; on the indirect path the two receive mailboxes have
 * config-space aliases and the others are reached through their GRC alias (Linux
 * tg3_write_indirect_mbox). No read-back: this is the fast path. */
static inline void tw32_mbox(struct tg3 *tp, uint32_t mbox, uint32_t v)
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
static inline uint32_t tg3_read_mem(struct tg3 *tp, uint32_t off)
{
    pci_write32(tp->pci, TG3PCI_MEM_WIN_BASE_ADDR, off);
    uint32_t v = pci_read32(tp->pci, TG3PCI_MEM_WIN_DATA);
    pci_write32(tp->pci, TG3PCI_MEM_WIN_BASE_ADDR, 0);
    return v;
}

static inline void tg3_write_mem(struct tg3 *tp, uint32_t off, uint32_t v)
{
    pci_write32(tp->pci, TG3PCI_MEM_WIN_BASE_ADDR, off);
    pci_write32(tp->pci, TG3PCI_MEM_WIN_DATA, v);
    pci_write32(tp->pci, TG3PCI_MEM_WIN_BASE_ADDR, 0);
}

static inline uint32_t hi32(const void *p)
{
    return (uint32_t)((uint64_t)(uintptr_t)p >> 32);
}
static inline uint32_t lo32(const void *p)
{
    return (uint32_t)(uintptr_t)p;
}
static inline void *bd_addr(uint32_t hi, uint32_t lo)
{
    return (void *)(uintptr_t)(((uint64_t)hi << 32) | lo);
}

/* APE registers (BAR 2). */
static inline uint32_t ape_rd(struct tg3 *tp, uint32_t off)
{
    return mmio_read32(tp->aperegs, off);
}
static inline void ape_wr(struct tg3 *tp, uint32_t off, uint32_t v)
{
    mmio_write32(tp->aperegs, off, v);
}

enum tg3_reset_kind { TG3_RESET_INIT, TG3_RESET_SHUTDOWN };

/* tg3_chip.c: what the part is. */
int tg3_get_invariants(struct tg3 *tp, volatile void *regs);
bool tg3_read_mac(struct tg3 *tp, uint8_t *mac);

/* tg3_hw.c: stop, reset, init. */
void tg3_disable_ints(struct tg3 *tp);
void tg3_set_mac_addr(struct tg3 *tp);
int tg3_halt(struct tg3 *tp, enum tg3_reset_kind kind);
int tg3_reset_hw(struct tg3 *tp);

/* tg3_phy.c: the PHY and link. */
int tg3_phy_start(struct tg3 *tp);
void tg3_link_update(struct tg3 *tp);

/* tg3_fw.c: the firmware on the chip. */
int tg3_ape_lock(struct tg3 *tp, unsigned lock);
void tg3_ape_unlock(struct tg3 *tp, unsigned lock);
unsigned tg3_ape_phy_lock(const struct tg3 *tp);
void tg3_ape_driver_state(struct tg3 *tp, enum tg3_reset_kind kind);
void tg3_sig_pre_reset(struct tg3 *tp, enum tg3_reset_kind kind);
void tg3_sig_post_reset(struct tg3 *tp, enum tg3_reset_kind kind);
void tg3_asf_heartbeat(struct tg3 *tp);
int tg3_nvram_lock(struct tg3 *tp);

#endif
