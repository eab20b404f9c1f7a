/*
 * net/ap_rx.c — Active Port engine, receive path: frame validation (every drop counted by
 * reason), FC in-order acceptance (frames past a gap held by net/ap_sack.c and replayed), BE
 * and FC reassembly in place, delivery — also of sends to our own rank, which never touch
 * the wire.
 * Tested by tests/engine/test_malformed.c, test_lossy.c and the fuzzer (tests/engine/fuzz_rx.c).
 */
#include "net/ap_internal.h"

#include <string.h>

#include "net/crc32c.h"

/* ---- landing units ---- */

static int refuse_or_drop(struct ap *ap, int stream, int reason)
{
    apx_drop(ap, reason);
    return stream == AP_ST_FC_UNI || stream == AP_ST_FC_BC ? AP_R_REFUSE : AP_R_DROP;
}

static int coll_resolve(struct ap *ap, unsigned src, int stream, const struct ap_hdr *h,
                        struct ap_unit **unit)
{
    struct ap_coll_rx *c = &ap->coll[src];
    struct ap_unit *u;
    if (c->post.armed && !c->post.claimed && c->post_tag == h->base) {
        if (h->msg_len > c->post.size) {
            /* The caller learns it (recv_done), not only a counter. */
            c->post_err = 1;
            c->post.armed = 0;
            apx_drop(ap, AP_DROP_BOUNDS);
            return AP_R_DROP;
        }
        u = &c->post;
    } else if (c->eager.armed && !c->eager.claimed && h->msg_len <= AP_COLL_EAGER) {
        u = &c->eager;
    } else {
        return refuse_or_drop(ap, stream, AP_DROP_NOT_READY);
    }
    u->claimed = 1;
    u->claim_src = (uint16_t)src;
    u->claim_stream = (uint8_t)stream;
    u->claim_ns = ap->now;
    *unit = u;
    return AP_R_OK;
}

/* Match the first frame of a message with the unit it lands in, and claim the unit. */
static int resolve(struct ap *ap, unsigned src, int stream, const struct ap_hdr *h,
                   struct ap_unit **unit, uint32_t *off)
{
    int fc = stream == AP_ST_FC_UNI || stream == AP_ST_FC_BC;
    *off = 0;
    if (h->port == AP_COLL_PORT) return coll_resolve(ap, src, stream, h, unit);
    if (h->port >= AP_MAX_PORTS) {
        apx_drop(ap, AP_DROP_PORT);
        return AP_R_DROP;
    }
    struct ap_port *P = &ap->ports[h->port];
    if (!P->open) return refuse_or_drop(ap, stream, AP_DROP_PORT);
    struct ap_unit *u = (P->flags & AP_PORT_SLOTS) ? &P->units[src] : &P->units[0];
    if (!u->armed) return refuse_or_drop(ap, stream, AP_DROP_NOT_READY);
    if (u->claimed) {
        int be_claim = u->claim_stream == AP_ST_BE_UNI || u->claim_stream == AP_ST_BE_BC;
        /* An FC message must not wait behind a BE one that may never finish; a BE message
         * takes over a BE claim only once it went silent. */
        if (!be_claim || (!fc && ap->now - u->claim_ns < AP_BE_STALE_NS))
            return refuse_or_drop(ap, stream, AP_DROP_NOT_READY);
        apx_abort_asm(ap, u->claim_src, u->claim_stream, AP_DROP_NOT_READY);
    }
    if ((uint64_t)h->base + h->msg_len > u->size) {
        apx_drop(ap, AP_DROP_BOUNDS);
        return AP_R_DROP;
    }
    if (P->handler) {
        /* Reserve the handler's event now so that delivery can never find the ring full. */
        unsigned queued = ap->ev_tail - ap->ev_head;
        if (queued + ap->ev_reserved >= AP_EVQ)
            return refuse_or_drop(ap, stream, AP_DROP_NOT_READY);
        ap->ev_reserved++;
    }
    u->claimed = 1;
    u->claim_src = (uint16_t)src;
    u->claim_stream = (uint8_t)stream;
    u->claim_ns = ap->now;
    *unit = u;
    *off = h->base;
    return AP_R_OK;
}

