/*
 * apps/linktest — raw Ethernet frames between every pair of nodes, on the bare NIC driver.
 *
 *   scripts/porto-run -n 4 build/linktest.elf [-- reps=N window=N]
 *
 * Every node sends `reps` frames of each of several sizes (60 bytes up to MTU + 14) to every
 * other node and as many broadcasts; each frame says who sent it to whom, its sequence number
 * and where in a fixed pattern its payload comes from, and the receiver checks every byte.
 * Phases: HELLO (broadcast every 100 ms until every node has heard every node: nodes boot at
 * different times), DATA (windowed: at most `window` unacknowledged frames per destination,
 * so no burst overruns a slow receiver or the bridge), DONE (each node broadcasts what it
 * received until it has everyone's DONE, so nobody leaves while others still need it).
 * Prints a per-node table (rank 0 also the whole cluster's) and exits 1 on any loss or
 * corruption, 2 on bad arguments, 3 when peers never showed up. Kernel words: rank=, nodes=
 * (set by porto-run), and the NIC's mtu=, rxring=, txring=, linkwait=.
 *
 * Inside a job (net/job.c formed one at boot: porto_ap() is set) the job's engine shares the
 * NIC. linktest then pauses it around the raw exchange: a barrier and a wait until every
 * engine frame is acknowledged before, engine frames that still arrive handed over with
 * ap_input() during, and a barrier after. Ranks other than 0 hold their messages during the
 * exchange, because the job layer forwards console lines to rank 0 through the engine.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/nic.h"
#include "linktest.h"
#include "net/ap.h"
#include "porto.h"

#define MS               1000000ull
#define HELLO_EVERY_NS   (100 * MS)
#define HELLO_TIMEOUT_NS (90000 * MS)
#define REPLY_GAP_NS     (20 * MS) /* answers to HELLO/DONE are rate-limited to this */
#define ACK_IDLE_NS      (2 * MS)  /* acknowledge leftovers after this long */
#define PROBE_NS         (20 * MS) /* window blocked this long: ask for an ACK */
#define STALL_NS         (10000 * MS)
#define DONE_EVERY_NS    (100 * MS)
#define DONE_TIMEOUT_NS  (30000 * MS)
#define LINGER_NS        (2000 * MS) /* after all DONEs: wait for peers to have them too */
#define BURST            4           /* frames per destination per loop turn */
#define RX_BUDGET        64

#define QUIET_NS         (200 * MS) /* engine polled this long before the raw exchange */
#define PAUSE_TIMEOUT_NS (10000 * MS)
#define HELD_BYTES       4096

static struct lt_state lt;
static struct ap *job; /* the job's engine, NULL when not running as a job */

/* Messages printed during the exchange: held on ranks other than 0 of a job (their console
 * goes to rank 0 through the engine, which is paused), printed afterwards. */
static char held[HELD_BYTES];
static size_t held_len;
static bool holding;

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (holding && held_len < sizeof held) {
        int n = vsnprintf(held + held_len, sizeof held - held_len, fmt, ap);
        if (n > 0)
            held_len += (size_t)n < sizeof held - held_len ? (size_t)n : sizeof held - held_len - 1;
    } else {
        vprintf(fmt, ap);
    }
    va_end(ap);
}

static void release_notes(void)
{
    holding = false;
    if (held_len) printf("%s", held);
    held_len = 0;
}

/* Before the raw exchange: every rank in main, every engine frame delivered and acknowledged
 * (a dissemination barrier's frames have all arrived where they are needed once it returns;
 * polling on lets the acknowledgements out), then the engine stays idle. */
static void engine_pause(struct lt_state *t)
{
    if (!job) return;
    if (ap_barrier(job) < 0)
        printf("linktest: job barrier failed (%s): continuing\n", ap_error(job));
    /* Poll at least QUIET_NS (owed acknowledgements go out, late frames come in) and until
     * nothing of ours is unacknowledged. Frames that keep arriving meanwhile are faster
     * ranks' HELLOs, which the engine drops and which are repeated anyway. */
    uint64_t start = porto_time_ns();
    for (;;) {
        ap_poll(job);
        uint64_t now = porto_time_ns();
        if (ap_quiescent(job) && now - start >= QUIET_NS) break;
        if (now - start > PAUSE_TIMEOUT_NS) {
            printf("linktest: the job's engine still has unacknowledged frames after 10 s: "
                   "continuing\n");
            break;
        }
    }
    holding = t->rank != 0;
}

