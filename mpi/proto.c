/*
 * mpi/proto.c — the wire protocol over the engine (docs/mpi.md):
 * - eager (payload <= MPI_EAGER_MAX, not synchronous): header + payload copied into a bounce
 *   buffer and sent FC to the receiver's eager port (the sender takes the MPI_EAGER_PORTS ports
 *   in turn so that back-to-back messages never wait for a slot); the send is complete at once.
 * - rendezvous (larger, or Ssend): RTS header; the receiver, once a receive matches, opens a
 *   landing port on the user's buffer (or a packing buffer) and answers CTS with the port and
 *   the bytes it accepts; the sender ap_put_fc's the data straight into that port. The send is
 *   complete when the put is acknowledged, the receive when the port saw the delivery.
 */
#include <stdlib.h>
#include <string.h>

#include "mpi/mpi_impl.h"

#define NO_PORT 0xFFFFu

static int eager_port(struct mpi_proc *p, int world)
{
    return MPI_PORT_EAGER0 + (int)(p->tx_turn[world]++ % MPI_EAGER_PORTS);
}

static void pool_done(struct mpi_proc *p, struct mpi_pool_ent *e)
{
    e->busy = false;
    p->inflight[e->dst]--;
}

/* Bounce buffers whose send the engine finished become free. */
static void pool_reap(struct mpi_proc *p)
{
    for (unsigned k = 0; k < MPI_POOL; k++) {
        struct mpi_pool_ent *e = &p->pool[k];
        if (e->busy && ap_status(&e->ar) != AP_PENDING) pool_done(p, e);
    }
}

/* A free bounce buffer for a message to `dst` (waits for the oldest one if all are in
 * flight). At most MPI_EAGER_PORTS messages to one destination are unacknowledged: an ACK
 * comes after the receiver's handler emptied the slot, so the next message to each eager port
 * finds its slot free and is never refused (a refusal costs a retransmission timeout). */
static struct mpi_pool_ent *pool_get(struct mpi_proc *p, int dst)
{
    if (p->inflight[dst] >= MPI_EAGER_PORTS) {
        pool_reap(p);
        while (p->inflight[dst] >= MPI_EAGER_PORTS) {
            if (ap_poll(p->ap) == 0) mpi_platform_idle();
            pool_reap(p);
        }
    }
    for (unsigned k = 0; k < MPI_POOL; k++) {
        struct mpi_pool_ent *e = &p->pool[(p->pool_next + k) % MPI_POOL];
        if (e->busy && ap_status(&e->ar) != AP_PENDING) pool_done(p, e);
        if (!e->busy) {
            p->pool_next = (p->pool_next + k + 1) % MPI_POOL;
            return e;
        }
    }
    struct mpi_pool_ent *e = &p->pool[p->pool_next];
    ap_wait(p->ap, &e->ar);
    pool_done(p, e);
    p->pool_next = (p->pool_next + 1) % MPI_POOL;
    return e;
}

/* Send header + payload (already packed, <= MPI_EAGER_MAX) from a bounce buffer. */
static int send_ctl(struct mpi_proc *p, int world, const struct mpi_hdr *h, const void *payload,
                    size_t len, const struct mpi_dtype *t, int count)
{
    struct mpi_pool_ent *e = pool_get(p, world);
    memcpy(e->buf, h, MPI_HDR);
    if (t)
        mpi_pack_bytes(payload, count, t, e->buf + MPI_HDR);
    else if (len)
        memcpy(e->buf + MPI_HDR, payload, len);
    int rc = ap_isend_fc(p->ap, &e->ar, world, eager_port(p, world), e->buf, MPI_HDR + len);
    if (rc < 0) return MPI_ERR_OTHER;
    e->busy = true;
    e->dst = world;
    p->inflight[world]++;
    return MPI_SUCCESS;
}

int mpi_send_eager(int world, int ctx, int tag, const void *buf, int count, MPI_Datatype dt)
{
    struct mpi_dtype *t = mpi_dt(dt);
    size_t len = mpi_dt_bytes(t, count);
    if (len > MPI_EAGER_MAX) return -1;
    struct mpi_hdr h = {.kind = MSG_EAGER, .ctx = (uint16_t)ctx, .tag = tag, .len = (uint32_t)len};
    return send_ctl(mpi_proc(), world, &h, buf, len, t, count);
}

static uint64_t cookie_of(const struct mpi_req *r)
{
    return (uint64_t)r->gen << 32 | (uint32_t)r->handle;
}