static void release(struct ap *ap, struct ap_unit *u)
{
    if (!u->claimed) return;
    u->claimed = 0;
    if (u->kind == AP_UNIT_PORT && ap->ports[u->port].handler) ap->ev_reserved--;
    if (ap->nrnr) apx_resume(ap);
}

/* Abandon the message in progress on a stream: BE forgets it, FC keeps consuming its frames
 * (already acknowledged ones cannot be taken back) without storing them. */
void apx_abort_asm(struct ap *ap, unsigned src, int stream, int reason)
{
    struct ap_peer *p = &ap->peers[src];
    struct ap_asm *as = &p->as[stream];
    if (!as->active) return;
    if (as->unit && !as->discard) release(ap, as->unit);
    as->unit = NULL;
    if (stream == AP_ST_BE_UNI || stream == AP_ST_BE_BC) {
        int k = stream - AP_ST_BE_UNI;
        p->be_last[k] = as->msg_seq;
        p->be_seen[k] = 1;
        as->active = 0;
        ap->st.be_aborted++;
    } else {
        as->discard = (uint8_t)(reason + 1);
    }
}

static void deliver(struct ap *ap, unsigned src, struct ap_asm *as)
{
    struct ap_unit *u = as->unit;
    as->active = 0;
    as->unit = NULL;
    ap->st.rx_msgs++;
    ap->st.rx_msg_bytes += as->msg_len;
    u->claimed = 0;
    if (u->kind == AP_UNIT_PORT) {
        struct ap_port *P = &ap->ports[u->port];
        P->deliveries++;
        P->last_src = (int)src;
        P->last_len = as->msg_len;
        if (P->flags & AP_PORT_ONESHOT) u->armed = 0;
        if (P->handler) {
            /* The handler runs within this poll and the app may never poll again (a node
             * told to shut down halts): its ACK is not held back for piggybacking, unless
             * the port says its answers come later (AP_PORT_LAZYACK). */
            if (!(P->flags & AP_PORT_LAZYACK)) ap->peers[src].ack_now = 1;
            ap->ev_reserved--;
            /* Keep the unit until the handler ran (run_events releases it): a message
             * arriving meanwhile is refused (FC: resent) instead of overwriting this one. */
            u->claimed = 1;
            u->claim_stream = AP_ST_HANDLER;
            apx_event_push(ap, u->port, (uint16_t)src, u->buf ? u->buf + as->base : NULL,
                           as->msg_len, u);
        }
    } else {
        struct ap_coll_rx *c = &ap->coll[src];
        u->armed = 0;
        if (u->kind == AP_UNIT_COLL_POST) {
            c->post_done = 1;
            c->post_len = as->msg_len;
        } else {
            c->eager_tag = as->tag;
            c->eager_len = as->msg_len;
        }
    }
    if (ap->nrnr) apx_resume(ap);
}

/* ---- data frames ---- */

static void land(struct ap_asm *as, const struct ap_hdr *h, const uint8_t *payload)
{
    if (h->frag_len) memcpy(as->unit->buf + as->base + h->frag_off, payload, h->frag_len);
    as->got += h->frag_len;
}

static void asm_start(struct ap_asm *as, const struct ap_hdr *h, struct ap_unit *u, uint32_t off)
{
    as->active = 1;
    as->discard = 0;
    as->port = h->port;
    as->msg_seq = h->msg_seq;
    as->msg_len = h->msg_len;
    as->got = 0;
    as->base = off;
    as->tag = h->base;
    as->unit = u;
}

static int same_message(const struct ap_asm *as, const struct ap_hdr *h)
{
    return as->msg_seq == h->msg_seq && as->msg_len == h->msg_len && as->port == h->port &&
           as->tag == h->base;
}

enum { FC_ACCEPTED, FC_REFUSED };