/* After it: one more barrier so that every rank has left the exchange before the engine (which
 * drops linktest's frames) polls the NIC again on any of them. */
static void engine_resume(bool everyone_done)
{
    if (!job) return;
    if (everyone_done && ap_barrier(job) < 0)
        printf("linktest: job barrier after the exchange failed (%s)\n", ap_error(job));
    release_notes();
}

static const unsigned base_sizes[] = {60,  61,  64,   100,  127,  128,  129,  200,
                                      256, 512, 1000, 1024, 1400, 1500, 4000, 8000};

static uint64_t bit(int rank)
{
    return 1ull << rank;
}

/* ---- sending ---- */

static int send_pieces(struct lt_state *t, const struct nic_iov *iov, unsigned n)
{
    int rc = nic_transmit(t->nic, iov, n);
    if (rc == -NIC_EBUSY) { /* ring full: let the device catch up, then once more */
        nic_flush(t->nic);
        nic_tx_pending(t->nic);
        rc = nic_transmit(t->nic, iov, n);
    }
    return rc;
}

static int send_control(struct lt_state *t, int dst, struct lt_hdr *h, const void *extra,
                        size_t extra_len)
{
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    uint8_t dst_mac[6], head[LT_HDR_LEN];
    if (dst != LT_BCAST) lt_mac_of(dst, dst_mac);
    h->magic = LT_MAGIC;
    h->src = (uint8_t)t->rank;
    h->dst = (uint8_t)dst;
    lt_put_header(head, dst == LT_BCAST ? bcast : dst_mac, t->mac, h);
    struct nic_iov iov[2] = {{head, sizeof head}, {extra, extra_len}};
    return send_pieces(t, iov, extra_len ? 2 : 1);
}

static void send_hello(struct lt_state *t)
{
    uint64_t heard = bit(t->rank);
    for (int p = 0; p < t->nodes; p++)
        if (t->peers[p].hello_seen) heard |= bit(p);
    struct lt_hdr h = {.type = LT_HELLO, .mask = heard};
    send_control(t, LT_BCAST, &h, NULL, 0);
}

static void send_done(struct lt_state *t)
{
    static struct lt_result res[LT_MAX_NODES];
    /* `res` may be larger than NIC_TX_COPY_MAX, so the device reads it in place: rewrite it
     * only once the device has finished with the previous DONE. */
    nic_flush(t->nic);
    uint64_t until = porto_time_ns() + 100 * MS;
    while (nic_tx_pending(t->nic) > 0)
        if (porto_time_ns() > until)
            return; /* the device is still reading the last one: next round */
    uint64_t have = bit(t->rank);
    for (int p = 0; p < t->nodes; p++) {
        const struct lt_peer *q = &t->peers[p];
        res[p] = (struct lt_result){(uint16_t)q->uni, (uint16_t)q->bc, (uint16_t)q->corrupt,
                                    (uint16_t)q->dup};
        if (q->done_seen) have |= bit(p);
    }
    struct lt_hdr h = {.type = LT_DONE, .mask = have};
    send_control(t, LT_BCAST, &h, res, (size_t)t->nodes * sizeof(res[0]));
}

static int send_data(struct lt_state *t, int dst, uint32_t seq)
{
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    uint8_t dst_mac[6], head[LT_HDR_LEN];
    unsigned len = lt_size_of(t, seq);
    struct lt_hdr h = {.magic = LT_MAGIC,
                       .type = LT_DATA,
                       .src = (uint8_t)t->rank,
                       .dst = (uint8_t)dst,
                       .seq = seq,
                       .len = (uint16_t)len,
                       .tape_off = lt_tape_offset(t->rank, dst, seq)};
    if (dst != LT_BCAST) lt_mac_of(dst, dst_mac);
    lt_put_header(head, dst == LT_BCAST ? bcast : dst_mac, t->mac, &h);
    const uint8_t *payload = lt_tape() + h.tape_off;
    size_t plen = len - LT_HDR_LEN;
    /* Odd frames in three pieces (a small copied one in the middle), even ones in two: both
     * the copy and the zero-copy paths of the driver carry data. */
    size_t first = seq % 2 ? (plen < 64 ? plen : 64) : plen;
    struct nic_iov iov[3] = {
        {head, sizeof head}, {payload, first}, {payload + first, plen - first}};
    int rc = send_pieces(t, iov, first < plen ? 3 : 2);
    if (rc == 0) {
        t->data_sent++;
        t->data_bytes_sent += len;
    } else if (rc != -NIC_EBUSY) {
        note("linktest: transmit of a %u-byte frame failed: error %d\n", len, rc);
    }
    return rc;
}

