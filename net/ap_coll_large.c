/*
 * net/ap_coll_large.c — collectives for large messages (from AP_COLL_LARGE bytes), where the
 * bytes each link carries matter more than the number of rounds:
 *   allreduce  Rabenseifner: reduce-scatter by recursive halving, then allgather by recursive
 *              doubling, among the largest power of two of ranks (the others fold their data
 *              into a partner first and get the result back last). Each rank sends and
 *              combines about 2 * (p-1)/p of the vector instead of log2(p) whole vectors.
 *   broadcast  binomial scatter of nodes chunks, then a ring allgather of them: the root
 *              sends each byte about once instead of log2(nodes) times.
 *   allgather  ring: nodes - 1 steps, each rank passes one block to its right neighbour.
 *   gather     direct: the root takes the blocks one source at a time, each source sending
 *              when the root's clear-to-send says its receive is posted (no incast on the
 *              root's link, nothing refused, nothing resent).
 * Every message longer than the eager buffer waits for its receiver's clear-to-send
 * (apx_round_run), so none is refused and none waits for a retransmission timeout.
 * Results are bit-identical on every rank: each element is reduced once, by its owner.
 */
#include "net/ap_coll.h"

#include <string.h>

/* Steps within one call's epoch: fold, reduce-scatter, allgather, unfold (allreduce);
 * scatter and ring steps (broadcast, allgather); sources (gather). */
#define STEP_FOLD   0
#define STEP_RS     1
#define STEP_AG     40
#define STEP_UNFOLD 255

/* Elements of chunk i when `count` is cut into `parts` (the first count % parts get one more). */
static size_t chunk_count(size_t count, unsigned parts, unsigned i)
{
    return count / parts + (i < count % parts);
}
static size_t chunk_start(size_t count, unsigned parts, unsigned i)
{
    return (size_t)i * (count / parts) + (i < count % parts ? i : count % parts);
}

static int real_rank(unsigned newrank, unsigned rem)
{
    return (int)(newrank < rem ? newrank * 2 + 1 : newrank + rem);
}

int apx_allreduce_large(struct ap *ap, const void *sendbuf, void *recvbuf, size_t count,
                        enum ap_type type, enum ap_op op)
{
    size_t sz = apx_type_size(type), bytes = count * sz;
    uint32_t ep = apx_coll_epoch(ap);
    unsigned n = ap->nodes, r = ap->rank;
    uint8_t *acc = recvbuf, *tmp = apx_coll_scratch(ap, bytes);
    if (!tmp) return apx_coll_fail(ap, -AP_ENOMEM, "allreduce: no memory for the scratch buffer");
    if (acc != sendbuf && bytes) memmove(acc, sendbuf, bytes);
    unsigned p2 = 1;
    while (p2 * 2 <= n)
        p2 *= 2;
    unsigned rem = n - p2;
    int newrank = r < 2 * rem ? (r % 2 ? (int)(r / 2) : -1) : (int)(r - rem);
    struct round rd;
    int err;
    if (r < 2 * rem) {
        apx_round_init(&rd);
        if (r % 2 == 0)
            apx_round_send(&rd, (int)r + 1, acc, bytes);
        else
            apx_round_recv(&rd, (int)r - 1, tmp, bytes);
        if ((err = apx_round_run(ap, &rd, apx_coll_tag(ep, STEP_FOLD)))) return err;
        if (newrank >= 0) apx_combine(acc, tmp, count, type, op);
    }
    if (newrank >= 0) {
        unsigned me = (unsigned)newrank, lo = 0, span = p2; /* my chunks: [lo, lo + span) */
        unsigned step = 0;
        for (unsigned mask = p2 / 2; mask >= 1; mask /= 2, step++) {
            int peer = real_rank(me ^ mask, rem);
            unsigned keep = me & mask ? lo + mask : lo, give = me & mask ? lo : lo + mask;
            size_t k0 = chunk_start(count, p2, keep), g0 = chunk_start(count, p2, give);
            size_t kn = chunk_start(count, p2, keep + mask) - k0;
            size_t gn = chunk_start(count, p2, give + mask) - g0;
            apx_round_init(&rd);
            apx_round_send(&rd, peer, acc + g0 * sz, gn * sz);
            apx_round_recv(&rd, peer, tmp, kn * sz);
            if ((err = apx_round_run(ap, &rd, apx_coll_tag(ep, STEP_RS + step)))) return err;
            if (rd.rlen != kn * sz)
                return apx_coll_fail(ap, -AP_EINVAL, "allreduce: ranks passed different counts");
            apx_combine(acc + k0 * sz, tmp, kn, type, op);
            lo = keep;
            span = mask;
        }
        /* Now chunk `me` is final here; double the finished range each step. */
        step = 0;
        for (unsigned mask = 1; mask < p2; mask *= 2, step++) {
            int peer = real_rank(me ^ mask, rem);
            unsigned mine = me & ~(mask - 1), theirs = mine ^ mask;
            size_t m0 = chunk_start(count, p2, mine), t0 = chunk_start(count, p2, theirs);
            size_t mn = chunk_start(count, p2, mine + mask) - m0;
            size_t tn = chunk_start(count, p2, theirs + mask) - t0;
            apx_round_init(&rd);
            apx_round_send(&rd, peer, acc + m0 * sz, mn * sz);
            apx_round_recv(&rd, peer, acc + t0 * sz, tn * sz);
            if ((err = apx_round_run(ap, &rd, apx_coll_tag(ep, STEP_AG + step)))) return err;
            if (rd.rlen != tn * sz)
                return apx_coll_fail(ap, -AP_EINVAL, "allreduce: ranks passed different counts");
        }
        (void)span;
    }
    if (r < 2 * rem) {
        apx_round_init(&rd);
        if (r % 2)
            apx_round_send(&rd, (int)r - 1, acc, bytes);
        else
            apx_round_recv(&rd, (int)r + 1, acc, bytes);
        if ((err = apx_round_run(ap, &rd, apx_coll_tag(ep, STEP_UNFOLD)))) return err;
    }
    return 0;
}

