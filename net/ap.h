/*
 * net/ap.h — Porto's Active Port messaging engine: the whole API, in one header.
 *
 * Host tests: `make unit-test` (tests/engine/, many nodes in one process over a lossy in-memory
 * switch); bare metal: apps/selftest through scripts/porto-run.
 *
 * ## Model
 * A job has `nodes` ranks, 0..nodes-1, one `struct ap` engine each. A rank owns numbered
 * **ports** (0..AP_MAX_PORTS-1). Opening a port names a receive buffer and optionally a
 * **handler**. A message is addressed to (rank, port) and lands directly in that port's buffer
 * at a byte offset (`ap_put*`) or at 0 (`ap_send*`): one copy, from the link's receive buffer.
 * When the whole message is there, the handler runs once with (source, port, pointer, length).
 * Messages between two ranks arrive in order per stream; 0-byte messages are legal; a message is
 * at most AP_MAX_MSG bytes, sent as MTU-sized fragments and reassembled in place.
 *
 * Two qualities of service:
 * - **best effort (BE)**: fastest; a message may be lost (loss, congestion, receiver not ready)
 *   but is never delivered partial, corrupted, twice, or after a newer one from the same source.
 *   A receiver reports BE messages lost on the way, and a sender whose frames arrive well below
 *   the rate it sends them paces its BE traffic below the path's rate (net/ap_pace.c).
 * - **flow controlled (FC)**: reliable. Per peer a window of `window` frames over frame sequence
 *   numbers, cumulative and piggybacked acknowledgements; a receiver holds frames that arrive
 *   past a gap and reports them (selective acknowledgement, net/ap_sack.c), so the sender
 *   resends only what was lost: at once when two frames are reported past a hole, else on
 *   timeout (adaptive RTO with exponential backoff); the broadcast stream resends from its
 *   oldest unacknowledged frame on two duplicate acknowledgements. A congestion window
 *   halves on a loss and grows by one frame per window acknowledged. A receiver
 *   whose port is closed, disarmed or busy refuses the frame and says so (RNR): the sender waits
 *   (back-pressure) and resends when told the port is ready again. A peer not heard from for
 *   `giveup_ns` while frames are outstanding is declared dead: its requests fail with -AP_EPEER,
 *   and so does every later FC send to it.
 *
 * Everything advances inside ap_poll() and inside every blocking call: no threads, no
 * interrupts. Handlers run from ap_poll (never from inside the link's receive callback) and may
 * send, post buffers and even block; a blocking call inside a handler may run other handlers.
 *
 * ## Guide
 *     struct ap ap;                       // one per node, e.g. from porto_ap()
 *     ap_init(&ap, &cfg);                 // cfg: nodes, rank, job_id, macs, link, now_ns
 *
 *     static void on_msg(struct ap *ap, int src, int port, void *data, size_t len, void *arg)
 *     { ... data points into the port's buffer; reply with ap_send_be(ap, src, ...) ... }
 *     static char inbox[4096];
 *     ap_port_open(&ap, 1, inbox, sizeof inbox, on_msg, NULL, 0);   // receive in a handler
 *
 *     ap_send_fc(&ap, 2, 1, "hello", 5); // reliable: returns once rank 2 has it
 *     ap_send_be(&ap, 2, 1, "hi", 2);    // best effort: returns once the frames are out
 *     while (!done) ap_poll(&ap);        // handlers run here
 *
 *     ap_barrier(&ap);
 *     double mine = 1.5, total;
 *     ap_allreduce(&ap, &mine, &total, 1, AP_DOUBLE, AP_SUM);
 *
 * ## Ports
 * Flags: AP_PORT_ONESHOT disarms a port (or a slot) after each delivery until ap_port_post()
 * re-arms it: FC frames for it are refused meanwhile (back-pressure), BE ones dropped and counted.
 * AP_PORT_SLOTS splits the buffer into `nodes` equal slots; a message from rank s lands in slot s
 * (offsets are relative to the slot), so many senders can target one port at once. Without
 * slots a port assembles one message at a time: others wait (FC) or are dropped (BE).
 * A delivered message stays untouched until its handler has returned: meanwhile the port (or
 * slot) takes no other message — FC senders are held back, BE messages dropped.
 * A message that went to a handler is acknowledged within the same poll (the node may halt
 * right after); with AP_PORT_LAZYACK the ACK waits one pass for an answer to carry it.
 * A port without handler counts deliveries: ap_port_wait() waits for the next one. Such a
 * port takes the next message at once unless it is one-shot: use AP_PORT_ONESHOT (and
 * ap_port_post) when the app reads the buffer after the wait.
 * A message whose offset + length passes its buffer (or slot) is dropped and counted — for FC
 * it is consumed (acknowledged) so the stream to that peer keeps going, and a unicast FC send
 * completes with -AP_EMSGSIZE. AP_PORT_FC_ONLY ports (and the collectives' port) take FC frames
 * only: best-effort ones have no sequence to check, so anyone on the wire could forge them.
 *
 * ## Sends
 * `dst` is a rank or AP_ALL (every other rank, one Ethernet broadcast per fragment; the reliable
 * AP_ALL variant is acknowledged by every live receiver). A send to one's own rank is delivered
 * locally. Blocking calls return 0 or a negative AP_E* code. Non-blocking calls take a caller-owned
 * `struct ap_req`; the buffer (and the req) must stay untouched until ap_test() returns <= 0 or
 * ap_wait() returns. Payloads are not copied on transmit (zero copy): the link reads them in
 * place, which is why even BE completions wait until the link has finished with them.
 *
 * ## Collectives
 * Every rank calls them in the same order. They use an internal port opened by ap_init, tag every
 * message with a per-call epoch, and work for any number of nodes in ~log2(nodes) rounds:
 * barrier (dissemination), broadcast (binomial tree), reduce (binomial tree), allreduce
 * (recursive doubling with the non-power-of-two fold), gather (binomial tree), allgather (Bruck).
 * From 16 KiB on (net/ap_coll.h, AP_COLL_LARGE) the bandwidth-bound forms take over
 * (net/ap_coll_large.c): allreduce by reduce-scatter + allgather (Rabenseifner), broadcast by
 * scatter + ring allgather, allgather by ring, gather directly to the root one source at a
 * time. A message longer than the small per-source eager buffer is sent only after its
 * receiver's clear-to-send, so nothing is refused and nothing waits for a retransmission.
 * They return 0, or a negative code when a peer died or nothing arrived for coll_timeout_ns.
 * Do not call them from handlers (every rank must enter them in the same order).
 */
