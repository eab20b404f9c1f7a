/*
 * kernel/pci.c — PCI configuration space through mechanism #1 (ports 0xCF8/0xCFC).
 * pci_enumerate() walks bus 0 and every bus behind a PCI-to-PCI bridge, records each function
 * in pci_devs[] and prints "bus:dev.fn vendor:device class" lines at boot.
 */
#include "kernel/pci.h"
#include "kernel/console.h"
#include "kernel/kernel.h"

#define PCI_ADDR 0xcf8
#define PCI_DATA 0xcfc

struct pci_dev pci_devs[PCI_MAX_DEVS];
int pci_ndevs;

static uint32_t cfg_addr(const struct pci_dev *d, uint8_t off)
{
    return 0x80000000u | (uint32_t)d->bus << 16 | (uint32_t)d->dev << 11 | (uint32_t)d->fn << 8 |
           (off & 0xfc);
}

uint32_t pci_read32(const struct pci_dev *d, uint8_t off)
{
    outl(PCI_ADDR, cfg_addr(d, off));
    return inl(PCI_DATA);
}
uint16_t pci_read16(const struct pci_dev *d, uint8_t off)
{
    return (uint16_t)(pci_read32(d, off) >> ((off & 2) * 8));
}
uint8_t pci_read8(const struct pci_dev *d, uint8_t off)
{
    return (uint8_t)(pci_read32(d, off) >> ((off & 3) * 8));
}
void pci_write32(const struct pci_dev *d, uint8_t off, uint32_t v)
{
    outl(PCI_ADDR, cfg_addr(d, off));
    outl(PCI_DATA, v);
}
void pci_write16(const struct pci_dev *d, uint8_t off, uint16_t v)
{
    outl(PCI_ADDR, cfg_addr(d, off));
    outw(PCI_DATA + (off & 2), v);
}
void pci_write8(const struct pci_dev *d, uint8_t off, uint8_t v)
{
    outl(PCI_ADDR, cfg_addr(d, off));
    outb(PCI_DATA + (off & 3), v);
}

uint64_t pci_bar(const struct pci_dev *d, int n, uint64_t *size)
{
    uint8_t off = PCI_BAR0 + 4 * n;
    uint32_t lo = pci_read32(d, off);
    uint16_t cmd = pci_read16(d, PCI_COMMAND);
    /* Decoding off while the BAR holds all-ones for sizing. */
    pci_write16(d, PCI_COMMAND, cmd & ~(PCI_CMD_IO | PCI_CMD_MEMORY));
    pci_write32(d, off, 0xffffffffu);
    uint32_t mask_lo = pci_read32(d, off);
    pci_write32(d, off, lo);
    uint64_t base, mask;
    if (lo & 1) { /* I/O BAR */
        base = lo & ~3u;
        mask = 0xffff0000u | (mask_lo & ~3u);
        mask |= 0xffffffff00000000ull;
    } else if ((lo & 6) == 4) { /* 64-bit memory BAR */
        uint32_t hi = pci_read32(d, off + 4);
        pci_write32(d, off + 4, 0xffffffffu);
        uint32_t mask_hi = pci_read32(d, off + 4);
        pci_write32(d, off + 4, hi);
        base = ((uint64_t)hi << 32) | (lo & ~0xfu);
        mask = ((uint64_t)mask_hi << 32) | (mask_lo & ~0xfu);
    } else {
        base = lo & ~0xfu;
        mask = 0xffffffff00000000ull | (mask_lo & ~0xfu);
    }
    pci_write16(d, PCI_COMMAND, cmd);
    if (size) *size = mask ? ~mask + 1 : 0;
    return base;
}

void pci_enable_device(const struct pci_dev *d)
{
    uint16_t cmd = pci_read16(d, PCI_COMMAND);
    pci_write16(d, PCI_COMMAND,
                cmd | PCI_CMD_IO | PCI_CMD_MEMORY | PCI_CMD_MASTER | PCI_CMD_INTX_DISABLE);
}

static const char *class_name(uint32_t cls)
{
    switch (cls >> 8) {
    case 0x0600:
        return "host bridge";
    case 0x0601:
        return "ISA bridge";
    case 0x0604:
        return "PCI bridge";
    case 0x0680:
        return "bridge";
    case 0x0101:
        return "IDE";
    case 0x0106:
        return "SATA";
    case 0x0200:
        return "Ethernet";
    case 0x0300:
        return "VGA";
    case 0x0c05:
        return "SMBus";
    default:
        return "";
    }
}

static void scan_bus(uint8_t bus, int depth)
{
    for (uint8_t dev = 0; dev < 32; dev++) {
        for (uint8_t fn = 0; fn < 8; fn++) {
            struct pci_dev d = {.bus = bus, .dev = dev, .fn = fn};
            uint32_t id = pci_read32(&d, PCI_VENDOR_ID);
            if ((id & 0xffff) == 0xffff) {
                if (fn == 0) break; /* no device: skip its other functions */
                continue;
            }
            d.vendor = (uint16_t)id;
            d.device = (uint16_t)(id >> 16);
            d.class_code = pci_read32(&d, 0x08) >> 8;
            d.header_type = pci_read8(&d, 0x0e);
            kprintf("pci: %02x:%02x.%x %04x:%04x class %06x %s\n", bus, dev, fn, d.vendor, d.device,
                    d.class_code, class_name(d.class_code));
            if (pci_ndevs < PCI_MAX_DEVS) pci_devs[pci_ndevs++] = d;
            if ((d.header_type & 0x7f) == 1 && depth < 8) { /* bridge: scan what is behind */
                uint8_t secondary = pci_read8(&d, 0x19);
                if (secondary > bus) scan_bus(secondary, depth + 1);
            }
            if (fn == 0 && !(d.header_type & 0x80)) break; /* single-function device */
        }
    }
}

void pci_enumerate(void)
{
    pci_ndevs = 0;
    scan_bus(0, 0);
}
