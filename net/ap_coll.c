/*
 * net/ap_coll.c — collectives over the FC engine: barrier (dissemination), broadcast and
 * reduce (binomial trees), allreduce (recursive doubling with the non-power-of-two fold),
 * gather (binomial tree) and allgather (Bruck). All work for any number of nodes in
 * ceil(log2 nodes) rounds (plus two for the allreduce fold).
 *
 * They talk through the engine's internal port AP_COLL_PORT. A receive is posted per source
 * with a tag (collective epoch << 8 | step) and the message lands directly in the caller's
 * buffer; a message that arrives before its receive is posted waits in a small per-source
 * eager buffer (AP_COLL_EAGER bytes). A larger message is never sent before its receive is
 * posted: the receiver answers its post with a 0-byte clear-to-send (the same tag with
 * AP_COLL_CTS set, which waits in the eager buffer), and the sender starts only once it has
 * that. Without it the first frame would be refused (RNR) and the whole window resent.
 * Large messages switch to the algorithms of net/ap_coll_large.c (AP_COLL_LARGE).
 * Tested by tests/engine/test_coll.c for 1..9 nodes.
 */
#include "net/ap_coll.h"

#include <stdlib.h>
#include <string.h>

void apx_coll_init(struct ap *ap)
{
    for (unsigned s = 0; s < ap->nodes; s++) {
        struct ap_coll_rx *c = &ap->coll[s];
        c->post.kind = AP_UNIT_COLL_POST;
        c->post.port = AP_COLL_PORT;
        c->eager.kind = AP_UNIT_COLL_EAGER;
        c->eager.port = AP_COLL_PORT;
        c->eager.buf = ap->coll_eager_mem + (size_t)s * AP_COLL_EAGER;
        c->eager.size = AP_COLL_EAGER;
        c->eager.armed = 1; /* armed = empty */
    }
}

uint32_t apx_coll_epoch(struct ap *ap)
{
    return ++ap->coll_epoch & 0x7FFFFF; /* the tag's top bit is AP_COLL_CTS */
}
static uint32_t next_epoch(struct ap *ap)
{
    return apx_coll_epoch(ap);
}
static uint32_t tag_of(uint32_t epoch, unsigned step)
{
    return apx_coll_tag(epoch, step);
}

int apx_coll_fail(struct ap *ap, int err, const char *why)
{
    ap->error = why;
    return err;
}
#define coll_fail apx_coll_fail

void *apx_coll_scratch(struct ap *ap, size_t size)
{
    if (size == 0) size = 1;
    if (ap->scratch_size < size) {
        void *p = realloc(ap->scratch, size);
        if (!p) return NULL;
        ap->scratch = p;
        ap->scratch_size = size;
    }
    return ap->scratch;
}

static void *scratch(struct ap *ap, size_t size)
{
    return apx_coll_scratch(ap, size);
}

/* ---- one round: post a receive and/or start sends, wait for all of them ---- */

static void post_recv(struct ap *ap, unsigned src, uint32_t tag, void *buf, size_t cap)
{
    struct ap_coll_rx *c = &ap->coll[src];
    c->post_done = 0;
    c->post_err = 0;
    c->post.buf = buf;
    c->post.size = cap;
    c->post_tag = tag;
    c->post.armed = 1;
    if (ap->nrnr) apx_resume(ap); /* a message refused for want of a buffer may fit now */
}

/* Done when the message landed in the posted buffer, or waits complete in the eager one. */
static int recv_done(struct ap *ap, unsigned src, size_t *len)
{
    struct ap_coll_rx *c = &ap->coll[src];
    if (c->post_err) return -AP_EMSGSIZE;
    if (!c->post_done && !c->eager.armed && c->eager_tag == c->post_tag && c->post.armed &&
        !c->post.claimed) {
        if (c->eager_len > c->post.size) return -AP_EMSGSIZE;
        if (c->eager_len) memcpy(c->post.buf, c->eager.buf, c->eager_len);
        c->post_len = c->eager_len;
        c->post_done = 1;
        c->post.armed = 0;
        c->eager.armed = 1;
        if (ap->nrnr) apx_resume(ap);
    }
    if (c->post_done && len) *len = c->post_len;
    return c->post_done;
}

/* Take back a posted receive that will not be waited for: nothing may land in it later. */
static void cancel_recv(struct ap *ap, unsigned src)
{
    struct ap_coll_rx *c = &ap->coll[src];
    if (c->post.claimed)
        apx_abort_asm(ap, c->post.claim_src, c->post.claim_stream, AP_DROP_NOT_READY);
    c->post.armed = 0;
    c->post.buf = NULL;
}

