/*
 * apps/pingpong/pingpong.h — shared declarations of the ping-pong benchmark (2 ranks; rank 0
 * measures, rank 1 serves). main.c parses the options and runs the phases; engine.c is the
 * Active Port ping-pong (best effort and flow controlled), stream.c the one-way transmission
 * throughput, raw.c the same measurements straight through the NIC (Porto's floor), server.c
 * rank 1's side of all of them, run.c interleaves the transports size by size, measure.c
 * measures one size, report.c prints the tables and RESULT lines.
 *   scripts/porto-run -n 2 build/pingpong.elf --kargs mtu=9000 -- all
 */
#ifndef PORTO_PINGPONG_H
#define PORTO_PINGPONG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/bench_stats.h"
#include "net/ap.h"

/* Ports of the app (the job layer keeps 62 and 63). */
enum {
    PP_PORT_FC = 2,     /* flow-controlled ping-pong */
    PP_PORT_STREAM = 3, /* one-way streams */
    PP_PORT_CTL = 4,    /* commands from rank 0 to rank 1 and their answers (FC) */
    PP_PORT_BE = 8,     /* best-effort ping-pong: PP_BE_PORTS ports from here, one per */
    PP_BE_PORTS = 8,    /* round trip in turn, so that a late echo of a given-up round */
};                      /* trip lands on another port and is never taken for an answer */

#define PP_MAX_SIZES          40
#define PP_RELIABLE_TIMEOUT_S 30 /* an FC round trip is an error after this long */

/* What to run and how much, from argv (the same on both ranks: the job shares rank 0's). */
struct pp_opts {
    bool run_be, run_fc, run_stream, run_raw;
    size_t max_size;            /* largest ping-pong message */
    size_t samples;             /* round trips per size for median/min/p99 */
    uint64_t budget;            /* bytes per direction that bound the samples of a large size */
    size_t min_samples;         /* ... but never fewer than this */
    size_t gamma_runs;          /* GAMMA's figure: best of gamma_runs runs, */
    size_t gamma_len;           /* each the average of gamma_len round trips */
    size_t warmup;              /* untimed round trips before each size */
    uint64_t warmup_ms;         /* and this long of them before the first size */
    size_t stream_msg;          /* transmission throughput: message size */
    uint64_t stream_bytes;      /* ... and total bytes */
    unsigned stream_depth;      /* non-blocking sends in flight */
    uint64_t timeout_us;        /* BE/raw round trip given up (counted as lost) after this, plus */
    uint64_t timeout_us_per_mb; /* this much per MB of message */
    bool verify;                /* compare every echo's payload with what was sent */
    unsigned blocks;            /* a size's samples in this many blocks, transports in turn */
};

int pp_parse_opts(int argc, char **argv, struct pp_opts *o);
void pp_print_opts(const struct pp_opts *o);
void pp_print_usage(void);

/* Commands on PP_PORT_CTL: 24 bytes, little-endian like everything else. */
enum pp_cmd {
    PP_CMD_STREAM_BEGIN = 1, /* a stream of `a` messages of `b` bytes follows */
    PP_CMD_STREAM_END,       /* the sender is done: report what arrived */
    PP_CMD_STREAM_REPORT,    /* rank 1's answer: a = messages delivered, b = bytes */
    PP_CMD_RAW,              /* enter raw mode; mac = rank 0's MAC */
    PP_CMD_RAW_MAC,          /* rank 1's answer: mac = its MAC */
    PP_CMD_DONE,             /* rank 1 stops serving */
    PP_CMD_CHECKS,           /* rank 1's answer to DONE: a = payloads checked, b = mismatched */
};
struct pp_msg {
    uint32_t cmd;
    uint8_t mac[6];
    uint16_t pad;
    uint64_t a, b;
};

/* One node's working set. */
struct pp_ctx {
    struct ap *ap;
    int rank;
    uint64_t hz;            /* TSC ticks per second */
    const char *hz_source;  /* "kernel" (its calibration) or "tsc_khz" (given) */
    uint8_t *tx;            /* max_size bytes of a known pattern (both ranks fill it alike) */
    uint8_t *rx_be, *rx_fc; /* landing buffers of the two ping-pong ports */
    uint8_t *rx_raw;        /* where raw echoes are reassembled */
    uint8_t *rx_stream;
    size_t rx_cap;                /* bytes of tx, rx_be and rx_fc */
    size_t stream_cap;            /* bytes of rx_stream */
    unsigned be_turn;             /* round trips so far: picks the BE port */
    uint64_t taken[AP_MAX_PORTS]; /* deliveries rank 0 took per port (engine.c) */
    size_t ticks_cap;             /* samples per size at most (each transport has its own buffer) */
    uint8_t nic_mac[6];
    struct pp_msg ctl_in; /* PP_PORT_CTL's buffer */
    uint64_t checked;     /* payloads received and compared with tx (every ping-pong message) */
    uint64_t mismatched;  /* ... of which differed */
};

/* Compare `len` received bytes with the pattern in c->tx (both ranks fill tx alike, and every
 * ping and echo is a prefix of it); counts in c->checked and c->mismatched. Returns true when
 * they match. Called outside the timed part of every round trip, on both ranks. */
