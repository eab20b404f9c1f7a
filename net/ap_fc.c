/*
 * net/ap_fc.c — Active Port engine, the flow-controlled streams: windows (one per peer and
 * the broadcast one) resent from the oldest unacknowledged frame, skipping the frames a SACK
 * map reported held (net/ap_sack.c), congestion window, ACK processing (cumulative, duplicate
 * ACKs, SACK, receiver-not-ready), retransmission timers with adaptive RTO and backoff, and
 * the give-up that declares a silent peer dead.
 * Tested by tests/engine/test_lossy.c, test_p2p.c and the fuzzer.
 */
#include "net/ap_internal.h"

#include <string.h>

#define MASK(ap) ((ap)->window - 1)

/* ---- FC streams ---- */

static uint64_t rto_base(const struct ap *ap, const struct ap_fctx *f)
{
    if (!f->srtt) return ap->cfg.rto_init_ns;
    uint64_t rto = f->srtt + 4 * f->rttvar;
    if (rto < ap->cfg.rto_min_ns) rto = ap->cfg.rto_min_ns;
    if (rto > ap->cfg.rto_max_ns) rto = ap->cfg.rto_max_ns;
    return rto;
}

static void rtt_sample(struct ap_fctx *f, uint64_t r)
{
    if (!f->srtt) {
        f->srtt = r ? r : 1;
        f->rttvar = r / 2;
        return;
    }
    uint64_t d = f->srtt > r ? f->srtt - r : r - f->srtt;
    f->rttvar = (3 * f->rttvar + d) / 4;
    f->srtt = (7 * f->srtt + r) / 8;
    if (!f->srtt) f->srtt = 1;
}

static int fc_send_slot(struct ap *ap, struct ap_fctx *f, int dst, uint32_t seq)
{
    struct ap_slot *sl = &f->win[seq & MASK(ap)];
    struct ap_req *r = sl->req;
    struct link_iov pieces[LINK_MAX_IOV];
    unsigned iv;
    size_t io, got;
    apx_iov_seek(r, sl->frag_off, &iv, &io);
    unsigned n = apx_iov_take(r, &iv, &io, sl->frag_len, pieces + 1, AP_PAY_IOV, &got);
    struct ap_hdr h;
    apx_hdr_data(ap, &h, r, sl->flags, sl->frag_off, sl->frag_len);
    h.seq = seq;
    return apx_xmit(ap, dst, &h, pieces, n, sl->pcrc);
}

static int fc_new_frame(struct ap *ap, struct ap_fctx *f, int dst)
{
    struct ap_req *r = f->cur;
    struct ap_slot *sl = &f->win[f->nxt & MASK(ap)];
    struct link_iov pieces[LINK_MAX_IOV];
    struct apx_frag fr;
    apx_frag_next(ap, r, pieces, &fr);
    sl->req = r;
    sl->frag_off = r->sent;
    sl->frag_len = (uint16_t)fr.got;
    sl->retx = 0;
    sl->sacked = 0;
    sl->acked = 0;
    sl->flags = fr.flags;
    sl->pcrc = ap->cfg.crc ? apx_pieces_crc(pieces + 1, fr.n) : 0;
    struct ap_hdr h;
    apx_hdr_data(ap, &h, r, sl->flags, sl->frag_off, fr.got);
    h.seq = f->nxt;
    if (apx_xmit(ap, dst, &h, pieces, fr.n, sl->pcrc) < 0) return -1;
    apx_frag_commit(r, &fr);
    sl->sent_ns = ap->now;
    if (f->una == f->nxt) f->since_ns = f->stall_ns = ap->now;
    if (sl->flags & AP_F_LAST) {
        r->last_seq = f->nxt;
        r->phase = AP_PH_SENT;
        f->cur = r->next;
    }
    f->nxt++;
    f->rtx = f->nxt;
    if (!f->deadline_ns) f->deadline_ns = ap->now + f->rto;
    return 0;
}