/* ---- receiving ---- */

static void on_data(struct lt_state *t, struct lt_peer *p, const struct lt_hdr *h,
                    const void *frame, size_t len)
{
    bool bc = h->dst == LT_BCAST;
    if (!bc && h->dst != t->rank) {
        t->bad_headers++;
        return;
    }
    if (h->seq >= t->stream_len || !lt_data_intact(frame, len, h, t->mac)) {
        p->corrupt++;
        return;
    }
    uint8_t *got = bc ? p->got_bc : p->got_uni;
    if (got[h->seq]) {
        p->dup++;
        return;
    }
    got[h->seq] = 1;
    if (bc) {
        p->bc++;
        if (h->seq + 1 > p->bc_high) p->bc_high = h->seq + 1;
    } else {
        p->uni++;
        if (h->seq + 1 > p->uni_high) p->uni_high = h->seq + 1;
    }
    p->unacked++;
    t->last_progress_ns = t->now;
}

static void on_frame(void *ctx, const void *frame, size_t len)
{
    struct lt_state *t = ctx;
    struct lt_hdr h;
    if (!lt_get_header(frame, len, &h)) {
        if (job) { /* the job engine's (or anyone's): the engine decides what it is */
            t->engine_frames++;
            ap_input(job, frame, len);
        } else {
            t->other_frames++;
        }
        return;
    }
    if (h.src >= t->nodes || h.src == t->rank) {
        t->bad_headers++;
        return;
    }
    struct lt_peer *p = &t->peers[h.src];
    switch (h.type) {
    case LT_HELLO:
        p->hello_seen = true;
        p->hello_mask = h.mask;
        if (t->phase != PH_HELLO || !(h.mask & bit(t->rank)))
            t->hello_reply = true; /* it has not heard us (or missed our last word) */
        break;
    case LT_ACK:
        if (h.dst != t->rank) break;
        if (h.ack_uni > p->uni_acked || h.ack_bc > p->bc_acked) {
            if (h.ack_uni > p->uni_acked) p->uni_acked = h.ack_uni;
            if (h.ack_bc > p->bc_acked) p->bc_acked = h.ack_bc;
            p->last_ack_rx_ns = t->now;
            t->last_progress_ns = t->now;
        }
        break;
    case LT_PROBE:
        p->ack_asked = true;
        break;
    case LT_DATA:
        on_data(t, p, &h, frame, len);
        break;
    case LT_DONE:
        if (len < (size_t)LT_HDR_LEN + (size_t)t->nodes * sizeof(struct lt_result)) {
            t->bad_headers++;
            break;
        }
        p->done_seen = true;
        p->done_mask = h.mask;
        memcpy(p->results, (const uint8_t *)frame + LT_HDR_LEN,
               (size_t)t->nodes * sizeof(struct lt_result));
        if (t->phase == PH_DONE && !(h.mask & bit(t->rank))) t->done_reply = true;
        break;
    }
}

static void send_acks(struct lt_state *t)
{
    for (int r = 0; r < t->nodes; r++) {
        struct lt_peer *p = &t->peers[r];
        if (r == t->rank) continue;
        bool due = p->ack_asked || p->unacked >= (t->window + 1) / 2 ||
                   (p->unacked > 0 && t->now - p->last_ack_sent_ns > ACK_IDLE_NS);
        if (!due) continue;
        struct lt_hdr h = {.type = LT_ACK, .ack_uni = p->uni_high, .ack_bc = p->bc_high};
        if (send_control(t, r, &h, NULL, 0) == 0) {
            p->unacked = 0;
            p->ack_asked = false;
            p->last_ack_sent_ns = t->now;
        }
    }
}

static void maybe_probe(struct lt_state *t, int r)
{
    struct lt_peer *p = &t->peers[r];
    uint64_t last = p->last_ack_rx_ns > p->last_probe_ns ? p->last_ack_rx_ns : p->last_probe_ns;
    if (t->now - last < PROBE_NS) return;
    struct lt_hdr h = {.type = LT_PROBE};
    send_control(t, r, &h, NULL, 0);
    p->last_probe_ns = t->now;
}

/* ---- the exchange ---- */