/* A clear-to-send for `tag` from src waits in its eager buffer: take it. */
static int cts_take(struct ap *ap, unsigned src, uint32_t tag)
{
    struct ap_coll_rx *c = &ap->coll[src];
    if (c->eager.armed || c->eager_tag != (tag | AP_COLL_CTS) || c->eager_len != 0) return 0;
    c->eager.armed = 1;
    if (ap->nrnr) apx_resume(ap);
    return 1;
}

static int start_send(struct ap *ap, struct round *rd, unsigned k, uint32_t tag)
{
    struct ap_iov v = {rd->sbuf[k], rd->slen[k]};
    int r = apx_start(ap, &rd->req[k], AP_K_FC, rd->to[k], AP_COLL_PORT, tag, &v, 1);
    if (r < 0) return coll_fail(ap, r, "collective: a send could not start (dead peer?)");
    rd->started[k] = 1;
    return 0;
}

int apx_round_run(struct ap *ap, struct round *rd, uint32_t tag)
{
    int err = 0;
    if (rd->from >= 0) {
        if (!ap_peer_alive(ap, rd->from))
            return coll_fail(ap, -AP_EPEER, "collective: a peer to receive from is dead");
        post_recv(ap, (unsigned)rd->from, tag, rd->rbuf, rd->rcap);
    }
    int cts = rd->from >= 0 && rd->rcap > AP_COLL_EAGER;
    if (cts) {
        struct ap_iov v = {NULL, 0};
        int r = apx_start(ap, &rd->cts, AP_K_FC, rd->from, AP_COLL_PORT, tag | AP_COLL_CTS, &v, 1);
        if (r < 0) {
            err = coll_fail(ap, r, "collective: a send could not start (dead peer?)");
            cts = 0;
        }
    }
    for (unsigned k = 0; k < rd->nsend; k++)
        rd->started[k] = 0;
    for (unsigned k = 0; k < rd->nsend && !err; k++)
        if (rd->slen[k] <= AP_COLL_EAGER) err = start_send(ap, rd, k, tag);
    uint64_t last = apx_clock(ap);
    unsigned sends_left = rd->nsend + (unsigned)cts;
    int rdone = rd->from < 0 || err;
    int was_rdone = rdone;
    while (sends_left || !rdone) {
        unsigned left = 0;
        for (unsigned k = 0; k < rd->nsend && !err; k++) {
            if (!rd->started[k]) {
                left++;
                if (cts_take(ap, (unsigned)rd->to[k], tag))
                    err = start_send(ap, rd, k, tag);
                else if (!ap_peer_alive(ap, rd->to[k]))
                    err = coll_fail(ap, -AP_EPEER, "collective: the peer to send to died");
                continue;
            }
            int r = apx_req_check(ap, &rd->req[k]);
            if (r == AP_PENDING)
                left++;
            else if (r < 0 && !err)
                err = coll_fail(ap, r, "collective: a peer died during a send");
        }
        if (cts) {
            int r = apx_req_check(ap, &rd->cts);
            if (r == AP_PENDING)
                left++;
            else
                cts = 0;
            if (r < 0 && !err) err = coll_fail(ap, r, "collective: a peer died during a send");
        }
        if (err) { /* sends that never started cannot complete: stop waiting for them */
            left = cts;
            for (unsigned k = 0; k < rd->nsend; k++)
                if (rd->started[k] && rd->req[k].status == AP_PENDING) left++;
        }
        if (!rdone) {
            int r = recv_done(ap, (unsigned)rd->from, &rd->rlen);
            if (r < 0) {
                err = coll_fail(ap, r,
                                "collective: message longer than the posted receive "
                                "(ranks passed different lengths)");
                rdone = 1;
            } else if (r) {
                rdone = 1;
            } else if (!ap_peer_alive(ap, rd->from)) {
                err = coll_fail(ap, -AP_EPEER, "collective: the peer to receive from died");
                rdone = 1;
            }
        }
        uint64_t now = apx_clock(ap);
        if (left != sends_left || rdone != was_rdone) {
            sends_left = left;
            was_rdone = rdone;
            last = now;
        }
        if (!sends_left && rdone) break;
        if (now - last >= ap->cfg.coll_timeout_ns) {
            /* Nothing moved for too long: treat the silent peers as dead so that every
             * request leaves the engine before we return (they live on our stack). */
            if (!rdone) {
                err = coll_fail(ap, -AP_ETIMEDOUT, "collective: timed out waiting for a peer");
                rdone = 1;
                apx_peer_dead(ap, (unsigned)rd->from);
            }
            for (unsigned k = 0; k < rd->nsend; k++) {
                if (!rd->started[k]) {
                    if (!err) err = coll_fail(ap, -AP_ETIMEDOUT, "collective: no clear-to-send");
                    apx_peer_dead(ap, (unsigned)rd->to[k]);
                } else if (rd->req[k].status == AP_PENDING && rd->req[k].phase != AP_PH_DRAIN) {
                    if (!err) err = coll_fail(ap, -AP_ETIMEDOUT, "collective: timed out sending");
                    apx_peer_dead(ap, rd->req[k].dst);
                }
            }
            if (cts && rd->cts.status == AP_PENDING && rd->cts.phase != AP_PH_DRAIN) {
                if (!err) err = coll_fail(ap, -AP_ETIMEDOUT, "collective: timed out sending");
                apx_peer_dead(ap, rd->cts.dst);
            }
            last = now;
        }
        apx_wait_step(ap);
    }
    if (rd->from >= 0 && (err || !ap->coll[rd->from].post_done))
        cancel_recv(ap, (unsigned)rd->from);
    return err;
}