void apx_fc_tx(struct ap *ap, struct ap_fctx *f, int dst, int *budget)
{
    if (f->rnr && f->una == f->nxt)
        f->rnr = 0; /* everything refused was accepted after all: new frames may go */
    if (f->rnr) {
        /* The receiver is not ready: one probe per timeout, nothing else. */
        if (f->probe && f->una != f->nxt && fc_send_slot(ap, f, dst, f->una) == 0) {
            f->probe = 0;
            f->win[f->una & MASK(ap)].retx = 1;
            ap->st.retransmits++;
            (*budget)--;
        }
        return;
    }
    while (*budget > 0 && ap_seq_lt(f->rtx, f->nxt) && f->rtx - f->una < f->cwnd) {
        if (f->sack_only && !ap_seq_lt(f->rtx, f->rtx_end)) {
            /* The holes below the highest frame held are resent; the rest is in flight. */
            f->rtx = f->nxt;
            f->sack_only = 0;
            break;
        }
        struct ap_slot *sl = &f->win[f->rtx & MASK(ap)];
        if (sl->sacked) {
            f->rtx++;
            ap->st.sack_skipped++;
            continue;
        }
        if (fc_send_slot(ap, f, dst, f->rtx) < 0) return;
        sl->retx = 1;
        sl->sent_ns = ap->now;
        ap->st.retransmits++;
        f->rtx++;
        (*budget)--;
    }
    while (*budget > 0 && f->cur && f->nxt - f->una < f->cwnd) {
        if (fc_new_frame(ap, f, dst) < 0) return;
        (*budget)--;
    }
}

static void fc_advance(struct ap *ap, struct ap_fctx *f, uint32_t ack)
{
    int dst_is_peer = f != &ap->bfc;
    struct ap_slot *last = &f->win[(ack - 1) & MASK(ap)];
    if (!last->retx) rtt_sample(f, ap->now - last->sent_ns);
    f->cwnd_acc += ack - f->una;
    while (f->cwnd < ap->window && f->cwnd_acc >= f->cwnd) {
        f->cwnd_acc -= f->cwnd;
        f->cwnd++;
    }
    if (f->cwnd >= ap->window) f->cwnd_acc = 0;
    f->una = ack;
    if (ap_seq_lt(f->rtx, ack)) f->rtx = ack;
    f->dupacks = 0;
    f->fast_done = 0;
    f->backoff = 0;
    f->since_ns = f->stall_ns = ap->now;
    if (dst_is_peer) f->rnr = 0; /* it accepted frames: ready again (it says RNR anew if not) */
    f->rto = rto_base(ap, f);
    f->deadline_ns = f->una != f->nxt ? ap->now + f->rto : 0;
    while (f->head && f->head->phase == AP_PH_SENT && ap_seq_lt(f->head->last_seq, f->una)) {
        struct ap_req *r = f->head;
        f->head = r->next;
        if (!f->head) f->tail = NULL;
        apx_complete(ap, r, r->refused ? -AP_EMSGSIZE : 0);
    }
}

static void back_input(struct ap *ap, unsigned src, uint32_t ack, int rnr);

/* Resend from the oldest unacknowledged frame (the ones reported held excepted). */
static void go_back(struct ap_fctx *f)
{
    f->rtx = f->una;
    f->sack_only = 0;
}

/* Forget what SACK maps reported: a receiver that refuses frames (RNR) drops what it held,
 * and after a second timeout in a row nothing reported is trusted (RFC 2018's rule), so a
 * stale or reneged report can cost a retransmission but never stall the stream. */
static void sack_clear(struct ap *ap, struct ap_fctx *f)
{
    for (uint32_t s = f->una; s != f->nxt; s++)
        f->win[s & MASK(ap)].sacked = 0;
}