/* The frame the FC stream expects next: land it, or refuse it (receiver not ready). Frames
 * that cannot be stored (bounds, inconsistent) are consumed so the stream keeps going. */
static int fc_accept(struct ap *ap, unsigned src, int stream, const struct ap_hdr *h,
                     const uint8_t *payload)
{
    struct ap_asm *as = &ap->peers[src].as[stream];
    if (h->flags & AP_F_FIRST) {
        if (as->active) {
            /* The previous message never got its last frame: only a sender that abandoned
             * it does that. */
            apx_drop(ap, AP_DROP_FRAG);
            apx_abort_asm(ap, src, stream, AP_DROP_FRAG);
            as->active = 0;
        }
        struct ap_unit *u = NULL;
        uint32_t off = 0;
        int r = resolve(ap, src, stream, h, &u, &off);
        if (r == AP_R_REFUSE) return FC_REFUSED;
        asm_start(as, h, u, off);
        struct ap_peer *p = &ap->peers[src];
        if (stream == AP_ST_FC_UNI && p->rx_emsg && p->rx_emsg_seq != h->msg_seq)
            p->rx_emsg = 0; /* the sender moved on: it has heard */
        if (r == AP_R_DROP && stream == AP_ST_FC_UNI) {
            /* Tell the sender its call failed (every ACK repeats it until it moves on). */
            p->rx_emsg = 1;
            p->rx_emsg_seq = h->msg_seq;
            p->reack = 1;
        }
        if (r == AP_R_DROP) {
            /* Counted once by apx_resolve; the rest of the message is counted per frame. */
            as->discard =
                (uint8_t)(h->port >= AP_MAX_PORTS && h->port != AP_COLL_PORT ? AP_DROP_PORT + 1
                                                                             : AP_DROP_BOUNDS + 1);
            as->unit = NULL;
        }
    } else if (!as->active || !same_message(as, h) || h->frag_off != as->got) {
        apx_drop(ap, AP_DROP_FRAG);
        if (as->active) apx_abort_asm(ap, src, stream, AP_DROP_FRAG);
        if (h->flags & AP_F_LAST) as->active = 0;
        return FC_ACCEPTED;
    }
    if (as->discard) {
        if (!(h->flags & AP_F_FIRST)) apx_drop(ap, as->discard - 1);
        as->got += h->frag_len;
    } else {
        land(as, h, payload);
    }
    if (h->flags & AP_F_LAST) {
        if (as->discard)
            as->active = 0;
        else
            deliver(ap, src, as);
    }
    return FC_ACCEPTED;
}

/* The frame at the stream's expected sequence: take it, or refuse it (returns 0). */
static int fc_take(struct ap *ap, unsigned src, int bc, const struct ap_hdr *h,
                   const uint8_t *payload)
{
    struct ap_peer *p = &ap->peers[src];
    if (fc_accept(ap, src, bc ? AP_ST_FC_BC : AP_ST_FC_UNI, h, payload) == FC_REFUSED) {
        /* Every refusal is answered (coalesced to one ACK per pass): the sender's probes
         * must hear "alive but not ready", or a long wait would look like a dead peer. */
        p->reack = 1;
        p->rx_rnr[bc] = 1;
        if (!p->rnr_listed) {
            p->rnr_listed = 1;
            ap->rnr_list[ap->nrnr++] = src;
        }
        apx_ack_queue(ap, src);
        return 0;
    }
    p->rx_expect[bc]++;
    p->rx_rnr[bc] = 0;
    p->rx_unacked[bc]++;
    apx_ack_queue(ap, src);
    return 1;
}

