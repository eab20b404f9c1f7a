/*
 * bench/profile/ap_profile.c — where the Active Port engine's time goes, on the host: two
 * engines (net/ap*.c, host build) joined by an instant in-memory link that counts frames and
 * doorbells (a doorbell = a flush with frames queued, i.e. one TDT write on the e1000, the
 * costly step under QEMU), in one thread. For BE and FC ping-pong and a raw baseline (the same
 * frames through the link with no engine) it prints per round trip: frames, doorbells, pure
 * ACKs, and host nanoseconds of CPU (both sides together: the engine's own software cost,
 * without any device). Run it under callgrind for instruction counts.
 *   make build/bench/ap_profile && build/bench/ap_profile [round_trips]
 *   valgrind --tool=callgrind build/bench/ap_profile 20000 fc    (0-byte FC only)
 *   build/bench/ap_profile 20000 key   (what the SipHash key costs: 0-byte FC round trips and
 *                                       an FC stream of 9000-byte frames, key off vs on)
 * Findings are in bench/README.md ("Profile").
 */
#include "net/ap.h"
#include "net/crc32c.h"
#include "net/siphash.h"
#include "net/wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define QSLOTS    1024
#define FRAME_MAX 9100
#define MTU       9000

/* One direction's frame queue plus the sender's counters. Frames become visible to the
 * receiver at the sender's flush, as on the e1000 (the TDT write sends them). */
struct qlink {
    struct link link;
    struct qlink *peer;
    uint8_t (*q)[FRAME_MAX]; /* incoming frames */
    size_t qlen[QSLOTS];
    unsigned head, tail, visible;
    unsigned unflushed;
    uint64_t frames, doorbells;
};

static int q_send(void *ctx, const struct link_iov *iov, unsigned niov)
{
    struct qlink *me = ctx, *to = me->peer;
    if (to->tail - to->head >= QSLOTS) return -1;
    uint8_t *f = to->q[to->tail % QSLOTS];
    size_t len = 0;
    for (unsigned k = 0; k < niov; k++) {
        if (len + iov[k].len > FRAME_MAX) return -1;
        memcpy(f + len, iov[k].base, iov[k].len);
        len += iov[k].len;
    }
    if (len < 60) { /* Ethernet minimum, as the NIC pads */
        memset(f + len, 0, 60 - len);
        len = 60;
    }
    to->qlen[to->tail % QSLOTS] = len;
    to->tail++;
    me->frames++;
    me->unflushed++;
    return 0;
}

static void q_flush(void *ctx)
{
    struct qlink *me = ctx;
    if (!me->unflushed) return;
    me->doorbells++;
    me->unflushed = 0;
    me->peer->visible = me->peer->tail;
}

static int q_poll(void *ctx, link_rx_fn fn, void *arg, unsigned budget)
{
    struct qlink *me = ctx;
    int n = 0;
    while (me->head != me->visible && (unsigned)n < budget) {
        unsigned slot = me->head % QSLOTS;
        fn(arg, me->q[slot], me->qlen[slot]);
        me->head++;
        n++;
    }
    return n;
}

static unsigned q_pending(void *ctx)
{
    (void)ctx;
    return 0; /* frames are copied at send */
}

static uint64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static const uint8_t macs[2][6] = {{2, 0, 0, 0, 0, 1}, {2, 0, 0, 0, 0, 2}};
static struct qlink links[2];
static struct ap eng[2];
static const uint8_t *bench_key; /* NULL: frames not authenticated */

static void setup(void)
{
    for (int i = 0; i < 2; i++) {
        struct qlink *l = &links[i];
        free(l->q);
        memset(l, 0, sizeof *l);
        l->q = malloc(sizeof(*l->q) * QSLOTS);
        if (!l->q) {
            fprintf(stderr, "ap_profile: out of memory\n");
            exit(1);
        }
        l->peer = &links[1 - i];
        l->link = (struct link){.ctx = l,
                                .mtu = MTU,
                                .send = q_send,
                                .flush = q_flush,
                                .poll = q_poll,
                                .pending = q_pending};
        memcpy(l->link.mac, macs[i], 6);
    }
    for (int i = 0; i < 2; i++) {
        struct ap_config cfg = {.nodes = 2,
                                .rank = (unsigned)i,
                                .job_id = 7,
                                .macs = macs,
                                .link = &links[i].link,
                                .now_ns = now_ns,
                                .key = bench_key};
        if (ap_init(&eng[i], &cfg) < 0) {
            fprintf(stderr, "ap_profile: ap_init: %s\n", ap_error(&eng[i]));
            exit(1);
        }
    }
}

static void teardown(void)
{
    ap_fini(&eng[0]);
    ap_fini(&eng[1]);
}

enum { PORT = 1 };
static uint8_t bufs[2][65536], payload[65536];

/* Round trips of `size` bytes, rank 0 -> rank 1 -> rank 0, with non-blocking sends and both
 * engines polled in turn (one thread). Returns 0, or -1 if one stalls. */
