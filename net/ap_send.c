/*
 * net/ap_send.c — Active Port engine: starting a send (argument checks, sequence numbers,
 * queueing on the right stream, a first transmission at once) and the public send calls.
 * Tested by tests/engine/test_p2p.c.
 */
#include "net/ap_internal.h"

#include <string.h>

/* ---- starting a send ---- */

static void enqueue(struct ap_req **head, struct ap_req **tail, struct ap_req *r)
{
    r->next = NULL;
    if (*tail)
        (*tail)->next = r;
    else
        *head = r;
    *tail = r;
}

int apx_start(struct ap *ap, struct ap_req *req, unsigned kind, int dst, int port, size_t off,
              const struct ap_iov *iov, unsigned niov)
{
    if (!req || niov > AP_REQ_IOV || (niov && !iov)) return -AP_EINVAL;
    if (dst != AP_ALL && (dst < 0 || (unsigned)dst >= ap->nodes)) return -AP_EINVAL;
    if (port < 0 || (port >= AP_MAX_PORTS && port != AP_COLL_PORT)) return -AP_EINVAL;
    uint64_t total = 0;
    int drain = 0;
    for (unsigned k = 0; k < niov; k++) {
        if (iov[k].len && !iov[k].base) return -AP_EINVAL;
        total += iov[k].len;
        if (total > AP_MAX_MSG) return -AP_EMSGSIZE;
        if (iov[k].len > LINK_COPY_MAX) drain = 1;
    }
    if (off > UINT32_MAX || off + total > (uint64_t)AP_MAX_MSG + 1) return -AP_EMSGSIZE;
    if ((kind & AP_K_FC) && dst != AP_ALL && ap->peers[dst].dead) return -AP_EPEER;
    memset(req, 0, sizeof(*req));
    req->status = AP_PENDING;
    req->phase = AP_PH_QUEUED;
    req->kind = (uint8_t)kind;
    req->drain = (uint8_t)drain;
    req->dst = dst == AP_ALL ? AP_WIRE_ALL : (uint16_t)dst;
    req->port = (uint16_t)port;
    req->msg_len = (uint32_t)total;
    req->base = (uint32_t)off;
    req->niov = (uint8_t)niov;
    if (niov) memcpy(req->iov, iov, niov * sizeof(*iov));
    apx_clock(ap);
    int budget = AP_TX_BUDGET;
    if (dst == AP_ALL) {
        req->kind |= AP_K_BCAST;
        if (ap->nodes == 1) {
            apx_complete(ap, req, 0);
            return 0;
        }
        if (kind & AP_K_FC) {
            if (ap->blive == 0) {
                apx_complete(ap, req, -AP_EPEER);
                return 0;
            }
            req->msg_seq = ap->bfc.msg_seq++;
            enqueue(&ap->bfc.head, &ap->bfc.tail, req);
            if (!ap->bfc.cur) ap->bfc.cur = req;
            apx_fc_tx(ap, &ap->bfc, -1, &budget);
        } else {
            req->msg_seq = ap->be_bc_seq++;
            enqueue(&ap->beq_head, &ap->beq_tail, req);
            apx_be_tx(ap, &budget);
        }
    } else if ((unsigned)dst == ap->rank) {
        req->kind |= AP_K_SELF;
        enqueue(&ap->selfq_head, &ap->selfq_tail, req);
        apx_self_deliver(ap);
    } else if (kind & AP_K_FC) {
        struct ap_peer *p = &ap->peers[dst];
        req->msg_seq = p->fc.msg_seq++;
        enqueue(&p->fc.head, &p->fc.tail, req);
        if (!p->fc.cur) p->fc.cur = req;
        apx_active_add(ap, (unsigned)dst);
        apx_fc_tx(ap, &p->fc, dst, &budget);
    } else {
        req->msg_seq = ap->peers[dst].be_msg_seq++;
        enqueue(&ap->beq_head, &ap->beq_tail, req);
        apx_be_tx(ap, &budget);
    }
    ap->link->flush(ap->link->ctx);
    return 0;
}

/* ---- the public send calls ---- */

static int start_user(struct ap *ap, struct ap_req *req, unsigned kind, int dst, int port,
                      size_t off, const struct ap_iov *iov, unsigned niov)
{
    if (port < 0 || port >= AP_MAX_PORTS) return -AP_EINVAL;
    return apx_start(ap, req, kind, dst, port, off, iov, niov);
}

static int send_blocking(struct ap *ap, unsigned kind, int dst, int port, size_t off,
                         const struct ap_iov *iov, unsigned niov)
{
    struct ap_req req;
    int r = start_user(ap, &req, kind, dst, port, off, iov, niov);
    return r < 0 ? r : ap_wait(ap, &req);
}

int ap_isendv_be(struct ap *ap, struct ap_req *req, int dst, int port, size_t off,
                 const struct ap_iov *iov, unsigned niov)
{
    return start_user(ap, req, 0, dst, port, off, iov, niov);
}

int ap_isendv_fc(struct ap *ap, struct ap_req *req, int dst, int port, size_t off,
                 const struct ap_iov *iov, unsigned niov)
{
    return start_user(ap, req, AP_K_FC, dst, port, off, iov, niov);
}

int ap_iput_be(struct ap *ap, struct ap_req *req, int dst, int port, size_t off, const void *buf,
               size_t len)
{
    struct ap_iov v = {buf, len};
    return start_user(ap, req, 0, dst, port, off, &v, 1);
}

int ap_iput_fc(struct ap *ap, struct ap_req *req, int dst, int port, size_t off, const void *buf,
               size_t len)
{
    struct ap_iov v = {buf, len};
    return start_user(ap, req, AP_K_FC, dst, port, off, &v, 1);
}

int ap_isend_be(struct ap *ap, struct ap_req *req, int dst, int port, const void *buf, size_t len)
{
    return ap_iput_be(ap, req, dst, port, 0, buf, len);
}

int ap_isend_fc(struct ap *ap, struct ap_req *req, int dst, int port, const void *buf, size_t len)
{
    return ap_iput_fc(ap, req, dst, port, 0, buf, len);
}

int ap_sendv_be(struct ap *ap, int dst, int port, size_t off, const struct ap_iov *iov,
                unsigned niov)
{
    return send_blocking(ap, 0, dst, port, off, iov, niov);
}

int ap_sendv_fc(struct ap *ap, int dst, int port, size_t off, const struct ap_iov *iov,
                unsigned niov)
{
    return send_blocking(ap, AP_K_FC, dst, port, off, iov, niov);
}

int ap_put_be(struct ap *ap, int dst, int port, size_t off, const void *buf, size_t len)
{
    struct ap_iov v = {buf, len};
    return send_blocking(ap, 0, dst, port, off, &v, 1);
}

int ap_put_fc(struct ap *ap, int dst, int port, size_t off, const void *buf, size_t len)
{
    struct ap_iov v = {buf, len};
    return send_blocking(ap, AP_K_FC, dst, port, off, &v, 1);
}

int ap_send_be(struct ap *ap, int dst, int port, const void *buf, size_t len)
{
    return ap_put_be(ap, dst, port, 0, buf, len);
}

int ap_send_fc(struct ap *ap, int dst, int port, const void *buf, size_t len)
{
    return ap_put_fc(ap, dst, port, 0, buf, len);
}

int ap_bcast_be(struct ap *ap, int port, const void *buf, size_t len)
{
    return ap_send_be(ap, AP_ALL, port, buf, len);
}

int ap_bcast_fc(struct ap *ap, int port, const void *buf, size_t len)
{
    return ap_send_fc(ap, AP_ALL, port, buf, len);
}
