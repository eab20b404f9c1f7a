/*
 * net/ap_state.h — struct ap, the Active Port engine's private state (included by net/ap.h so
 * that callers can embed a `struct ap`; only net/ap*.c read or write these fields).
 *
 * Layout of the state, per node:
 * - peers[nodes]: for each other rank, the receive side (expected FC sequences, reassembly of
 *   the message in progress on each of the four streams, pending ACK) and the send side (its
 *   FC stream: request queue and window of in-flight frames).
 * - ports[]: user ports; each has one landing "unit" (its buffer) or one per slot.
 * - coll[nodes]: the internal collective port: per source one posted receive and one small
 *   eager buffer for a message that arrives before its receive is posted.
 * - the broadcast FC stream (one window, acknowledged by every live receiver), the BE queue,
 *   the local (self) queue and a ring of completed deliveries whose handlers are to run.
 * Tested through the public API by tests/engine/.
 */
#ifndef PORTO_NET_AP_STATE_H
#define PORTO_NET_AP_STATE_H

#include <stdint.h>

#include "net/siphash.h"
#include "net/wire.h"

/* The four receive streams from one source. */
enum { AP_ST_FC_UNI, AP_ST_FC_BC, AP_ST_BE_UNI, AP_ST_BE_BC, AP_NSTREAMS };
/* claim_stream of a unit whose message is complete but whose handler has not run yet: no
 * stream may take it over, so the next message cannot overwrite what the handler will read. */
#define AP_ST_HANDLER 0xFF

enum { AP_UNIT_PORT, AP_UNIT_COLL_POST, AP_UNIT_COLL_EAGER };

#define AP_COLL_EAGER 256 /* bytes of one early collective message held per source */
#define AP_EVQ        64  /* completed deliveries waiting for their handler */

/* A landing zone: a port's buffer, one slot of it, or a collective receive. A unit assembles
 * one message at a time (the claim); FC claims last until the message completes, BE claims
 * can be taken over when they go stale or an FC message wants the unit. */
struct ap_unit {
    uint8_t *buf;
    uint64_t size;
    uint8_t armed;   /* accepts a new message */
    uint8_t claimed; /* a message is being assembled into it */
    uint8_t claim_stream;
    uint8_t kind; /* AP_UNIT_* */
    uint16_t port;
    uint16_t claim_src;
    uint64_t claim_ns; /* last frame of a BE claim */
};

/* Reassembly of the message in progress from one source on one stream. */
struct ap_asm {
    uint8_t active;
    uint8_t discard; /* FC only: keep consuming this message's frames, drop the data */
    uint16_t port;
    uint32_t msg_seq, msg_len, got;
    uint32_t base; /* landing offset in the unit */
    uint32_t tag;  /* the header's base field (the collective tag on the internal port) */
    struct ap_unit *unit;
};

/* One FC frame in flight, kept until acknowledged so it can be sent again. */
struct ap_slot {
    struct ap_req *req;
    uint32_t frag_off;
    uint16_t frag_len;
    uint8_t retx;   /* sent more than once: no RTT sample from it (Karn) */
    uint8_t flags;  /* AP_F_FIRST / AP_F_LAST as sent */
    uint8_t sacked; /* unicast: the receiver reported it held (AP_F_SACK): never resent */
    uint32_t acked; /* broadcast stream: live receivers that acknowledged it */
    uint32_t pcrc;  /* CRC32C state after the payload (the header is added per send) */
    uint64_t sent_ns;
};

/* The sending side of one FC stream: to one peer, or the broadcast stream. */
struct ap_fctx {
    struct ap_req *head, *tail; /* requests not yet complete, oldest first */
    struct ap_req *cur;         /* first request with bytes never sent */
    struct ap_slot *win;        /* window ring, indexed by seq % window */
    uint32_t una, nxt, rtx;     /* oldest unacked <= next to resend <= next new */
    uint32_t rtx_end;           /* with sack_only: resend the holes below this, then stop */
    uint8_t sack_only;
    uint32_t msg_seq;
    uint64_t deadline_ns; /* retransmission timer, 0 = off */
    uint64_t since_ns;    /* last sign of life (ACK advance, RNR, start): for give-up */
    uint64_t stall_ns;    /* last ACK advance (or start): "not ready" cannot last forever */
    uint64_t srtt, rttvar, rto;
    /* Congestion window: frames in flight allowed (<= window). Halved on a fast retransmit,
     * quartered on a timeout, +1 per window of acknowledged frames: under loss go-back-N
     * then resends a few frames instead of a whole window each time. */
    uint32_t cwnd, cwnd_acc;
    uint8_t backoff, dupacks, fast_done;
    uint8_t rnr;   /* the receiver refused: send nothing but a probe per timeout */
    uint8_t probe; /* the timer asked for one probe frame */
};

