/*
 * net/ap_tx.c — Active Port engine, transmit side: fragments straight from the caller's
 * buffers (zero copy), frame headers with CRC32C and piggybacked ACKs, pure ACKs, the BE and
 * local (self) queues, the per-pass transmit schedule and request completion. The FC streams
 * are net/ap_fc.c, starting sends net/ap_send.c.
 * Tested by tests/engine/ (`make unit-test`).
 */
#include "net/ap_internal.h"

#include <string.h>

#include "net/crc32c.h"

/* ---- iov walking: a fragment is up to LINK_MAX_IOV-1 pieces of the caller's buffers ---- */

void apx_iov_seek(const struct ap_req *r, size_t off, unsigned *iv, size_t *io)
{
    for (unsigned k = 0; k < r->niov; k++) {
        if (off < r->iov[k].len) {
            *iv = k;
            *io = off;
            return;
        }
        off -= r->iov[k].len;
    }
    *iv = r->niov;
    *io = 0;
}

unsigned apx_iov_take(const struct ap_req *r, unsigned *iv, size_t *io, size_t want,
                      struct link_iov *out, unsigned max, size_t *got)
{
    unsigned n = 0;
    size_t total = 0;
    while (total < want && *iv < r->niov && n < max) {
        const struct ap_iov *v = &r->iov[*iv];
        size_t avail = v->len - *io;
        if (avail == 0) {
            (*iv)++;
            *io = 0;
            continue;
        }
        size_t take = avail < want - total ? avail : want - total;
        out[n].base = (const uint8_t *)v->base + *io;
        out[n].len = take;
        n++;
        total += take;
        *io += take;
        if (*io == v->len) {
            (*iv)++;
            *io = 0;
        }
    }
    *got = total;
    return n;
}

void apx_frag_next(const struct ap *ap, const struct ap_req *r, struct link_iov *pieces,
                   struct apx_frag *fr)
{
    size_t remaining = r->msg_len - r->sent;
    size_t want = remaining < ap->maxpay ? remaining : ap->maxpay;
    fr->iv = r->cur_iov;
    fr->io = r->cur_off;
    fr->n = apx_iov_take(r, &fr->iv, &fr->io, want, pieces + 1, LINK_MAX_IOV - 1, &fr->got);
    fr->flags = (uint16_t)((r->sent == 0 ? AP_F_FIRST : 0) |
                           (r->sent + fr->got == r->msg_len ? AP_F_LAST : 0));
}

void apx_frag_commit(struct ap_req *r, const struct apx_frag *fr)
{
    r->cur_iov = fr->iv;
    r->cur_off = fr->io;
    r->sent += (uint32_t)fr->got;
    r->started = 1;
}

uint32_t apx_pieces_crc(const struct link_iov *p, unsigned n)
{
    uint32_t c = CRC32C_INIT;
    for (unsigned k = 0; k < n; k++)
        c = crc32c_update(c, p[k].base, p[k].len);
    return c;
}

/* ---- frames ---- */

void apx_hdr_data(const struct ap *ap, struct ap_hdr *h, const struct ap_req *r, uint16_t flags,
                  uint32_t frag_off, size_t frag_len)
{
    memset(h, 0, sizeof(*h));
    h->version = AP_WIRE_VERSION;
    h->type = AP_T_DATA;
    h->flags =
        flags | ((r->kind & AP_K_FC) ? AP_F_FC : 0) | ((r->kind & AP_K_BCAST) ? AP_F_BCAST : 0);
    h->job = ap->job;
    h->src = (uint16_t)ap->rank;
    h->dst = (r->kind & AP_K_BCAST) ? AP_WIRE_ALL : r->dst;
    h->port = r->port;
    h->frag_len = (uint16_t)frag_len;
    h->msg_seq = r->msg_seq;
    h->msg_len = r->msg_len;
    h->base = r->base;
    h->frag_off = frag_off;
}

/* Hand one frame to the link: pieces[0] is filled here with the Ethernet + Porto headers
 * (copied by the link: they are smaller than LINK_COPY_MAX), pieces[1..n] are payload.
 * `pcrc` is the CRC32C state after the payload. Unicast DATA piggybacks our ACK. */
int apx_xmit(struct ap *ap, int dst, struct ap_hdr *h, struct link_iov *pieces, unsigned n,
             uint32_t pcrc)
{
    uint8_t hb[AP_FRAME_HLEN];
    struct ap_peer *p = dst >= 0 ? &ap->peers[dst] : NULL;
    if (p && h->type == AP_T_DATA) {
        h->flags |= AP_F_ACK;
        h->ack = p->rx_expect[0];
    }
    if (ap->cfg.crc) {
        h->flags |= AP_F_CRC;
        h->crc = crc32c_final(crc32c_update(pcrc, h, AP_HDR_CRC_OFF));
    }
    memcpy(hb, p ? p->eth : ap->bcast_eth, AP_ETH_HLEN);
    ap_hdr_write(hb + AP_ETH_HLEN, h);
    pieces[0].base = hb;
    pieces[0].len = AP_FRAME_HLEN;
    if (ap->link->send(ap->link->ctx, pieces, n + 1) < 0) {
        ap->st.link_busy++;
        return -1;
    }
    ap->st.tx_frames++;
    ap->st.tx_bytes += AP_FRAME_HLEN + h->frag_len;
    if (p && h->type == AP_T_DATA) p->rx_unacked[0] = 0;
    return 0;
}

static int send_ack(struct ap *ap, unsigned i)
{
    struct ap_peer *p = &ap->peers[i];
    struct ap_hdr h;
    struct link_iov pieces[2];
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
    if (p->be_loss) {
        h.flags |= AP_F_BELOSS;
        h.base = p->be_loss_rate;
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

/* Sends to our own rank: delivered whole, straight from the sender's buffers. An FC message
 * waits while the port is not ready; a BE one is dropped then, like on the wire. */
void apx_self_tx(struct ap *ap)
{
    while (ap->selfq_head) {
        struct ap_req *r = ap->selfq_head;
        int stream = (r->kind & AP_K_FC) ? AP_ST_FC_UNI : AP_ST_BE_UNI;
        struct ap_hdr h;
        apx_hdr_data(ap, &h, r, AP_F_FIRST | AP_F_LAST, 0, 0);
        struct ap_unit *u = NULL;
        uint32_t off = 0;
        int res = apx_resolve(ap, ap->rank, stream, &h, &u, &off);
        if (res == AP_R_REFUSE) return;
        if (res == AP_R_OK) {
            struct ap_asm *as = &ap->peers[ap->rank].as[stream];
            memset(as, 0, sizeof(*as));
            as->active = 1;
            as->port = r->port;
            as->msg_len = r->msg_len;
            as->base = off;
            as->tag = r->base;
            as->unit = u;
            uint8_t *dst = u->buf ? u->buf + off : NULL;
            for (unsigned k = 0; k < r->niov; k++)
                if (r->iov[k].len) {
                    memcpy(dst, r->iov[k].base, r->iov[k].len);
                    dst += r->iov[k].len;
                }
            apx_deliver(ap, ap->rank, as);
        }
        ap->selfq_head = r->next;
        if (!ap->selfq_head) ap->selfq_tail = NULL;
        r->drain = 0; /* nothing was handed to the link */
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
    if (ap->selfq_head) apx_self_tx(ap);
    *work += AP_TX_BUDGET - budget;
}