int mpi_start_send(struct mpi_req *r)
{
    struct mpi_proc *p = mpi_proc();
    struct mpi_dtype *t = mpi_dt(r->dt);
    size_t len = r->pack ? r->len : mpi_dt_bytes(t, r->count);
    r->len = len;
    r->done = false;
    r->err = 0;
    r->st.MPI_ERROR = MPI_SUCCESS;
    r->st.mpi_cancelled_ = 0;
    struct mpi_hdr h = {.ctx = (uint16_t)r->ctx, .tag = r->tag, .len = (uint32_t)len};
    if (len <= MPI_EAGER_MAX && r->mode != SM_SYNC) {
        h.kind = MSG_EAGER;
        r->err = r->pack ? send_ctl(p, r->world, &h, r->pack, len, NULL, 0)
                         : send_ctl(p, r->world, &h, r->buf, len, t, r->count);
        free(r->pack);
        r->pack = NULL;
        if (r->bsend_bytes) {
            p->bused -= r->bsend_bytes;
            r->bsend_bytes = 0;
        }
        mpi_req_complete(r);
        return r->err;
    }
    if (len > AP_MAX_MSG) return r->err = MPI_ERR_COUNT;
    if (!r->pack && !mpi_dt_contig(t)) {
        r->pack = malloc(len ? len : 1);
        if (!r->pack) return r->err = MPI_ERR_NO_MEM;
        mpi_pack_bytes(r->buf, r->count, t, r->pack);
    }
    h.kind = MSG_RTS;
    h.cookie = cookie_of(r);
    r->hdr = h;
    r->rs = RS_WAIT_CTS;
    mpi_act_add(r);
    /* From a bounce buffer like every eager-port message: it counts against the
     * destination's in-flight limit. A peer that dies before answering fails the send
     * (mpi_req_update). */
    int rc = send_ctl(p, r->world, &h, NULL, 0, NULL, 0);
    if (rc) {
        r->err = rc;
        r->rs = RS_IDLE;
        mpi_req_complete(r);
        return r->err;
    }
    return MPI_SUCCESS;
}

void mpi_on_cts(const struct mpi_hdr *h)
{
    struct mpi_req *r = mpi_req_get((MPI_Request)(uint32_t)h->cookie);
    if (!r || r->gen != (uint32_t)(h->cookie >> 32) || r->kind != RQ_SEND || r->rs != RS_WAIT_CTS)
        return; /* stale or foreign: nothing waits for it */
    struct mpi_proc *p = mpi_proc();
    size_t acc = h->len < r->len ? h->len : r->len;
    if (acc == 0 || h->port == NO_PORT) {
        r->rs = RS_IDLE;
        mpi_req_complete(r);
        return;
    }
    const void *src = r->pack ? r->pack : r->buf;
    if (ap_iput_fc(p->ap, &r->ar_data, r->world, (int)h->port, 0, src, acc) < 0) {
        r->err = MPI_ERR_OTHER;
        r->rs = RS_IDLE;
        mpi_req_complete(r);
        return;
    }
    r->ar_data_busy = true;
    r->rs = RS_PUT;
}

static void recv_status(struct mpi_req *r, int src, int tag, size_t len)
{
    struct mpi_comm *c = mpi_comm(r->comm);
    r->world = src;
    r->st.MPI_SOURCE = c ? mpi_comm_rank_of(c, src) : src;
    r->st.MPI_TAG = tag;
    r->st.mpi_bytes_ = (long long)(len < r->len ? len : r->len);
    r->st.mpi_cancelled_ = 0;
    r->err = len > r->len ? MPI_ERR_TRUNCATE : MPI_SUCCESS;
    r->st.MPI_ERROR = r->err;
}

void mpi_recv_eager(struct mpi_req *r, int src, int tag, const void *data, size_t len)
{
    recv_status(r, src, tag, len);
    mpi_unpack_bytes(data, len < r->len ? len : r->len, r->buf, r->count, mpi_dt(r->dt));
    mpi_req_complete(r);
}

static int land_free(struct mpi_proc *p)
{
    for (int k = 0; k < MPI_LAND_PORTS; k++)
        if (!p->land_owner[k]) return k;
    return -1;
}

/* Open a landing port for r and answer CTS; false when no port is free. */
static bool land_start(struct mpi_proc *p, struct mpi_req *r)
{
    size_t acc = r->rdv_len < r->len ? r->rdv_len : r->len;
    struct mpi_hdr h = {.kind = MSG_CTS,
                        .ctx = (uint16_t)r->ctx,
                        .len = (uint32_t)acc,
                        .port = NO_PORT,
                        .cookie = r->rdv_cookie};
    if (acc == 0) {
        int rc = send_ctl(p, r->world, &h, NULL, 0, NULL, 0);
        if (rc) r->err = rc;
        mpi_req_complete(r);
        return true;
    }
    int k = land_free(p);
    if (k < 0) return false;
    struct mpi_dtype *t = mpi_dt(r->dt);
    void *dst = r->buf;
    if (!mpi_dt_contig(t)) {
        r->pack = malloc(acc);
        if (!r->pack) {
            r->err = MPI_ERR_NO_MEM;
            mpi_req_complete(r);
            return true;
        }
        dst = r->pack;
    }
    int port = MPI_PORT_LAND0 + k;
    if (ap_port_open(p->ap, port, dst, acc, NULL, NULL, AP_PORT_ONESHOT) < 0) {
        r->err = MPI_ERR_INTERN;
        mpi_req_complete(r);
        return true;
    }
    p->land_owner[k] = r;
    r->land = k;
    r->land_base = ap_port_deliveries(p->ap, port);
    r->rs = RS_LANDING;
    mpi_act_add(r);
    h.port = (uint32_t)port;
    int rc = send_ctl(p, r->world, &h, NULL, 0, NULL, 0);
    if (rc) {
        r->err = rc;
        ap_port_close(p->ap, port);
        p->land_owner[k] = NULL;
        r->land = -1;
        mpi_req_complete(r);
    }
    return true;
}

