/*
 * apps/linktest/linktest.h — linktest's state, shared by the exchange (main.c) and the
 * result tables (report.c). Run: scripts/porto-run -n 4 build/linktest.elf
 * (tests/qemu/30-linktest.sh).
 */
#ifndef LINKTEST_H
#define LINKTEST_H

#include <stdbool.h>
#include <stdint.h>

#include "common/frames.h"

#define LT_MAX_SIZES  20
#define LT_MAX_REPS   64
#define LT_MAX_STREAM (LT_MAX_SIZES * LT_MAX_REPS)

enum lt_phase { PH_HELLO, PH_DATA, PH_DONE };

struct lt_peer {
    /* Frames this node received from the peer. */
    uint8_t got_uni[LT_MAX_STREAM], got_bc[LT_MAX_STREAM];
    unsigned uni, bc, corrupt, dup;
    uint32_t uni_high, bc_high; /* highest seq + 1: what ACKs report */
    unsigned unacked;           /* frames since our last ACK to the peer */
    bool ack_asked;             /* the peer sent a PROBE */
    uint64_t last_ack_sent_ns;
    /* Frames this node sends to the peer. */
    uint32_t uni_next, uni_acked, bc_acked;
    uint64_t last_ack_rx_ns, last_probe_ns;
    /* Start and end handshakes. */
    bool hello_seen, done_seen;
    uint64_t hello_mask, done_mask;
    struct lt_result results[LT_MAX_NODES]; /* its DONE: what it got from each node */
};

struct lt_state {
    struct nic *nic;
    int rank, nodes;
    uint8_t mac[6];
    uint64_t full_mask;
    unsigned sizes[LT_MAX_SIZES], nsizes, reps, window;
    uint32_t stream_len; /* frames per (src, dst) stream and per broadcast stream */
    uint32_t bc_next;
    enum lt_phase phase;
    bool hello_reply, done_reply;
    uint64_t now, last_progress_ns;
    uint64_t t_start, t_data, t_done; /* phase starts */
    unsigned long other_frames, engine_frames, bad_headers, data_sent;
    uint64_t data_bytes_sent;
    struct lt_peer peers[LT_MAX_NODES];
};

/* Frame size of DATA frame `seq` (every size in turn, `reps` times). */
static inline unsigned lt_size_of(const struct lt_state *t, uint32_t seq)
{
    return t->sizes[seq % t->nsizes];
}

/* Print this node's table (and, on rank 0, the whole cluster's); returns the exit code:
 * 0 when nothing was lost or corrupted, 1 otherwise. */
int lt_report(const struct lt_state *t);

#endif
