/*
 * net/link.h — the link the messaging engine talks to, and nothing else.
 *
 * A link moves whole Ethernet frames (14-byte header first, no FCS) between nodes of one L2
 * segment. Implementations: net/link_nic.c (any drivers/nic.h NIC, on the bare machine),
 * tests' in-memory switch with fault injection, and a UDP-socket link on the host.
 * The same buffer-lifetime rule as drivers/nic.h holds: pieces of at most LINK_COPY_MAX bytes
 * are copied by send(); larger pieces may be read until pending() returns 0. A link finishes
 * frames in the order send() queued them: of N frames queued so far with pending() = P, the
 * oldest N - P are done (the engine releases zero-copy sends by that while the link stays busy).
 */
#ifndef PORTO_LINK_H
#define PORTO_LINK_H

#include <stddef.h>
#include <stdint.h>

#define LINK_COPY_MAX 128
#define LINK_MAX_IOV  8

struct link_iov {
    const void *base;
    size_t len;
};

typedef void (*link_rx_fn)(void *arg, const void *frame, size_t len);

struct link {
    void *ctx;
    uint8_t mac[6];
    unsigned mtu; /* bytes after the Ethernet header */
    /* Queue one frame; 0, or negative when it could not be queued (ring full: poll/retry). */
    int (*send)(void *ctx, const struct link_iov *iov, unsigned niov);
    void (*flush)(void *ctx); /* make queued frames go (doorbell) */
    /* Deliver up to budget received frames to fn; returns how many. */
    int (*poll)(void *ctx, link_rx_fn fn, void *arg, unsigned budget);
    /* Frames queued and not yet finished by the device, the newest ones (0 = every send
     * buffer may be reused). */
    unsigned (*pending)(void *ctx);
};

struct nic;
/* Wrap an opened NIC as a link (net/link_nic.c). */
void link_from_nic(struct link *l, struct nic *nic);

#endif
