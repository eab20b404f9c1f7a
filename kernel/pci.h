/* kernel/pci.h — PCI configuration space (mechanism #1, ports 0xCF8/0xCFC) and the device list. */
#ifndef PORTO_PCI_H
#define PORTO_PCI_H
#include <stdint.h>

struct pci_dev {
    uint8_t bus, dev, fn;
    uint16_t vendor, device;
    uint32_t class_code; /* class << 16 | subclass << 8 | prog-if */
    uint8_t header_type;
};

#define PCI_MAX_DEVS 64
extern struct pci_dev pci_devs[PCI_MAX_DEVS];
extern int pci_ndevs;

void pci_enumerate(void); /* fills pci_devs and prints one line per function */
uint32_t pci_read32(const struct pci_dev *d, uint8_t off);
uint16_t pci_read16(const struct pci_dev *d, uint8_t off);
uint8_t pci_read8(const struct pci_dev *d, uint8_t off);
void pci_write32(const struct pci_dev *d, uint8_t off, uint32_t v);
void pci_write16(const struct pci_dev *d, uint8_t off, uint16_t v);
void pci_write8(const struct pci_dev *d, uint8_t off, uint8_t v);
/* Base address of BAR n (memory BARs: 32- or 64-bit; I/O BARs: the port), size in *size. */
uint64_t pci_bar(const struct pci_dev *d, int n, uint64_t *size);
/* Enable memory space, I/O space and bus mastering; disable legacy INTx. */
void pci_enable_device(const struct pci_dev *d);

#define PCI_VENDOR_ID        0x00
#define PCI_COMMAND          0x04
#define PCI_CMD_IO           0x0001
#define PCI_CMD_MEMORY       0x0002
#define PCI_CMD_MASTER       0x0004
#define PCI_CMD_INTX_DISABLE 0x0400
#define PCI_BAR0             0x10
#endif
