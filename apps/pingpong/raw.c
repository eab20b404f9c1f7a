/*
 * apps/pingpong/raw.c — Porto's floor: the same ping-pong and stream as the engine's, but
 * with frames straight through the NIC interface (drivers/nic.h), no engine. The two ranks
 * swap MACs with one engine command (PP_CMD_RAW), let the engine go quiet, then speak
 * EtherType 0x88B6 frames: Ethernet header, this 16-byte header, payload; a message larger
 * than a frame goes as MTU-sized fragments sent in one batch with one doorbell. A 0-byte
 * message is one minimum (60-byte) frame, like the engine's. The receiver copies the payload
 * into its buffer, as the engine does. Engine frames that still arrive meanwhile (late ACKs)
 * are handed to ap_input so the engine stays consistent. Nothing is retransmitted: a lost
 * fragment loses the round trip (timeout, counted) or, in the stream, the receiver's count
 * tells what was lost.
 */
#include "apps/pingpong/pingpong.h"
#include "drivers/nic.h"
#include "net/wire.h"
#include "porto.h"

#include <stdio.h>
#include <string.h>

#define RAW_ETHERTYPE   0x88B6 /* IEEE local experimental 2; the engine uses 0x88B5 */
#define RAW_HLEN        16
#define RAW_FRAME_HLEN  (NIC_ETH_HLEN + RAW_HLEN)
#define RAW_IDLE_NS     120000000000ull /* the server gives up when rank 0 is silent this long */
#define RAW_HELLO_TRIES 5000            /* every 1 ms: rank 1 may still be leaving engine mode */
#define RAW_QUIT_TRIES  20

enum raw_kind {
    RAW_PING = 1, /* echo this message */
    RAW_PONG,     /* the echo */
    RAW_DATA,     /* a stream message: count it (seq = stream id) */
    RAW_COUNT_Q,  /* how much of stream `seq` arrived? */
    RAW_COUNT_A,  /* answer: msg_len = messages, frag_off = frames (payload: u64 bytes) */
    RAW_QUIT,     /* back to engine mode */
    RAW_QUIT_ACK,
};

struct raw_hdr {
    uint16_t kind;
    uint16_t reserved;
    uint32_t seq;
    uint32_t msg_len;
    uint32_t frag_off;
};
_Static_assert(sizeof(struct raw_hdr) == RAW_HLEN, "raw header has no padding");

/* One node's raw-mode state; the receive callback fills it. */
struct raw {
    struct nic *nic;
    struct ap *ap;
    uint8_t eth[NIC_ETH_HLEN]; /* header of every frame to the peer */
    size_t maxdata;            /* payload bytes per frame */
    uint16_t want;             /* RAW_PING (server) or RAW_PONG (client) */
    /* The message being assembled. */
    uint8_t *rx;
    size_t rx_cap;
    uint32_t seq, len, got;
    bool complete;
    /* Stream counting (server) and its answer (client). */
    uint32_t stream_id;
    uint64_t stream_msgs, stream_frames, stream_bytes;
    uint8_t *stream_buf;
    size_t stream_cap;
    bool count_asked, count_answered, quit, quit_acked;
    uint32_t count_seq;
    uint64_t answer_msgs, answer_frames, answer_bytes;
    /* Diagnostics. */
    uint64_t engine_frames, bad_frames, stale_frames;
    uint64_t last_rx_ns;
};

