/*
 * net/link_nic.c — a net/link.h link on top of any drivers/nic.h NIC (bare metal only).
 * The NIC interface already has the link's shape (same copy/zero-copy rule, same polled
 * receive); this file only adapts the types. Exercised by apps/selftest under QEMU.
 */
#include "net/link.h"

#include "drivers/nic.h"

_Static_assert(LINK_COPY_MAX == NIC_TX_COPY_MAX, "link and NIC copy rules must agree");
_Static_assert(LINK_MAX_IOV <= NIC_MAX_IOV, "a link frame must fit the NIC's piece limit");

static int lnic_send(void *ctx, const struct link_iov *iov, unsigned niov)
{
    struct nic_iov v[LINK_MAX_IOV];
    if (niov > LINK_MAX_IOV) return -NIC_EINVAL;
    for (unsigned k = 0; k < niov; k++) {
        v[k].base = iov[k].base;
        v[k].len = iov[k].len;
    }
    return nic_transmit(ctx, v, niov);
}

static void lnic_flush(void *ctx)
{
    nic_flush(ctx);
}

struct lnic_rx {
    link_rx_fn fn;
    void *arg;
};

static void lnic_rx_one(void *ctx, const void *frame, size_t len)
{
    const struct lnic_rx *rx = ctx;
    rx->fn(rx->arg, frame, len);
}

static int lnic_poll(void *ctx, link_rx_fn fn, void *arg, unsigned budget)
{
    struct lnic_rx rx = {fn, arg};
    return nic_poll(ctx, lnic_rx_one, &rx, budget);
}

static unsigned lnic_pending(void *ctx)
{
    return nic_tx_pending(ctx);
}

void link_from_nic(struct link *l, struct nic *nic)
{
    l->ctx = nic;
    for (int k = 0; k < 6; k++)
        l->mac[k] = nic->mac[k];
    l->mtu = nic->mtu;
    l->send = lnic_send;
    l->flush = lnic_flush;
    l->poll = lnic_poll;
    l->pending = lnic_pending;
}
