/*
 * apps/pingpong/engine.c — rank 0's ping-pong over the Active Port engine: a message of S
 * bytes to rank 1 (ap_send_be or ap_send_fc), then a wait on the same port for rank 1's echo
 * of S bytes (server.c). Best effort may lose either message: the wait times out and
 * measure.c counts the round trip as lost. Flow controlled must not: a timeout is an error.
 */
#include "apps/pingpong/pingpong.h"
#include "porto.h"

/* Take one delivery of `port` (the caller saw the counter move): its length. */
static size_t take(struct pp_ctx *c, int port)
{
    size_t len = 0;
    if (ap_port_wait(c->ap, port, 0, NULL, &len) == 0)
        c->taken[port]++;
    else /* out of step with the engine (cannot happen on an open port): resynchronise */
        c->taken[port] = ap_port_deliveries(c->ap, port);
    return len;
}

/* Deliveries are watched through the port's counter (a plain read) and taken with a
 * zero-timeout ap_port_wait: the wait loop itself is ours, timed with the raw TSC, so that a
 * round trip costs the same clock reads as the raw transport's. */
static int round_trip(struct pp_ctx *c, bool fc, size_t size, uint64_t timeout, uint64_t *ticks,
                      size_t *stale)
{
    int port = PP_PORT_FC;
    if (!fc) {
        port = PP_PORT_BE + (int)(c->be_turn++ % PP_BE_PORTS);
        while (ap_port_deliveries(c->ap, port) != c->taken[port]) {
            take(c, port); /* a late echo that came since this port's last turn */
            ++*stale;
        }
    }
    uint64_t t0 = porto_tsc();
    int r = fc ? ap_send_fc(c->ap, 1, port, c->tx, size) : ap_send_be(c->ap, 1, port, c->tx, size);
    if (r < 0) return r;
    for (;;) {
        while (ap_port_deliveries(c->ap, port) == c->taken[port]) {
            if (porto_tsc() - t0 >= timeout) return PP_RT_LOST;
            ap_poll(c->ap);
        }
        if (take(c, port) == size) break;
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
    for (int p = PP_PORT_BE; p < PP_PORT_BE + PP_BE_PORTS; p++)
        while (ap_port_deliveries(c->ap, p) != c->taken[p]) {
            take(c, p);
            ++*stale;
        }
}

const struct pp_transport *pp_engine_transport(struct pp_ctx *c, bool fc)
{
    static struct pp_transport be = {.impl = "porto-be", .round_trip = rt_be, .drain = drain_be};
    static struct pp_transport fct = {
        .impl = "porto-fc", .reliable = true, .round_trip = rt_fc, .drain = drain_be};
    be.rx = c->rx_be;
    fct.rx = c->rx_fc;
    return fc ? &fct : &be;
}