#ifndef PORTO_NET_AP_H
#define PORTO_NET_AP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/link.h"

#define AP_MAX_PORTS 64          /* user ports 0..63 */
#define AP_MAX_MSG   0xFFFFFFFFu /* bytes in one message (the wire's 32-bit length) */
#define AP_REQ_IOV   16          /* pieces in one vectored send */
#define AP_ALL       (-1)        /* destination: every other rank (broadcast) */
#define AP_FOREVER   UINT64_MAX  /* timeout: none */

/* Error codes, returned negated. ap_strerror() names them. */
enum ap_err {
    AP_OK = 0,
    AP_PENDING = 1,   /* ap_test(): not complete yet (returned positive) */
    AP_EINVAL = 2,    /* bad argument: rank, port, flags, iov count, size */
    AP_ENOMEM = 3,    /* allocation failed in ap_init / ap_port_open */
    AP_EBUSY = 4,     /* port in use / message being assembled into the buffer being replaced */
    AP_EPEER = 5,     /* the peer was declared dead (silent for giveup_ns) */
    AP_ETIMEDOUT = 6, /* a wait's timeout passed */
    AP_ECLOSED = 7,   /* port not open */
    AP_EMSGSIZE = 8,  /* message longer than AP_MAX_MSG, offset + length past 2^32, or (FC
                         unicast) past the receiver's buffer or slot */
};
const char *ap_strerror(int err); /* accepts err or -err */

