/*
 * apps/pingpong/engine.c — rank 0's ping-pong over the Active Port engine: a message of S
 * bytes to rank 1 (ap_send_be or ap_send_fc), then a wait on the same port for rank 1's echo
 * of S bytes (server.c). Best effort may lose either message: the wait times out and
 * measure.c counts the round trip as lost. Flow controlled must not: a timeout is an error.
 * Prints the engine's counters over the run (frames, ACKs, retransmissions, drops): where the
 * engine's time goes when it is slower than the raw floor.
 */
#include "apps/pingpong/pingpong.h"
#include "porto.h"

#include <stdio.h>

static uint64_t ticks_to_ns(const struct pp_ctx *c, uint64_t t)
{
    return (uint64_t)((double)t * 1e9 / (double)c->hz);
}

static int round_trip(struct pp_ctx *c, bool fc, size_t size, uint64_t timeout, uint64_t *ticks,
                      size_t *stale)
{
    int port = PP_PORT_FC;
    if (!fc) {
        port = PP_PORT_BE + (int)(c->be_turn++ % PP_BE_PORTS);
        while (ap_port_wait(c->ap, port, 0, NULL, NULL) == 0)
            ++*stale; /* a late echo that came since this port's last turn */
    }
    uint64_t t0 = porto_tsc();
    int r = fc ? ap_send_fc(c->ap, 1, port, c->tx, size) : ap_send_be(c->ap, 1, port, c->tx, size);
    if (r < 0) return r;
    for (;;) {
        uint64_t spent = porto_tsc() - t0;
        if (spent >= timeout) return PP_RT_LOST;
        size_t len = 0;
        r = ap_port_wait(c->ap, port, ticks_to_ns(c, timeout - spent), NULL, &len);
        if (r == -AP_ETIMEDOUT) return PP_RT_LOST;
        if (r < 0) return r;
        if (len == size) break;
        ++*stale; /* a late echo that came during this round trip (FC: cannot happen) */
    }
    *ticks = porto_tsc() - t0;
    return PP_RT_OK;
}

static int rt_be(struct pp_ctx *c, size_t size, uint64_t timeout, uint64_t *ticks, size_t *stale)
{
    return round_trip(c, false, size, timeout, ticks, stale);
}

static int rt_fc(struct pp_ctx *c, size_t size, uint64_t timeout, uint64_t *ticks, size_t *stale)
{
    return round_trip(c, true, size, timeout, ticks, stale);
}

/* After a loss, give the late echo one more timeout to land (on its own port) before the
 * next round trip, so that it does not disturb that one's timing. */
static void drain_be(struct pp_ctx *c, uint64_t timeout, size_t *stale)
{
    uint64_t t0 = porto_tsc();
    while (porto_tsc() - t0 < timeout)
        ap_poll(c->ap);
    for (int p = 0; p < PP_BE_PORTS; p++)
        while (ap_port_wait(c->ap, PP_PORT_BE + p, 0, NULL, NULL) == 0)
            ++*stale;
}

static void print_engine_stats(const char *impl, const struct ap_stats *a, const struct ap_stats *b)
{
    printf("INFO %s engine tx_frames=%llu rx_frames=%llu tx_msgs=%llu rx_msgs=%llu "
           "acks_sent=%llu acks_rcvd=%llu retransmits=%llu timeouts=%llu be_aborted=%llu "
           "link_busy=%llu\n",
           impl, (unsigned long long)(b->tx_frames - a->tx_frames),
           (unsigned long long)(b->rx_frames - a->rx_frames),
           (unsigned long long)(b->tx_msgs - a->tx_msgs),
           (unsigned long long)(b->rx_msgs - a->rx_msgs),
           (unsigned long long)(b->acks_sent - a->acks_sent),
           (unsigned long long)(b->acks_rcvd - a->acks_rcvd),
           (unsigned long long)(b->retransmits - a->retransmits),
           (unsigned long long)(b->timeouts - a->timeouts),
           (unsigned long long)(b->be_aborted - a->be_aborted),
           (unsigned long long)(b->link_busy - a->link_busy));
    for (int i = 0; i < AP_DROP_NREASONS; i++)
        if (b->drop[i] != a->drop[i])
            printf("INFO %s engine drop %s=%llu\n", impl, ap_drop_name(i),
                   (unsigned long long)(b->drop[i] - a->drop[i]));
}

int pp_engine_pingpong(struct pp_ctx *c, const struct pp_opts *o, bool fc)
{
    const struct pp_transport t = {
        .impl = fc ? "porto-fc" : "porto-be",
        .reliable = fc,
        .rx = fc ? c->rx_fc : c->rx_be,
        .round_trip = fc ? rt_fc : rt_be,
        .drain = drain_be,
    };
    static struct pp_point pts[PP_MAX_SIZES];
    struct ap_stats before, after;
    ap_stats(c->ap, &before);
    int err;
    size_t n = pp_measure(c, o, &t, pts, &err);
    ap_stats(c->ap, &after);
    if (err < 0)
        printf("RESULT impl=%s size=%zu error=%s lost=%zu\n", t.impl, pts[n].size, ap_strerror(err),
               pts[n].lost);
    pp_report_sizes(t.impl, o, pts, n);
    print_engine_stats(t.impl, &before, &after);
    return err;
}