bool pp_check_payload(struct pp_ctx *c, const uint8_t *rx, size_t len);

int pp_ctl_send(struct pp_ctx *c, const struct pp_msg *m);
int pp_ctl_wait(struct pp_ctx *c, uint32_t cmd, uint64_t timeout_ns, struct pp_msg *out);
/* Poll until no FC frame or request is outstanding (at most 2 s). */
void pp_settle(struct ap *ap);

/* Deadline of a round trip of `size` bytes each way, in TSC ticks. */
uint64_t pp_timeout_ticks(const struct pp_ctx *c, const struct pp_opts *o, size_t size);

/* One measured size of one implementation. */
struct pp_point {
    size_t size;
    struct bench_summary s; /* half round trips */
    double gamma_us;        /* best of gamma_runs averages; 0 when every run lost a message */
    size_t lost;            /* round trips given up (BE, raw) */
    size_t mismatched;      /* echoes whose payload differed from what was sent */
};

/* A way to do one round trip: the engine (BE or FC) or the raw NIC. */
enum { PP_RT_LOST = 0, PP_RT_OK = 1 };
struct pp_transport {
    const char *impl; /* "porto-be", "porto-fc", "porto-raw" */
    bool reliable;    /* a lost round trip is an error, not a count */
    uint8_t *rx;      /* where the echo lands (compared with tx when verifying) */
    /* Send `size` bytes and wait for the echo: PP_RT_OK with *ticks, PP_RT_LOST after
     * `timeout` ticks, or a negative AP code. Late echoes of given-up round trips are skipped
     * and counted in *stale. */
    int (*round_trip)(struct pp_ctx *c, size_t size, uint64_t timeout, uint64_t *ticks,
                      size_t *stale);
    /* After a loss: swallow echoes that may still come within `timeout`. */
    void (*drain)(struct pp_ctx *c, uint64_t timeout, size_t *stale);
    /* Optional: enter and leave this transport's mode around each size (raw mode). */
    int (*begin)(struct pp_ctx *c);
    void (*end)(struct pp_ctx *c);
};

/* One size on one transport, built up block by block (measure.c). */
struct pp_size_run {
    size_t size;
    size_t n, got;   /* samples wanted, taken */
    uint64_t *ticks; /* the transport's own sample buffer, `cap` entries */
    size_t cap;
    size_t gamma_done, gamma_retries;
    double gamma_best;
    struct pp_point *pt;
};

/* measure.c: `warmup_ms` of untimed 0-byte round trips (before a transport's first size);
 * then per size: begin (warm-up round trips), blocks of samples, GAMMA runs (every echo's
 * payload checked), end (summary). All return 0 or a negative AP code. */
int pp_warm(struct pp_ctx *c, const struct pp_opts *o, const struct pp_transport *t, size_t *stale);
int pp_size_begin(struct pp_ctx *c, const struct pp_opts *o, const struct pp_transport *t,
                  struct pp_size_run *run, size_t *stale);
int pp_size_block(struct pp_ctx *c, const struct pp_opts *o, const struct pp_transport *t,
                  struct pp_size_run *run, size_t count, size_t *stale);
int pp_size_gamma(struct pp_ctx *c, const struct pp_opts *o, const struct pp_transport *t,
                  struct pp_size_run *run, size_t *stale);
void pp_size_end(struct pp_ctx *c, struct pp_size_run *run);

/* run.c: rank 0's ping-pong over every enabled transport, interleaved: for each size, each
 * block of samples runs on raw, BE and FC in turn, so that all see the same host load. */
int pp_pingpong(struct pp_ctx *c, const struct pp_opts *o);

/* report.c: RESULT line of one size; the human table and derived metrics of a transport;
 * a stream's result; engine counters (a delta of two ap_stats). */
void pp_report_point(const char *impl, const struct pp_opts *o, const struct pp_point *p);
void pp_report_table(const char *impl, const struct pp_point *pts, size_t n);
void pp_report_stream(const char *impl, size_t msg, uint64_t count, uint64_t delivered,
                      uint64_t ticks, uint64_t report_ticks, uint64_t hz, uint64_t frames);
void pp_stats_accumulate(struct ap_stats *acc, const struct ap_stats *before,
                         const struct ap_stats *after);
void pp_report_engine_stats(const char *impl, const struct ap_stats *delta);

/* engine.c: the engine's BE and FC transports. */
const struct pp_transport *pp_engine_transport(struct pp_ctx *c, bool fc);
/* stream.c: rank 0's one-way engine streams (FC, or BE with a count check). */
int pp_stream(struct pp_ctx *c, const struct pp_opts *o, bool fc);
/* raw.c: the raw transport, the raw stream (enters and leaves raw mode itself), its frame
 * counters; rank 1's raw server. */
const struct pp_transport *pp_raw_transport(struct pp_ctx *c);
int pp_raw_stream(struct pp_ctx *c, const struct pp_opts *o);
void pp_raw_report_counters(void);
int pp_raw_server(struct pp_ctx *c, const struct pp_opts *o, const uint8_t peer_mac[6]);
/* server.c: rank 1 answers everything rank 0 asks until PP_CMD_DONE. */
int pp_serve(struct pp_ctx *c, const struct pp_opts *o);

#endif