static void raw_rx(void *ctx, const void *frame, size_t len)
{
    struct raw *st = ctx;
    const uint8_t *f = frame;
    if (len < NIC_ETH_HLEN) {
        st->bad_frames++;
        return;
    }
    unsigned type = (unsigned)f[12] << 8 | f[13];
    if (type == AP_ETHERTYPE) {
        st->engine_frames++;
        ap_input(st->ap, frame, len);
        return;
    }
    if (type != RAW_ETHERTYPE || len < RAW_FRAME_HLEN) {
        st->bad_frames++;
        return;
    }
    st->last_rx_ns = porto_time_ns();
    struct raw_hdr h;
    memcpy(&h, f + NIC_ETH_HLEN, sizeof h);
    const uint8_t *data = f + RAW_FRAME_HLEN;
    size_t avail = len - RAW_FRAME_HLEN; /* may include padding up to 60 bytes */
    switch (h.kind) {
    case RAW_PING:
    case RAW_PONG:
        if (h.kind != st->want || h.msg_len > st->rx_cap || h.frag_off > h.msg_len) {
            st->bad_frames++;
            return;
        }
        if (h.seq != st->seq) {
            if (st->want == RAW_PONG) { /* the client only takes the echo it waits for */
                st->stale_frames++;
                return;
            }
            st->seq = h.seq; /* the server follows the client's newest message */
            st->len = h.msg_len;
            st->got = 0;
            st->complete = false;
        }
        if (h.msg_len != st->len) {
            st->bad_frames++;
            return;
        }
        size_t n = h.msg_len - h.frag_off < avail ? h.msg_len - h.frag_off : avail;
        memcpy(st->rx + h.frag_off, data, n);
        st->got += (uint32_t)n;
        if (st->got >= st->len) st->complete = true;
        return;
    case RAW_DATA: {
        if (h.seq != st->stream_id) {
            st->stream_id = h.seq;
            st->stream_msgs = st->stream_frames = st->stream_bytes = 0;
        }
        size_t n = h.msg_len - h.frag_off < avail ? h.msg_len - h.frag_off : avail;
        if (h.frag_off > h.msg_len || h.frag_off + n > st->stream_cap) {
            st->bad_frames++;
            return;
        }
        memcpy(st->stream_buf + h.frag_off, data, n);
        st->stream_frames++;
        st->stream_bytes += n;
        if (h.frag_off + n == h.msg_len) st->stream_msgs++;
        return;
    }
    case RAW_COUNT_Q:
        st->count_asked = true;
        st->count_seq = h.seq;
        return;
    case RAW_COUNT_A:
        if (h.seq != st->count_seq || avail < 8) {
            st->stale_frames++;
            return;
        }
        st->answer_msgs = h.msg_len;
        st->answer_frames = h.frag_off;
        memcpy(&st->answer_bytes, data, 8);
        st->count_answered = true;
        return;
    case RAW_QUIT:
        st->quit = true;
        return;
    case RAW_QUIT_ACK:
        st->quit_acked = true;
        return;
    default:
        st->bad_frames++;
    }
}

/* Queue one frame; when the TX ring is full, ring the doorbell and reclaim (QEMU transmits
 * during the doorbell write, so the ring empties at once). */
static int raw_frame(struct raw *st, const struct raw_hdr *h, const void *data, size_t n)
{
    uint8_t head[RAW_FRAME_HLEN];
    memcpy(head, st->eth, NIC_ETH_HLEN);
    memcpy(head + NIC_ETH_HLEN, h, RAW_HLEN);
    struct nic_iov iov[2] = {{head, sizeof head}, {data, n}};
    for (int tries = 0;; tries++) {
        int r = nic_transmit(st->nic, iov, n ? 2 : 1);
        if (r != -NIC_EBUSY) return r;
        if (tries > 1000000) return r;
        nic_flush(st->nic);
        nic_tx_pending(st->nic);
    }
}

/* A whole message as fragments, one doorbell at the end. */
static int raw_send(struct raw *st, uint16_t kind, uint32_t seq, const uint8_t *data, size_t len)
{
    size_t off = 0;
    do {
        size_t n = len - off < st->maxdata ? len - off : st->maxdata;
        struct raw_hdr h = {kind, 0, seq, (uint32_t)len, (uint32_t)off};
        int r = raw_frame(st, &h, data + off, n);
        if (r < 0) return r;
        off += n;
    } while (off < len);
    nic_flush(st->nic);
    return 0;
}

static int raw_setup(struct raw *st, struct pp_ctx *c, const uint8_t peer[6], uint16_t want,
                     uint8_t *rx, size_t rx_cap)
{
    memset(st, 0, sizeof *st);
    st->nic = nic_default();
    if (!st->nic) return -1;
    st->ap = c->ap;
    memcpy(st->eth, peer, 6);
    memcpy(st->eth + 6, st->nic->mac, 6);
    st->eth[12] = RAW_ETHERTYPE >> 8;
    st->eth[13] = RAW_ETHERTYPE & 0xFF;
    st->maxdata = st->nic->mtu - RAW_HLEN;
    st->want = want;
    st->rx = rx;
    st->rx_cap = rx_cap;
    st->stream_buf = c->rx_stream;
    st->stream_cap = c->stream_cap;
    st->last_rx_ns = porto_time_ns();
    return 0;
}

