/*
 * drivers/e1000.h — Intel 8254x (e1000) registers, descriptors and driver state.
 *
 * Each register's offset is followed by its bits. Facts from Intel's "PCI/PCI-X Family of
 * Gigabit Ethernet Controllers Software Developer's Manual" (8254x SDM) and QEMU 7.2's
 * hw/net/e1000.c (whose differences from silicon are noted where they matter). The driver
 * state is declared here, not hidden in e1000.c, so the host unit tests (tests/e1000/,
 * `make unit-test`) can check the ring bookkeeping against a fake device.
 */
#ifndef PORTO_E1000_H
#define PORTO_E1000_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/nic.h"

/* ---- Registers (byte offsets into BAR0, 32-bit access only) ---- */

#define E1000_CTRL         0x0000     /* Device Control */
#define E1000_CTRL_FD      (1u << 0)  /* full duplex (when forced) */
#define E1000_CTRL_LRST    (1u << 3)  /* link reset */
#define E1000_CTRL_ASDE    (1u << 5)  /* auto-speed detection enable */
#define E1000_CTRL_SLU     (1u << 6)  /* set link up */
#define E1000_CTRL_ILOS    (1u << 7)  /* invert loss-of-signal */
#define E1000_CTRL_FRCSPD  (1u << 11) /* force speed */
#define E1000_CTRL_FRCDPLX (1u << 12) /* force duplex */
#define E1000_CTRL_RST     (1u << 26) /* device reset, self-clearing */
#define E1000_CTRL_VME     (1u << 30) /* VLAN mode enable */
#define E1000_CTRL_PHY_RST (1u << 31) /* PHY reset */

#define E1000_STATUS            0x0008    /* Device Status */
#define E1000_STATUS_FD         (1u << 0) /* full duplex */
#define E1000_STATUS_LU         (1u << 1) /* link up */
#define E1000_STATUS_SPEED_MASK (3u << 6)
#define E1000_STATUS_SPEED_10   (0u << 6)
#define E1000_STATUS_SPEED_100  (1u << 6)
#define E1000_STATUS_SPEED_1000 (2u << 6) /* 3 << 6 also means 1000 */

/* EEPROM Read. Two layouts exist: the "small" one (82540/82544/82545/82546, QEMU) has DONE in
 * bit 4 and the word address from bit 8; the "large" one (82541/82547) has DONE in bit 1 and
 * the address from bit 2. Reading word 0 tells them apart: both layouts put it at 0. */
#define E1000_EERD            0x0014
#define E1000_EERD_START      (1u << 0)
#define E1000_EERD_DONE_SMALL (1u << 4)
#define E1000_EERD_DONE_LARGE (1u << 1)
#define E1000_EERD_ADDR_SMALL 8 /* shift */
#define E1000_EERD_ADDR_LARGE 2 /* shift */
#define E1000_EERD_DATA_SHIFT 16

#define E1000_ICR     0x00C0 /* Interrupt Cause Read (clears on read) */
#define E1000_ITR     0x00C4 /* Interrupt Throttling */
#define E1000_IMS     0x00D0 /* Interrupt Mask Set/Read */
#define E1000_IMC     0x00D8 /* Interrupt Mask Clear: write 1s to mask */
#define E1000_IRQ_ALL 0xFFFFFFFFu

#define E1000_RCTL             0x0100     /* Receive Control; QEMU pauses RX 1 s on every write */
#define E1000_RCTL_EN          (1u << 1)  /* receiver enable */
#define E1000_RCTL_SBP         (1u << 2)  /* store bad packets */
#define E1000_RCTL_UPE         (1u << 3)  /* unicast promiscuous */
#define E1000_RCTL_MPE         (1u << 4)  /* multicast promiscuous */
#define E1000_RCTL_LPE         (1u << 5)  /* long packet enable (frames > 1522 bytes) */
#define E1000_RCTL_LBM_MASK    (3u << 6)  /* loopback mode, 0 = none */
#define E1000_RCTL_RDMTS_HALF  (0u << 8)  /* RX min threshold: 1/2 of the ring */
#define E1000_RCTL_MO_MASK     (3u << 12) /* multicast offset */
#define E1000_RCTL_BAM         (1u << 15) /* broadcast accept */
#define E1000_RCTL_BSIZE_2048  (0u << 16) /* buffer size, BSEX = 0 */
#define E1000_RCTL_BSIZE_1024  (1u << 16)
#define E1000_RCTL_BSIZE_512   (2u << 16)
#define E1000_RCTL_BSIZE_256   (3u << 16)
#define E1000_RCTL_BSIZE_16384 ((1u << 16) | E1000_RCTL_BSEX) /* BSEX = 1: sizes x16 */
#define E1000_RCTL_BSIZE_8192  ((2u << 16) | E1000_RCTL_BSEX)
#define E1000_RCTL_BSIZE_4096  ((3u << 16) | E1000_RCTL_BSEX)
#define E1000_RCTL_VFE         (1u << 18) /* VLAN filter enable */
#define E1000_RCTL_BSEX        (1u << 25) /* buffer size extension */
#define E1000_RCTL_SECRC       (1u << 26) /* strip Ethernet CRC */

