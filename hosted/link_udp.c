/*
 * hosted/link_udp.c — the engine's link over UDP: rank r owns one socket at peers[r], every
 * Ethernet frame travels as one datagram (sendmsg straight from the engine's pieces, so the
 * copy rule of net/link.h holds: the kernel has copied the frame when send returns). A frame
 * to the broadcast MAC goes to every other rank. Ranks have the MACs of host_rank_mac(), so
 * the destination rank is read from the frame. Datagrams from addresses that are not the
 * job's peers, or shorter than an Ethernet header, are counted and dropped.
 */
#define _GNU_SOURCE
#include "hosted/host.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

/* Datagrams taken per recvmmsg: a poll pass is one system call however many frames wait. */
#define RX_BATCH 32

struct udp {
    struct host_link h;
    unsigned rank, nodes;
    struct sockaddr_in *peers;
    uint8_t *rxbuf; /* RX_BATCH buffers of rxcap bytes */
    size_t rxcap;
    struct mmsghdr msgs[RX_BATCH];
    struct iovec iovs[RX_BATCH];
    struct sockaddr_in from[RX_BATCH];
    bool connected; /* a job of two: the socket is connected to the other rank */
};

void host_rank_mac(unsigned rank, uint8_t mac[6])
{
    mac[0] = 0x02; /* locally administered, unicast */
    mac[1] = 0x50;
    mac[2] = 0x4f;
    mac[3] = 0x00;
    mac[4] = (uint8_t)(rank >> 8);
    mac[5] = (uint8_t)rank;
}

int host_mac_rank(const uint8_t mac[6], unsigned nodes)
{
    if (mac[0] != 0x02 || mac[1] != 0x50 || mac[2] != 0x4f || mac[3] != 0x00) return -1;
    unsigned r = (unsigned)mac[4] << 8 | mac[5];
    return r < nodes ? (int)r : -1;
}

static int send_to(struct udp *u, unsigned to, struct iovec *v, unsigned n)
{
    struct msghdr m;
    memset(&m, 0, sizeof m);
    if (!u->connected) {
        m.msg_name = &u->peers[to];
        m.msg_namelen = sizeof u->peers[to];
    }
    m.msg_iov = v;
    m.msg_iovlen = n;
    for (;;) {
        if (sendmsg(u->h.fd, &m, MSG_DONTWAIT) >= 0) return 0;
        if (errno != EINTR) return -1;
    }
}

