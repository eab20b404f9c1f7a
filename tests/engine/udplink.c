/*
 * tests/engine/udplink.c — the engine's link over loopback UDP sockets (see udplink.h).
 * Tested by tests/engine/test_udp.c.
 */
#define _GNU_SOURCE
#include "tests/engine/udplink.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "tests/engine/memswitch.h"

struct udplink {
    struct link link;
    int fd;
    unsigned node, nodes;
    uint16_t base;
    uint8_t *rxbuf;
    size_t rxcap;
};

static struct sockaddr_in addr_of(const struct udplink *u, unsigned node)
{
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons((uint16_t)(u->base + node));
    return a;
}

static int send_to(struct udplink *u, unsigned node, struct iovec *v, unsigned n)
{
    struct sockaddr_in a = addr_of(u, node);
    struct msghdr m;
    memset(&m, 0, sizeof(m));
    m.msg_name = &a;
    m.msg_namelen = sizeof(a);
    m.msg_iov = v;
    m.msg_iovlen = n;
    return sendmsg(u->fd, &m, MSG_DONTWAIT) < 0 ? -1 : 0;
}

static int u_send(void *ctx, const struct link_iov *iov, unsigned niov)
{
    struct udplink *u = ctx;
    struct iovec v[LINK_MAX_IOV];
    if (niov == 0 || niov > LINK_MAX_IOV || iov[0].len < 6) return -1;
    for (unsigned k = 0; k < niov; k++) {
        v[k].iov_base = (void *)iov[k].base;
        v[k].iov_len = iov[k].len;
    }
    const uint8_t *dst = iov[0].base;
    static const uint8_t bcast[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    if (memcmp(dst, bcast, 6) == 0) {
        /* A broadcast: every other node; a full socket buffer loses that copy, like a switch
         * port would. */
        for (unsigned k = 0; k < u->nodes; k++)
            if (k != u->node) send_to(u, k, v, niov);
        return 0;
    }
    unsigned to = ((unsigned)dst[4] << 8) | dst[5];
    if (to >= u->nodes) return 0; /* nobody has that MAC */
    if (send_to(u, to, v, niov) < 0) return errno == EAGAIN || errno == ENOBUFS ? -1 : 0;
    return 0;
}

static void u_flush(void *ctx)
{
    (void)ctx;
}

static int u_poll(void *ctx, link_rx_fn fn, void *arg, unsigned budget)
{
    struct udplink *u = ctx;
    int n = 0;
    while ((unsigned)n < budget) {
        ssize_t r = recv(u->fd, u->rxbuf, u->rxcap, MSG_DONTWAIT);
        if (r < 0) break;
        fn(arg, u->rxbuf, (size_t)r);
        n++;
    }
    return n;
}

static unsigned u_pending(void *ctx)
{
    (void)ctx;
    return 0; /* sendmsg copied the frame */
}

struct udplink *udplink_open(unsigned node, unsigned nodes, uint16_t base_port, unsigned mtu)
{
    struct udplink *u = calloc(1, sizeof(*u));
    if (!u) return NULL;
    u->node = node;
    u->nodes = nodes;
    u->base = base_port;
    u->rxcap = 14 + mtu;
    u->rxbuf = malloc(u->rxcap);
    u->fd = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in a = addr_of(u, node);
    int big = 4 << 20;
    if (!u->rxbuf || u->fd < 0 || setsockopt(u->fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big)) < 0 ||
        bind(u->fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
        int e = errno;
        udplink_close(u);
        errno = e;
        return NULL;
    }
    u->link.ctx = u;
    msw_mac(node, u->link.mac);
    u->link.mtu = mtu;
    u->link.send = u_send;
    u->link.flush = u_flush;
    u->link.poll = u_poll;
    u->link.pending = u_pending;
    return u;
}

struct link *udplink_link(struct udplink *u)
{
    return &u->link;
}

void udplink_close(struct udplink *u)
{
    if (!u) return;
    if (u->fd >= 0) close(u->fd);
    free(u->rxbuf);
    free(u);
}
