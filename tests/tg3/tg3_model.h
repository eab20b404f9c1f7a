/*
 * tests/tg3/tg3_model.h — a register-level model of a Broadcom NetXtreme (tg3) NIC for host
 * tests of drivers/tg3*.c: PCI config space with the indirect register and SRAM windows, the
 * register file and mailboxes, NIC SRAM, the bootcode's reset handshake, the engine blocks,
 * DMA of descriptors, frames and the status block into host memory, a PHY behind MAC_MI_COM,
 * and a wire to a second model (two NICs back to back).
 *
 * The model enforces the init rules listed in docs/tg3.md ("What the model enforces"), each
 * with its source. A broken rule is a *violation*: recorded with a message, and the chip
 * misbehaves the way the real one would (the access is lost, frames are dropped, DMA goes
 * nowhere). Tests assert that a correct driver causes none. Built by tests/mk/tg3.mk.
 */
#ifndef TG3_MODEL_H
#define TG3_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/pci.h"

struct tg3_model_config {
    uint16_t device_id;   /* PCI device ID, e.g. 0x1648 (BCM5704) */
    uint32_t chip_rev_id; /* 0: the model's default revision for device_id */
    uint8_t mac[6];
    bool pcix_mode;          /* PCI-X parts only: bus in PCI-X mode (else conventional PCI) */
    bool pcix_target_bug;    /* 5700 BX / 5701: direct MMIO writes are unreliable */
    bool no_mac_mailbox;     /* bootcode leaves the SRAM MAC mailbox empty */
    bool asf;                /* management firmware running: must be paused before reset */
    bool fibre;              /* SRAM config says SerDes: the driver must refuse the board */
    unsigned phy_speed;      /* 1000 (default), 100 or 10 */
    unsigned rx_fifo_frames; /* frames the chip can hold without host buffers (default 8) */
    unsigned fw_boot_us;     /* bootcode run time after a reset (default 2000) */
    unsigned autoneg_us;     /* autonegotiation time (default 50000) */
    /* Board features (tests/tg3/tg3_model_board.c; each enforces rules, docs/tg3.md). */
    bool lom;             /* LAN-on-motherboard: EEPROM write-protected, bootcode owns GPIOs */
    bool no_ape_fw;       /* APE parts: no APE firmware running (default: it runs) */
    uint8_t port;         /* 5717/5719/5720: port number in CPMU status (PHY address - 1) */
    unsigned led_mode;    /* SRAM LED mode: 0 = PHY_1 (default), 1 = MAC, 2 = PHY_2 */
    uint32_t rx_err_bits; /* extra bits the chip sets in every receive descriptor's error word */
};

/* Counters the tests read. */
struct tg3_model_stats {
    unsigned long mmio_reads, mmio_writes, cfg_reads, cfg_writes;
    unsigned long resets, status_updates;
    unsigned long tx_frames, tx_lost_no_link;
    unsigned long rx_frames, rx_filtered, rx_too_long, rx_runts, rx_overrun, rx_no_link,
        rx_disabled;
    unsigned long rx_no_buffer_fit;
};

struct tg3_model;

/* A new chip in its power-on state (bootcode done, link up once connected). */
struct tg3_model *tg3_model_create(const struct tg3_model_config *cfg, uint8_t pci_dev_no);
void tg3_model_destroy(struct tg3_model *m);
const struct pci_dev *tg3_model_pci(const struct tg3_model *m);
uint64_t tg3_model_bar(const struct tg3_model *m);

/* The cable between two models (both directions). */
void tg3_model_connect(struct tg3_model *a, struct tg3_model *b);
void tg3_model_set_cable(struct tg3_model *m, bool plugged);
/* A frame arriving from the wire, as if the peer had sent it. */
void tg3_model_inject(struct tg3_model *m, const void *frame, size_t len);
/* Frames this model puts on the wire also go to `tap` (after any peer). */
void tg3_model_set_tap(struct tg3_model *m, void (*tap)(void *ctx, const void *f, size_t len),
                       void *ctx);

/* Host side of the bus. Config accesses are 1, 2 or 4 bytes, naturally aligned. */
uint32_t tg3_model_cfg_read(struct tg3_model *m, unsigned off, unsigned size);
void tg3_model_cfg_write(struct tg3_model *m, unsigned off, uint32_t v, unsigned size);
uint32_t tg3_model_mmio_read(struct tg3_model *m, uint32_t off);
void tg3_model_mmio_write(struct tg3_model *m, uint32_t off, uint32_t v);
/* Let virtual time act: bootcode, autonegotiation, coalescing timers. */
void tg3_model_tick(struct tg3_model *m);

/* The APE register BAR (BAR 2) of parts with an APE; 0 without. */
uint64_t tg3_model_ape_bar(const struct tg3_model *m);
uint32_t tg3_model_ape_read(struct tg3_model *m, uint32_t off);
void tg3_model_ape_write(struct tg3_model *m, uint32_t off, uint32_t v);
/* A DMA error: the write-DMA engine disables itself, as the chip's does. */
void tg3_model_kill_wdma(struct tg3_model *m);

/* Inspection. */
unsigned tg3_model_violations(const struct tg3_model *m);
const char *tg3_model_violation(const struct tg3_model *m, unsigned i); /* first 128 kept */
bool tg3_model_violated(const struct tg3_model *m, const char *substring);
void tg3_model_print_violations(const struct tg3_model *m);
const struct tg3_model_stats *tg3_model_stats(const struct tg3_model *m);
uint32_t tg3_model_reg(const struct tg3_model *m, uint32_t off); /* no side effects */
uint32_t tg3_model_sram(const struct tg3_model *m, uint32_t off);
bool tg3_model_link_up(const struct tg3_model *m);

/* Services the harness (tg3_host.c) gives the model. */
uint64_t tg3_host_now_ns(void);
bool tg3_host_dma_ok(uint64_t addr, size_t len); /* inside memory the host handed out */

#endif
