/*
 * tests/tg3/tg3_host.c — the kernel services drivers/tg3*.c call, for host tests: PCI
 * configuration access, MMIO and the BAR go to the tg3 model whose device or BAR matches;
 * page_alloc() hands out zeroed, page-aligned host memory and records it as DMA-able;
 * delay_us() advances a virtual clock and lets every model act; kprintf() collects a log.
 * See tg3_host.h; built into the tg3 tests by tests/mk/tg3.mk.
 */
#include "tg3_host.h"

#include "kernel/console.h"
#include "kernel/kernel.h"
#include "kernel/mem.h"
#include "kernel/pci.h"
#include "kernel/tsc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_REGIONS 256
#define LOG_BYTES   (64 * 1024)

static struct tg3_model *models[TG3_HOST_MAX_MODELS];
struct region {
    uintptr_t start;
    size_t len;
    bool pages; /* from page_alloc(): the harness frees it on reset */
};
static struct region regions[MAX_REGIONS];
static unsigned nregions;
static long pages_out;
static uint64_t now_ns = 1000000;
static char logbuf[LOG_BYTES];
static size_t loglen;

/* ------------------------------------------------------------------ registry ---- */

void tg3_host_reset(void)
{
    tg3_host_remove_models();
    for (unsigned i = 0; i < nregions; i++)
        if (regions[i].pages) free((void *)regions[i].start);
    nregions = 0;
    pages_out = 0;
    loglen = 0;
    logbuf[0] = 0;
}

struct tg3_model *tg3_host_add_model(const struct tg3_model_config *cfg, unsigned slot)
{
    if (slot >= TG3_HOST_MAX_MODELS || models[slot]) return NULL;
    models[slot] = tg3_model_create(cfg, (uint8_t)(3 + slot));
    return models[slot];
}

void tg3_host_remove_models(void)
{
    for (unsigned i = 0; i < TG3_HOST_MAX_MODELS; i++) {
        tg3_model_destroy(models[i]);
        models[i] = NULL;
    }
}

static bool add_region(const void *p, size_t len, bool pages)
{
    if (nregions == MAX_REGIONS) return false;
    regions[nregions++] = (struct region){(uintptr_t)p, len, pages};
    return true;
}

static void drop_region(const void *p)
{
    for (unsigned i = 0; i < nregions; i++) {
        if (regions[i].start == (uintptr_t)p) {
            regions[i] = regions[--nregions];
            return;
        }
    }
}

void tg3_host_dma_register(const void *p, size_t len)
{
    add_region(p, len, false);
}
void tg3_host_dma_unregister(const void *p)
{
    drop_region(p);
}
long tg3_host_pages_outstanding(void)
{
    return pages_out;
}

bool tg3_host_dma_ok(uint64_t addr, size_t len)
{
    for (unsigned i = 0; i < nregions; i++)
        if (addr >= regions[i].start && len <= regions[i].len &&
            addr - regions[i].start <= regions[i].len - len)
            return true;
    return false;
}

uint64_t tg3_host_now_ns(void)
{
    return now_ns;
}

static void tick_all(void)
{
    for (unsigned i = 0; i < TG3_HOST_MAX_MODELS; i++)
        if (models[i]) tg3_model_tick(models[i]);
}

void tg3_host_advance_us(uint64_t us)
{
    now_ns += us * 1000;
    tick_all();
}

const char *tg3_host_log(void)
{
    return logbuf;
}
bool tg3_host_log_contains(const char *s)
{
    return strstr(logbuf, s) != NULL;
}

/* ------------------------------------------------------------------- lookup ---- */

static struct tg3_model *by_pci(const struct pci_dev *d)
{
    for (unsigned i = 0; i < TG3_HOST_MAX_MODELS; i++) {
        if (!models[i]) continue;
        const struct pci_dev *p = tg3_model_pci(models[i]);
        if (p == d || (p->bus == d->bus && p->dev == d->dev && p->fn == d->fn)) return models[i];
    }
    fprintf(stderr, "tg3 host: config access to %02x:%02x.%x, which is no model\n", d->bus, d->dev,
            d->fn);
    abort();
}

