/*
 * drivers/nic_common.c — what every NIC driver does the same, written once (the rules are
 * listed in drivers/nic.h under "What every driver shares"): the transmit planner, the
 * receive counting tap behind nic_poll(), the log prefix and BAR mapping. Linked into every
 * image with the drivers and into the host tests of each driver (tests/mk/e1000.mk,
 * tests/mk/tg3.mk), so both drivers' tests exercise it.
 */
#include "drivers/nic.h"

#include <stdarg.h>
#include <string.h>

#include "kernel/console.h"
#include "kernel/pci.h"

#define DMA_MAX_DEFAULT 0xffff /* 16-bit descriptor length fields */
#define SHORT_DMA_TAKE  16     /* bytes moved into a short copied run from its neighbour */

void nic_rx_tap_fn(void *arg, const void *frame, size_t len)
{
    struct nic_rx_tap *tap = arg;
    tap->nic->stats.rx_frames++;
    tap->nic->stats.rx_bytes += len;
    tap->fn(tap->ctx, frame, len);
}

static bool add_src(struct nic_tx_plan *pl, const uint8_t *p, size_t len)
{
    if (pl->nsrc == NIC_TX_MAX_SRCS) return false;
    pl->src[pl->nsrc].p = p;
    pl->src[pl->nsrc].len = (uint32_t)len;
    pl->nsrc++;
    return true;
}

static bool add_seg(struct nic_tx_plan *pl, struct nic_tx_seg s)
{
    if (pl->nseg == NIC_TX_MAX_SEGS) return false;
    pl->seg[pl->nseg++] = s;
    return true;
}

/* The last segment, if it is a copied run still open for more bytes. */
static struct nic_tx_seg *open_run(struct nic_tx_plan *pl)
{
    if (!pl->nseg) return NULL;
    struct nic_tx_seg *s = &pl->seg[pl->nseg - 1];
    return s->copied && s->first + s->nsrc == pl->nsrc ? s : NULL;
}

static bool add_large(struct nic_tx_plan *pl, const uint8_t *p, size_t len, size_t limit)
{
    size_t parts = (len + limit - 1) / limit;
    size_t chunk = (len + parts - 1) / parts; /* balanced: no tiny last piece */
    while (len) {
        size_t c = len < chunk ? len : chunk;
        if (!add_seg(pl, (struct nic_tx_seg){.addr = p, .len = (uint32_t)c})) return false;
        p += c;
        len -= c;
    }
    return true;
}

/* Insert a source at index `at`; copied segments whose sources start at or after it move up. */
static bool insert_src(struct nic_tx_plan *pl, unsigned at, const uint8_t *p, uint32_t len)
{
    if (pl->nsrc == NIC_TX_MAX_SRCS) return false;
    memmove(&pl->src[at + 1], &pl->src[at], (pl->nsrc - at) * sizeof(pl->src[0]));
    pl->src[at].p = p;
    pl->src[at].len = len;
    pl->nsrc++;
    for (unsigned i = 0; i < pl->nseg; i++)
        if (pl->seg[i].copied && pl->seg[i].first >= at) pl->seg[i].first++;
    return true;
}

/* Give the short copied run `s` SHORT_DMA_TAKE bytes from a neighbour, keeping byte order:
 * the head of the segment after it, or else the tail of the one before. Neighbours are
 * long: a copied one could not be merged with `s`, so it holds more than 120 bytes. */
static bool lengthen(struct nic_tx_plan *pl, struct nic_tx_seg *s)
{
    uint32_t left = SHORT_DMA_TAKE;
    struct nic_tx_seg *next = s + 1 < pl->seg + pl->nseg ? s + 1 : NULL;
    struct nic_tx_seg *prev = s > pl->seg ? s - 1 : NULL;

    if (next && next->copied) { /* move the run boundary forward */
        while (left) {
            unsigned nf = next->first;
            const uint8_t *p = pl->src[nf].p;
            uint32_t len = pl->src[nf].len;
            if (len <= left) {
                left -= len;
            } else { /* split the source: its head joins s, its tail stays */
                if (!insert_src(pl, nf, p, left)) return false;
                pl->src[nf + 1].p = p + left;
                pl->src[nf + 1].len = len - left;
                next->first = (uint8_t)nf;
                next->nsrc++;
                left = 0;
            }
            s->nsrc++;
            next->first++;
            next->nsrc--;
        }
        next->len -= SHORT_DMA_TAKE;
    } else if (next) { /* the head of the large piece after it */
        if (!insert_src(pl, s->first + s->nsrc, next->addr, left)) return false;
        s->nsrc++;
        next->addr += left;
        next->len -= left;
    } else if (prev && prev->copied) { /* move the run boundary back */
        while (left) {
            unsigned j = s->first - 1;
            uint32_t len = pl->src[j].len;
            if (len <= left) {
                left -= len;
                prev->nsrc--;
            } else { /* split the source: its tail joins s */
                pl->src[j].len = len - left;
                if (!insert_src(pl, s->first, pl->src[j].p + len - left, left)) return false;
                left = 0; /* the insert moved s->first up; the step below takes it back */
            }
            s->first--;
            s->nsrc++;
        }
        prev->len -= SHORT_DMA_TAKE;
    } else if (prev) { /* the tail of the large piece before it */
        prev->len -= left;
        if (!insert_src(pl, s->first, prev->addr + prev->len, left)) return false;
        s->first--;
        s->nsrc++;
    } else {
        return false;
    }
    s->len += SHORT_DMA_TAKE;
    return true;
}