#define E1000_TCTL            0x0400    /* Transmit Control */
#define E1000_TCTL_EN         (1u << 1) /* transmitter enable */
#define E1000_TCTL_PSP        (1u << 3) /* pad short packets (real chips; QEMU ignores it) */
#define E1000_TCTL_CT(x)      ((uint32_t)(x) << 4)  /* collision threshold */
#define E1000_TCTL_COLD(x)    ((uint32_t)(x) << 12) /* collision distance */
#define E1000_TCTL_RTLC       (1u << 24)            /* retransmit on late collision */
#define E1000_TCTL_CT_DEFAULT E1000_TCTL_CT(0x0F)
#define E1000_TCTL_COLD_FULL  E1000_TCTL_COLD(0x40) /* full duplex: 64 byte times */

#define E1000_TIPG         0x0410 /* Transmit Inter-Packet Gap: IPGT | IPGR1 << 10 | IPGR2 << 20 */
#define E1000_TIPG_DEFAULT (10u | (8u << 10) | (6u << 20)) /* SDM values for copper */

#define E1000_RDBAL 0x2800 /* RX descriptor base, low 32 bits (16-byte aligned) */
#define E1000_RDBAH 0x2804 /* RX descriptor base, high 32 bits */
#define E1000_RDLEN 0x2808 /* RX ring length in bytes, multiple of 128 */
#define E1000_RDH   0x2810 /* RX head: next descriptor the device fills */
#define E1000_RDT   0x2818 /* RX tail: one past the last descriptor the device may fill */
#define E1000_RDTR  0x2820 /* RX delay timer (interrupt moderation, 0 = off) */
#define E1000_RADV  0x282C /* RX absolute delay (interrupt moderation, 0 = off) */

#define E1000_TDBAL 0x3800 /* TX descriptor base, low 32 bits */
#define E1000_TDBAH 0x3804 /* TX descriptor base, high 32 bits */
#define E1000_TDLEN 0x3808 /* TX ring length in bytes, multiple of 128 */
#define E1000_TDH   0x3810 /* TX head: next descriptor the device sends */
#define E1000_TDT   0x3818 /* TX tail: the doorbell; QEMU transmits during this write */

#define E1000_MPC                                                                                  \
    0x4010 /* Missed Packets Count: RX FIFO/ring overrun drops. Clears on read                     \
            * on silicon; QEMU's never clears (see e1000_refresh_counters). */

#define E1000_MTA        0x5200 /* Multicast Table Array, 128 words */
#define E1000_MTA_WORDS  128
#define E1000_RAL0       0x5400     /* Receive Address 0, low: MAC bytes 0-3 */
#define E1000_RAH0       0x5404     /* Receive Address 0, high: MAC bytes 4-5 */
#define E1000_RAH_AV     (1u << 31) /* address valid */
#define E1000_RA_ENTRIES 16         /* RAL/RAH pairs, 8 bytes apart from RAL0 */

/* ---- Descriptors (legacy format, 16 bytes, little-endian) ---- */

struct e1000_tx_desc {
    uint64_t addr;
    uint16_t length;
    uint8_t cso;
    uint8_t cmd;
    uint8_t status;
    uint8_t css;
    uint16_t special;
};
#define E1000_TXD_CMD_EOP  (1u << 0) /* end of packet */
#define E1000_TXD_CMD_IFCS (1u << 1) /* insert FCS */
#define E1000_TXD_CMD_RS   (1u << 3) /* report status: the device writes DD back */
#define E1000_TXD_STAT_DD  (1u << 0) /* descriptor done */