/* Ring allgather of `parts` pieces laid out in buf by chunk_start over `total` bytes, piece
 * i held by rank (i + root) % nodes: nodes - 1 steps to the right neighbour. */
static int ring_allgather(struct ap *ap, uint32_t ep, unsigned first_step, uint8_t *buf,
                          size_t total, unsigned root)
{
    unsigned n = ap->nodes, rel = (ap->rank + n - root) % n;
    int right = (int)((ap->rank + 1) % n), left = (int)((ap->rank + n - 1) % n);
    for (unsigned s = 0; s + 1 < n; s++) {
        unsigned out = (rel + n - s) % n, in = (rel + 2 * n - s - 1) % n;
        size_t o0 = chunk_start(total, n, out), i0 = chunk_start(total, n, in);
        size_t on = chunk_count(total, n, out), in_n = chunk_count(total, n, in);
        struct round rd;
        apx_round_init(&rd);
        apx_round_send(&rd, right, buf + o0, on);
        apx_round_recv(&rd, left, buf + i0, in_n);
        int err = apx_round_run(ap, &rd, apx_coll_tag(ep, first_step + s));
        if (err) return err;
        if (rd.rlen != in_n)
            return apx_coll_fail(ap, -AP_EINVAL, "collective: ranks passed different lengths");
    }
    return 0;
}

int apx_bcast_large(struct ap *ap, int root, void *vbuf, size_t len)
{
    uint8_t *buf = vbuf;
    uint32_t ep = apx_coll_epoch(ap);
    unsigned n = ap->nodes, rel = (ap->rank + n - (unsigned)root) % n;
    /* Scatter: rank rel ends up with chunk rel; a subtree's chunks are contiguous. */
    unsigned mask = 1;
    while (mask < n && !(rel & mask))
        mask <<= 1;
    struct round rd;
    int err;
    if (rel) {
        unsigned end = rel + mask < n ? rel + mask : n;
        size_t b0 = chunk_start(len, n, rel), b1 = chunk_start(len, n, end);
        apx_round_init(&rd);
        apx_round_recv(&rd, (int)((rel - mask + (unsigned)root) % n), buf + b0, b1 - b0);
        if ((err = apx_round_run(ap, &rd, apx_coll_tag(ep, 0)))) return err;
        if (rd.rlen != b1 - b0)
            return apx_coll_fail(ap, -AP_EINVAL, "bcast: ranks passed different lengths");
    }
    apx_round_init(&rd);
    for (mask >>= 1; mask > 0; mask >>= 1) {
        unsigned child = rel + mask;
        if (child >= n) continue;
        unsigned end = child + mask < n ? child + mask : n;
        size_t b0 = chunk_start(len, n, child), b1 = chunk_start(len, n, end);
        apx_round_send(&rd, (int)((child + (unsigned)root) % n), buf + b0, b1 - b0);
    }
    if (rd.nsend && (err = apx_round_run(ap, &rd, apx_coll_tag(ep, 0)))) return err;
    return ring_allgather(ap, ep, 1, buf, len, (unsigned)root);
}

int apx_allgather_large(struct ap *ap, const void *sendbuf, size_t blk, void *recvbuf)
{
    unsigned n = ap->nodes;
    uint8_t *buf = recvbuf;
    uint32_t ep = apx_coll_epoch(ap);
    if (buf + (size_t)ap->rank * blk != sendbuf)
        memmove(buf + (size_t)ap->rank * blk, sendbuf, blk);
    /* Blocks are equal, so chunk_start(n * blk, n, i) == i * blk: the ring's layout. */
    return ring_allgather(ap, ep, 0, buf, (size_t)n * blk, 0);
}

int apx_gather_large(struct ap *ap, int root, const void *sendbuf, size_t blk, void *recvbuf)
{
    unsigned n = ap->nodes;
    uint32_t ep = apx_coll_epoch(ap);
    struct round rd;
    int err;
    if (ap->rank != (unsigned)root) {
        apx_round_init(&rd);
        apx_round_send(&rd, root, sendbuf, blk);
        return apx_round_run(ap, &rd, apx_coll_tag(ep, ap->rank));
    }
    uint8_t *buf = recvbuf;
    if (buf + (size_t)root * blk != sendbuf) memmove(buf + (size_t)root * blk, sendbuf, blk);
    for (unsigned k = 1; k < n; k++) {
        unsigned src = ((unsigned)root + k) % n;
        apx_round_init(&rd);
        apx_round_recv(&rd, (int)src, buf + (size_t)src * blk, blk);
        if ((err = apx_round_run(ap, &rd, apx_coll_tag(ep, src)))) return err;
        if (rd.rlen != blk)
            return apx_coll_fail(ap, -AP_EINVAL, "gather: ranks passed different block sizes");
    }
    return 0;
}