void apx_round_init(struct round *rd)
{
    rd->from = -1;
    rd->rbuf = NULL;
    rd->rcap = rd->rlen = 0;
    rd->nsend = 0;
}

void apx_round_send(struct round *rd, int to, const void *buf, size_t len)
{
    rd->to[rd->nsend] = to;
    rd->sbuf[rd->nsend] = buf;
    rd->slen[rd->nsend] = len;
    rd->nsend++;
}

void apx_round_recv(struct round *rd, int from, void *buf, size_t cap)
{
    rd->from = from;
    rd->rbuf = buf;
    rd->rcap = cap;
}
#define round_init apx_round_init
#define round_send apx_round_send
#define round_recv apx_round_recv
#define round_run  apx_round_run

/* ---- element-wise reduction ---- */

size_t apx_type_size(enum ap_type t)
{
    switch (t) {
    case AP_INT32:
        return 4;
    case AP_INT64:
    case AP_DOUBLE:
        return 8;
    }
    return 0;
}

/* One loop per type and operation, with the operation decided outside it. Elements may be
 * unaligned: they are moved with __builtin_memcpy, which the compiler turns into plain loads
 * and stores even in this freestanding build (a library memcpy call per element made a 1 MiB
 * reduction several times slower under emulation). */
#define COMBINE_OP(T, EXPR)                                                                        \
    for (size_t i = 0; i < count; i++) {                                                           \
        T a, b;                                                                                    \
        __builtin_memcpy(&a, acc + i * sizeof(T), sizeof(T));                                      \
        __builtin_memcpy(&b, in + i * sizeof(T), sizeof(T));                                       \
        T c = (EXPR);                                                                              \
        __builtin_memcpy(acc + i * sizeof(T), &c, sizeof(T));                                      \
    }
#define COMBINE(T)                                                                                 \
    if (op == AP_SUM) {                                                                            \
        COMBINE_OP(T, a + b)                                                                       \
    } else if (op == AP_MIN) {                                                                     \
        COMBINE_OP(T, b < a ? b : a)                                                               \
    } else {                                                                                       \
        COMBINE_OP(T, b > a ? b : a)                                                               \
    }

/* acc[i] = acc[i] op in[i]. Integer sums wrap (computed unsigned: no overflow UB); the
 * operands commute exactly, so every rank of recursive doubling gets the same bits. */
void apx_combine(uint8_t *acc, const uint8_t *in, size_t count, enum ap_type type, enum ap_op op)
{
    switch (type) {
    case AP_INT32:
        if (op == AP_SUM) {
            COMBINE(uint32_t)
        } else {
            COMBINE(int32_t)
        }
        break;
    case AP_INT64:
        if (op == AP_SUM) {
            COMBINE(uint64_t)
        } else {
            COMBINE(int64_t)
        }
        break;
    case AP_DOUBLE:
        COMBINE(double)
        break;
    }
}

#define DIFFERENT_COUNTS "ranks passed different counts"

