/*
 * net/ap_tx.c — Active Port engine, send path: requests, fragmentation straight from the
 * caller's buffers (zero copy), the FC go-back-N windows (unicast and broadcast), ACK
 * processing, retransmission timers with adaptive RTO and backoff, give-up, the BE queue,
 * local (self) delivery and coalesced ACKs.
 * Tested by tests/engine/ (`make unit-test`).
 */
#include "net/ap_internal.h"

#include <string.h>

#include "net/crc32c.h"

#define MASK(ap) ((ap)->window - 1)

/* ---- iov walking: a fragment is up to LINK_MAX_IOV-1 pieces of the caller's buffers ---- */

static void iov_seek(const struct ap_req *r, size_t off, unsigned *iv, size_t *io)
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

static unsigned iov_take(const struct ap_req *r, unsigned *iv, size_t *io, size_t want,
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

static uint32_t pieces_crc(const struct link_iov *p, unsigned n)
{
    uint32_t c = CRC32C_INIT;
    for (unsigned k = 0; k < n; k++)
        c = crc32c_update(c, p[k].base, p[k].len);
    return c;
}

/* ---- frames ---- */

static void hdr_data(const struct ap *ap, struct ap_hdr *h, const struct ap_req *r, uint16_t flags,
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
static int xmit(struct ap *ap, int dst, struct ap_hdr *h, struct link_iov *pieces, unsigned n,
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
    struct link_iov pieces[1];
    memset(&h, 0, sizeof(h));
    h.version = AP_WIRE_VERSION;
    h.type = AP_T_ACK;
    h.flags = AP_F_ACK | AP_F_BACK | (p->rx_rnr[0] ? AP_F_RNR : 0) | (p->rx_rnr[1] ? AP_F_BRNR : 0);
    h.job = ap->job;
    h.src = (uint16_t)ap->rank;
    h.dst = (uint16_t)i;
    h.ack = p->rx_expect[0];
    h.msg_seq = p->rx_expect[1];
    if (xmit(ap, (int)i, &h, pieces, 0, CRC32C_INIT) < 0) return -1;
    p->reack = 0;
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
            p->ack_listed = 0; /* piggybacked meanwhile */
            continue;
        }
        int urgent =
            p->reack || p->rx_unacked[0] >= ap->ack_every || p->rx_unacked[1] >= ap->ack_every;
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
    iov_seek(r, sl->frag_off, &iv, &io);
    unsigned n = iov_take(r, &iv, &io, sl->frag_len, pieces + 1, LINK_MAX_IOV - 1, &got);
    struct ap_hdr h;
    hdr_data(ap, &h, r, sl->flags, sl->frag_off, sl->frag_len);
    h.seq = seq;
    return xmit(ap, dst, &h, pieces, n, sl->pcrc);
}

static int fc_new_frame(struct ap *ap, struct ap_fctx *f, int dst)
{
    struct ap_req *r = f->cur;
    struct ap_slot *sl = &f->win[f->nxt & MASK(ap)];
    struct link_iov pieces[LINK_MAX_IOV];
    unsigned iv = r->cur_iov;
    size_t io = r->cur_off, got;
    size_t remaining = r->msg_len - r->sent;
    size_t want = remaining < ap->maxpay ? remaining : ap->maxpay;
    unsigned n = iov_take(r, &iv, &io, want, pieces + 1, LINK_MAX_IOV - 1, &got);
    sl->req = r;
    sl->frag_off = r->sent;
    sl->frag_len = (uint16_t)got;
    sl->retx = 0;
    sl->acked = 0;
    sl->flags = (r->sent == 0 ? AP_F_FIRST : 0) | (r->sent + got == r->msg_len ? AP_F_LAST : 0);
    sl->pcrc = ap->cfg.crc ? pieces_crc(pieces + 1, n) : 0;
    struct ap_hdr h;
    hdr_data(ap, &h, r, sl->flags, sl->frag_off, got);
    h.seq = f->nxt;
    if (xmit(ap, dst, &h, pieces, n, sl->pcrc) < 0) return -1;
    r->cur_iov = iv;
    r->cur_off = io;
    r->sent += (uint32_t)got;
    r->started = 1;
    sl->sent_ns = ap->now;
    if (f->una == f->nxt) f->since_ns = ap->now;
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

static void fc_tx(struct ap *ap, struct ap_fctx *f, int dst, int *budget)
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
        if (fc_send_slot(ap, f, dst, f->rtx) < 0) return;
        struct ap_slot *sl = &f->win[f->rtx & MASK(ap)];
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

void apx_fc_advance(struct ap *ap, struct ap_fctx *f, uint32_t ack)
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
    f->since_ns = ap->now;
    if (dst_is_peer) f->rnr = 0; /* it accepted frames: ready again (it says RNR anew if not) */
    f->rto = rto_base(ap, f);
    f->deadline_ns = f->una != f->nxt ? ap->now + f->rto : 0;
    while (f->head && f->head->phase == AP_PH_SENT && ap_seq_lt(f->head->last_seq, f->una)) {
        struct ap_req *r = f->head;
        f->head = r->next;
        if (!f->head) f->tail = NULL;
        apx_complete(ap, r, 0);
    }
}

void apx_ack_input(struct ap *ap, unsigned src, const struct ap_hdr *h, int pure)
{
    struct ap_peer *p = &ap->peers[src];
    if (p->dead) return;
    struct ap_fctx *f = &p->fc;
    int advanced = 0;
    if (ap_seq_lt(f->una, h->ack)) {
        if (!ap_seq_le(h->ack, f->nxt)) {
            apx_drop(ap, AP_DROP_ACK);
            return;
        }
        apx_fc_advance(ap, f, h->ack);
        advanced = 1;
        if (!f->head) apx_active_del(ap, src);
    }
    if (!pure) return;
    if (h->flags & AP_F_RNR) {
        if (f->una != f->nxt) {
            f->rnr = 1;
            f->probe = 0;
            f->since_ns = ap->now; /* alive, just busy: back-pressure, not death */
            f->rto = rto_base(ap, f);
            f->deadline_ns = ap->now + f->rto;
            ap->st.rnr_rcvd++;
        }
    } else if (f->rnr) {
        f->rnr = 0; /* resumed: resend the window now */
        f->rtx = f->una;
        f->since_ns = ap->now;
    } else if (!advanced && f->una != f->nxt) {
        if (++f->dupacks >= AP_DUPACKS && !f->fast_done) {
            f->fast_done = 1;
            f->rtx = f->una;
            f->cwnd = f->cwnd / 2 > 2 ? f->cwnd / 2 : 2;
            ap->st.fast_retransmits++;
        }
    }
    if (h->flags & AP_F_BACK) apx_back_input(ap, src, h->msg_seq, !!(h->flags & AP_F_BRNR));
}

/* Frames of the broadcast stream complete once every live receiver acknowledged them. */
static void bfc_check(struct ap *ap)
{
    struct ap_fctx *f = &ap->bfc;
    uint32_t u = f->una;
    while (u != f->nxt && f->win[u & MASK(ap)].acked >= ap->blive)
        u++;
    if (u != f->una) apx_fc_advance(ap, f, u);
}

void apx_back_input(struct ap *ap, unsigned src, uint32_t ack, int rnr)
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
        f->rtx = f->una;
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
    f->deadline_ns = 0;
    f->rnr = 0;
    apx_active_del(ap, i);
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
            b->rtx = b->una;
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
    if (ap->now - f->since_ns >= ap->cfg.giveup_ns) {
        if (dst >= 0) {
            apx_peer_dead(ap, (unsigned)dst);
        } else {
            /* Whoever still lacks the oldest frame is the one that went silent. */
            for (unsigned r = 0; r < ap->nodes; r++)
                if (r != ap->rank && !ap->peers[r].dead && ap->peers[r].back == f->una)
                    apx_peer_dead(ap, r);
            f->since_ns = ap->now;
        }
        return;
    }
    ap->st.timeouts++;
    if (f->rnr) {
        f->probe = 1;
    } else {
        f->rtx = f->una;
        f->cwnd = f->cwnd / 4 > 2 ? f->cwnd / 4 : 2;
        if (f->backoff < 16) f->backoff++;
        f->rto = f->rto * 2 < ap->cfg.rto_max_ns ? f->rto * 2 : ap->cfg.rto_max_ns;
    }
    f->deadline_ns = ap->now + f->rto;
}