void apx_ack_input(struct ap *ap, unsigned src, const struct ap_hdr *h, int pure,
                   const uint8_t *sack)
{
    struct ap_peer *p = &ap->peers[src];
    if (p->dead) return;
    struct ap_fctx *f = &p->fc;
    int advanced = 0;
    if (pure && (h->flags & AP_F_EMSG))
        for (struct ap_req *r = f->head; r; r = r->next)
            if (r->msg_seq == h->msg_len) r->refused = 1;
    if (ap_seq_lt(f->una, h->ack)) {
        if (!ap_seq_le(h->ack, f->nxt)) {
            apx_drop(ap, AP_DROP_ACK);
            return;
        }
        fc_advance(ap, f, h->ack);
        advanced = 1;
        if (!f->head) apx_active_del(ap, src);
    }
    if (!pure) return;
    if (h->flags & AP_F_BELOSS) apx_pace_report(ap, h->base);
    if (h->flags & AP_F_RNR) {
        if (f->una != f->nxt) {
            sack_clear(ap, f);
            f->rnr = 1;
            f->probe = 0;
            f->since_ns = ap->now; /* alive, just busy: back-pressure, not death */
            f->rto = rto_base(ap, f);
            f->deadline_ns = ap->now + f->rto;
            ap->st.rnr_rcvd++;
        }
    } else if (f->rnr) {
        f->rnr = 0; /* resumed: resend the window now */
        go_back(f);
        f->since_ns = ap->now;
    } else if (sack) {
        uint64_t map;
        memcpy(&map, sack, sizeof(map));
        apx_sack_input(ap, f, h->ack, map);
    } else if (!advanced && f->una != f->nxt) {
        if (++f->dupacks >= AP_DUPACKS && !f->fast_done) {
            f->fast_done = 1;
            go_back(f);
            f->cwnd = f->cwnd / 2 > 2 ? f->cwnd / 2 : 2;
            ap->st.fast_retransmits++;
        }
    }
    if (h->flags & AP_F_BACK) back_input(ap, src, h->msg_seq, !!(h->flags & AP_F_BRNR));
}

/* Frames of the broadcast stream complete once every live receiver acknowledged them. */
static void bfc_check(struct ap *ap)
{
    struct ap_fctx *f = &ap->bfc;
    uint32_t u = f->una;
    while (u != f->nxt && f->win[u & MASK(ap)].acked >= ap->blive)
        u++;
    if (u != f->una) fc_advance(ap, f, u);
}

static void back_input(struct ap *ap, unsigned src, uint32_t ack, int rnr)
{
    struct ap_peer *p = &ap->peers[src];
    struct ap_fctx *f = &ap->bfc;
    if (ap_seq_lt(ack, p->back)) return; /* an old ACK overtaken by a newer one */
    if (!ap_seq_le(ack, f->nxt)) {
        apx_drop(ap, AP_DROP_ACK);
        return;
    }
    for (uint32_t s = p->back; s != ack; s++)
        f->win[s & MASK(ap)].acked++;
    p->back = ack;
    if (rnr != p->brnr) {
        p->brnr = (uint8_t)rnr;
        if (rnr)
            ap->nbrnr++;
        else
            ap->nbrnr--;
    }
    if (rnr && f->una != f->nxt) {
        f->rnr = 1;
        f->probe = 0;
        f->since_ns = ap->now;
        f->deadline_ns = ap->now + f->rto;
        ap->st.rnr_rcvd++;
    } else if (f->rnr && ap->nbrnr == 0) {
        f->rnr = 0;
        go_back(f);
        f->since_ns = ap->now;
    }
    bfc_check(ap);
}