static int check_reduce_args(struct ap *ap, const void *sendbuf, void *recvbuf, size_t count,
                             enum ap_type type, enum ap_op op, size_t *bytes)
{
    size_t sz = apx_type_size(type);
    if (!sz || (op != AP_SUM && op != AP_MIN && op != AP_MAX))
        return coll_fail(ap, -AP_EINVAL, "reduce: unknown type or operation");
    if (count > AP_MAX_MSG / sz) return coll_fail(ap, -AP_EMSGSIZE, "reduce: too many elements");
    if (count && (!sendbuf || !recvbuf)) return coll_fail(ap, -AP_EINVAL, "reduce: NULL buffer");
    *bytes = count * sz;
    return 0;
}

/* ---- the collectives ---- */

/* The barrier of ranks in blocks per machine (ap_config.node_ranks): each rank reports to
 * its machine's first rank (through shared memory), those leaders run the dissemination
 * barrier among themselves (one network round trip per doubling, as if each machine were one
 * rank), then each leader releases its machine. A machine costs two local hops instead of its
 * ranks crossing the network in every round. */
static int barrier_blocks(struct ap *ap, uint32_t ep)
{
    unsigned c = ap->node_ranks, r = ap->rank, lead = r - r % c;
    unsigned machines = ap->nodes / c, m = r / c;
    struct round rd;
    int err;
    if (r != lead) {
        round_init(&rd);
        round_send(&rd, (int)lead, NULL, 0);
        if ((err = round_run(ap, &rd, tag_of(ep, 0)))) return err;
        round_init(&rd);
        round_recv(&rd, (int)lead, NULL, 0);
        return round_run(ap, &rd, tag_of(ep, 255));
    }
    for (unsigned k = 1; k < c; k++) {
        round_init(&rd);
        round_recv(&rd, (int)(lead + k), NULL, 0);
        if ((err = round_run(ap, &rd, tag_of(ep, 0)))) return err;
    }
    unsigned step = 1;
    for (unsigned d = 1; d < machines; d <<= 1, step++) {
        round_init(&rd);
        round_send(&rd, (int)((m + d) % machines * c), NULL, 0);
        round_recv(&rd, (int)((m + machines - d) % machines * c), NULL, 0);
        if ((err = round_run(ap, &rd, tag_of(ep, step)))) return err;
    }
    round_init(&rd);
    for (unsigned k = 1; k < c; k++)
        round_send(&rd, (int)(lead + k), NULL, 0);
    return round_run(ap, &rd, tag_of(ep, 255));
}

int ap_barrier(struct ap *ap)
{
    uint32_t ep = next_epoch(ap);
    if (ap->node_ranks > 1) return barrier_blocks(ap, ep);
    unsigned n = ap->nodes, r = ap->rank;
    unsigned step = 0;
    for (unsigned d = 1; d < n; d <<= 1, step++) {
        struct round rd;
        round_init(&rd);
        round_send(&rd, (int)((r + d) % n), NULL, 0);
        round_recv(&rd, (int)((r + n - d) % n), NULL, 0);
        int err = round_run(ap, &rd, tag_of(ep, step));
        if (err) return err;
    }
    return 0;
}

int ap_coll_bcast(struct ap *ap, int root, void *buf, size_t len)
{
    if (root < 0 || (unsigned)root >= ap->nodes || (len && !buf))
        return coll_fail(ap, -AP_EINVAL, "bcast: bad root or buffer");
    if (len > AP_MAX_MSG) return coll_fail(ap, -AP_EMSGSIZE, "bcast: too long");
    if (len >= AP_COLL_LARGE && ap->nodes > 1) return apx_bcast_large(ap, root, buf, len);
    uint32_t tag = tag_of(next_epoch(ap), 0);
    unsigned n = ap->nodes, rel = (ap->rank + n - (unsigned)root) % n;
    unsigned mask = 1;
    while (mask < n && !(rel & mask))
        mask <<= 1;
    if (rel) {
        struct round rd;
        round_init(&rd);
        round_recv(&rd, (int)((rel - mask + (unsigned)root) % n), buf, len);
        int err = round_run(ap, &rd, tag);
        if (err) return err;
        if (rd.rlen != len)
            return coll_fail(ap, -AP_EINVAL, "bcast: ranks passed different lengths");
    }
    /* Children: rel + mask/2, rel + mask/4, ... all at once. */
    struct round rd;
    round_init(&rd);
    for (mask >>= 1; mask > 0; mask >>= 1)
        if (rel + mask < n) round_send(&rd, (int)((rel + mask + (unsigned)root) % n), buf, len);
    return rd.nsend ? round_run(ap, &rd, tag) : 0;
}

