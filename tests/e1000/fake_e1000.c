/*
 * tests/e1000/fake_e1000.c — the fake e1000 and fake kernel services for host tests of
 * drivers/e1000.c (see fake_e1000.h). Run by `make unit-test`.
 */
#include "fake_e1000.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/e1000.h"
#include "kernel/console.h"
#include "kernel/kernel.h"
#include "kernel/mem.h"
#include "kernel/pci.h"
#include "kernel/tsc.h"

struct fake_e1000 fake;

uint32_t fake_reg(uint32_t off)
{
    return fake.regs[off / 4];
}
void fake_set_reg(uint32_t off, uint32_t v)
{
    fake.regs[off / 4] = v;
}

void fake_reset(const uint8_t mac[6])
{
    memset(&fake, 0, sizeof(fake));
    fake.tx_budget = ~0u;
    fake_set_reg(E1000_STATUS, E1000_STATUS_LU | E1000_STATUS_FD | E1000_STATUS_SPEED_1000);
    fake_set_reg(E1000_CTRL, E1000_CTRL_SLU);
    fake_set_reg(E1000_RAL0, (uint32_t)mac[0] | (uint32_t)mac[1] << 8 | (uint32_t)mac[2] << 16 |
                                 (uint32_t)mac[3] << 24);
    fake_set_reg(E1000_RAH0, (uint32_t)mac[4] | (uint32_t)mac[5] << 8 | E1000_RAH_AV);
    for (int i = 0; i < 3; i++)
        fake.eeprom[i] = (uint16_t)(mac[2 * i] | mac[2 * i + 1] << 8);
}

unsigned fake_rx_buffer_size(void)
{
    uint32_t rctl = fake_reg(E1000_RCTL);
    unsigned sizes[4] = {2048, 1024, 512, 256};
    unsigned s = sizes[(rctl >> 16) & 3];
    if (rctl & E1000_RCTL_BSEX) s *= 16;
    return s;
}

static unsigned ring_len(uint32_t len_reg)
{
    return fake_reg(len_reg) / 16;
}
static void *ring_base(uint32_t bal, uint32_t bah)
{
    return (void *)(uintptr_t)((uint64_t)fake_reg(bah) << 32 | fake_reg(bal));
}

void fake_tx_process(unsigned max)
{
    unsigned n = ring_len(E1000_TDLEN);
    struct e1000_tx_desc *ring = ring_base(E1000_TDBAL, E1000_TDBAH);
    if (!(fake_reg(E1000_TCTL) & E1000_TCTL_EN) || n == 0) return;
    while (max-- > 0 && fake_reg(E1000_TDH) != fake_reg(E1000_TDT)) {
        struct e1000_tx_desc *d = &ring[fake_reg(E1000_TDH)];
        if (fake.tx_partial + d->length <= FAKE_FRAME_MAX) {
            memcpy(fake.tx_accum + fake.tx_partial, (const void *)(uintptr_t)d->addr, d->length);
            fake.tx_partial += d->length;
        }
        if (d->cmd & E1000_TXD_CMD_EOP) {
            struct fake_frame *f = &fake.wire[fake.sent % FAKE_MAX_FRAMES];
            f->len = fake.tx_partial;
            memcpy(f->data, fake.tx_accum, fake.tx_partial);
            fake.sent++;
            fake.tx_partial = 0;
        }
        if (d->cmd & E1000_TXD_CMD_RS) d->status |= E1000_TXD_STAT_DD;
        fake_set_reg(E1000_TDH, (fake_reg(E1000_TDH) + 1) % n);
    }
}

const struct fake_frame *fake_sent(unsigned long k)
{
    if (k >= fake.sent || fake.sent - k > FAKE_MAX_FRAMES) return NULL;
    return &fake.wire[k % FAKE_MAX_FRAMES];
}

static unsigned rx_free_descriptors(void)
{
    unsigned n = ring_len(E1000_RDLEN), h = fake_reg(E1000_RDH), t = fake_reg(E1000_RDT);
    return (t + n - h) % n;
}

bool fake_rx_inject_errors(const void *frame, size_t len, uint8_t errors)
{
    unsigned n = ring_len(E1000_RDLEN);
    if (!fake.bus_master || !(fake_reg(E1000_RCTL) & E1000_RCTL_EN) || n == 0) return false;
    unsigned bsize = fake_rx_buffer_size();
    unsigned need = (unsigned)((len + bsize - 1) / bsize);
    if (rx_free_descriptors() < need) {
        fake_set_reg(E1000_MPC, fake_reg(E1000_MPC) + 1);
        return false;
    }
    struct e1000_rx_desc *ring = ring_base(E1000_RDBAL, E1000_RDBAH);
    size_t off = 0;
    do {
        struct e1000_rx_desc *d = &ring[fake_reg(E1000_RDH)];
        size_t chunk = len - off > bsize ? bsize : len - off;
        memcpy((void *)(uintptr_t)d->addr, (const uint8_t *)frame + off, chunk);
        off += chunk;
        d->length = (uint16_t)chunk;
        d->errors = errors;
        /* Like QEMU: body first, then DD is ORed into the status the driver left. */
        d->status |= E1000_RXD_STAT_DD | (off >= len ? E1000_RXD_STAT_EOP : 0);
        fake_set_reg(E1000_RDH, (fake_reg(E1000_RDH) + 1) % n);
    } while (off < len);
    return true;
}