/* Receive what is there. When an engine frame came in (a late ACK or a retransmission), one
 * engine poll lets it answer (an ACK it owes goes out only from ap_poll); that poll may take a
 * raw frame from the ring, which then counts as a loss. */
static void raw_poll(struct raw *st)
{
    uint64_t engine_before = st->engine_frames;
    nic_poll(st->nic, raw_rx, st, 64);
    if (st->engine_frames != engine_before) {
        ap_poll(st->ap);
        ap_flush(st->ap);
    }
}

/* ---- Rank 1 ---- */

int pp_raw_server(struct pp_ctx *c, const struct pp_opts *o, const uint8_t peer_mac[6])
{
    static struct raw st;
    if (raw_setup(&st, c, peer_mac, RAW_PING, c->rx_be, c->rx_cap) < 0) return -AP_EINVAL;
    int r = 0;
    while (!st.quit) {
        raw_poll(&st);
        if (st.complete) {
            st.complete = false;
            if ((r = raw_send(&st, RAW_PONG, st.seq, c->tx, st.len)) < 0) break;
            if (o->verify) pp_check_payload(c, c->rx_be, st.len); /* after answering */
        }
        if (st.count_asked) {
            st.count_asked = false;
            struct raw_hdr h = {RAW_COUNT_A, 0, st.count_seq, (uint32_t)st.stream_msgs,
                                (uint32_t)st.stream_frames};
            uint64_t bytes = st.stream_bytes;
            if ((r = raw_frame(&st, &h, &bytes, sizeof bytes)) < 0) break;
            nic_flush(st.nic);
        }
        if (porto_time_ns() - st.last_rx_ns > RAW_IDLE_NS) {
            r = -AP_ETIMEDOUT;
            break;
        }
    }
    if (st.quit) {
        struct raw_hdr h = {RAW_QUIT_ACK, 0, 0, 0, 0};
        r = raw_frame(&st, &h, NULL, 0);
        nic_flush(st.nic);
    }
    return r < 0 ? -AP_EINVAL : 0;
}

/* ---- Rank 0 ---- */

static struct raw client;

static int raw_round_trip(struct pp_ctx *c, size_t size, uint64_t timeout, uint64_t *ticks,
                          size_t *stale)
{
    (void)stale;
    struct raw *st = &client;
    st->seq++;
    st->len = (uint32_t)size;
    st->got = 0;
    st->complete = false;
    uint64_t t0 = porto_tsc();
    if (raw_send(st, RAW_PING, st->seq, c->tx, size) < 0) return -AP_EINVAL;
    while (!st->complete) {
        raw_poll(st);
        if (porto_tsc() - t0 >= timeout) return PP_RT_LOST;
    }
    *ticks = porto_tsc() - t0;
    return PP_RT_OK;
}

static void raw_drain(struct pp_ctx *c, uint64_t timeout, size_t *stale)
{
    (void)c;
    /* Echoes of the given-up sequence number are ignored by raw_rx: just let them pass. */
    uint64_t t0 = porto_tsc();
    uint64_t before = client.stale_frames;
    while (porto_tsc() - t0 < timeout)
        raw_poll(&client);
    *stale += (size_t)(client.stale_frames - before);
}

/* Enter raw mode: rank 1 gets our MAC and answers with its own (engine messages), both
 * engines go quiet, then raw pings until rank 1 answers from its raw loop. */
static uint32_t next_seq = 1; /* never reused across raw sessions: late frames stay stale */
static struct raw_stats_total {
    uint64_t engine, bad, stale, sessions;
} totals;

static int raw_begin(struct pp_ctx *c)
{
    struct pp_msg m = {.cmd = PP_CMD_RAW};
    struct nic *nic = nic_default();
    if (!nic) return -AP_EINVAL;
    memcpy(m.mac, nic->mac, 6);
    int r = pp_ctl_send(c, &m);
    if (r == 0) r = pp_ctl_wait(c, PP_CMD_RAW_MAC, 10000000000ull, &m);
    if (r < 0) return r;
    pp_settle(c->ap);
    if (raw_setup(&client, c, m.mac, RAW_PONG, c->rx_raw, c->rx_cap) < 0) return -AP_EINVAL;
    client.seq = next_seq;
    if (totals.sessions++ == 0)
        printf("INFO porto-raw peer %02x:%02x:%02x:%02x:%02x:%02x, %zu payload bytes per frame\n",
               m.mac[0], m.mac[1], m.mac[2], m.mac[3], m.mac[4], m.mac[5], client.maxdata);
    uint64_t ticks;
    size_t stale = 0;
    for (int tries = 0; tries < RAW_HELLO_TRIES; tries++) {
        r = raw_round_trip(c, 0, c->hz / 1000, &ticks, &stale); /* 1 ms each */
        if (r == PP_RT_OK) return 0;
    }
    return -AP_ETIMEDOUT;
}