/* Drop reasons, counted per node in ap_stats.drop[]. */
enum ap_drop {
    AP_DROP_NOT_PORTO, /* another EtherType */
    AP_DROP_TRUNCATED, /* shorter than its headers + frag_len */
    AP_DROP_VERSION,   /* unknown header version */
    AP_DROP_CRC,       /* CRC32C mismatch */
    AP_DROP_NO_CRC,    /* the job requires CRC and the frame has none */
    AP_DROP_JOB,       /* another job's frame */
    AP_DROP_SRC,       /* source rank >= nodes, or our own rank */
    AP_DROP_DST,       /* addressed to another rank */
    AP_DROP_TYPE,      /* unknown engine frame type */
    AP_DROP_FOREIGN,   /* job-layer frame (type >= 0x80) and no callback registered */
    AP_DROP_PORT,      /* port number out of range, or port closed */
    AP_DROP_BOUNDS,    /* base + length past the port's buffer or slot */
    AP_DROP_FRAG,      /* inconsistent fragment: offset/length/flags/sequence disagree */
    AP_DROP_NOT_READY, /* port disarmed or busy (BE: dropped; FC: refused, resent later) */
    AP_DROP_DUP,       /* FC frame already received */
    AP_DROP_OOO,       /* FC frame past the expected one that could not be held (resent) */
    AP_DROP_STALE,     /* BE message older than one already delivered or aborted */
    AP_DROP_BE_GAP,    /* BE fragment after a lost one: the message is aborted */
    AP_DROP_ACK,       /* acknowledgement for frames never sent, or with an implausible frame */
    AP_DROP_AUTH,      /* the job has a key and the frame's tag is missing or wrong */
    AP_DROP_ETH_SRC,   /* Ethernet source is not the MAC of the rank the header claims */
    AP_DROP_NOT_FC,    /* best-effort frame for a port that takes only FC (collectives too) */
    AP_DROP_SEQ,       /* BE message sequence far ahead of the last one (not a resync) */
    AP_DROP_DEAD,      /* frame from a peer declared dead */
    AP_DROP_NREASONS
};
const char *ap_drop_name(int reason);

struct ap_stats {
    uint64_t tx_frames, tx_bytes; /* every frame handed to the link (bytes incl. headers) */
    uint64_t rx_frames, rx_bytes; /* every frame received from the link */
    uint64_t tx_msgs, rx_msgs;    /* messages completed (sent / delivered) */
    uint64_t tx_msg_bytes, rx_msg_bytes;
    uint64_t acks_sent, acks_rcvd; /* pure ACK frames */
    uint64_t retransmits;          /* FC frames sent again */
    uint64_t timeouts;             /* retransmission timer expiries */
    uint64_t fast_retransmits;     /* resends triggered by duplicate ACKs or a SACK map */
    uint64_t rnr_sent, rnr_rcvd;   /* "receiver not ready" refusals */
    uint64_t be_aborted;           /* BE messages abandoned half-way (loss, preemption) */
    uint64_t link_busy;            /* link send() refused a frame (ring full) */
    uint64_t peers_dead;           /* peers declared dead */
    uint64_t foreign_frames;       /* job-layer frames handed to the callback */
    uint64_t sack_held;            /* FC frames held past a gap instead of dropped */
    uint64_t sack_skipped;         /* resends saved: the receiver reported the frame held */
    uint64_t be_loss_reports;      /* receivers said a BE message of ours was lost on the way */
    uint64_t be_paced;             /* BE frames held back by pacing (per attempt) */
    uint64_t be_pace_cuts;         /* loss reports that set or lowered our BE pacing rate */
    uint64_t drop[AP_DROP_NREASONS];
};

/* Called with each complete message; `data` points into the port's buffer (slot). */
struct ap;
typedef void (*ap_handler_fn)(struct ap *ap, int src, int port, void *data, size_t len, void *arg);
/* Job-layer frames (type >= 0x80), the whole Ethernet frame; valid during the call only. */
typedef void (*ap_foreign_fn)(void *arg, const void *frame, size_t len);

enum ap_port_flags {
    AP_PORT_ONESHOT = 1, /* disarm after each delivery (per slot with AP_PORT_SLOTS) */
    AP_PORT_SLOTS = 2,   /* buffer split into `nodes` slots, slot s receives from rank s */
    AP_PORT_FC_ONLY = 4, /* best-effort frames are dropped (AP_DROP_NOT_FC): only the
                            sequenced, acknowledged FC streams reach the port */
    AP_PORT_LAZYACK = 8, /* handler deliveries' ACK waits for piggybacking like handler-less
                            ones (the answer comes after the handler, e.g. an MPI library's
                            next send): the app must keep polling or call ap_flush */
};

enum ap_type { AP_INT32, AP_INT64, AP_DOUBLE };
enum ap_op { AP_SUM, AP_MIN, AP_MAX };

struct ap_iov {
    const void *base;
    size_t len;
};