int nic_tx_plan(const struct nic_iov *iov, unsigned niov, const struct nic_tx_rules *rules,
                struct nic_tx_plan *pl)
{
    size_t total = 0, limit = rules->dma_max ? rules->dma_max : DMA_MAX_DEFAULT;

    pl->nseg = pl->nsrc = 0;
    if (!iov || niov == 0 || niov > NIC_MAX_IOV) return -NIC_EINVAL;
    for (unsigned k = 0; k < niov; k++) {
        /* Each piece bounded first, so the sum cannot wrap. */
        if ((iov[k].len && !iov[k].base) || iov[k].len > rules->max_frame) return -NIC_EINVAL;
        total += iov[k].len;
    }
    if (total < NIC_ETH_HLEN || total > rules->max_frame) return -NIC_EINVAL;
    pl->total = total;

    for (unsigned k = 0; k < niov; k++) {
        const uint8_t *p = iov[k].base;
        size_t len = iov[k].len;
        if (!len) continue;
        if (len > NIC_TX_COPY_MAX) {
            if (!add_large(pl, p, len, limit)) return -NIC_EINVAL;
            continue;
        }
        struct nic_tx_seg *run = open_run(pl);
        if (run && run->len + len <= NIC_TX_COPY_MAX) {
            run->nsrc++;
            run->len += (uint32_t)len;
        } else if (!add_seg(pl, (struct nic_tx_seg){.copied = true,
                                                    .first = (uint8_t)pl->nsrc,
                                                    .nsrc = 1,
                                                    .len = (uint32_t)len})) {
            return -NIC_EINVAL;
        }
        add_src(pl, p, len);
    }
    if (total < NIC_ETH_MIN_FRAME) {
        /* Every piece is shorter than the minimum, so all of them form one copied run. */
        struct nic_tx_seg *run = &pl->seg[pl->nseg - 1];
        run->pad = (uint8_t)(NIC_ETH_MIN_FRAME - total);
        run->len += run->pad;
    }
    if (rules->no_short_dma)
        for (unsigned i = 0; i < pl->nseg; i++)
            if (pl->seg[i].copied && pl->seg[i].len <= NIC_TX_SHORT_DMA &&
                !lengthen(pl, &pl->seg[i]))
                return -NIC_EINVAL;
    return (int)pl->nseg;
}

uint32_t nic_tx_copy(const struct nic_tx_plan *pl, unsigned s, uint8_t *dst)
{
    const struct nic_tx_seg *seg = &pl->seg[s];
    uint32_t off = 0;
    for (unsigned i = seg->first; i < (unsigned)seg->first + seg->nsrc; i++) {
        memcpy(dst + off, pl->src[i].p, pl->src[i].len);
        off += pl->src[i].len;
    }
    memset(dst + off, 0, seg->pad);
    return off + seg->pad;
}

void nic_log(const char *drv, const struct pci_dev *pci, const char *fmt, ...)
{
    va_list ap;
    kprintf("%s %02x:%02x.%x: ", drv, pci->bus, pci->dev, pci->fn);
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
    kprintf("\n");
}

volatile void *nic_map_bar(const char *drv, const struct pci_dev *pci, uint64_t min_size)
{
    if (pci_read32(pci, PCI_BAR0) & 1) {
        nic_log(drv, pci, "BAR0 is an I/O BAR, expected memory");
        return NULL;
    }
    uint64_t size = 0, base = pci_bar(pci, 0, &size);
    if (!base || size < min_size) {
        nic_log(drv, pci, "BAR0 unassigned or too small (base %#llx size %#llx)",
                (unsigned long long)base, (unsigned long long)size);
        return NULL;
    }
#ifndef PORTO_HOST
    if (base + size > (1ull << 32)) { /* only the low 4 GiB are identity-mapped */
        nic_log(drv, pci, "BAR0 at %#llx lies above 4 GiB", (unsigned long long)base);
        return NULL;
    }
#endif
    return (volatile void *)(uintptr_t)base;
}