/* `placeable`: the frame's fragment fields are consistent, so it may be held past a gap. */
static void fc_input(struct ap *ap, unsigned src, int bc, const struct ap_hdr *h,
                     const uint8_t *payload, int placeable)
{
    struct ap_peer *p = &ap->peers[src];
    if (h->seq != p->rx_expect[bc]) {
        if (ap_seq_lt(h->seq, p->rx_expect[bc]))
            apx_drop(ap, AP_DROP_DUP);
        else if (bc || !placeable || !apx_held_put(ap, src, h, payload))
            apx_drop(ap, AP_DROP_OOO);
        p->reack = 1; /* a duplicate ACK (with the SACK map) tells the sender what is missing */
        apx_ack_queue(ap, src);
        return;
    }
    if (!fc_take(ap, src, bc, h, payload)) return;
    /* The gap is filled: replay what was held behind it, in order. */
    while (!bc && p->held) {
        struct ap_held *x = apx_held_next(ap, src);
        if (!x) break;
        if (!fc_take(ap, src, bc, &x->h, x->data)) {
            /* Refused (not ready): drop everything held; the sender forgets the SACK
             * reports when it sees the RNR and resends in order once we are ready. */
            apx_held_forget(ap, src);
            break;
        }
        apx_held_free(ap, x);
    }
}

/* A BE message far ahead of the last one: one such frame (forged, or from an earlier run)
 * must not make the sender's real messages look old. Believed only once AP_BE_RESYNC of
 * them came in a row, each a little further on: a sender whose messages to us were all lost
 * for a long while. */
static int be_resync(struct ap_peer *p, int bc, uint32_t seq)
{
    if (p->be_nfar[bc] && seq - p->be_far[bc] - 1 < AP_BE_JUMP)
        p->be_nfar[bc]++;
    else if (seq != p->be_far[bc] || !p->be_nfar[bc])
        p->be_nfar[bc] = 1;
    p->be_far[bc] = seq;
    if (p->be_nfar[bc] < AP_BE_RESYNC) return 0;
    p->be_nfar[bc] = 0;
    p->be_last[bc] = seq - 1;
    return 1;
}

static void be_input(struct ap *ap, unsigned src, int bc, const struct ap_hdr *h,
                     const uint8_t *payload)
{
    struct ap_peer *p = &ap->peers[src];
    int stream = bc ? AP_ST_BE_BC : AP_ST_BE_UNI;
    struct ap_asm *as = &p->as[stream];
    uint32_t seq = h->msg_seq;
    if (h->port == AP_COLL_PORT ||
        (h->port < AP_MAX_PORTS && (ap->ports[h->port].flags & AP_PORT_FC_ONLY))) {
        apx_drop(ap, AP_DROP_NOT_FC);
        return;
    }
    apx_be_arrived(ap, src, AP_FRAME_HLEN + h->frag_len);
    if (p->be_seen[bc] && ap_seq_le(seq, p->be_last[bc])) {
        apx_drop(ap, AP_DROP_STALE);
        return;
    }
    if (p->be_seen[bc] && seq - p->be_last[bc] > AP_BE_JUMP && !be_resync(p, bc, seq)) {
        apx_drop(ap, AP_DROP_SEQ);
        return;
    }
    if (as->active && seq != as->msg_seq) {
        if (ap_seq_lt(seq, as->msg_seq)) {
            apx_drop(ap, AP_DROP_STALE);
            return;
        }
        /* A newer message: the old one lost its tail (and maybe whole messages between). */
        apx_be_lost(ap, src, apx_frames(ap, as->msg_len - as->got) + (seq - as->msg_seq - 1));
        apx_abort_asm(ap, src, stream, 0);
    }
    if (!as->active) {
        if (!(h->flags & AP_F_FIRST)) {
            /* Its first fragment was lost: the whole message is. */
            apx_drop(ap, AP_DROP_BE_GAP);
            apx_be_lost(ap, src, apx_frames(ap, h->frag_off));
            p->be_last[bc] = seq;
            p->be_seen[bc] = 1;
            return;
        }
        if (p->be_seen[bc] && seq != p->be_last[bc] + 1) /* whole messages never arrived */
            apx_be_lost(ap, src, seq - p->be_last[bc] - 1);
        struct ap_unit *u = NULL;
        uint32_t off = 0;
        if (resolve(ap, src, stream, h, &u, &off) != AP_R_OK) {
            p->be_last[bc] = seq;
            p->be_seen[bc] = 1;
            return;
        }
        asm_start(as, h, u, off);
    } else if (h->frag_off != as->got || !same_message(as, h)) {
        if (h->frag_off < as->got && same_message(as, h)) {
            apx_drop(ap, AP_DROP_DUP);
            return;
        }
        apx_drop(ap, same_message(as, h) ? AP_DROP_BE_GAP : AP_DROP_FRAG);
        if (same_message(as, h)) apx_be_lost(ap, src, apx_frames(ap, h->frag_off - as->got));
        apx_abort_asm(ap, src, stream, 0);
        return;
    }
    land(as, h, payload);
    as->unit->claim_ns = ap->now;
    if (h->flags & AP_F_LAST) {
        p->be_last[bc] = seq;
        p->be_seen[bc] = 1;
        deliver(ap, src, as);
    }
}

