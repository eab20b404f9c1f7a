/*
 * net/ap_internal.h — what the engine's source files (net/ap*.c) share; not for apps.
 * Tested through the public API by tests/engine/.
 */
#ifndef PORTO_NET_AP_INTERNAL_H
#define PORTO_NET_AP_INTERNAL_H

#include "net/ap.h"
#include "net/wire.h"

#define AP_COLL_PORT   AP_MAX_PORTS       /* the engine's collective port, right after user ports */
#define AP_RX_BATCH    32                 /* frames per link poll */
#define AP_RX_BATCHES  4                  /* link polls per ap_poll pass */
#define AP_TX_BUDGET   128                /* data frames per ap_poll pass */
#define AP_MAX_NEST    4                  /* ap_poll nesting that still runs handlers */
#define AP_DUPACKS     2                  /* duplicate ACKs that trigger go-back-N at once */
#define AP_BE_STALE_NS 100000000ull       /* a BE message silent this long loses its buffer */
#define AP_PAY_IOV     (LINK_MAX_IOV - 2) /* payload pieces per frame: header + tag around */
#define AP_BE_JUMP     1024u /* a BE msg_seq further ahead than this is not believed ... */
#define AP_BE_RESYNC   4     /* ... until this many such messages came in a row */
#define AP_SACK_SPAN   64    /* frames past the cumulative ACK a SACK map reports */
#define AP_SACK_LEN    8     /* its payload: a little-endian 64-bit map */
#define AP_HELD_MAX    256   /* frames held past gaps, at most (pool, all peers) */

/* req->kind bits */
#define AP_K_FC    1
#define AP_K_BCAST 2
#define AP_K_SELF  4

/* req->phase */
enum { AP_PH_QUEUED = 1, AP_PH_SENT, AP_PH_DRAIN, AP_PH_DONE };

/* Outcome of matching a message's first frame with a landing unit. */
enum { AP_R_OK, AP_R_REFUSE, AP_R_DROP };

static inline void apx_drop(struct ap *ap, int reason)
{
    ap->st.drop[reason]++;
}

/* The engine's clock: never goes backwards even if the platform clock does (a TSC that was
 * recalibrated, or differs between CPUs), so that no timeout can underflow. */
static inline uint64_t apx_clock(struct ap *ap)
{
    uint64_t t = ap->cfg.now_ns();
    if (t > ap->now) ap->now = t;
    return ap->now;
}

/* ap.c */
void apx_event_push(struct ap *ap, uint16_t port, uint16_t src, void *data, size_t len,
                    struct ap_unit *unit);
void apx_active_add(struct ap *ap, unsigned peer);
void apx_active_del(struct ap *ap, unsigned peer);
void apx_ack_queue(struct ap *ap, unsigned peer);
void apx_resume(struct ap *ap);
void apx_wait_step(struct ap *ap);
int apx_req_check(struct ap *ap, struct ap_req *req);

/* ap_frame.c: the framing leaf (iov walking, fragments, headers, handing frames to the link) */
void apx_iov_seek(const struct ap_req *r, size_t off, unsigned *iv, size_t *io);
unsigned apx_iov_take(const struct ap_req *r, unsigned *iv, size_t *io, size_t want,
                      struct link_iov *out, unsigned max, size_t *got);
/* The next new fragment of r: at most maxpay bytes from its cursor, as pieces[1..n] (pieces[0]
 * is left for the header, pieces[n+1] for the tag). The cursor moves only by apx_frag_commit, once
 * the frame went out. */
struct apx_frag {
    unsigned iv, n;
    size_t io, got;
    uint16_t flags; /* AP_F_FIRST / AP_F_LAST */
};
void apx_frag_next(const struct ap *ap, const struct ap_req *r, struct link_iov *pieces,
                   struct apx_frag *fr);
void apx_frag_commit(struct ap_req *r, const struct apx_frag *fr);
uint32_t apx_pieces_crc(const struct link_iov *p, unsigned n);
void apx_hdr_data(const struct ap *ap, struct ap_hdr *h, const struct ap_req *r, uint16_t flags,
                  uint32_t frag_off, size_t frag_len);
int apx_xmit(struct ap *ap, int dst, struct ap_hdr *h, struct link_iov *pieces, unsigned n,
             uint32_t pcrc);

/* ap_rx.c */
void apx_abort_asm(struct ap *ap, unsigned src, int stream, int reason);
void apx_self_deliver(struct ap *ap);

/* ap_tx.c */
void apx_flush_acks(struct ap *ap, int urgent_only);
void apx_complete(struct ap *ap, struct ap_req *req, int status);
void apx_be_tx(struct ap *ap, int *budget);
void apx_tx_progress(struct ap *ap, int *work);

/* ap_fc.c */
void apx_fc_tx(struct ap *ap, struct ap_fctx *f, int dst, int *budget);
/* `pure` for ACK frames; `sack` points to an AP_F_SACK map (else NULL) */
void apx_ack_input(struct ap *ap, unsigned src, const struct ap_hdr *h, int pure,
                   const uint8_t *sack);
void apx_peer_dead(struct ap *ap, unsigned peer);
void apx_timers(struct ap *ap);

/* ap_sack.c: frames held past a gap (receiver), SACK maps (both sides) */
int apx_held_init(struct ap *ap);
void apx_held_fini(struct ap *ap);
int apx_held_put(struct ap *ap, unsigned src, const struct ap_hdr *h, const uint8_t *payload);
struct ap_held *apx_held_next(struct ap *ap, unsigned src); /* the one at rx_expect, or NULL */
void apx_held_free(struct ap *ap, struct ap_held *x);
void apx_held_forget(struct ap *ap, unsigned src);
uint64_t apx_sack_map(const struct ap *ap, unsigned src);
void apx_sack_input(struct ap *ap, struct ap_fctx *f, uint32_t ack, uint64_t map);

/* ap_pace.c: BE pacing (sender), BE loss reports (receiver) */
int apx_pace_take(struct ap *ap, size_t bytes); /* 0: wait, the BE rate is reached */
void apx_pace_report(struct ap *ap, uint32_t seen_rate);
void apx_be_arrived(struct ap *ap, unsigned src, size_t bytes);
/* Frames lost in a row that say "congestion": at 3% random loss two neighbours are lost
 * about once per thousand frames, three once per 37000; a full switch queue drops the whole
 * tail of a burst. */
#define AP_BE_LOSS_RUN 3
/* src's BE frames were lost on the way: about `frames` of them in a row (a lower bound). */
void apx_be_lost(struct ap *ap, unsigned src, uint32_t frames);
uint32_t apx_frames(const struct ap *ap, uint32_t bytes); /* frames that carry `bytes` */

/* ap_send.c */
int apx_start(struct ap *ap, struct ap_req *req, unsigned kind, int dst, int port, size_t off,
              const struct ap_iov *iov, unsigned niov);

/* ap_coll.c */
void apx_coll_init(struct ap *ap);

#endif
