/*
 * net/ap_tx.c — Active Port engine, transmit side: pure ACKs, the BE queue, the per-pass
 * transmit schedule and request completion. Frames are built by net/ap_frame.c, the FC
 * streams are net/ap_fc.c, starting sends net/ap_send.c; sends to our own rank are delivered
 * by the receive side (net/ap_rx.c).
 * Tested by tests/engine/ (`make unit-test`).
 */
#include "net/ap_internal.h"

#include <string.h>

#include "net/crc32c.h"

static int send_ack(struct ap *ap, unsigned i)
{
    struct ap_peer *p = &ap->peers[i];
    struct ap_hdr h;
    struct link_iov pieces[3]; /* header, SACK map, tag */
    uint64_t map = p->held ? apx_sack_map(ap, i) : 0;
    unsigned n = 0;
    memset(&h, 0, sizeof(h));
    h.version = AP_WIRE_VERSION;
    h.type = AP_T_ACK;
    h.flags = AP_F_ACK | AP_F_BACK | (p->rx_rnr[0] ? AP_F_RNR : 0) | (p->rx_rnr[1] ? AP_F_BRNR : 0);
    h.job = ap->job;
    h.src = (uint16_t)ap->rank;
    h.dst = (uint16_t)i;
    h.ack = p->rx_expect[0];
    h.msg_seq = p->rx_expect[1];
    if (p->rx_emsg) {
        h.flags |= AP_F_EMSG;
        h.msg_len = p->rx_emsg_seq;
    }
    if (p->be_loss) {
        h.flags |= AP_F_BELOSS;
        /* Lone lost frames are noise, which pacing cannot cure: the report says so with no
         * rate. A run of lost frames is what a full switch queue does (net/ap_pace.c). */
        h.base = p->be_loss_run >= AP_BE_LOSS_RUN ? p->be_loss_rate : 0;
    }
    if (map) {
        h.flags |= AP_F_SACK;
        h.frag_len = AP_SACK_LEN;
        pieces[1].base = &map;
        pieces[1].len = AP_SACK_LEN;
        n = 1;
    }
    uint32_t pcrc = n && ap->cfg.crc ? apx_pieces_crc(pieces + 1, n) : CRC32C_INIT;
    if (apx_xmit(ap, (int)i, &h, pieces, n, pcrc) < 0) return -1;
    p->reack = 0;
    p->ack_now = 0;
    if (p->be_loss) {
        p->be_loss = 0;
        p->be_loss_run = 0;
        p->be_rx_t0 = ap->now; /* the next report measures arrivals after this one */
        p->be_rx_bytes = 0;
    }
    p->rx_unacked[0] = p->rx_unacked[1] = 0;
    ap->st.acks_sent++;
    if (h.flags & (AP_F_RNR | AP_F_BRNR)) ap->st.rnr_sent++;
    return 0;
}

void apx_flush_acks(struct ap *ap, int urgent_only)
{
    unsigned keep = 0;
    for (unsigned k = 0; k < ap->nack; k++) {
        unsigned i = ap->ack_list[k];
        struct ap_peer *p = &ap->peers[i];
        if (!p->reack && !p->rx_unacked[0] && !p->rx_unacked[1]) {
            p->ack_now = 0;
            p->ack_listed = 0; /* piggybacked meanwhile */
            continue;
        }
        int urgent = p->reack || p->ack_now || p->rx_unacked[0] >= ap->ack_every ||
                     p->rx_unacked[1] >= ap->ack_every;
        if ((urgent_only && !urgent) || send_ack(ap, i) < 0) {
            ap->ack_list[keep++] = i;
            continue;
        }
        p->ack_listed = 0;
    }
    ap->nack = keep;
}

/* ---- completion ---- */

void apx_complete(struct ap *ap, struct ap_req *r, int status)
{
    if (status == 0) {
        ap->st.tx_msgs++;
        ap->st.tx_msg_bytes += r->msg_len;
    }
    r->next = NULL;
    /* The link may still be reading payload it did not copy: finish only once it is done. */
    if (r->drain && ap->link->pending(ap->link->ctx) != 0) {
        r->result = status;
        r->phase = AP_PH_DRAIN;
        return;
    }
    r->phase = AP_PH_DONE;
    r->status = status;
}

/* ---- BE and local queues ---- */

void apx_be_tx(struct ap *ap, int *budget)
{
    while (*budget > 0 && ap->beq_head) {
        struct ap_req *r = ap->beq_head;
        if (!r->started || r->sent < r->msg_len) {
            struct link_iov pieces[LINK_MAX_IOV];
            struct apx_frag fr;
            apx_frag_next(ap, r, pieces, &fr);
            if (!apx_pace_take(ap, AP_FRAME_HLEN + fr.got)) return;
            struct ap_hdr h;
            apx_hdr_data(ap, &h, r, fr.flags, r->sent, fr.got);
            uint32_t pcrc = ap->cfg.crc ? apx_pieces_crc(pieces + 1, fr.n) : 0;
            int dst = (r->kind & AP_K_BCAST) ? -1 : r->dst;
            if (apx_xmit(ap, dst, &h, pieces, fr.n, pcrc) < 0) return;
            apx_frag_commit(r, &fr);
            (*budget)--;
            if (r->sent < r->msg_len) continue;
        }
        ap->beq_head = r->next;
        if (!ap->beq_head) ap->beq_tail = NULL;
        apx_complete(ap, r, 0);
    }
}

void apx_tx_progress(struct ap *ap, int *work)
{
    /* FC streams go first but leave a quarter of the pass to queued BE traffic, so that
     * neither starves the other. */
    int be_share = ap->beq_head ? AP_TX_BUDGET / 4 : 0;
    int budget = AP_TX_BUDGET - be_share;
    unsigned n = ap->nactive;
    int32_t i = ap->act_head;
    for (unsigned k = 0; k < n && i >= 0 && budget > 0; k++) {
        int32_t next = ap->peers[i].act_next;
        apx_fc_tx(ap, &ap->peers[i].fc, i, &budget);
        i = next;
    }
    /* Start with the next peer next time: no peer starves the others of the budget. */
    if (ap->act_head >= 0) ap->act_head = ap->peers[ap->act_head].act_next;
    if (ap->bfc.head) apx_fc_tx(ap, &ap->bfc, -1, &budget);
    budget += be_share;
    apx_be_tx(ap, &budget);
    if (ap->selfq_head) apx_self_deliver(ap);
    *work += AP_TX_BUDGET - budget;
}