struct ap_config {
    unsigned nodes;           /* ranks in the job, 1..AP_WIRE_MAX_NODES */
    unsigned rank;            /* this node */
    uint32_t job_id;          /* frames of other jobs are dropped */
    const uint8_t (*macs)[6]; /* MAC of every rank, nodes entries (copied) */
    struct link *link;        /* this node's link (its mtu bounds the fragment size) */
    uint64_t (*now_ns)(void); /* monotonic clock */
    /* Optional: called by blocking calls whenever a poll pass made no progress (host tests
     * yield the CPU here; the job layer plugs in the kernel's idle policy; NULL spins). */
    void (*idle)(void *arg);
    void *idle_arg;
    bool crc; /* send CRC32C on every frame, and require it on receive */
    /* Optional: 16-byte SipHash-2-4 key (copied). Every frame then carries an 8-byte tag
     * over its header and payload, and frames without a valid tag are dropped before they
     * change anything (AP_DROP_AUTH). Integrity too: crc is then not used. */
    const uint8_t *key;
    /* Seed of the initial sequence numbers of every stream (each pair of ranks and stream
     * gets its own, derived with SipHash): every rank of a job must pass the same seed, and
     * a new one per run, so that frames of another run or blind guesses miss the window. */
    uint64_t seq_seed;
    unsigned window;          /* FC window in frames, rounded up to a power of two; 0 = 64;
                                 at most 4096 */
    unsigned ack_every;       /* ACK after this many FC frames; 0 = window / 4 */
    unsigned mtu;             /* 0 = link->mtu; else min(mtu, link->mtu); >= 64 + header */
    uint64_t rto_init_ns;     /* first retransmission timeout; 0 = 20 ms */
    uint64_t rto_min_ns;      /* adaptive RTO floor; 0 = 2 ms */
    uint64_t rto_max_ns;      /* backoff ceiling; 0 = 1 s */
    uint64_t giveup_ns;       /* declare a silent peer dead; 0 = 10 s */
    uint64_t stall_ns;        /* declare a peer dead that took none of our FC frames for
                                 this long, even while it says "not ready"; 0 = 6 x giveup */
    uint64_t coll_timeout_ns; /* a collective gives up waiting for a peer; 0 = 60 s */
    /* Ranks per machine when they come in blocks (machine K holds ranks K*node_ranks ..
     * K*node_ranks + node_ranks - 1, talking among themselves through shared memory; smp/):
     * the barrier then meets inside each machine first and crosses the network between the
     * machines' first ranks only. 0 or 1: every rank is its own machine. */
    unsigned node_ranks;
};

/* A non-blocking send. Caller-owned; fields are the engine's: do not touch until complete. */
struct ap_req {
    struct ap_req *next;
    int status; /* AP_PENDING while in flight, then 0 or -AP_E* */
    int result; /* final status while the link still reads the payload */
    uint8_t kind, phase, niov, drain, started;
    uint8_t refused; /* the receiver dropped it (past its buffer): completes -AP_EMSGSIZE */
    uint16_t dst, port;
    uint32_t msg_seq, msg_len, base;
    uint32_t sent;     /* payload bytes already handed to the link once */
    uint32_t last_seq; /* FC: sequence number of its last frame */
    unsigned cur_iov;  /* fragmentation cursor: piece and offset inside it */
    size_t cur_off;
    struct ap_iov iov[AP_REQ_IOV];
};

#include "net/ap_state.h" /* struct ap itself: the engine's private state */

/* Set up an engine: 0, or -AP_EINVAL / -AP_ENOMEM with the reason in ap_error(ap). */
int ap_init(struct ap *ap, const struct ap_config *cfg);
/* Why the last ap_init or collective failed ("" if nothing failed). */
const char *ap_error(const struct ap *ap);
void ap_fini(struct ap *ap); /* free everything ap_init / ap_port_open allocated */

/* Progress: receive, run handlers, (re)transmit, acknowledge. Returns frames handled. */
int ap_poll(struct ap *ap);
/* Send every ACK still held back for piggybacking (a message taken with ap_port_wait is
 * acknowledged one poll later, so that an answer can carry the ACK). Call it before the node
 * stops calling the engine for good, e.g. right before halting. */
void ap_flush(struct ap *ap);
/* Hand one received frame to the engine (what ap_poll does for each frame the link gives;
 * for a job layer that polls the link itself, and for the fuzzer). */
void ap_input(struct ap *ap, const void *frame, size_t len);
void ap_set_foreign(struct ap *ap, ap_foreign_fn fn, void *arg);

int ap_rank(const struct ap *ap);
int ap_nodes(const struct ap *ap);
bool ap_peer_alive(const struct ap *ap, int rank);
/* true when no FC frame or request is outstanding (nothing left that needs the peers). */
bool ap_quiescent(const struct ap *ap);
/* A counter that moves whenever a frame is received or sent: an idle hook compares it with
 * its last value to tell a quiet spell from a busy one. */
uint64_t ap_activity(const struct ap *ap);

