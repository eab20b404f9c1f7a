/*
 * net/ap_sack.c — Active Port engine, selective repair of the unicast FC streams.
 *
 * Go-back-N alone makes one lost frame cost a window: every frame behind the gap is dropped
 * and sent again. Here the receiver holds frames that arrive past a gap (copied into a small
 * pool shared by all peers: the only copy on the receive path, taken only after a loss or a
 * reordering), reports them in its pure ACKs (AP_F_SACK: a 64-bit map of the frames held past
 * the cumulative ACK), and replays them in order once the gap is filled. The sender marks the
 * reported frames and resends only the holes: at once when the map shows AP_DUPACKS frames past
 * the first hole (the gap is a loss, not a frame still on its way), otherwise on its timer. A
 * hole of one frame shrinks the congestion window by an eighth, a run of holes halves it.
 * A receiver drops what it held only when it must refuse a replayed frame (not ready): its
 * RNR makes the sender forget the reports, and so does a timeout, so a report never stalls a
 * stream. The broadcast FC stream stays go-back-N.
 * Tested by tests/engine/test_lossy.c (retransmissions per lost frame) and the fuzzer.
 */
#include "net/ap_internal.h"

#include <stdlib.h>
#include <string.h>

#define MASK(ap) ((ap)->window - 1)

int apx_held_init(struct ap *ap)
{
    ap->nheld_max = ap->window < AP_HELD_MAX ? ap->window : AP_HELD_MAX;
    ap->held = calloc(ap->nheld_max, sizeof(*ap->held));
    ap->held_mem = malloc((size_t)ap->nheld_max * ap->maxpay);
    if (!ap->held || !ap->held_mem) return -1;
    for (unsigned i = 0; i < ap->nheld_max; i++)
        ap->held[i].data = ap->held_mem + (size_t)i * ap->maxpay;
    return 0;
}

void apx_held_fini(struct ap *ap)
{
    free(ap->held);
    free(ap->held_mem);
    ap->held = NULL;
    ap->held_mem = NULL;
}

int apx_held_put(struct ap *ap, unsigned src, const struct ap_hdr *h, const uint8_t *payload)
{
    struct ap_peer *p = &ap->peers[src];
    uint32_t dist = h->seq - p->rx_expect[0];
    if (dist == 0 || dist > AP_SACK_SPAN || h->frag_len > ap->maxpay) return 0;
    struct ap_held *slot = NULL;
    for (unsigned i = 0; i < ap->nheld_max; i++) {
        struct ap_held *x = &ap->held[i];
        if (!x->used) {
            if (!slot) slot = x;
        } else if (x->src == src && x->h.seq == h->seq) {
            return 1; /* a copy of a frame already held */
        }
    }
    if (!slot) return 0;
    slot->used = 1;
    slot->src = (uint16_t)src;
    slot->h = *h;
    if (h->frag_len) memcpy(slot->data, payload, h->frag_len);
    p->held++;
    ap->st.sack_held++;
    return 1;
}

struct ap_held *apx_held_next(struct ap *ap, unsigned src)
{
    struct ap_peer *p = &ap->peers[src];
    uint32_t want = p->rx_expect[0];
    struct ap_held *found = NULL;
    for (unsigned i = 0; i < ap->nheld_max && p->held; i++) {
        struct ap_held *x = &ap->held[i];
        if (!x->used || x->src != src) continue;
        if (x->h.seq == want) {
            found = x;
        } else if (ap_seq_lt(x->h.seq, want)) {
            apx_held_free(ap, x); /* the stream got past it another way (a resent copy) */
        }
    }
    return found;
}

void apx_held_free(struct ap *ap, struct ap_held *x)
{
    x->used = 0;
    ap->peers[x->src].held--;
}

void apx_held_forget(struct ap *ap, unsigned src)
{
    for (unsigned i = 0; i < ap->nheld_max && ap->peers[src].held; i++)
        if (ap->held[i].used && ap->held[i].src == src) apx_held_free(ap, &ap->held[i]);
}

uint64_t apx_sack_map(const struct ap *ap, unsigned src)
{
    const struct ap_peer *p = &ap->peers[src];
    uint64_t map = 0;
    unsigned left = p->held;
    for (unsigned i = 0; i < ap->nheld_max && left; i++) {
        const struct ap_held *x = &ap->held[i];
        if (!x->used || x->src != src) continue;
        left--;
        uint32_t d = x->h.seq - p->rx_expect[0];
        if (d >= 1 && d <= AP_SACK_SPAN) map |= 1ull << (d - 1);
    }
    return map;
}

void apx_sack_input(struct ap *ap, struct ap_fctx *f, uint32_t ack, uint64_t map)
{
    if (ack != f->una || !map) return; /* an old report, overtaken by a newer ACK */
    unsigned count = 0;
    uint32_t end = f->una;
    for (unsigned i = 0; i < AP_SACK_SPAN && map >> i; i++) {
        if (!((map >> i) & 1)) continue;
        uint32_t s = ack + 1 + i;
        if (!ap_seq_lt(s, f->nxt)) {
            apx_drop(ap, AP_DROP_ACK); /* reports a frame never sent */
            return;
        }
        struct ap_slot *sl = &f->win[s & MASK(ap)];
        sl->sacked = 1;
        count++;
        end = s + 1;
    }
    if (count >= AP_DUPACKS && !f->fast_done && !f->rnr) {
        /* Resend the holes below the highest frame held, nothing in flight past it. */
        f->fast_done = 1;
        f->rtx = f->una;
        f->rtx_end = end;
        f->sack_only = 1;
        /* A switch whose queue overflows drops frames in a row; a frame lost alone between
         * frames that arrived is noise (a bit error, a flaky link), which a smaller window
         * would not cure: shrink the window a little for it, halve it for a run. */
        unsigned run = 0, longest = 0;
        for (uint32_t s = f->una; s != end; s++) {
            run = f->win[s & MASK(ap)].sacked ? 0 : run + 1;
            if (run > longest) longest = run;
        }
        if (longest >= 2)
            f->cwnd = f->cwnd / 2 > 2 ? f->cwnd / 2 : 2;
        else
            f->cwnd -= f->cwnd / 8;
        if (f->cwnd < 2) f->cwnd = 2;
        ap->st.fast_retransmits++;
    }
}
