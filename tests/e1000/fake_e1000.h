/*
 * tests/e1000/fake_e1000.h — a small software e1000 for host unit tests of drivers/e1000.c,
 * plus the kernel services the driver calls (kprintf, PCI, page_alloc, delay_us, MMIO).
 *
 * It behaves like QEMU 7.2's model where the driver depends on it: a TDT write sends the
 * descriptors from TDH to TDT (synchronously, or only `tx_budget` of them to mimic a slower
 * device), DD is written back only with RS, RX needs bus mastering, RCTL.EN and RDH != RDT,
 * frames longer than one buffer spread over several descriptors (EOP on the last), a full
 * ring counts the frame in MPC. Built and run by `make unit-test` (tests/mk/e1000.mk).
 */
#ifndef FAKE_E1000_H
#define FAKE_E1000_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FAKE_REGS_BYTES 0x20000
#define FAKE_MAX_FRAMES 64
#define FAKE_FRAME_MAX  16384

struct fake_frame {
    size_t len;
    uint8_t data[FAKE_FRAME_MAX];
};

struct fake_e1000 {
    uint32_t regs[FAKE_REGS_BYTES / 4];
    uint16_t eeprom[64];
    bool eerd_large;        /* 82541/82547 EERD layout instead of the 82540 one */
    bool mpc_clear_on_read; /* silicon behaviour; QEMU's MPC is sticky */
    bool bus_master;        /* set by pci_enable_device() */
    bool bar0_is_io;
    unsigned tx_budget; /* descriptors sent per TDT write; ~0u = all (QEMU) */

    /* Counters the tests look at. */
    unsigned long reg_reads, rctl_writes, tdt_writes, rdt_writes;
    uint64_t time_us;       /* advanced by delay_us() */
    long pages_outstanding; /* page_alloc() minus page_free() */

    /* Frames the device sent, oldest first (a ring: `sent` counts all of them). */
    struct fake_frame wire[FAKE_MAX_FRAMES];
    unsigned long sent;
    size_t tx_partial; /* bytes of a frame whose EOP descriptor is not processed yet */
    uint8_t tx_accum[FAKE_FRAME_MAX];

    char console[8192]; /* everything kprintf() printed */
    size_t console_len;
};

extern struct fake_e1000 fake;

/* Power-on state like QEMU's: link up at 1000 Mb/s full duplex, RA0 = mac with AV set. */
void fake_reset(const uint8_t mac[6]);
/* Process up to `max` pending TX descriptors (what a TDT write does with tx_budget). */
void fake_tx_process(unsigned max);
/* Deliver a frame as the device would; false if it was dropped (no buffer: MPC counts it). */
bool fake_rx_inject(const void *frame, size_t len);
/* Same, with the descriptor's error bits set. */
bool fake_rx_inject_errors(const void *frame, size_t len, uint8_t errors);
/* The k-th frame sent (0 = first ever), NULL if it has left the wire log. */
const struct fake_frame *fake_sent(unsigned long k);
uint32_t fake_reg(uint32_t off);
void fake_set_reg(uint32_t off, uint32_t v);
unsigned fake_rx_buffer_size(void); /* from RCTL.BSIZE/BSEX */

#endif
