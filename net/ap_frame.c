/*
 * net/ap_frame.c — Active Port engine, framing: walking the caller's iov, cutting the next
 * fragment, building a DATA header and handing a frame (Ethernet + Porto header + payload
 * pieces) to the link. A leaf: it calls nothing else of the engine, and serves the BE queue
 * and ACKs (net/ap_tx.c) and the FC streams (net/ap_fc.c) alike.
 * Tested by tests/engine/ (`make unit-test`).
 */
#include "net/ap_internal.h"

#include <string.h>

#include "net/crc32c.h"

/* ---- iov walking: a fragment is up to AP_PAY_IOV pieces of the caller's buffers ---- */

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
    fr->n = apx_iov_take(r, &fr->iv, &fr->io, want, pieces + 1, AP_PAY_IOV, &fr->got);
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
 * (copied by the link: they are smaller than LINK_COPY_MAX), pieces[1..n] are payload, and
 * pieces[n+1] the tag of a keyed job. `pcrc` is the CRC32C state after the payload. Unicast
 * DATA piggybacks our ACK, unless the peer must first hear that we dropped a message of it. */
int apx_xmit(struct ap *ap, int dst, struct ap_hdr *h, struct link_iov *pieces, unsigned n,
             uint32_t pcrc)
{
    uint8_t hb[AP_FRAME_HLEN];
    uint8_t tag[AP_TAG_LEN];
    struct ap_peer *p = dst >= 0 ? &ap->peers[dst] : NULL;
    if (p && h->type == AP_T_DATA && !p->rx_emsg) {
        h->flags |= AP_F_ACK;
        h->ack = p->rx_expect[0];
    }
    if (ap->auth) {
        h->flags |= AP_F_AUTH;
        h->crc = 0;
    } else if (ap->cfg.crc) {
        h->flags |= AP_F_CRC;
        h->crc = crc32c_final(crc32c_update(pcrc, h, AP_HDR_CRC_OFF));
    }
    memcpy(hb, p ? p->eth : ap->bcast_eth, AP_ETH_HLEN);
    ap_hdr_write(hb + AP_ETH_HLEN, h);
    pieces[0].base = hb;
    pieces[0].len = AP_FRAME_HLEN;
    unsigned total = n + 1;
    if (ap->auth) {
        struct sip_state st;
        sip_init(&st, &ap->key);
        sip_update(&st, hb + AP_ETH_HLEN, AP_HDR_CRC_OFF);
        for (unsigned k = 1; k <= n; k++)
            sip_update(&st, pieces[k].base, pieces[k].len);
        uint64_t t = sip_final(&st);
        memcpy(tag, &t, AP_TAG_LEN);
        pieces[total].base = tag;
        pieces[total].len = AP_TAG_LEN;
        total++;
    }
    if (ap->link->send(ap->link->ctx, pieces, total) < 0) {
        ap->st.link_busy++;
        return -1;
    }
    ap->st.tx_frames++;
    ap->tx_handed++;
    ap->st.tx_bytes += AP_FRAME_HLEN + h->frag_len + (ap->auth ? AP_TAG_LEN : 0);
    if (p && (h->flags & AP_F_ACK)) p->rx_unacked[0] = 0;
    return 0;
}
