/*
 * apps/pingpong/measure.c — the measurement of one message size, the same for every
 * transport (engine BE, engine FC, raw NIC): untimed warm-up round trips, then `samples` timed ones
 * (bounded by `budget` bytes each way, at least `minsamples`) for median/min/p99 of D(S) = half the
 * round trip, then GAMMA's figure (best of RUNS runs, each the average of LEN round trips), then a
 * check that the echo's payload is the one sent. Lost round trips (best effort, raw) are counted,
 * drained and tried again.
 */
#include "apps/pingpong/pingpong.h"
#include "porto.h"

#include <string.h>

uint64_t pp_timeout_ticks(const struct pp_ctx *c, const struct pp_opts *o, size_t size)
{
    uint64_t us = o->timeout_us + (uint64_t)((double)size / 1e6 * (double)o->timeout_us_per_mb);
    return (uint64_t)((double)us * (double)c->hz / 1e6);
}

/* Round trips until `n` succeeded (samples into out[] unless NULL); gives up after n + 10
 * losses. */
static int collect(struct pp_ctx *c, const struct pp_transport *t, size_t size, size_t n,
                   uint64_t timeout, uint64_t *out, size_t *lost, size_t *stale)
{
    size_t got = 0, lost_here = 0;
    while (got < n) {
        uint64_t ticks;
        int r = t->round_trip(c, size, timeout, &ticks, stale);
        if (r < 0) return r;
        if (r == PP_RT_OK) {
            if (out) out[got] = ticks;
            got++;
            continue;
        }
        if (t->reliable || ++lost_here > n + 10) return -AP_ETIMEDOUT;
        ++*lost;
        t->drain(c, timeout, stale);
    }
    return 0;
}

/* GAMMA's figure in us of half round trip; a run that loses a message is spoiled and run again
 * (at most RUNS times more). 0 when no run survived. */
static int gamma_figure(struct pp_ctx *c, const struct pp_opts *o, const struct pp_transport *t,
                        size_t size, uint64_t timeout, double *out_us, size_t *lost, size_t *stale)
{
    double best = 0;
    size_t done = 0, retries = 0;
    while (done < o->gamma_runs) {
        bool spoiled = false;
        uint64_t t0 = porto_tsc();
        for (size_t i = 0; i < o->gamma_len; i++) {
            uint64_t ticks;
            int r = t->round_trip(c, size, timeout, &ticks, stale);
            if (r < 0) return r;
            if (r == PP_RT_LOST) {
                if (t->reliable) return -AP_ETIMEDOUT;
                ++*lost;
                spoiled = true;
                t->drain(c, timeout, stale);
                break;
            }
        }
        if (spoiled) {
            if (++retries > o->gamma_runs) break;
            continue;
        }
        double avg_us =
            (double)(porto_tsc() - t0) / (double)o->gamma_len / 2.0 * 1e6 / (double)c->hz;
        if (done == 0 || avg_us < best) best = avg_us;
        done++;
    }
    *out_us = best;
    return 0;
}

/* A reliable transport never loses a round trip, but retransmission timeouts with backoff
 * may stretch one far beyond the BE timeout: wait longer than the engine's own give-up time
 * (10 s) before calling it an error. */
static uint64_t timeout_for(const struct pp_ctx *c, const struct pp_opts *o,
                            const struct pp_transport *t, size_t size)
{
    return t->reliable ? PP_RELIABLE_TIMEOUT_S * c->hz : pp_timeout_ticks(c, o, size);
}

/* A fresh pair of guests runs its first exchanges slower (code not yet translated by TCG,
 * cold caches and rings): `warmup_ms` of untimed 0-byte round trips, as the Linux peer does. */
int pp_warm(struct pp_ctx *c, const struct pp_opts *o, const struct pp_transport *t, size_t *stale)
{
    uint64_t end = porto_tsc() + o->warmup_ms * (c->hz / 1000);
    uint64_t timeout = timeout_for(c, o, t, 0);
    while (porto_tsc() < end) {
        uint64_t ticks;
        int r = t->round_trip(c, 0, timeout, &ticks, stale);
        if (r == PP_RT_LOST && t->reliable) r = -AP_ETIMEDOUT;
        if (r < 0) return r;
        if (r == PP_RT_LOST) t->drain(c, timeout, stale);
    }
    return 0;
}

int pp_measure_size(struct pp_ctx *c, const struct pp_opts *o, const struct pp_transport *t,
                    size_t size, struct pp_point *pt, size_t *stale)
{
    *pt = (struct pp_point){.size = size};
    size_t n = bench_samples_for_size(size, o->samples, o->budget, o->min_samples);
    if (n > c->ticks_cap) n = c->ticks_cap;
    uint64_t timeout = timeout_for(c, o, t, size);
    size_t warm_lost = 0;
    int r = collect(c, t, size, o->warmup, timeout, NULL, &warm_lost, stale);
    if (r < 0) return r;
    memset(t->rx, 0, size);
    if ((r = collect(c, t, size, n, timeout, c->ticks, &pt->lost, stale)) < 0) return r;
    pt->s = bench_summarize(c->ticks, n, c->hz, 2);
    if ((r = gamma_figure(c, o, t, size, timeout, &pt->gamma_us, &pt->lost, stale)) < 0) return r;
    if (o->verify && memcmp(t->rx, c->tx, size) != 0) pt->corrupt = true;
    return 0;
}
