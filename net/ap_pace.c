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
 * Random loss must not be taken for congestion either: pacing cannot cure it, and every cut
 * would starve the stream further (at 3% random loss the stream fell to the floor). So a
 * report carries a rate only when frames were lost in a run (AP_BE_LOSS_RUN): a full switch
 * queue drops the tail of a burst, noise drops lone frames.
 * Tested by tests/engine/test_lossy.c (BE through a switch slower than its senders, and BE
 * with pauses over a fast switch that drops 3% of the frames at random).
 */
#include "net/ap_internal.h"

#define PACE_MIN    256ull         /* bytes per ms: the floor (256 KB/s) */
#define PACE_OFF    4000000ull     /* bytes per ms above which pacing stops (4 GB/s) */
#define PACE_HOLD   2000000ull     /* ns: reports within this of a cut are one congestion */
#define PACE_CALM   10000000000ull /* ns without a report before the rate grows a quarter */
#define PACE_BURST  4              /* frames that may leave back to back */
#define PACE_WINDOW 10000000ull    /* ns: arrivals older than this say nothing of the path now */

/* The sender's own BE rate over the last window, to tell congestion from random loss. */
static void tx_count(struct ap *ap, size_t bytes)
{
    if (ap->now - ap->be_tx_t0 > PACE_WINDOW) {
        ap->be_tx_prev = ap->be_tx_bytes;
        ap->be_tx_prev_ns = ap->now - ap->be_tx_t0;
        ap->be_tx_t0 = ap->now;
        ap->be_tx_bytes = 0;
    }
    ap->be_tx_bytes += bytes;
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
    /* What we sent lately: the current window, or the last whole one if this one is young. */
    uint64_t bytes = ap->be_tx_bytes, ns = ap->now - ap->be_tx_t0;
    if (ns < PACE_WINDOW / 4 && ap->be_tx_prev_ns) {
        bytes += ap->be_tx_prev;
        ns += ap->be_tx_prev_ns;
    }
    uint64_t sent_rate = ns ? bytes * 1000000 / ns : 0;
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

/* The receiver's side: BE bytes from src arriving, counted over a window that starts anew
 * after each report (and every PACE_WINDOW), so a loss reports the rate of recent arrivals. */
void apx_be_arrived(struct ap *ap, unsigned src, size_t bytes)
{
    struct ap_peer *p = &ap->peers[src];
    if (ap->now - p->be_rx_t0 > PACE_WINDOW && !p->be_loss) {
        p->be_rx_t0 = ap->now;
        p->be_rx_bytes = 0;
    }
    if (p->be_rx_bytes < 0x7FFFFFFFu) p->be_rx_bytes += (uint32_t)bytes;
}

uint32_t apx_frames(const struct ap *ap, uint32_t bytes)
{
    return (uint32_t)(((uint64_t)bytes + ap->maxpay - 1) / ap->maxpay);
}

void apx_be_lost(struct ap *ap, unsigned src, uint32_t frames)
{
    struct ap_peer *p = &ap->peers[src];
    if (frames > p->be_loss_run) p->be_loss_run = frames;
    uint32_t rate = 0;
    if (p->be_rx_bytes >= 4 * ap->maxpay && ap->now > p->be_rx_t0) {
        uint64_t r = (uint64_t)p->be_rx_bytes * 1000000 / (ap->now - p->be_rx_t0);
        rate = r > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)r;
    }
    if (!p->be_loss || (rate && (!p->be_loss_rate || rate < p->be_loss_rate)))
        p->be_loss_rate = rate;
    p->be_loss = 1;
    p->reack = 1;
    apx_ack_queue(ap, src);
}