/* ---- local delivery ---- */

/* Sends to our own rank: delivered whole, straight from the sender's buffers. An FC message
 * waits while the port is not ready; a BE one is dropped then, like on the wire. */
void apx_self_deliver(struct ap *ap)
{
    while (ap->selfq_head) {
        struct ap_req *r = ap->selfq_head;
        int stream = (r->kind & AP_K_FC) ? AP_ST_FC_UNI : AP_ST_BE_UNI;
        struct ap_hdr h;
        apx_hdr_data(ap, &h, r, AP_F_FIRST | AP_F_LAST, 0, 0);
        struct ap_unit *u = NULL;
        uint32_t off = 0;
        int res = resolve(ap, ap->rank, stream, &h, &u, &off);
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
            deliver(ap, ap->rank, as);
        }
        ap->selfq_head = r->next;
        if (!ap->selfq_head) ap->selfq_tail = NULL;
        r->drain = 0; /* nothing was handed to the link */
        apx_complete(ap, r, 0);
    }
}

/* ---- entry ---- */

static int tag_ok(const struct ap *ap, const uint8_t *hdr, const uint8_t *payload, size_t n)
{
    struct sip_state st;
    sip_init(&st, &ap->key);
    sip_update(&st, hdr, AP_HDR_CRC_OFF);
    sip_update(&st, payload, n);
    uint64_t want = sip_final(&st), got;
    memcpy(&got, payload + n, AP_TAG_LEN);
    return want == got;
}