struct ap_peer {
    /* Receiving from this peer. */
    uint32_t rx_expect[2]; /* FC unicast, FC broadcast: next frame sequence expected */
    uint32_t rx_unacked[2];
    uint8_t rx_rnr[2];     /* the frame at rx_expect was refused: not ready */
    uint8_t ack_listed;    /* queued in ap->ack_list */
    uint8_t reack;         /* a duplicate/out-of-order frame wants a pure ACK soon */
    uint8_t ack_now;       /* a message of it went to a handler: ACK this pass, not later */
    uint8_t rnr_listed;    /* queued in ap->rnr_list (resume when something frees up) */
    uint8_t be_seen[2];    /* BE unicast/broadcast: be_last valid */
    uint16_t held;         /* FC unicast frames of it held past a gap (net/ap_sack.c) */
    uint8_t be_loss;       /* a BE message of it was lost on the way: report it (ap_pace.c) */
    uint32_t be_loss_rate; /* bytes per ms its frames arrived at, 0 = unknown */
    uint32_t be_loss_run;  /* the longest run of its frames lost since the last report */
    uint32_t be_rx_bytes;  /* BE bytes from it since be_rx_t0: its frames' arrival rate */
    uint64_t be_rx_t0;
    uint32_t be_last[2]; /* newest BE msg_seq delivered or abandoned */
    uint32_t be_far[2];  /* a BE msg_seq far ahead of be_last, seen be_nfar[] times in a row */
    uint8_t be_nfar[2];
    uint8_t rx_emsg; /* unicast FC message rx_emsg_seq was dropped (bounds): tell it */
    uint32_t rx_emsg_seq;
    struct ap_asm as[AP_NSTREAMS];
    uint64_t last_heard_ns;
    /* Sending to this peer. */
    struct ap_fctx fc;
    uint32_t be_msg_seq;
    uint8_t dead;
    uint8_t active; /* in the active list: FC requests queued */
    int32_t act_prev, act_next;
    /* This peer as a receiver of our broadcast FC stream. */
    uint32_t back; /* its cumulative acknowledgement */
    uint8_t brnr;
    uint8_t eth[AP_ETH_HLEN]; /* Ethernet header of frames to it */
};

/* An FC unicast frame that arrived past a gap, held until the gap is filled. */
struct ap_held {
    uint8_t used;
    uint16_t src;
    struct ap_hdr h;
    uint8_t *data; /* maxpay bytes of the pool */
};

struct ap_coll_rx {
    struct ap_unit post, eager;
    uint32_t post_tag, eager_tag, eager_len, post_len;
    uint8_t post_done;
    uint8_t post_err; /* the message for the posted receive was longer than it: dropped */
};

struct ap_event {
    uint16_t port, src;
    uint32_t gen;
    void *data;
    size_t len;
    struct ap_unit *unit; /* held (claimed) until the handler has run, then released */
};

struct ap_port {
    uint8_t open, flags;
    uint32_t gen; /* bumped on open/close: queued events of an older port are dropped */
    ap_handler_fn handler;
    void *arg;
    uint8_t *buf;
    uint64_t size;
    struct ap_unit *units; /* &single, or nodes slots */
    unsigned nunits;
    struct ap_unit single;
    uint64_t deliveries, waited;
    int last_src;
    size_t last_len;
};

struct ap {
    struct ap_config cfg;
    struct link *link;
    unsigned nodes, rank;
    unsigned node_ranks; /* > 1: ranks in blocks of this many per machine (ap_config) */
    uint32_t job;
    unsigned mtu, maxpay, ack_every;
    uint8_t auth; /* frames carry and need a SipHash tag */
    struct sip_key key;
    unsigned window; /* a power of two: sequence numbers map to ring slots by masking */
    uint64_t now;
    uint8_t (*macs)[6];
    uint8_t bcast_eth[AP_ETH_HLEN];
    struct ap_peer *peers;
    struct ap_slot *slots; /* every window, one allocation */
    struct ap_port ports[AP_MAX_PORTS];
    struct ap_coll_rx *coll;
    uint8_t *coll_eager_mem;
    uint32_t coll_epoch;
    uint32_t *ack_list, *rnr_list;
    struct ap_held *held; /* frames held past gaps, all peers (net/ap_sack.c) */
    uint8_t *held_mem;
    unsigned nheld_max;
    unsigned nack, nrnr;
    int32_t act_head; /* circular list of active peers, -1 when empty */
    unsigned nactive;
    /* Broadcast streams. */
    struct ap_fctx bfc;
    unsigned blive; /* receivers of the broadcast FC stream still alive */
    unsigned nbrnr; /* receivers currently refusing it */
    uint32_t be_bc_seq;
    /* BE pacing (net/ap_pace.c): bytes per ms, 0 = not paced; token bucket. */
    uint64_t be_rate, be_tokens, be_tok_ns, be_cut_ns;
    uint64_t be_tx_bytes, be_tx_t0, be_tx_prev, be_tx_prev_ns; /* our BE send rate, 2 windows */
    /* BE and local queues. */
    struct ap_req *beq_head, *beq_tail;
    struct ap_req *selfq_head, *selfq_tail;
    /* Deliveries waiting for their handler. */
    struct ap_event ev[AP_EVQ];
    unsigned ev_head, ev_tail;
    unsigned ev_reserved; /* claims on handler ports: each will need one event */
    unsigned depth;       /* ap_poll nesting (handlers that block) */
    ap_foreign_fn foreign;
    void *foreign_arg;
    void *scratch;
    size_t scratch_size;
    uint64_t next_timer_ns;
    struct ap_stats st;
    const char *error;
};

#endif