static void pump_data(struct lt_state *t)
{
    uint32_t m = t->stream_len;
    for (int k = 1; k < t->nodes; k++) {
        int r = (t->rank + k) % t->nodes;
        struct lt_peer *p = &t->peers[r];
        for (int b = 0; b < BURST && p->uni_next < m && p->uni_next - p->uni_acked < t->window;
             b++) {
            if (send_data(t, r, p->uni_next) != 0) return;
            p->uni_next++;
        }
        if (p->uni_next < m && p->uni_next - p->uni_acked >= t->window) maybe_probe(t, r);
    }
    uint32_t slowest = m;
    for (int r = 0; r < t->nodes; r++)
        if (r != t->rank && t->peers[r].bc_acked < slowest) slowest = t->peers[r].bc_acked;
    for (int b = 0; b < BURST && t->bc_next < m && t->bc_next - slowest < t->window; b++) {
        if (send_data(t, LT_BCAST, t->bc_next) != 0) return;
        t->bc_next++;
    }
    if (t->bc_next < m && t->bc_next - slowest >= t->window)
        for (int r = 0; r < t->nodes; r++)
            if (r != t->rank && t->peers[r].bc_acked == slowest) maybe_probe(t, r);
}

static bool all_hellos_full(const struct lt_state *t)
{
    for (int r = 0; r < t->nodes; r++)
        if (r != t->rank && (!t->peers[r].hello_seen || t->peers[r].hello_mask != t->full_mask))
            return false;
    return true;
}

static bool data_complete(const struct lt_state *t)
{
    uint32_t m = t->stream_len;
    for (int r = 0; r < t->nodes; r++) {
        const struct lt_peer *p = &t->peers[r];
        if (r == t->rank) continue;
        if (p->uni < m || p->bc < m || p->uni_acked < m || p->bc_acked < m) return false;
    }
    return t->bc_next == m;
}

static bool all_done_seen(const struct lt_state *t, bool need_full_masks)
{
    for (int r = 0; r < t->nodes; r++) {
        const struct lt_peer *p = &t->peers[r];
        if (r != t->rank && (!p->done_seen || (need_full_masks && p->done_mask != t->full_mask)))
            return false;
    }
    return true;
}

static void print_missing(const struct lt_state *t, const char *what, bool done)
{
    note("linktest: %s from node(s):", what);
    for (int r = 0; r < t->nodes; r++)
        if (r != t->rank && !(done ? t->peers[r].done_seen : t->peers[r].hello_seen))
            note(" %d", r);
    note("\n");
}

/* How the exchange ended. */
enum lt_end { END_ALL_DONE, END_DONE_MISSING, END_NO_HELLO };

static enum lt_end exchange(struct lt_state *t)
{
    uint64_t next_hello = 0, next_done = 0, last_reply = 0, all_done_at = 0;
    t->t_start = porto_time_ns();
    t->phase = PH_HELLO;
    for (;;) {
        t->now = porto_time_ns();
        nic_poll(t->nic, on_frame, t, RX_BUDGET);
        send_acks(t);
        bool may_reply = t->now - last_reply >= REPLY_GAP_NS;
        if (t->phase == PH_HELLO ? t->now >= next_hello || (t->hello_reply && may_reply)
                                 : t->hello_reply && may_reply) {
            send_hello(t);
            t->hello_reply = false;
            last_reply = t->now;
            if (t->phase == PH_HELLO) next_hello = t->now + HELLO_EVERY_NS;
        }
        switch (t->phase) {
        case PH_HELLO:
            if (all_hellos_full(t)) {
                t->phase = PH_DATA;
                t->t_data = t->last_progress_ns = t->now;
                note("linktest: all %d nodes ready after %llu ms\n", t->nodes,
                     (unsigned long long)((t->now - t->t_start) / MS));
            } else if (t->now - t->t_start > HELLO_TIMEOUT_NS) {
                print_missing(t, "no HELLO after 90 s", false);
                return END_NO_HELLO;
            }
            break;
        case PH_DATA:
            pump_data(t);
            if (data_complete(t)) {
                t->phase = PH_DONE;
            } else if (t->now - t->last_progress_ns > STALL_NS) {
                note("linktest: no progress for %llu s: frames are missing, finishing\n",
                     (unsigned long long)(STALL_NS / 1000 / MS));
                t->phase = PH_DONE;
            }
            if (t->phase == PH_DONE) t->t_done = t->now;
            break;
        case PH_DONE:
            if (t->now >= next_done || (t->done_reply && may_reply)) {
                send_done(t);
                t->done_reply = false;
                last_reply = t->now;
                next_done = t->now + DONE_EVERY_NS;
            }
            if (all_done_seen(t, false)) {
                if (!all_done_at) all_done_at = t->now;
                if (all_done_seen(t, true) || t->now - all_done_at > LINGER_NS) {
                    for (int i = 0; i < 3; i++) /* our last word: every DONE has arrived */
                        send_done(t);
                    nic_flush(t->nic);
                    return END_ALL_DONE;
                }
            } else if (t->now - t->t_done > DONE_TIMEOUT_NS) {
                print_missing(t, "no DONE after 30 s", true);
                return END_DONE_MISSING;
            }
            break;
        }
        nic_flush(t->nic);
        nic_tx_pending(t->nic);
    }
}