struct e1000_rx_desc {
    uint64_t addr;
    uint16_t length;
    uint16_t csum;
    uint8_t status;
    uint8_t errors;
    uint16_t special;
};
#define E1000_RXD_STAT_DD  (1u << 0) /* descriptor done */
#define E1000_RXD_STAT_EOP (1u << 1) /* last descriptor of the frame */
#define E1000_RXD_ERR_CE   (1u << 0) /* CRC or alignment error */
#define E1000_RXD_ERR_SE   (1u << 1) /* symbol error */
#define E1000_RXD_ERR_SEQ  (1u << 2) /* sequence error */
#define E1000_RXD_ERR_CXE  (1u << 4) /* carrier extension error */
#define E1000_RXD_ERR_RXE  (1u << 7) /* RX data error */
#define E1000_RXD_ERR_FRAME                                                                        \
    (E1000_RXD_ERR_CE | E1000_RXD_ERR_SE | E1000_RXD_ERR_SEQ | E1000_RXD_ERR_CXE |                 \
     E1000_RXD_ERR_RXE)

_Static_assert(sizeof(struct e1000_tx_desc) == 16, "TX descriptor is 16 bytes");
_Static_assert(sizeof(struct e1000_rx_desc) == 16, "RX descriptor is 16 bytes");

/* ---- Driver limits ---- */

#define E1000_RING_MIN        16 /* a frame of NIC_MAX_IOV pieces always fits in ring-1 slots */
#define E1000_RING_MAX        4096
#define E1000_RING_DEFAULT    256
#define E1000_RESET_MS        20 /* longest wait for CTRL.RST to clear */
#define E1000_RESET_SETTLE_MS 5  /* then for the EEPROM reload */

/* How the device's MPC counter behaves; learnt the first time it is non-zero. */
enum e1000_counter_mode { E1000_CNT_UNKNOWN, E1000_CNT_CLEAR_ON_READ, E1000_CNT_STICKY };

/* ---- Driver state (nic->priv) ----
 * Ring positions are free-running 32-bit counters; the slot is `index & (count - 1)` (counts
 * are powers of two, so the mapping stays continuous when the counters wrap).
 *   TX: [tx_clean, tx_doorbell) handed to the device, [tx_doorbell, tx_tail) queued but not
 *       yet announced (no TDT write). At most tx_count - 1 in use: TDH == TDT means empty.
 *   RX: rx_next is the next slot to look at; the device may fill up to RDT - 1, and
 *       RDT == (rx_next - 1) once the driver has handed back everything it consumed.
 */
struct e1000 {
    volatile void *regs;
    const struct pci_dev *pci;
    uint32_t eerd_done; /* EERD layout; 0 before detection or when EERD is absent */
    unsigned eerd_shift;
    bool is_open;
    bool link_up; /* cached; refreshed by link() and while it is believed down */

    struct e1000_tx_desc *tx_ring;
    uint8_t *tx_copy; /* NIC_TX_COPY_MAX bytes per TX slot, for small pieces */
    unsigned tx_count;
    uint32_t tx_tail, tx_clean, tx_doorbell;
    uint32_t tx_frames_queued, tx_frames_done;

    struct e1000_rx_desc *rx_ring;
    uint8_t *rx_bufs; /* rx_count buffers of rx_buf_size bytes */
    unsigned rx_count, rx_buf_size;
    uint32_t rx_next;
    uint32_t rx_returned; /* descriptors consumed since the last RDT write */
    unsigned rx_refill_batch;
    bool rx_discarding; /* inside a frame spread over several buffers: dropping it */
    uint32_t rctl;      /* the one value RCTL gets */

    enum e1000_counter_mode mpc_mode;
    uint32_t mpc_last;

    /* Allocation sizes, in pages, for close(). */
    size_t tx_ring_pages, tx_copy_pages, rx_ring_pages, rx_buf_pages;
};

extern const struct nic_driver e1000_driver;

/* Fold the device's missed-frame counter into nic->stats.rx_dropped (register reads: slow
 * path; link() and close() call it, and poll() after draining a completely full ring). */
void e1000_refresh_counters(struct nic *nic);

#endif