static int pingpong(bool fc, size_t size, long rounds)
{
    for (int i = 0; i < 2; i++)
        if (ap_port_open(&eng[i], PORT, bufs[i], sizeof bufs[i], NULL, NULL, 0) < 0) return -1;
    struct ap_req req[2];
    bool busy[2] = {false, false};
    for (long r = 0; r < rounds; r++) {
        int rc = fc ? ap_isend_fc(&eng[0], &req[0], 1, PORT, payload, size)
                    : ap_isend_be(&eng[0], &req[0], 1, PORT, payload, size);
        if (rc < 0) return -1;
        busy[0] = true;
        bool echoed = false, back = false;
        for (long spin = 0; !back; spin++) {
            if (spin > 1000000) return -1;
            ap_poll(&eng[1]);
            if (!echoed && ap_port_wait(&eng[1], PORT, 0, NULL, NULL) == 0) {
                while (busy[1] && (rc = ap_test(&eng[1], &req[1])) > 0)
                    ap_poll(&eng[0]);
                if (rc < 0) return -1;
                rc = fc ? ap_isend_fc(&eng[1], &req[1], 0, PORT, payload, size)
                        : ap_isend_be(&eng[1], &req[1], 0, PORT, payload, size);
                if (rc < 0) return -1;
                busy[1] = echoed = true;
            }
            ap_poll(&eng[0]);
            back = echoed && ap_port_wait(&eng[0], PORT, 0, NULL, NULL) == 0;
        }
        if (ap_test(&eng[0], &req[0]) > 0) { /* FC: the ACK may still be on its way */
            for (long spin = 0; ap_test(&eng[0], &req[0]) > 0; spin++) {
                ap_poll(&eng[1]);
                if (spin > 1000000) return -1;
            }
        }
    }
    for (int i = 0; i < 2; i++) {
        while (!ap_quiescent(&eng[i])) {
            ap_poll(&eng[0]);
            ap_poll(&eng[1]);
        }
        ap_port_close(&eng[i], PORT);
    }
    return 0;
}

/* The raw floor: the same two frames per round trip through the same link, no engine. */
static uint8_t raw_rx[65536];
static size_t raw_got;
static void raw_in(void *arg, const void *frame, size_t len)
{
    (void)arg;
    size_t n = len - AP_ETH_HLEN < sizeof raw_rx ? len - AP_ETH_HLEN : sizeof raw_rx;
    memcpy(raw_rx, (const uint8_t *)frame + AP_ETH_HLEN, n);
    raw_got++;
}

static void raw_pingpong(size_t size, long rounds)
{
    uint8_t eth[AP_ETH_HLEN];
    ap_eth_write(eth, macs[1], macs[0]);
    for (long r = 0; r < rounds; r++) {
        for (int side = 0; side < 2; side++) {
            size_t off = 0;
            do {
                size_t n = size - off < MTU ? size - off : MTU;
                struct link_iov iov[2] = {{eth, sizeof eth}, {payload + off, n}};
                q_send(&links[side], iov, n ? 2 : 1);
                off += n;
            } while (off < size);
            q_flush(&links[side]);
            raw_got = 0;
            q_poll(&links[1 - side], raw_in, NULL, QSLOTS);
        }
    }
}

static void report(const char *what, size_t size, long rounds, uint64_t ns, bool engine)
{
    uint64_t frames = links[0].frames + links[1].frames;
    uint64_t bells = links[0].doorbells + links[1].doorbells;
    struct ap_stats a = {0}, b = {0};
    if (engine) {
        ap_stats(&eng[0], &a);
        ap_stats(&eng[1], &b);
    }
    printf("profile %-4s size=%-6zu frames_per_rt=%.2f doorbells_per_rt=%.2f "
           "pure_acks_per_rt=%.2f host_ns_per_rt=%.0f\n",
           what, size, (double)frames / rounds, (double)bells / rounds,
           (double)(a.acks_sent + b.acks_sent) / rounds, (double)ns / rounds);
}

/* An FC stream rank 0 -> rank 1 of `count` messages of `size` bytes (9000-byte frames). */
static int fc_stream(size_t size, long count)
{
    static uint8_t sink[1 << 20];
    if (ap_port_open(&eng[1], PORT, sink, sizeof sink, NULL, NULL, 0) < 0) return -1;
    for (long k = 0; k < count; k++) {
        struct ap_req req;
        if (ap_isend_fc(&eng[0], &req, 1, PORT, bufs[0], size) < 0) return -1;
        for (long spin = 0; ap_test(&eng[0], &req) > 0; spin++) {
            ap_poll(&eng[1]);
            if (spin > 10000000) return -1;
        }
    }
    if (eng[1].st.rx_msg_bytes != (uint64_t)size * (uint64_t)count) {
        fprintf(stderr, "ap_profile: the stream delivered %llu of %llu bytes\n",
                (unsigned long long)eng[1].st.rx_msg_bytes,
                (unsigned long long)size * (unsigned long long)count);
        return -1;
    }
    if (getenv("AP_PROFILE_DEBUG")) {
        char t[2048];
        ap_stats_format(&eng[0].st, t, sizeof t);
        fprintf(stderr, "sender:\n%s", t);
        ap_stats_format(&eng[1].st, t, sizeof t);
        fprintf(stderr, "receiver:\n%s", t);
    }
    ap_port_close(&eng[1], PORT);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Median, min and max of n samples (sorted in place). */
static void summary(const char *what, double *v, int n, double *median)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    *median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    printf("keycost %-28s median %10.1f  min %10.1f  max %10.1f  (%d runs)\n", what, *median, v[0],
           v[n - 1], n);
}