/* ---- setup ---- */

static bool parse_args(struct lt_state *t, int argc, char **argv)
{
    t->reps = 4;
    t->window = 8;
    for (int i = 1; i < argc; i++) {
        char *end;
        if (strncmp(argv[i], "reps=", 5) == 0) {
            long v = strtol(argv[i] + 5, &end, 10);
            if (*end || v < 1 || v > LT_MAX_REPS) {
                printf("linktest: reps wants 1..%d, not '%s'\n", LT_MAX_REPS, argv[i] + 5);
                return false;
            }
            t->reps = (unsigned)v;
        } else if (strncmp(argv[i], "window=", 7) == 0) {
            long v = strtol(argv[i] + 7, &end, 10);
            if (*end || v < 1 || v > 256) {
                printf("linktest: window wants 1..256, not '%s'\n", argv[i] + 7);
                return false;
            }
            t->window = (unsigned)v;
        } else {
            printf("linktest: unknown argument '%s' (reps=N window=N)\n", argv[i]);
            return false;
        }
    }
    return true;
}

static void choose_sizes(struct lt_state *t)
{
    unsigned max = t->nic->mtu + NIC_ETH_HLEN;
    t->nsizes = 0;
    for (size_t i = 0; i < sizeof base_sizes / sizeof base_sizes[0]; i++)
        if (base_sizes[i] < max && t->nsizes < LT_MAX_SIZES - 1)
            t->sizes[t->nsizes++] = base_sizes[i];
    t->sizes[t->nsizes++] = max;
    t->stream_len = t->nsizes * t->reps;
}

int main(int argc, char **argv)
{
    struct lt_state *t = &lt;
    int64_t rank = porto_arg_int("rank", -1), nodes = porto_arg_int("nodes", -1);
    if (nodes < 1 || nodes > LT_MAX_NODES || rank < 0 || rank >= nodes) {
        printf("linktest: needs rank=R nodes=N on the kernel command line with 0 <= R < N <= "
               "%d (scripts/porto-run sets them); got rank=%lld nodes=%lld\n",
               LT_MAX_NODES, (long long)rank, (long long)nodes);
        return 2;
    }
    t->rank = (int)rank;
    t->nodes = (int)nodes;
    t->full_mask = nodes == 64 ? ~0ull : bit((int)nodes) - 1;
    if (!parse_args(t, argc, argv)) return 2;

    t->nic = nic_require(); /* exits with a clear message when there is no working NIC */
    job = porto_ap();
    lt_mac_of(t->rank, t->mac);
    if (memcmp(t->mac, t->nic->mac, 6) != 0) {
        const uint8_t *m = t->nic->mac;
        printf("linktest: this node's MAC %02x:%02x:%02x:%02x:%02x:%02x is not "
               "52:54:00:50:00:%02x, the address peers send rank %d's frames to "
               "(scripts/porto-run's scheme)\n",
               m[0], m[1], m[2], m[3], m[4], m[5], t->rank + 1, t->rank);
        return 2;
    }
    lt_tape_init();
    choose_sizes(t);
    printf("linktest: rank %d of %d, %u sizes %u..%u bytes x %u = %u frames to each node and "
           "%u broadcasts, window %u\n",
           t->rank, t->nodes, t->nsizes, t->sizes[0], t->sizes[t->nsizes - 1], t->reps,
           t->stream_len, t->stream_len, t->window);
    if (t->nodes == 1) {
        printf("linktest: a single node has no peer to exchange frames with: nothing to do\n");
        return 0;
    }
    engine_pause(t);
    enum lt_end end = exchange(t);
    engine_resume(end == END_ALL_DONE);
    if (end == END_NO_HELLO) return 3;
    return lt_report(t);
}
