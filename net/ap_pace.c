/*
 * net/ap_pace.c — Active Port engine, pacing of best-effort traffic.
 *
 * Nothing acknowledges a BE frame, so nothing used to slow a BE burst down: a switch slower
 * than the sender (a user-space switch, a congested port) dropped the tail of every large
 * message. Prevent rather than repair, as GAMMA argued: a receiver that sees a BE message
 * lost on the way (a gap, a missing first fragment, a message skipped entirely) reports it in
 * its next pure ACK (AP_F_BELOSS) with the rate at which that message's frames were arriving,
 * which is about the rate the path delivers. When that is well below the rate the sender
 * sent at, the path is congested (a random loss on a path that keeps up changes nothing), and
 * the sender paces all its BE frames, both unicast and broadcast, with a token bucket at 7/8
 * of the rate reported (one cut per congestion episode). It probes for more only after a calm
 * (a quarter more every PACE_CALM without a report) and stops pacing once past PACE_OFF: a
 * stream through a slow switch then loses about one message per probe, not one per burst.
 * A path that never loses is never paced: the fast path costs one compare.
 * Random loss is told from congestion twice. Rates are measured per burst (frames flowing
 * without a pause), on both sides, so the time an application spends between messages never
 * reads as a slow path. And a report carries a rate only when frames were lost in a run
 * (AP_BE_LOSS_RUN): a full switch queue drops the tail of a burst, noise drops lone frames.
 * Tested by tests/engine/test_lossy.c (BE through a switch slower than its senders, and BE
 * with pauses over a fast switch that drops 3% of the frames at random).
 */
#include "net/ap_internal.h"

#define PACE_MIN    256ull         /* bytes per ms: the floor (256 KB/s) */
#define PACE_OFF    4000000ull     /* bytes per ms above which pacing stops (4 GB/s) */
#define PACE_HOLD   2000000ull     /* ns: reports within this of a cut are one congestion */
#define PACE_CALM   10000000000ull /* ns without a report before the rate grows a quarter */
#define PACE_BURST  4              /* frames that may leave back to back */
#define PACE_WINDOW 10000000ull    /* ns: a burst older than this says nothing of the path now */
#define PACE_GAP                                                                                   \
    500000ull /* ns: a pause at least this long (and 8 x the burst's frame                         \
               * spacing) ends a burst */

/* Bytes per ms over the burst's frames, 0 when too few frames (under 4 full ones) tell. */
static uint32_t burst_rate(const struct apx_burst *b, const struct ap *ap)
{
    if (b->bytes < 4 * ap->maxpay || b->last <= b->t0) return 0;
    uint64_t r = (uint64_t)b->bytes * 1000000 / (b->last - b->t0);
    return r > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)r;
}

void apx_burst_restart(struct apx_burst *b, uint64_t now)
{
    b->t0 = b->last = now;
    b->bytes = b->frames = 0;
}

/* One frame of `bytes` at `now`. A pause ends the burst (its rate is kept as prev_rate): the
 * rate of frames that flow, not of an application that thinks between messages. `keep` holds
 * the burst open across a pause (a loss report still owed measures the burst it was in). */
static void burst_add(struct apx_burst *b, const struct ap *ap, size_t bytes, int keep)
{
    uint64_t now = ap->now, gap = now - b->last;
    uint64_t spacing = b->frames ? (b->last - b->t0) / b->frames : 0;
    if (!keep && ((gap > PACE_GAP && gap > 8 * spacing) || now - b->t0 > PACE_WINDOW)) {
        uint32_t r = burst_rate(b, ap);
        if (r || gap > PACE_WINDOW) b->prev_rate = r;
        apx_burst_restart(b, now);
        return; /* the first frame of a burst only marks its start */
    }
    if (b->bytes < 0x7FFFFFFFu) b->bytes += (uint32_t)bytes;
    b->frames++;
    b->last = now;
}

/* The burst's rate, or the previous burst's while this one is too young to tell. */
static uint32_t burst_or_prev(const struct apx_burst *b, const struct ap *ap)
{
    uint32_t r = burst_rate(b, ap);
    return r ? r : b->prev_rate;
}

static void tx_count(struct ap *ap, size_t bytes)
{
    burst_add(&ap->be_tx, ap, bytes, 0);
}

int apx_pace_take(struct ap *ap, size_t bytes)
{
    if (!ap->be_rate) {
        tx_count(ap, bytes);
        return 1;
    }
    uint64_t now = ap->now;
    if (now - ap->be_cut_ns > PACE_CALM) {
        ap->be_cut_ns = now;
        ap->be_rate += ap->be_rate / 4 + 1;
        if (ap->be_rate > PACE_OFF) {
            ap->be_rate = 0;
            tx_count(ap, bytes);
            return 1;
        }
    }
    uint64_t cap = PACE_BURST * (uint64_t)(ap->maxpay + AP_FRAME_HLEN);
    ap->be_tokens += (now - ap->be_tok_ns) * ap->be_rate / 1000000;
    ap->be_tok_ns = now;
    if (ap->be_tokens > cap) ap->be_tokens = cap;
    if (ap->be_tokens < bytes) {
        ap->st.be_paced++;
        return 0;
    }
    ap->be_tokens -= bytes;
    tx_count(ap, bytes);
    return 1;
}

void apx_pace_report(struct ap *ap, uint32_t seen_rate)
{
    ap->st.be_loss_reports++;
    if (!seen_rate) return; /* too few frames arrived to tell a rate */
    if (ap->be_rate && ap->now - ap->be_cut_ns < PACE_HOLD) return;
    /* The rate we sent at while sending (a burst), compared with the rate the frames
     * arrived at while arriving. */
    uint64_t sent_rate = burst_or_prev(&ap->be_tx, ap);
    /* Frames arriving about as fast as we send them: the path keeps up and the loss is
     * random (noise, a flaky link), which pacing would not cure. */
    if ((uint64_t)seen_rate * 5 >= sent_rate * 4) return;
    uint64_t r = (uint64_t)seen_rate * 7 / 8;
    if (r < PACE_MIN) r = PACE_MIN;
    if (!ap->be_rate) {
        ap->be_tokens = 0;
        ap->be_tok_ns = ap->now;
    }
    ap->be_rate = r;
    ap->be_cut_ns = ap->now;
    ap->st.be_pace_cuts++;
}

/* The receiver's side: the arrival rate of src's BE frames, per burst; a burst stays open
 * while a loss report is owed, so the report carries the rate of the burst that lost. */
void apx_be_arrived(struct ap *ap, unsigned src, size_t bytes)
{
    struct ap_peer *p = &ap->peers[src];
    burst_add(&p->be_rx, ap, bytes, p->be_loss);
}

/* A loss is often seen only when the next message's first frame arrives after a pause: that
 * frame started a new burst, and the rate of the one that lost is prev_rate. */
uint32_t apx_frames(const struct ap *ap, uint32_t bytes)
{
    return (uint32_t)(((uint64_t)bytes + ap->maxpay - 1) / ap->maxpay);
}

void apx_be_lost(struct ap *ap, unsigned src, uint32_t frames)
{
    struct ap_peer *p = &ap->peers[src];
    if (frames > p->be_loss_run) p->be_loss_run = frames;
    uint32_t rate = burst_or_prev(&p->be_rx, ap);
    if (!p->be_loss || (rate && (!p->be_loss_rate || rate < p->be_loss_rate)))
        p->be_loss_rate = rate;
    p->be_loss = 1;
    p->reack = 1;
    apx_ack_queue(ap, src);
}
