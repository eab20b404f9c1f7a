/*
 * drivers/nic.h — the one interface every Porto NIC driver implements.
 *
 * A driver is a `struct nic_driver` (name, PCI ID table, probe). Probing fills a `struct nic`
 * whose `ops` table does the rest: open, transmit (one frame as a scatter/gather list), flush
 * (the doorbell), tx_reclaim, poll (received frames, handed over in place), link, close.
 * Everything is polled: drivers mask every interrupt the device has.
 *
 * Lifetime of transmit buffers: pieces of at most NIC_TX_COPY_MAX bytes are copied into the
 * driver's own memory during transmit(), so headers may live on the caller's stack. Larger
 * pieces are handed to the device by address (zero copy) and must stay unchanged until
 * nic_tx_pending() says the device has finished with every frame queued before.
 *
 * Memory is identity-mapped (virtual == physical), so buffer addresses go to the device as is.
 * drivers/nic.c holds the registry: nic_probe_all() walks the PCI devices and binds the first
 * supported NIC; drivers/drivers.mk lists the drivers built into every image.
 */
#ifndef PORTO_NIC_H
#define PORTO_NIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NIC_ETH_HLEN      14
#define NIC_ETH_MIN_FRAME 60 /* without FCS; drivers pad shorter frames */
#define NIC_MTU_DEFAULT   1500
#define NIC_MTU_JUMBO     9000
#define NIC_TX_COPY_MAX   128 /* pieces this small are copied at transmit time */
#define NIC_MAX_IOV       8   /* pieces per frame */

/* Error codes (returned negated). */
enum {
    NIC_OK = 0,
    NIC_EINVAL = 1, /* bad length (0 or above MTU + header), too many pieces */
    NIC_EBUSY = 2,  /* TX ring full: reclaim and retry */
    NIC_ENODEV = 3, /* device absent or does not answer */
    NIC_ENOMEM = 4,
    NIC_ETIMEDOUT = 5,
    NIC_ELINK = 6, /* link is down */
};

struct nic_iov {
    const void *base;
    size_t len;
};

struct nic_stats {
    uint64_t tx_frames, tx_bytes;
    uint64_t rx_frames, rx_bytes;
    uint64_t rx_dropped; /* missed by the device (ring overrun) or by the driver */
    uint64_t rx_errors;  /* frames the device flagged bad (CRC, length, ...) */
    uint64_t tx_errors;  /* rejected by transmit(): bad length, too many pieces */
    uint64_t tx_busy;    /* transmit() found the ring full */
    uint64_t resets;     /* the driver restarted a device that had stopped */
};

struct nic_link {
    bool up;
    unsigned speed_mbps; /* 10, 100, 1000; 0 if unknown */
    bool full_duplex;
};

struct nic_config {
    unsigned rx_ring; /* descriptors; 0 = driver default; rounded to what the device allows */
    unsigned tx_ring;
    unsigned mtu; /* payload bytes after the Ethernet header; 0 = NIC_MTU_DEFAULT */
    /* More unicast addresses to receive besides the NIC's own: the virtual MACs of the cores
     * of a multi-core node (smp/). Only drivers whose nic_driver.multi_unicast is set accept
     * them; the others' open() returns -NIC_EINVAL when any is given. */
    const uint8_t (*extra_macs)[6];
    unsigned n_extra_macs;
};

/* Called once per received frame; `frame` (Ethernet header first, no FCS) is valid only
 * during the call: the driver gives the buffer back to the device afterwards. */
typedef void (*nic_rx_fn)(void *ctx, const void *frame, size_t len);

struct nic;
struct pci_dev;

struct nic_ops {
    int (*open)(struct nic *nic, const struct nic_config *cfg);
    /* Queue one frame made of `niov` pieces (Ethernet header included, no FCS). Does not
     * ring the doorbell: call flush() after a batch. Returns 0 or -NIC_E*. */
    int (*transmit)(struct nic *nic, const struct nic_iov *iov, unsigned niov);
    void (*flush)(struct nic *nic);
    /* Reclaim finished TX descriptors (reading memory, not registers); returns the number
     * of frames still owned by the device. */
    unsigned (*tx_reclaim)(struct nic *nic);
    /* Hand up to `budget` received frames to fn; returns how many. */
    int (*poll)(struct nic *nic, nic_rx_fn fn, void *ctx, unsigned budget);
    int (*link)(struct nic *nic, struct nic_link *out);
    void (*close)(struct nic *nic);
};