void apx_peer_dead(struct ap *ap, unsigned i)
{
    struct ap_peer *p = &ap->peers[i];
    if (p->dead) return;
    p->dead = 1;
    ap->st.peers_dead++;
    struct ap_fctx *f = &p->fc;
    while (f->head) {
        struct ap_req *r = f->head;
        f->head = r->next;
        apx_complete(ap, r, -AP_EPEER);
    }
    f->tail = f->cur = NULL;
    f->una = f->rtx = f->nxt;
    f->sack_only = 0;
    apx_held_forget(ap, i);
    f->deadline_ns = 0;
    f->rnr = 0;
    apx_active_del(ap, i);
    /* Its half-received messages will never complete: free the buffers they hold, so that
     * the other senders to them are taken again instead of refused. */
    for (int st = 0; st < AP_NSTREAMS; st++) {
        apx_abort_asm(ap, i, st, AP_DROP_DEAD);
        p->as[st].active = 0;
    }
    p->rx_rnr[0] = p->rx_rnr[1] = 0;
    /* The broadcast stream stops waiting for it. */
    struct ap_fctx *b = &ap->bfc;
    ap->blive--;
    for (uint32_t s = b->una; s != p->back && ap_seq_lt(s, b->nxt); s++)
        b->win[s & MASK(ap)].acked--;
    if (p->brnr) {
        p->brnr = 0;
        ap->nbrnr--;
        if (!ap->nbrnr && b->rnr) {
            b->rnr = 0;
            go_back(b);
        }
    }
    bfc_check(ap);
}

static void fc_timer(struct ap *ap, struct ap_fctx *f, int dst)
{
    if (!f->deadline_ns || ap->now < f->deadline_ns) return;
    if (f->una == f->nxt) {
        f->deadline_ns = 0;
        return;
    }
    /* Silent for giveup_ns, or alive but taking nothing for stall_ns (a receiver that says
     * "not ready" forever, or someone saying it in its name): dead either way. */
    if (ap->now - f->since_ns >= ap->cfg.giveup_ns || ap->now - f->stall_ns >= ap->cfg.stall_ns) {
        if (dst >= 0) {
            apx_peer_dead(ap, (unsigned)dst);
        } else {
            /* Whoever still lacks the oldest frame is the one that went silent. */
            for (unsigned r = 0; r < ap->nodes; r++)
                if (r != ap->rank && !ap->peers[r].dead && ap->peers[r].back == f->una)
                    apx_peer_dead(ap, r);
            f->since_ns = f->stall_ns = ap->now;
        }
        return;
    }
    ap->st.timeouts++;
    if (f->rnr) {
        f->probe = 1;
    } else {
        /* A first timeout trusts the SACK reports (a receiver drops what it held only with an
         * RNR, which clears them); a second one in a row forgets them too, in case that RNR
         * was lost: a stale report costs one more timeout, never a stall. */
        go_back(f);
        if (f->backoff) sack_clear(ap, f);
        f->cwnd = f->cwnd / 4 > 2 ? f->cwnd / 4 : 2;
        if (f->backoff < 16) f->backoff++;
        f->rto = f->rto * 2 < ap->cfg.rto_max_ns ? f->rto * 2 : ap->cfg.rto_max_ns;
    }
    f->deadline_ns = ap->now + f->rto;
}

void apx_timers(struct ap *ap)
{
    /* A peer that went silent half-way through a message to us holds its landing unit:
     * with nothing of ours outstanding to it we would never notice. */
    for (unsigned i = 0; i < ap->nodes; i++) {
        struct ap_peer *p = &ap->peers[i];
        if (i == ap->rank || p->dead || ap->now - p->last_heard_ns < ap->cfg.giveup_ns) continue;
        if ((p->as[AP_ST_FC_UNI].active && p->as[AP_ST_FC_UNI].unit) ||
            (p->as[AP_ST_FC_BC].active && p->as[AP_ST_FC_BC].unit))
            apx_peer_dead(ap, i);
    }
    unsigned n = ap->nactive;
    int32_t i = ap->act_head;
    for (unsigned k = 0; k < n && i >= 0; k++) {
        int32_t next = ap->peers[i].act_next;
        fc_timer(ap, &ap->peers[i].fc, i);
        i = next;
    }
    if (ap->bfc.head) fc_timer(ap, &ap->bfc, -1);
}
