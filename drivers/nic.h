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

#define NIC_ETH_HLEN        14
#define NIC_ETH_MIN_FRAME   60    /* without FCS; drivers pad shorter frames */
#define NIC_MTU_DEFAULT     1500
#define NIC_MTU_JUMBO       9000
#define NIC_TX_COPY_MAX     128   /* pieces this small are copied at transmit time */
#define NIC_MAX_IOV         8     /* pieces per frame */

/* Error codes (returned negated). */
enum {
    NIC_OK = 0,
    NIC_EINVAL = 1, /* bad length (0 or above MTU + header), too many pieces */
    NIC_EBUSY = 2,  /* TX ring full: reclaim and retry */
    NIC_ENODEV = 3, /* device absent or does not answer */
    NIC_ENOMEM = 4,
    NIC_ETIMEDOUT = 5,
    NIC_ELINK = 6,  /* link is down */
};

struct nic_iov {
    const void *base;
    size_t len;
};

struct nic_stats {
    uint64_t tx_frames, tx_bytes;
    uint64_t rx_frames, rx_bytes;
    uint64_t rx_dropped;  /* missed by the device (ring overrun) or by the driver */
    uint64_t rx_errors;   /* frames the device flagged bad (CRC, length, ...) */
    uint64_t tx_errors;   /* rejected by transmit(): bad length, too many pieces */
    uint64_t tx_busy;     /* transmit() found the ring full */
};

struct nic_link {
    bool up;
    unsigned speed_mbps; /* 10, 100, 1000; 0 if unknown */
    bool full_duplex;
};

struct nic_config {
    unsigned rx_ring; /* descriptors; 0 = driver default; rounded to what the device allows */
    unsigned tx_ring;
    unsigned mtu;     /* payload bytes after the Ethernet header; 0 = NIC_MTU_DEFAULT */
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
    const char *model;   /* e.g. "82540EM" */
    uint8_t mac[6];
    unsigned mtu;        /* after open */
    struct nic_stats stats;
    void *priv;          /* driver state */
};

struct nic_pci_id {
    uint16_t vendor, device;
    const char *model;
};

struct nic_driver {
    const char *name;              /* "e1000", "tg3" */
    const struct nic_pci_id *ids;  /* terminated by vendor == 0 */
    /* Bind to `pci` (already matched by ID): map registers, reset, read the MAC.
     * Returns 0 or -NIC_E*, leaving the device untouched on failure. */
    int (*probe)(struct nic *nic, const struct pci_dev *pci, const struct nic_pci_id *id);
};

/* Inline wrappers so callers read like calls. */
static inline int nic_transmit(struct nic *n, const struct nic_iov *iov, unsigned k)
{
    return n->ops->transmit(n, iov, k);
}
static inline void nic_flush(struct nic *n) { n->ops->flush(n); }
static inline unsigned nic_tx_pending(struct nic *n) { return n->ops->tx_reclaim(n); }
static inline int nic_poll(struct nic *n, nic_rx_fn fn, void *ctx, unsigned budget)
{
    return n->ops->poll(n, fn, ctx, budget);
}

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

#endif