struct nic {
    const struct nic_ops *ops;
    const struct nic_driver *drv;
    const char *model; /* e.g. "82540EM" */
    uint8_t mac[6];
    unsigned mtu; /* after open */
    bool is_open; /* kept by nic_open()/nic_close() */
    struct nic_stats stats;
    void *priv; /* driver state */
};

struct nic_pci_id {
    uint16_t vendor, device;
    const char *model;
};

struct nic_driver {
    const char *name;             /* "e1000", "tg3" */
    const struct nic_pci_id *ids; /* terminated by vendor == 0 */
    bool multi_unicast;           /* open() takes nic_config.extra_macs */
    /* Bind to `pci` (already matched by ID): map registers, reset, read the MAC.
     * Returns 0 or -NIC_E*. On failure it frees what it took, leaves `nic` unbound and the PCI
     * command register as it found it (no bus mastering), and has started no DMA; it may have
     * read and written device registers while finding out. */
    int (*probe)(struct nic *nic, const struct pci_dev *pci, const struct nic_pci_id *id);
};

/* ---- What every driver shares (drivers/nic_common.c) ----
 * Callers use the nic_* wrappers below, never the ops table: the wrappers own the rules
 * that are the same for every driver, written once.
 *   - Open state: nic->is_open. open() on an open NIC returns -NIC_EBUSY and changes
 *     nothing; transmit/link on a closed NIC return -NIC_ENODEV; flush, tx_pending, poll and
 *     close on a closed NIC do nothing. Drivers are only called on a NIC in the right state.
 *   - Counting: the wrappers count tx_frames/tx_bytes (padded length), tx_errors (every
 *     rejected transmit), tx_busy, rx_frames and rx_bytes. Drivers count only what the device
 *     alone knows: rx_errors (frames it flagged bad) and rx_dropped (frames it missed).
 *   - Transmit planning: nic_tx_plan() turns a frame's pieces into descriptors the same way
 *     for every driver (small pieces copied, a short frame padded to NIC_ETH_MIN_FRAME).
 *   - Ring positions are free-running unsigned counters; a slot is `index & (size - 1)`.
 *   - Log lines start "<driver> <bus>:<dev>.<fn>: " (nic_log).
 *   - Host test builds are the only conditional code: `#ifdef PORTO_HOST` guards test fault
 *     switches; the one bare-metal-only check (BAR below 4 GiB) lives in nic_map_bar(). */

/* Receive counting: nic_poll() hands the driver this tap instead of the caller's function. */
struct nic_rx_tap {
    struct nic *nic;
    nic_rx_fn fn;
    void *ctx;
};
void nic_rx_tap_fn(void *tap, const void *frame, size_t len);

static inline int nic_open(struct nic *n, const struct nic_config *cfg)
{
    if (n->is_open) return -NIC_EBUSY;
    int rc = n->ops->open(n, cfg);
    if (rc == NIC_OK) n->is_open = true;
    return rc;
}
static inline void nic_close(struct nic *n)
{
    if (!n->is_open) return;
    n->ops->close(n);
    n->is_open = false;
}
static inline int nic_link(struct nic *n, struct nic_link *out)
{
    if (!n->is_open) {
        *out = (struct nic_link){false, 0, false};
        return -NIC_ENODEV;
    }
    return n->ops->link(n, out);
}
static inline int nic_transmit(struct nic *n, const struct nic_iov *iov, unsigned k)
{
    int rc = n->is_open ? n->ops->transmit(n, iov, k) : -NIC_ENODEV;
    if (rc == NIC_OK) {
        size_t total = 0;
        for (unsigned i = 0; i < k; i++)
            total += iov[i].len;
        n->stats.tx_frames++;
        n->stats.tx_bytes += total < NIC_ETH_MIN_FRAME ? NIC_ETH_MIN_FRAME : total;
    } else if (rc == -NIC_EBUSY) {
        n->stats.tx_busy++;
    } else {
        n->stats.tx_errors++;
    }
    return rc;
}
static inline void nic_flush(struct nic *n)
{
    if (n->is_open) n->ops->flush(n);
}
static inline unsigned nic_tx_pending(struct nic *n)
{
    return n->is_open ? n->ops->tx_reclaim(n) : 0;
}
/* Returns frames handed to fn, 0 on a closed NIC, -NIC_EINVAL without a function (the
 * frames stay on the ring). */