void apx_timers(struct ap *ap)
{
    unsigned n = ap->nactive;
    int32_t i = ap->act_head;
    for (unsigned k = 0; k < n && i >= 0; k++) {
        int32_t next = ap->peers[i].act_next;
        fc_timer(ap, &ap->peers[i].fc, i);
        i = next;
    }
    if (ap->bfc.head) fc_timer(ap, &ap->bfc, -1);
}

/* ---- BE and local queues ---- */

static void be_tx(struct ap *ap, int *budget)
{
    while (*budget > 0 && ap->beq_head) {
        struct ap_req *r = ap->beq_head;
        if (!r->started || r->sent < r->msg_len) {
            struct link_iov pieces[LINK_MAX_IOV];
            unsigned iv = r->cur_iov;
            size_t io = r->cur_off, got;
            size_t remaining = r->msg_len - r->sent;
            size_t want = remaining < ap->maxpay ? remaining : ap->maxpay;
            unsigned n = iov_take(r, &iv, &io, want, pieces + 1, LINK_MAX_IOV - 1, &got);
            uint16_t flags =
                (r->sent == 0 ? AP_F_FIRST : 0) | (r->sent + got == r->msg_len ? AP_F_LAST : 0);
            struct ap_hdr h;
            hdr_data(ap, &h, r, flags, r->sent, got);
            uint32_t pcrc = ap->cfg.crc ? pieces_crc(pieces + 1, n) : 0;
            int dst = (r->kind & AP_K_BCAST) ? -1 : r->dst;
            if (xmit(ap, dst, &h, pieces, n, pcrc) < 0) return;
            r->cur_iov = iv;
            r->cur_off = io;
            r->sent += (uint32_t)got;
            r->started = 1;
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
static void self_tx(struct ap *ap)
{
    while (ap->selfq_head) {
        struct ap_req *r = ap->selfq_head;
        int stream = (r->kind & AP_K_FC) ? AP_ST_FC_UNI : AP_ST_BE_UNI;
        struct ap_hdr h;
        hdr_data(ap, &h, r, AP_F_FIRST | AP_F_LAST, 0, 0);
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
        fc_tx(ap, &ap->peers[i].fc, i, &budget);
        i = next;
    }
    /* Start with the next peer next time: no peer starves the others of the budget. */
    if (ap->act_head >= 0) ap->act_head = ap->peers[ap->act_head].act_next;
    if (ap->bfc.head) fc_tx(ap, &ap->bfc, -1, &budget);
    budget += be_share;
    be_tx(ap, &budget);
    if (ap->selfq_head) self_tx(ap);
    *work += AP_TX_BUDGET - budget;
}

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
    if (off > UINT32_MAX) return -AP_EMSGSIZE;
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
            fc_tx(ap, &ap->bfc, -1, &budget);
        } else {
            req->msg_seq = ap->be_bc_seq++;
            enqueue(&ap->beq_head, &ap->beq_tail, req);
            be_tx(ap, &budget);
        }
    } else if ((unsigned)dst == ap->rank) {
        req->kind |= AP_K_SELF;
        enqueue(&ap->selfq_head, &ap->selfq_tail, req);
        self_tx(ap);
    } else if (kind & AP_K_FC) {
        struct ap_peer *p = &ap->peers[dst];
        req->msg_seq = p->fc.msg_seq++;
        enqueue(&p->fc.head, &p->fc.tail, req);
        if (!p->fc.cur) p->fc.cur = req;
        apx_active_add(ap, (unsigned)dst);
        fc_tx(ap, &p->fc, dst, &budget);
    } else {
        req->msg_seq = ap->peers[dst].be_msg_seq++;
        enqueue(&ap->beq_head, &ap->beq_tail, req);
        be_tx(ap, &budget);
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