int ap_reduce(struct ap *ap, int root, const void *sendbuf, void *recvbuf, size_t count,
              enum ap_type type, enum ap_op op)
{
    size_t bytes;
    int err = check_reduce_args(ap, sendbuf, recvbuf, count, type, op, &bytes);
    if (err) return err;
    if (root < 0 || (unsigned)root >= ap->nodes)
        return coll_fail(ap, -AP_EINVAL, "reduce: bad root");
    uint32_t ep = next_epoch(ap);
    unsigned n = ap->nodes, rel = (ap->rank + n - (unsigned)root) % n;
    uint8_t *mem = scratch(ap, 2 * bytes);
    if (!mem) return coll_fail(ap, -AP_ENOMEM, "reduce: no memory for the scratch buffer");
    uint8_t *acc = rel == 0 ? recvbuf : mem, *tmp = mem + bytes;
    if (acc != sendbuf && bytes) memmove(acc, sendbuf, bytes);
    unsigned step = 0;
    for (unsigned mask = 1; mask < n; mask <<= 1, step++) {
        struct round rd;
        round_init(&rd);
        if (rel & mask) {
            round_send(&rd, (int)((rel - mask + (unsigned)root) % n), acc, bytes);
            return round_run(ap, &rd, tag_of(ep, step));
        }
        if (rel + mask < n) {
            round_recv(&rd, (int)((rel + mask + (unsigned)root) % n), tmp, bytes);
            if ((err = round_run(ap, &rd, tag_of(ep, step)))) return err;
            if (rd.rlen != bytes) return coll_fail(ap, -AP_EINVAL, "reduce: " DIFFERENT_COUNTS);
            apx_combine(acc, tmp, count, type, op);
        }
    }
    return 0;
}

int ap_allreduce(struct ap *ap, const void *sendbuf, void *recvbuf, size_t count, enum ap_type type,
                 enum ap_op op)
{
    size_t bytes;
    int err = check_reduce_args(ap, sendbuf, recvbuf, count, type, op, &bytes);
    if (err) return err;
    if (bytes >= AP_COLL_LARGE && ap->nodes > 1)
        return apx_allreduce_large(ap, sendbuf, recvbuf, count, type, op);
    uint32_t ep = next_epoch(ap);
    unsigned n = ap->nodes, r = ap->rank;
    uint8_t *acc = recvbuf, *tmp = scratch(ap, bytes);
    if (!tmp) return coll_fail(ap, -AP_ENOMEM, "allreduce: no memory for the scratch buffer");
    if (acc != sendbuf && bytes) memmove(acc, sendbuf, bytes);
    unsigned p2 = 1;
    while (p2 * 2 <= n)
        p2 *= 2;
    unsigned rem = n - p2;
    int newrank;
    struct round rd;
    /* Fold: of each pair (2i, 2i+1) below 2*rem, the even rank hands its data to the odd. */
    if (r < 2 * rem) {
        round_init(&rd);
        if (r % 2 == 0) {
            round_send(&rd, (int)r + 1, acc, bytes);
            newrank = -1;
        } else {
            round_recv(&rd, (int)r - 1, tmp, bytes);
            newrank = (int)(r / 2);
        }
        if ((err = round_run(ap, &rd, tag_of(ep, 0)))) return err;
        if (newrank >= 0 && rd.rlen != bytes)
            return coll_fail(ap, -AP_EINVAL, "allreduce: " DIFFERENT_COUNTS);
        if (newrank >= 0) apx_combine(acc, tmp, count, type, op);
    } else {
        newrank = (int)(r - rem);
    }
    if (newrank >= 0) {
        unsigned step = 1;
        for (unsigned mask = 1; mask < p2; mask <<= 1, step++) {
            unsigned pn = (unsigned)newrank ^ mask;
            int peer = (int)(pn < rem ? pn * 2 + 1 : pn + rem);
            round_init(&rd);
            round_send(&rd, peer, acc, bytes);
            round_recv(&rd, peer, tmp, bytes);
            if ((err = round_run(ap, &rd, tag_of(ep, step)))) return err;
            if (rd.rlen != bytes) return coll_fail(ap, -AP_EINVAL, "allreduce: " DIFFERENT_COUNTS);
            apx_combine(acc, tmp, count, type, op);
        }
    }
    /* Unfold: the odd rank of each pair returns the result. */
    if (r < 2 * rem) {
        round_init(&rd);
        if (r % 2)
            round_send(&rd, (int)r - 1, acc, bytes);
        else
            round_recv(&rd, (int)r + 1, acc, bytes);
        if ((err = round_run(ap, &rd, tag_of(ep, 255)))) return err;
        if (r % 2 == 0 && rd.rlen != bytes)
            return coll_fail(ap, -AP_EINVAL, "allreduce: " DIFFERENT_COUNTS);
    }
    return 0;
}