/* Back to engine mode; a lost QUIT_ACK only costs the retries. */
static void raw_end(struct pp_ctx *c)
{
    (void)c;
    for (int q = 0; q < RAW_QUIT_TRIES && !client.quit_acked; q++) {
        struct raw_hdr h = {RAW_QUIT, 0, 0, 0, 0};
        raw_frame(&client, &h, NULL, 0);
        nic_flush(client.nic);
        uint64_t ts = porto_time_ns();
        while (!client.quit_acked && porto_time_ns() - ts < 50000000ull)
            raw_poll(&client);
    }
    next_seq = client.seq + 1;
    totals.engine += client.engine_frames;
    totals.bad += client.bad_frames;
    totals.stale += client.stale_frames;
}

const struct pp_transport *pp_raw_transport(struct pp_ctx *c)
{
    static struct pp_transport t = {.impl = "porto-raw",
                                    .round_trip = raw_round_trip,
                                    .drain = raw_drain,
                                    .begin = raw_begin,
                                    .end = raw_end};
    t.rx = c->rx_raw;
    return &t;
}

void pp_raw_report_counters(void)
{
    printf("INFO porto-raw sessions=%llu frames: engine=%llu (handed to ap_input) bad=%llu "
           "stale=%llu\n",
           (unsigned long long)totals.sessions, (unsigned long long)totals.engine,
           (unsigned long long)totals.bad, (unsigned long long)totals.stale);
}

/* Transmission throughput of raw frames: nothing paces the sender, so the receiver's count
 * (asked for until answered) says what was lost. */
int pp_raw_stream(struct pp_ctx *c, const struct pp_opts *o)
{
    int r = raw_begin(c);
    if (r < 0) {
        printf("RESULT impl=porto-raw-stream msg=%zu error=%s\n", o->stream_msg, ap_strerror(r));
        return r;
    }
    struct raw *st = &client;
    uint64_t count = o->stream_bytes / o->stream_msg;
    uint32_t id = ++st->seq;
    uint64_t frames0 = st->nic->stats.tx_frames;
    uint64_t t0 = porto_tsc();
    for (uint64_t i = 0; i < count && r == 0; i++)
        if (raw_send(st, RAW_DATA, id, c->tx, o->stream_msg) < 0) r = -AP_EINVAL;
    uint64_t t1 = porto_tsc();
    uint64_t frames = st->nic->stats.tx_frames - frames0;
    st->count_seq = id;
    st->count_answered = false;
    for (int tries = 0; r == 0 && tries < 100 && !st->count_answered; tries++) {
        struct raw_hdr h = {RAW_COUNT_Q, 0, id, 0, 0};
        raw_frame(st, &h, NULL, 0);
        nic_flush(st->nic);
        uint64_t ts = porto_time_ns();
        while (!st->count_answered && porto_time_ns() - ts < 50000000ull)
            raw_poll(st);
    }
    uint64_t t2 = porto_tsc();
    raw_end(c);
    if (r == 0 && !st->count_answered) r = -AP_ETIMEDOUT;
    if (r < 0) {
        printf("RESULT impl=porto-raw-stream msg=%zu error=%s\n", o->stream_msg,
               r == -AP_ETIMEDOUT ? "no-count-answer" : ap_strerror(r));
        return r;
    }
    pp_report_stream("porto-raw-stream", o->stream_msg, count, st->answer_msgs, t1 - t0, t2 - t0,
                     c->hz, frames);
    printf("INFO porto-raw-stream frames_sent=%llu frames_received=%llu bytes_received=%llu\n",
           (unsigned long long)frames, (unsigned long long)st->answer_frames,
           (unsigned long long)st->answer_bytes);
    return 0;
}