void mpi_recv_rts(struct mpi_req *r, int src, int tag, uint64_t cookie, size_t len)
{
    struct mpi_proc *p = mpi_proc();
    recv_status(r, src, tag, len);
    r->rdv_cookie = cookie;
    r->rdv_len = len;
    if (p->port_wait_head || !land_start(p, r)) {
        r->rs = RS_WAIT_PORT;
        r->next = NULL;
        if (p->port_wait_tail)
            p->port_wait_tail->next = r;
        else
            p->port_wait_head = r;
        p->port_wait_tail = r;
        mpi_act_add(r);
    }
}

void mpi_land_retry(void)
{
    struct mpi_proc *p = mpi_proc();
    while (p->port_wait_head) {
        struct mpi_req *r = p->port_wait_head;
        if (!land_start(p, r)) return;
        p->port_wait_head = r->next;
        if (!p->port_wait_head) p->port_wait_tail = NULL;
        r->next = NULL;
    }
}

void mpi_req_update(struct mpi_req *r)
{
    struct mpi_proc *p = mpi_proc();
    if (r->ar_hdr_busy && ap_status(&r->ar_hdr) != AP_PENDING) {
        r->ar_hdr_busy = false;
        if (ap_status(&r->ar_hdr) < 0 && !r->done) {
            r->err = MPI_ERR_OTHER;
            mpi_req_complete(r);
        }
    }
    if (r->ar_data_busy && ap_status(&r->ar_data) != AP_PENDING) {
        r->ar_data_busy = false;
        if (ap_status(&r->ar_data) < 0) r->err = MPI_ERR_OTHER;
        if (r->rs == RS_PUT) {
            r->rs = RS_IDLE;
            mpi_req_complete(r);
        }
    }
    /* The engine declared the peer dead: no CTS or data will come (a put in flight fails
     * by itself; a receive waiting for a port finds out when it answers). */
    if ((r->rs == RS_WAIT_CTS || r->rs == RS_LANDING) && !ap_peer_alive(p->ap, r->world)) {
        r->err = MPI_ERR_OTHER;
        if (r->rs == RS_LANDING) {
            ap_port_close(p->ap, MPI_PORT_LAND0 + r->land);
            p->land_owner[r->land] = NULL;
            r->land = -1;
        }
        r->rs = RS_IDLE;
        mpi_req_complete(r);
        return;
    }
    if (r->rs == RS_LANDING) {
        int port = MPI_PORT_LAND0 + r->land;
        if (ap_port_deliveries(p->ap, port) == r->land_base) return;
        ap_port_close(p->ap, port);
        p->land_owner[r->land] = NULL;
        r->land = -1;
        r->rs = RS_IDLE;
        if (r->pack) {
            mpi_unpack_bytes(r->pack, (size_t)r->st.mpi_bytes_, r->buf, r->count, mpi_dt(r->dt));
            free(r->pack);
            r->pack = NULL;
        }
        mpi_req_complete(r);
    }
}

/* The pool, the eager ports and the landing ports. */
int mpi_proto_open(struct mpi_proc *p)
{
    p->pool = calloc(MPI_POOL, sizeof *p->pool);
    p->tx_turn = calloc((size_t)p->size, sizeof *p->tx_turn);
    p->inflight = calloc((size_t)p->size, sizeof *p->inflight);
    p->eager_slot = MPI_HDR + MPI_EAGER_MAX;
    size_t per_port = p->eager_slot * (size_t)p->size;
    p->eager_mem = malloc(per_port * MPI_EAGER_PORTS);
    if (!p->pool || !p->tx_turn || !p->inflight || !p->eager_mem) return MPI_ERR_NO_MEM;
    for (int k = 0; k < MPI_EAGER_PORTS; k++)
        if (ap_port_open(p->ap, MPI_PORT_EAGER0 + k, p->eager_mem + per_port * (size_t)k, per_port,
                         mpi_on_eager, NULL, AP_PORT_SLOTS | AP_PORT_LAZYACK) < 0)
            return MPI_ERR_INTERN;
    return MPI_SUCCESS;
}

void mpi_proto_close(struct mpi_proc *p)
{
    if (p->pool)
        for (unsigned k = 0; k < MPI_POOL; k++)
            if (p->pool[k].busy) ap_wait(p->ap, &p->pool[k].ar);
    if (p->ap)
        for (int k = 0; k < MPI_EAGER_PORTS; k++)
            ap_port_close(p->ap, MPI_PORT_EAGER0 + k);
    free(p->pool);
    free(p->tx_turn);
    free(p->inflight);
    free(p->eager_mem);
    p->pool = NULL;
    p->tx_turn = NULL;
    p->inflight = NULL;
    p->eager_mem = NULL;
}