static int u_send(void *ctx, const struct link_iov *iov, unsigned niov)
{
    struct udp *u = ctx;
    struct iovec v[LINK_MAX_IOV];
    if (niov == 0 || niov > LINK_MAX_IOV || iov[0].len < 6) return -1;
    size_t total = 0;
    for (unsigned k = 0; k < niov; k++) {
        v[k].iov_base = (void *)iov[k].base;
        v[k].iov_len = iov[k].len;
        total += iov[k].len;
    }
    if (total > u->rxcap) return -1;
    const uint8_t *dst = iov[0].base;
    static const uint8_t bcast[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    if (memcmp(dst, bcast, 6) == 0) {
        /* Every other rank; a full socket buffer loses that copy, as a switch port would. */
        for (unsigned k = 0; k < u->nodes; k++)
            if (k != u->rank) send_to(u, k, v, niov);
        return 0;
    }
    int to = host_mac_rank(dst, u->nodes);
    if (to < 0) return 0; /* nobody has that MAC: gone, like on a wire */
    if (send_to(u, (unsigned)to, v, niov) < 0)
        return errno == EAGAIN || errno == ENOBUFS ? -1 : 0; /* full: the engine retries */
    return 0;
}

static void u_flush(void *ctx)
{
    (void)ctx;
}

static bool from_peer(const struct udp *u, const struct sockaddr_in *a, const uint8_t *frame)
{
    int r = host_mac_rank(frame + 6, u->nodes);
    if (r < 0) return false;
    const struct sockaddr_in *p = &u->peers[r];
    return a->sin_port == p->sin_port &&
           (a->sin_addr.s_addr == p->sin_addr.s_addr || p->sin_addr.s_addr == htonl(INADDR_ANY));
}

static int u_poll(void *ctx, link_rx_fn fn, void *arg, unsigned budget)
{
    struct udp *u = ctx;
    unsigned want = budget < RX_BATCH ? budget : RX_BATCH;
    for (unsigned i = 0; i < want; i++) {
        u->msgs[i].msg_hdr.msg_name = &u->from[i];
        u->msgs[i].msg_hdr.msg_namelen = sizeof u->from[i];
        u->msgs[i].msg_hdr.msg_iov = &u->iovs[i];
        u->msgs[i].msg_hdr.msg_iovlen = 1;
        u->iovs[i].iov_base = u->rxbuf + i * u->rxcap;
        u->iovs[i].iov_len = u->rxcap;
    }
    int got;
    do
        got = recvmmsg(u->h.fd, u->msgs, want, MSG_DONTWAIT, NULL);
    while (got < 0 && errno == EINTR);
    int n = 0;
    for (int i = 0; i < got; i++) {
        const uint8_t *frame = u->iovs[i].iov_base;
        size_t len = u->msgs[i].msg_len;
        if (len < 14 || (u->msgs[i].msg_hdr.msg_flags & MSG_TRUNC)) {
            u->h.drop_short++; /* runt, or longer than the MTU */
            continue;
        }
        if (!from_peer(u, &u->from[i], frame)) {
            u->h.drop_foreign++;
            continue;
        }
        fn(arg, frame, len);
        n++;
    }
    if (n > 0) u->h.last_rx_ns = host_now_ns();
    return got > 0 ? got : 0;
}

static unsigned u_pending(void *ctx)
{
    (void)ctx;
    return 0; /* sendmsg copied the frame */
}

struct host_link *host_udp_open(unsigned nodes, unsigned rank, const struct sockaddr_in *peers,
                                unsigned mtu, char *err, size_t errlen)
{
    struct udp *u = calloc(1, sizeof *u);
    if (!u) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    u->rank = rank;
    u->nodes = nodes;
    u->peers = calloc(nodes, sizeof *u->peers);
    u->rxcap = 14 + mtu;
    u->rxbuf = malloc(RX_BATCH * u->rxcap);
    u->h.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (!u->peers || !u->rxbuf || u->h.fd < 0) {
        snprintf(err, errlen, "cannot make a UDP socket: %s", strerror(errno));
        goto fail;
    }
    memcpy(u->peers, peers, nodes * sizeof *peers);
    int big = 8 << 20;
    setsockopt(u->h.fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big); /* best effort: rmem_max caps */
    setsockopt(u->h.fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    struct sockaddr_in me = peers[rank];
    me.sin_addr.s_addr = htonl(INADDR_ANY); /* any of this host's addresses */
    if (peers[rank].sin_addr.s_addr == htonl(INADDR_LOOPBACK)) me.sin_addr = peers[rank].sin_addr;
    if (bind(u->h.fd, (struct sockaddr *)&me, sizeof me) < 0) {
        snprintf(err, errlen,
                 "cannot bind UDP port %u for rank %u: %s (another job on it? "
                 "choose udpport=)",
                 ntohs(me.sin_port), rank, strerror(errno));
        goto fail;
    }
    /* A job of two has one peer: a connected socket sends without a route lookup per
     * datagram, and the kernel drops datagrams from anyone else. */
    if (nodes == 2 &&
        connect(u->h.fd, (const struct sockaddr *)&peers[1 - rank], sizeof *peers) == 0)
        u->connected = true;
    struct link *l = &u->h.link;
    l->ctx = u;
    host_rank_mac(rank, l->mac);
    l->mtu = mtu;
    l->send = u_send;
    l->flush = u_flush;
    l->poll = u_poll;
    l->pending = u_pending;
    return &u->h;
fail:
    if (u->h.fd >= 0) close(u->h.fd);
    free(u->peers);
    free(u->rxbuf);
    free(u);
    return NULL;
}