bool fake_rx_inject(const void *frame, size_t len)
{
    return fake_rx_inject_errors(frame, len, 0);
}

/* ---- MMIO, as kernel/kernel.h declares it for PORTO_HOST builds ---- */

uint32_t mmio_read32(volatile void *base, uint32_t off)
{
    if (base != (volatile void *)fake.regs || off >= FAKE_REGS_BYTES || (off & 3)) {
        fprintf(stderr, "fake e1000: bad register read at %p + 0x%x\n", (void *)base, off);
        abort();
    }
    fake.reg_reads++;
    uint32_t v = fake_reg(off);
    if (off == E1000_ICR || (off == E1000_MPC && fake.mpc_clear_on_read)) fake_set_reg(off, 0);
    return v;
}

static void eerd_write(uint32_t v)
{
    if (!(v & E1000_EERD_START)) {
        fake_set_reg(E1000_EERD, v);
        return;
    }
    unsigned shift = fake.eerd_large ? E1000_EERD_ADDR_LARGE : E1000_EERD_ADDR_SMALL;
    uint32_t done = fake.eerd_large ? E1000_EERD_DONE_LARGE : E1000_EERD_DONE_SMALL;
    unsigned addr = (v >> shift) & (fake.eerd_large ? 0x3fff : 0xff);
    uint16_t data = addr < 64 ? fake.eeprom[addr] : 0;
    fake_set_reg(E1000_EERD, ((uint32_t)data << E1000_EERD_DATA_SHIFT) | done |
                                 (v & ~(E1000_EERD_START | 0xffff0000u)));
}

void mmio_write32(volatile void *base, uint32_t off, uint32_t v)
{
    if (base != (volatile void *)fake.regs || off >= FAKE_REGS_BYTES || (off & 3)) {
        fprintf(stderr, "fake e1000: bad register write at %p + 0x%x\n", (void *)base, off);
        abort();
    }
    switch (off) {
    case E1000_CTRL:
        fake_set_reg(off, v & ~E1000_CTRL_RST); /* QEMU: RST self-clears at once */
        break;
    case E1000_IMS:
        fake_set_reg(E1000_IMS, fake_reg(E1000_IMS) | v);
        break;
    case E1000_IMC:
        fake_set_reg(E1000_IMS, fake_reg(E1000_IMS) & ~v);
        break;
    case E1000_EERD:
        eerd_write(v);
        break;
    case E1000_RCTL:
        fake.rctl_writes++;
        fake_set_reg(off, v);
        break;
    case E1000_TDT:
        fake.tdt_writes++;
        fake_set_reg(off, v & 0xffff);
        fake_tx_process(fake.tx_budget);
        break;
    case E1000_RDT:
        fake.rdt_writes++;
        fake_set_reg(off, v & 0xffff);
        break;
    case E1000_STATUS:
    case E1000_MPC:
        break; /* read-only */
    default:
        fake_set_reg(off, v);
        break;
    }
}

/* ---- Kernel services the driver uses ---- */

int kvprintf(const char *fmt, va_list ap)
{
    size_t room = sizeof(fake.console) - fake.console_len;
    int n = vsnprintf(fake.console + fake.console_len, room, fmt, ap);
    if (n > 0) fake.console_len += (size_t)n < room ? (size_t)n : room - 1;
    return n;
}

uint32_t pci_read32(const struct pci_dev *d, uint8_t off)
{
    (void)d;
    return off == PCI_BAR0 ? (fake.bar0_is_io ? 0xc001u : 0xfebc0000u) : 0;
}

uint64_t pci_bar(const struct pci_dev *d, int n, uint64_t *size)
{
    (void)d;
    if (n != 0) return 0;
    *size = FAKE_REGS_BYTES;
    return (uint64_t)(uintptr_t)fake.regs;
}

void pci_enable_device(const struct pci_dev *d)
{
    (void)d;
    fake.bus_master = true;
}

void *page_alloc(size_t npages)
{
    void *p = aligned_alloc(PAGE_SIZE, npages * PAGE_SIZE);
    if (p) {
        memset(p, 0, npages * PAGE_SIZE);
        fake.pages_outstanding += (long)npages;
    }
    return p;
}

void page_free(void *p, size_t npages)
{
    free(p);
    fake.pages_outstanding -= (long)npages;
}

void delay_us(uint64_t us)
{
    fake.time_us += us;
}