/* Ports. `buf` may be NULL with size 0 (only 0-byte messages fit). */
int ap_port_open(struct ap *ap, int port, void *buf, size_t size, ap_handler_fn handler, void *arg,
                 unsigned flags);
int ap_port_close(struct ap *ap, int port);
/* Re-arm a port (every slot). buf == NULL (size 0) keeps the buffer; a new buffer is refused
 * with -AP_EBUSY while a message is being assembled into the old one. */
int ap_port_post(struct ap *ap, int port, void *buf, size_t size);
/* Re-arm only the slot of rank `slot` (AP_PORT_SLOTS | AP_PORT_ONESHOT ports), e.g. from the
 * handler that just consumed it, leaving the other slots' pending messages alone. */
int ap_port_post_slot(struct ap *ap, int port, int slot);
/* Wait for a delivery not yet waited for (each delivery is waited for once); the latest
 * delivery's source and length go to *src / *len (either may be NULL). */
int ap_port_wait(struct ap *ap, int port, uint64_t timeout_ns, int *src, size_t *len);
uint64_t ap_port_deliveries(const struct ap *ap, int port);

/* Blocking sends: BE returns when the link is done with the buffer, FC when every receiver
 * has the whole message in its buffer. */
int ap_send_be(struct ap *ap, int dst, int port, const void *buf, size_t len);
int ap_send_fc(struct ap *ap, int dst, int port, const void *buf, size_t len);
int ap_put_be(struct ap *ap, int dst, int port, size_t off, const void *buf, size_t len);
int ap_put_fc(struct ap *ap, int dst, int port, size_t off, const void *buf, size_t len);
int ap_sendv_be(struct ap *ap, int dst, int port, size_t off, const struct ap_iov *iov,
                unsigned niov);
int ap_sendv_fc(struct ap *ap, int dst, int port, size_t off, const struct ap_iov *iov,
                unsigned niov);
int ap_bcast_be(struct ap *ap, int port, const void *buf, size_t len);
int ap_bcast_fc(struct ap *ap, int port, const void *buf, size_t len);

/* Non-blocking sends: 0 (req started; complete it with ap_test/ap_wait) or -AP_E* (req not
 * started). */
int ap_isend_be(struct ap *ap, struct ap_req *req, int dst, int port, const void *buf, size_t len);
int ap_isend_fc(struct ap *ap, struct ap_req *req, int dst, int port, const void *buf, size_t len);
int ap_iput_be(struct ap *ap, struct ap_req *req, int dst, int port, size_t off, const void *buf,
               size_t len);
int ap_iput_fc(struct ap *ap, struct ap_req *req, int dst, int port, size_t off, const void *buf,
               size_t len);
int ap_isendv_be(struct ap *ap, struct ap_req *req, int dst, int port, size_t off,
                 const struct ap_iov *iov, unsigned niov);
int ap_isendv_fc(struct ap *ap, struct ap_req *req, int dst, int port, size_t off,
                 const struct ap_iov *iov, unsigned niov);
/* AP_PENDING (positive) while in flight, then 0 or -AP_E*. Polls once. */
int ap_test(struct ap *ap, struct ap_req *req);
int ap_wait(struct ap *ap, struct ap_req *req);

/* Collectives (net/ap_coll.c). Buffers: `count` elements of `type`; gather blocks of `blk`
 * bytes, rank r's block at r * blk in recvbuf (nodes * blk bytes; significant at root only
 * for ap_gather). sendbuf may equal recvbuf for allreduce and reduce. */
int ap_barrier(struct ap *ap);
int ap_coll_bcast(struct ap *ap, int root, void *buf, size_t len);
int ap_reduce(struct ap *ap, int root, const void *sendbuf, void *recvbuf, size_t count,
              enum ap_type type, enum ap_op op);
int ap_allreduce(struct ap *ap, const void *sendbuf, void *recvbuf, size_t count, enum ap_type type,
                 enum ap_op op);
int ap_gather(struct ap *ap, int root, const void *sendbuf, size_t blk, void *recvbuf);
int ap_allgather(struct ap *ap, const void *sendbuf, size_t blk, void *recvbuf);

/* Counters. ap_stats_format writes one "name value" summary (snprintf semantics);
 * ap_stats_print sends it line by line to `print` (e.g. a console write). */
void ap_stats(const struct ap *ap, struct ap_stats *out);
int ap_stats_format(const struct ap_stats *s, char *buf, size_t size);
void ap_stats_print(const struct ap *ap, void (*print)(void *arg, const char *line), void *arg);

#endif