static struct tg3_model *by_ape_bar(volatile void *base)
{
    for (unsigned i = 0; i < TG3_HOST_MAX_MODELS; i++)
        if (models[i] && tg3_model_ape_bar(models[i]) &&
            tg3_model_ape_bar(models[i]) == (uint64_t)(uintptr_t)base)
            return models[i];
    return NULL;
}

static struct tg3_model *by_bar(volatile void *base)
{
    for (unsigned i = 0; i < TG3_HOST_MAX_MODELS; i++)
        if (models[i] && tg3_model_bar(models[i]) == (uint64_t)(uintptr_t)base) return models[i];
    fprintf(stderr, "tg3 host: MMIO at %p, which is no model's BAR\n", (void *)base);
    abort();
}

/* ------------------------------------------------------- kernel services ---- */

uint32_t pci_read32(const struct pci_dev *d, uint8_t off)
{
    return tg3_model_cfg_read(by_pci(d), off, 4);
}
uint16_t pci_read16(const struct pci_dev *d, uint8_t off)
{
    return (uint16_t)tg3_model_cfg_read(by_pci(d), off, 2);
}
uint8_t pci_read8(const struct pci_dev *d, uint8_t off)
{
    return (uint8_t)tg3_model_cfg_read(by_pci(d), off, 1);
}
void pci_write32(const struct pci_dev *d, uint8_t off, uint32_t v)
{
    tg3_model_cfg_write(by_pci(d), off, v, 4);
}
void pci_write16(const struct pci_dev *d, uint8_t off, uint16_t v)
{
    tg3_model_cfg_write(by_pci(d), off, v, 2);
}
void pci_write8(const struct pci_dev *d, uint8_t off, uint8_t v)
{
    tg3_model_cfg_write(by_pci(d), off, v, 1);
}

uint64_t pci_bar(const struct pci_dev *d, int n, uint64_t *size)
{
    struct tg3_model *m = by_pci(d);
    if (n == 2 && tg3_model_ape_bar(m)) { /* the APE's registers */
        if (size) *size = 0x10000;
        return tg3_model_ape_bar(m);
    }
    if (n != 0) {
        if (size) *size = 0;
        return 0;
    }
    if (size) *size = 0x10000;
    return tg3_model_bar(m);
}

/* As kernel/pci.c: memory and I/O space, bus mastering, legacy INTx off. */
void pci_enable_device(const struct pci_dev *d)
{
    uint16_t cmd = pci_read16(d, PCI_COMMAND);
    pci_write16(d, PCI_COMMAND,
                cmd | PCI_CMD_MEMORY | PCI_CMD_IO | PCI_CMD_MASTER | PCI_CMD_INTX_DISABLE);
}

uint32_t mmio_read32(volatile void *base, uint32_t off)
{
    struct tg3_model *ape = by_ape_bar(base);
    return ape ? tg3_model_ape_read(ape, off) : tg3_model_mmio_read(by_bar(base), off);
}
void mmio_write32(volatile void *base, uint32_t off, uint32_t v)
{
    struct tg3_model *ape = by_ape_bar(base);
    if (ape)
        tg3_model_ape_write(ape, off, v);
    else
        tg3_model_mmio_write(by_bar(base), off, v);
}

void *page_alloc(size_t npages)
{
    if (npages == 0 || nregions == MAX_REGIONS) return NULL;
    void *p = aligned_alloc(PAGE_SIZE, npages * PAGE_SIZE);
    if (!p) return NULL;
    memset(p, 0, npages * PAGE_SIZE);
    add_region(p, npages * PAGE_SIZE, true);
    pages_out += (long)npages;
    return p;
}

void page_free(void *p, size_t npages)
{
    if (!p) return;
    drop_region(p);
    pages_out -= (long)npages;
    free(p);
}

void delay_us(uint64_t us)
{
    tg3_host_advance_us(us);
}
uint64_t time_ns(void)
{
    return now_ns;
}

int kvprintf(const char *fmt, va_list ap)
{
    char line[512];
    int n = vsnprintf(line, sizeof(line), fmt, ap);
    size_t len = strlen(line);
    if (loglen + len + 1 > LOG_BYTES) loglen = 0; /* keep the recent part */
    memcpy(logbuf + loglen, line, len + 1);
    loglen += len;
    if (getenv("TG3_TEST_VERBOSE")) fputs(line, stderr);
    return n;
}