void ap_input(struct ap *ap, const void *frame, size_t len)
{
    const uint8_t *f = frame;
    ap->st.rx_frames++;
    ap->st.rx_bytes += len;
    if (len < AP_ETH_HLEN + 2) {
        apx_drop(ap, len >= AP_ETH_HLEN &&
                             (f[12] != (AP_ETHERTYPE >> 8) || f[13] != (AP_ETHERTYPE & 0xFF))
                         ? AP_DROP_NOT_PORTO
                         : AP_DROP_TRUNCATED);
        return;
    }
    if (f[12] != (AP_ETHERTYPE >> 8) || f[13] != (AP_ETHERTYPE & 0xFF)) {
        apx_drop(ap, AP_DROP_NOT_PORTO);
        return;
    }
    if (f[AP_ETH_HLEN + 1] >= AP_T_FOREIGN_MIN) {
        if (!ap->foreign) {
            apx_drop(ap, AP_DROP_FOREIGN);
            return;
        }
        ap->st.foreign_frames++;
        ap->foreign(ap->foreign_arg, frame, len);
        return;
    }
    if (len < AP_FRAME_HLEN) {
        apx_drop(ap, AP_DROP_TRUNCATED);
        return;
    }
    struct ap_hdr h;
    ap_hdr_read(&h, f + AP_ETH_HLEN);
    if (h.version != AP_WIRE_VERSION) {
        apx_drop(ap, AP_DROP_VERSION);
        return;
    }
    if (h.frag_len > len - AP_FRAME_HLEN) {
        apx_drop(ap, AP_DROP_TRUNCATED);
        return;
    }
    const uint8_t *payload = f + AP_FRAME_HLEN;
    /* Another job's frames (another run, another key) are filtered before the costlier tag. */
    if (h.job != ap->job) {
        apx_drop(ap, AP_DROP_JOB);
        return;
    }
    if (ap->auth) {
        /* Nothing below runs for a frame we cannot attribute: not even the ACK check. */
        if (!(h.flags & AP_F_AUTH) || len - AP_FRAME_HLEN - h.frag_len < AP_TAG_LEN ||
            !tag_ok(ap, f + AP_ETH_HLEN, payload, h.frag_len)) {
            apx_drop(ap, AP_DROP_AUTH);
            return;
        }
    } else if (h.flags & AP_F_CRC) {
        uint32_t c = crc32c_update(CRC32C_INIT, payload, h.frag_len);
        c = crc32c_update(c, f + AP_ETH_HLEN, AP_HDR_CRC_OFF);
        if (crc32c_final(c) != h.crc) {
            apx_drop(ap, AP_DROP_CRC);
            return;
        }
    } else if (ap->cfg.crc) {
        apx_drop(ap, AP_DROP_NO_CRC);
        return;
    }
    if (h.src >= ap->nodes || h.src == ap->rank) {
        apx_drop(ap, AP_DROP_SRC);
        return;
    }
    if (memcmp(f + 6, ap->macs[h.src], 6) != 0) {
        apx_drop(ap, AP_DROP_ETH_SRC);
        return;
    }
    int bc = h.dst == AP_WIRE_ALL;
    if ((h.dst != ap->rank && !bc) || bc != !!(h.flags & AP_F_BCAST)) {
        apx_drop(ap, AP_DROP_DST);
        return;
    }
    if (ap->peers[h.src].dead) {
        apx_drop(ap, AP_DROP_DEAD);
        return;
    }
    ap->peers[h.src].last_heard_ns = ap->now;
    if (h.type == AP_T_ACK) {
        if (bc) {
            apx_drop(ap, AP_DROP_DST);
            return;
        }
        ap->st.acks_rcvd++;
        int sack = (h.flags & AP_F_SACK) && h.frag_len == AP_SACK_LEN;
        apx_ack_input(ap, h.src, &h, 1, sack ? f + AP_FRAME_HLEN : NULL);
        return;
    }
    if (h.type != AP_T_DATA) {
        apx_drop(ap, AP_DROP_TYPE);
        return;
    }
    uint64_t end = (uint64_t)h.frag_off + h.frag_len;
    int placeable =
        !(end > h.msg_len || !!(h.flags & AP_F_FIRST) != (h.frag_off == 0) ||
          !!(h.flags & AP_F_LAST) != (end == h.msg_len) || (h.frag_len == 0 && h.msg_len != 0));
    if (!placeable) {
        /* Cannot be placed; for FC it still occupies its sequence number below. */
        if (!(h.flags & AP_F_FC)) {
            apx_drop(ap, AP_DROP_FRAG);
            return;
        }
        struct ap_peer *p = &ap->peers[h.src];
        if (h.seq == p->rx_expect[bc]) {
            apx_drop(ap, AP_DROP_FRAG);
            int stream = bc ? AP_ST_FC_BC : AP_ST_FC_UNI;
            apx_abort_asm(ap, h.src, stream, AP_DROP_FRAG);
            p->as[stream].active = 0;
            p->rx_expect[bc]++;
            p->rx_unacked[bc]++;
            apx_ack_queue(ap, h.src);
            return;
        }
    }
    /* A piggybacked ACK counts only on a frame that is itself plausible: consistent, and for
     * FC within a window of the sequence we expect. */
    if ((h.flags & AP_F_ACK) && !bc &&
        (!(h.flags & AP_F_FC) ||
         h.seq - (ap->peers[h.src].rx_expect[0] - ap->window) <= ap->window))
        apx_ack_input(ap, h.src, &h, 0, NULL);
    if (h.flags & AP_F_FC)
        fc_input(ap, h.src, bc, &h, payload, placeable);
    else
        be_input(ap, h.src, bc, &h, payload);
}