static inline int nic_poll(struct nic *n, nic_rx_fn fn, void *ctx, unsigned budget)
{
    if (!fn) return -NIC_EINVAL;
    if (!n->is_open) return 0;
    struct nic_rx_tap tap = {n, fn, ctx};
    return n->ops->poll(n, nic_rx_tap_fn, &tap, budget);
}

/* One send descriptor's worth of a frame, from nic_tx_plan(). A copied segment's bytes come
 * from src[first .. first + nsrc) of the plan followed by `pad` zero bytes, and must be put
 * into the driver's NIC_TX_COPY_MAX-byte area for that descriptor with nic_tx_copy(); other
 * segments go to the device by address. */
struct nic_tx_seg {
    const uint8_t *addr; /* by-address segments */
    uint32_t len;        /* bytes on the wire from this descriptor, padding included */
    bool copied;
    uint8_t first, nsrc, pad;
};
#define NIC_TX_MAX_SEGS 32
#define NIC_TX_MAX_SRCS (2 * NIC_MAX_IOV + 1)
struct nic_tx_plan {
    unsigned nseg;
    size_t total; /* frame bytes before padding */
    struct nic_tx_seg seg[NIC_TX_MAX_SEGS];
    struct {
        const uint8_t *p;
        uint32_t len;
    } src[NIC_TX_MAX_SRCS];
    unsigned nsrc;
};
/* What a device needs from the plan besides the common rules. */
struct nic_tx_rules {
    size_t max_frame;  /* longest frame (MTU + Ethernet header) */
    size_t dma_max;    /* longest by-address descriptor; 0: 65535 */
    bool no_short_dma; /* the device hangs on a descriptor of 8 bytes or less */
};
#define NIC_TX_SHORT_DMA 8
/* Plan one frame: pieces of at most NIC_TX_COPY_MAX bytes are copied (consecutive ones merged
 * while the run fits NIC_TX_COPY_MAX), larger ones go by address, split evenly where longer
 * than dma_max; a frame shorter than NIC_ETH_MIN_FRAME is padded with zeros. Copies nothing:
 * the driver checks ring room first. Returns the number of segments or -NIC_EINVAL (no
 * pieces, more than NIC_MAX_IOV, a piece without memory, a frame shorter than an Ethernet
 * header or longer than max_frame). */
int nic_tx_plan(const struct nic_iov *iov, unsigned niov, const struct nic_tx_rules *rules,
                struct nic_tx_plan *plan);
/* Copy segment `s` of the plan into `dst` (NIC_TX_COPY_MAX bytes); returns its length. */
uint32_t nic_tx_copy(const struct nic_tx_plan *plan, unsigned s, uint8_t *dst);

/* "<driver> <bus>:<dev>.<fn>: <message>\n" on the console. */
void nic_log(const char *drv, const struct pci_dev *pci, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* BAR0 as registers: a memory BAR, assigned, at least min_size bytes, and (bare metal) in the
 * identity-mapped low 4 GiB. Logs why not and returns NULL. */
volatile void *nic_map_bar(const char *drv, const struct pci_dev *pci, uint64_t min_size);

/* Registry (drivers/nic.c). */
extern const struct nic_driver *const nic_drivers[]; /* drivers/registry.c, in probe order */
extern const unsigned nic_ndrivers;
/* Probe every PCI device against every driver; binds the first match. Prints what it found
 * (or that no supported NIC is present). Returns the NIC or NULL. Does not open it. */
struct nic *nic_probe_all(void);
/* The NIC found at boot (NULL if none). */
struct nic *nic_default(void);
/* Open the boot NIC with the command-line settings (mtu=, rxring=, txring=), wait for link
 * (linkwait= ms, default 3000) and print it. On any failure prints a clear error and exits the
 * machine with a failure code: for apps that cannot work without a network. */
struct nic *nic_require(void);
/* nic_require() for a multi-core node: the NIC also receives frames for these addresses.
 * A driver that cannot (nic_driver.multi_unicast false) stops the machine with a clear
 * message. From then on the node's switch owns the NIC: nic_require() (an app driving the NIC
 * itself) stops the machine with a message saying so. */
struct nic *nic_require_macs(const uint8_t (*extra)[6], unsigned n_extra);

#endif
