/*
 * hosted/link_eth.c — the engine's link as raw Ethernet on a named interface (AF_PACKET,
 * needs root or CAP_NET_RAW): Porto's own frames (EtherType 0x88B5) on the wire, as on the
 * bare machine, with the kernel's socket in place of Porto's driver. Every rank sends with its
 * own MAC (host_rank_mac), so several ranks may share one interface and one machine may run
 * ranks of a job spread over many: the socket listens to every frame of the interface
 * (promiscuous, a BPF filter keeps only EtherType 0x88B5) and takes those addressed to its
 * rank or broadcast. Frames this socket sent itself are skipped; on a loopback interface every
 * frame is seen twice (going out, coming in) and only the incoming copy is taken.
 */
#define _GNU_SOURCE
#include "hosted/host.h"
#include "net/wire.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

struct eth {
    struct host_link h;
    unsigned rank, nodes;
    int ifindex;
    bool loopback;
    uint8_t *rxbuf;
    size_t rxcap;
};

static int e_send(void *ctx, const struct link_iov *iov, unsigned niov)
{
    struct eth *e = ctx;
    struct iovec v[LINK_MAX_IOV];
    if (niov == 0 || niov > LINK_MAX_IOV || iov[0].len < 14) return -1;
    size_t total = 0;
    for (unsigned k = 0; k < niov; k++) {
        v[k].iov_base = (void *)iov[k].base;
        v[k].iov_len = iov[k].len;
        total += iov[k].len;
    }
    if (total > e->rxcap) return -1;
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_iov = v;
    m.msg_iovlen = niov;
    for (;;) {
        if (sendmsg(e->h.fd, &m, MSG_DONTWAIT) >= 0) return 0;
        if (errno == EINTR) continue;
        return errno == EAGAIN || errno == ENOBUFS ? -1 : 0;
    }
}

static void e_flush(void *ctx)
{
    (void)ctx;
}

static int e_poll(void *ctx, link_rx_fn fn, void *arg, unsigned budget)
{
    struct eth *e = ctx;
    static const uint8_t bcast[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    int n = 0;
    while ((unsigned)n < budget) {
        struct sockaddr_ll from;
        socklen_t flen = sizeof from;
        ssize_t r = recvfrom(e->h.fd, e->rxbuf, e->rxcap, MSG_DONTWAIT | MSG_TRUNC,
                             (struct sockaddr *)&from, &flen);
        if (r < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (r < AP_ETH_HLEN || (size_t)r > e->rxcap) {
            e->h.drop_short++; /* runt, or longer than the MTU (truncated) */
            continue;
        }
        if (e->loopback && from.sll_pkttype == PACKET_OUTGOING) continue;
        if (!memcmp(e->rxbuf + 6, e->h.link.mac, 6)) continue; /* our own */
        if (memcmp(e->rxbuf, e->h.link.mac, 6) && memcmp(e->rxbuf, bcast, 6)) continue;
        if (host_mac_rank(e->rxbuf + 6, e->nodes) < 0) {
            e->h.drop_foreign++;
            continue;
        }
        fn(arg, e->rxbuf, (size_t)r);
        n++;
    }
    if (n > 0) e->h.last_rx_ns = host_now_ns();
    return n;
}

static unsigned e_pending(void *ctx)
{
    (void)ctx;
    return 0; /* sendmsg copied the frame */
}

struct host_link *host_eth_open(const char *ifname, unsigned nodes, unsigned rank, unsigned mtu,
                                char *err, size_t errlen)
{
    struct eth *e = calloc(1, sizeof *e);
    if (!e) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    e->rank = rank;
    e->nodes = nodes;
    e->h.fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
    if (e->h.fd < 0) {
        snprintf(err, errlen, "cannot open a raw Ethernet socket: %s%s", strerror(errno),
                 errno == EPERM ? " (link=eth needs root or CAP_NET_RAW; link=udp does not)" : "");
        goto fail;
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    if (strlen(ifname) >= sizeof ifr.ifr_name) {
        snprintf(err, errlen, "interface name '%s' too long", ifname);
        goto fail;
    }
    strcpy(ifr.ifr_name, ifname);
    if (ioctl(e->h.fd, SIOCGIFINDEX, &ifr) < 0) {
        snprintf(err, errlen, "no interface '%s': %s", ifname, strerror(errno));
        goto fail;
    }
    e->ifindex = ifr.ifr_ifindex;
    if (ioctl(e->h.fd, SIOCGIFFLAGS, &ifr) == 0) e->loopback = (ifr.ifr_flags & IFF_LOOPBACK) != 0;
    unsigned ifmtu = 1500;
    if (ioctl(e->h.fd, SIOCGIFMTU, &ifr) == 0 && ifr.ifr_mtu > 0) ifmtu = (unsigned)ifr.ifr_mtu;
    if (mtu == 0 || mtu > ifmtu) mtu = ifmtu;
    if (mtu > 65000) mtu = 65000;
    /* Only Porto's EtherType reaches the socket: ldh [12]; jeq #0x88B5; ret all / ret 0. */
    struct sock_filter code[] = {
        {0x28, 0, 0, 12}, {0x15, 0, 1, AP_ETHERTYPE}, {0x06, 0, 0, 0x40000}, {0x06, 0, 0, 0}};
    struct sock_fprog prog = {.len = 4, .filter = code};
    if (setsockopt(e->h.fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0) {
        snprintf(err, errlen, "cannot attach the EtherType filter: %s", strerror(errno));
        goto fail;
    }
    struct sockaddr_ll sll;
    memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ALL);
    sll.sll_ifindex = e->ifindex;
    if (bind(e->h.fd, (struct sockaddr *)&sll, sizeof sll) < 0) {
        snprintf(err, errlen, "cannot bind to '%s': %s", ifname, strerror(errno));
        goto fail;
    }
    struct packet_mreq mr = {.mr_ifindex = e->ifindex, .mr_type = PACKET_MR_PROMISC};
    if (!e->loopback &&
        setsockopt(e->h.fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr) < 0) {
        snprintf(err, errlen, "cannot put '%s' in promiscuous mode: %s", ifname, strerror(errno));
        goto fail;
    }
    int big = 8 << 20;
    setsockopt(e->h.fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
    setsockopt(e->h.fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
    e->rxcap = AP_ETH_HLEN + mtu;
    e->rxbuf = malloc(e->rxcap);
    if (!e->rxbuf) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    struct link *l = &e->h.link;
    l->ctx = e;
    host_rank_mac(rank, l->mac);
    l->mtu = mtu;
    l->send = e_send;
    l->flush = e_flush;
    l->poll = e_poll;
    l->pending = e_pending;
    return &e->h;
fail:
    if (e->h.fd >= 0) close(e->h.fd);
    free(e->rxbuf);
    free(e);
    return NULL;
}