/* Key off and on, interleaved run by run so that both see the same host. */
static int keycost(long rounds)
{
    static const uint8_t key[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    enum { RUNS = 9 };
    double lat[2][RUNS], thr[2][RUNS];
    const size_t msg = 65536; /* 8 frames of 9000 bytes (and a short one) per message */
    const long msgs = rounds / 10 + 10;
    for (int run = 0; run < RUNS; run++)
        for (int keyed = 0; keyed < 2; keyed++) {
            bench_key = keyed ? key : NULL;
            setup();
            uint64_t t0 = now_ns();
            if (pingpong(true, 0, rounds) < 0) return -1;
            lat[keyed][run] = (double)(now_ns() - t0) / rounds;
            teardown();
            setup();
            t0 = now_ns();
            if (fc_stream(msg, msgs) < 0) return -1;
            thr[keyed][run] = (double)msg * msgs / ((double)(now_ns() - t0) / 1e9) / 1e6;
            teardown();
        }
    bench_key = NULL;
    /* Per KB, as the selftest prints it on the nodes. */
    struct sip_key sk;
    sip_key_load(&sk, key);
    uint64_t c0 = now_ns(), sink = 0;
    for (int i = 0; i < 64; i++)
        sink += siphash24(&sk, payload, sizeof payload);
    double sip_ns = (double)(now_ns() - c0) / (64.0 * 64);
    c0 = now_ns();
    for (int i = 0; i < 64; i++)
        sink += crc32c(payload, sizeof payload);
    double crc_ns = (double)(now_ns() - c0) / (64.0 * 64);
    printf("keycost siphash-2-4 %.0f ns/KB, crc32c %.0f ns/KB (%llu)\n", sip_ns, crc_ns,
           (unsigned long long)(sink & 1));
    double l0, l1, t0, t1;
    summary("fc 0 B round trip, no key, ns", lat[0], RUNS, &l0);
    summary("fc 0 B round trip, key, ns", lat[1], RUNS, &l1);
    summary("fc stream 9000 B frames, no key, MB/s", thr[0], RUNS, &t0);
    summary("fc stream 9000 B frames, key, MB/s", thr[1], RUNS, &t1);
    printf("keycost ratio latency key/no-key %.3f (target <= 1.10)\n", l1 / l0);
    printf("keycost ratio throughput key/no-key %.3f (target >= 0.80)\n", t1 / t0);
    return 0;
}

int main(int argc, char **argv)
{
    long rounds = argc > 1 ? atol(argv[1]) : 100000;
    const char *only = argc > 2 ? argv[2] : NULL; /* raw, be or fc: 0-byte only (callgrind) */
    if (rounds < 1 || argc > 3 ||
        (only && strcmp(only, "raw") && strcmp(only, "be") && strcmp(only, "fc") &&
         strcmp(only, "key"))) {
        fprintf(stderr, "usage: ap_profile [round_trips >= 1 [raw|be|fc|key]]\n");
        return 2;
    }
    if (only && !strcmp(only, "key")) return keycost(rounds) < 0 ? 1 : 0;
    if (only) {
        setup();
        uint64_t t0 = now_ns();
        bool engine = strcmp(only, "raw") != 0;
        if (!engine)
            raw_pingpong(0, rounds);
        else if (pingpong(strcmp(only, "fc") == 0, 0, rounds) < 0)
            return 1;
        report(only, 0, rounds, now_ns() - t0, engine);
        teardown();
        return 0;
    }
    const size_t sizes[] = {0, 1024, 65536};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t size = sizes[k];
        long n = size > 4096 ? rounds / 20 + 1 : rounds;
        setup();
        uint64_t t0 = now_ns();
        raw_pingpong(size, n);
        report("raw", size, n, now_ns() - t0, false);
        for (int fc = 0; fc < 2; fc++) {
            teardown();
            setup();
            t0 = now_ns();
            if (pingpong(fc, size, n) < 0) {
                printf("profile %s size=%zu error=stalled\n", fc ? "fc" : "be", size);
                return 1;
            }
            report(fc ? "fc" : "be", size, n, now_ns() - t0, true);
        }
        teardown();
    }
    return 0;
}
