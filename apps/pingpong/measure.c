/*
 * apps/pingpong/measure.c — the measurement loop of the ping-pong benchmark, the same for
 * every transport (engine BE, engine FC, raw NIC): for S = 0, 1, 2, 4, ... max, untimed
 * warm-up round trips, then `samples` timed ones (bounded by `budget` bytes each way, at least
 * `minsamples`) for median/min/p99 of D(S) = half the round trip, then GAMMA's figure (best of
 * RUNS runs, each the average of LEN round trips), then a check that the echo's payload is the
 * one sent. Lost round trips (best effort, raw) are counted, drained and tried again.
 */
#include "apps/pingpong/pingpong.h"
#include "porto.h"

#include <stdio.h>
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

size_t pp_measure(struct pp_ctx *c, const struct pp_opts *o, const struct pp_transport *t,
                  struct pp_point *pts, int *err)
{
    size_t sizes[PP_MAX_SIZES];
    size_t nsizes = bench_size_list(1, o->max_size, 1, sizes, PP_MAX_SIZES);
    size_t stale = 0;
    *err = 0;
    /* A fresh pair of guests runs its first exchanges slower (code not yet translated by
     * TCG, cold caches and rings): `warmup_ms` of untimed 0-byte round trips first, as the
     * Linux peer does. */
    uint64_t warm_end = porto_tsc() + o->warmup_ms * (c->hz / 1000);
    uint64_t warm_timeout = t->reliable ? PP_RELIABLE_TIMEOUT_S * c->hz : pp_timeout_ticks(c, o, 0);
    while (porto_tsc() < warm_end) {
        uint64_t ticks;
        int r = t->round_trip(c, 0, warm_timeout, &ticks, &stale);
        if (r == PP_RT_LOST && t->reliable) r = -AP_ETIMEDOUT;
        if (r < 0) {
            *err = r;
            pts[0] = (struct pp_point){.size = 0};
            return 0;
        }
        if (r == PP_RT_LOST) t->drain(c, warm_timeout, &stale);
    }
    for (size_t k = 0; k < nsizes; k++) {
        size_t size = sizes[k];
        struct pp_point *pt = &pts[k];
        *pt = (struct pp_point){.size = size};
        size_t n = bench_samples_for_size(size, o->samples, o->budget, o->min_samples);
        if (n > c->ticks_cap) n = c->ticks_cap;
        /* A reliable transport never loses a round trip, but retransmission timeouts with
         * backoff may stretch one far beyond the BE timeout: wait as long as the engine's
         * own give-up time (10 s) and then some before calling it an error. */
        uint64_t timeout =
            t->reliable ? PP_RELIABLE_TIMEOUT_S * c->hz : pp_timeout_ticks(c, o, size);
        size_t warm_lost = 0;
        int r = collect(c, t, size, o->warmup, timeout, NULL, &warm_lost, &stale);
        if (r == 0) {
            memset(t->rx, 0, size);
            r = collect(c, t, size, n, timeout, c->ticks, &pt->lost, &stale);
        }
        if (r == 0) {
            pt->s = bench_summarize(c->ticks, n, c->hz, 2);
            r = gamma_figure(c, o, t, size, timeout, &pt->gamma_us, &pt->lost, &stale);
        }
        if (r < 0) {
            *err = r;
            return k;
        }
        if (o->verify && memcmp(t->rx, c->tx, size) != 0) pt->corrupt = true;
    }
    if (stale) printf("INFO %s late echoes skipped: %zu\n", t->impl, stale);
    return nsizes;
}