int ap_gather(struct ap *ap, int root, const void *sendbuf, size_t blk, void *recvbuf)
{
    unsigned n = ap->nodes;
    if (root < 0 || (unsigned)root >= n || (blk && !sendbuf) ||
        (blk && ap->rank == (unsigned)root && !recvbuf))
        return coll_fail(ap, -AP_EINVAL, "gather: bad root or buffer");
    if (blk > AP_MAX_MSG / n) return coll_fail(ap, -AP_EMSGSIZE, "gather: blocks too large");
    if (blk > AP_COLL_EAGER && (size_t)n * blk >= AP_COLL_LARGE)
        return apx_gather_large(ap, root, sendbuf, blk, recvbuf);
    uint32_t ep = next_epoch(ap);
    unsigned rel = (ap->rank + n - (unsigned)root) % n;
    /* Blocks of relative ranks rel.. are collected contiguously; at the root with root 0 that
     * is already the final layout. */
    uint8_t *buf = (rel == 0 && root == 0) ? recvbuf : scratch(ap, (size_t)n * blk);
    if (!buf) return coll_fail(ap, -AP_ENOMEM, "gather: no memory for the scratch buffer");
    if (blk) memmove(buf, sendbuf, blk);
    size_t have = 1;
    unsigned step = 0;
    for (unsigned mask = 1; mask < n; mask <<= 1, step++) {
        struct round rd;
        round_init(&rd);
        if (rel & mask) {
            round_send(&rd, (int)((rel - mask + (unsigned)root) % n), buf, have * blk);
            return round_run(ap, &rd, tag_of(ep, step));
        }
        if (rel + mask < n) {
            size_t cnt = n - (rel + mask) < mask ? n - (rel + mask) : mask;
            round_recv(&rd, (int)((rel + mask + (unsigned)root) % n), buf + have * blk, cnt * blk);
            int err = round_run(ap, &rd, tag_of(ep, step));
            if (err) return err;
            if (rd.rlen != cnt * blk)
                return coll_fail(ap, -AP_EINVAL, "gather: ranks passed different block sizes");
            have += cnt;
        }
    }
    if (buf != recvbuf)
        for (unsigned i = 0; i < n; i++)
            memcpy((uint8_t *)recvbuf + (size_t)((i + (unsigned)root) % n) * blk, buf + i * blk,
                   blk);
    return 0;
}

int ap_allgather(struct ap *ap, const void *sendbuf, size_t blk, void *recvbuf)
{
    unsigned n = ap->nodes, r = ap->rank;
    if (blk && (!sendbuf || !recvbuf)) return coll_fail(ap, -AP_EINVAL, "allgather: NULL buffer");
    if (blk > AP_MAX_MSG / n) return coll_fail(ap, -AP_EMSGSIZE, "allgather: blocks too large");
    if (blk > AP_COLL_EAGER && (size_t)n * blk >= AP_COLL_LARGE)
        return apx_allgather_large(ap, sendbuf, blk, recvbuf);
    uint32_t ep = next_epoch(ap);
    /* Bruck: buf[i] holds the block of rank (r + i) % n. */
    uint8_t *buf = r == 0 ? recvbuf : scratch(ap, (size_t)n * blk);
    if (!buf) return coll_fail(ap, -AP_ENOMEM, "allgather: no memory for the scratch buffer");
    if (blk) memmove(buf, sendbuf, blk);
    unsigned step = 0;
    for (unsigned d = 1; d < n; d <<= 1, step++) {
        size_t cnt = d < n - d ? d : n - d;
        struct round rd;
        round_init(&rd);
        round_send(&rd, (int)((r + n - d) % n), buf, cnt * blk);
        round_recv(&rd, (int)((r + d) % n), buf + (size_t)d * blk, cnt * blk);
        int err = round_run(ap, &rd, tag_of(ep, step));
        if (err) return err;
        if (rd.rlen != cnt * blk)
            return coll_fail(ap, -AP_EINVAL, "allgather: ranks passed different block sizes");
    }
    if (buf != recvbuf)
        for (unsigned i = 0; i < n; i++)
            memcpy((uint8_t *)recvbuf + (size_t)((r + i) % n) * blk, buf + (size_t)i * blk, blk);
    return 0;
}
