/*
 * apps/pingpong/measure.c — the measurement of one message size, the same for every
 * transport (engine BE, engine FC, raw NIC), in pieces that run.c interleaves: untimed
 * warm-up round trips, then `samples` timed ones (bounded by `budget` bytes each way, at least
 * `minsamples`) in blocks, for median/min/p99 of D(S) = half the round trip; GAMMA's runs
 * (each the average of LEN back-to-back round trips; the figure is the best of RUNS); at the
 * end a check that the last echo's payload is the one sent. Lost round trips (best effort,
 * raw) are counted, drained and tried again.
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

int pp_size_begin(struct pp_ctx *c, const struct pp_opts *o, const struct pp_transport *t,
                  struct pp_size_run *run, size_t *stale)
{
    size_t n = bench_samples_for_size(run->size, o->samples, o->budget, o->min_samples);
    run->n = n < run->cap ? n : run->cap;
    run->got = run->gamma_done = run->gamma_retries = 0;
    run->gamma_best = 0;
    *run->pt = (struct pp_point){.size = run->size};
    size_t warm_lost = 0;
    int r = collect(c, t, run->size, o->warmup, timeout_for(c, o, t, run->size), NULL, &warm_lost,
                    stale);
    memset(t->rx, 0, run->size); /* the check at the end sees only this size's echoes */
    return r;
}

int pp_size_block(struct pp_ctx *c, const struct pp_opts *o, const struct pp_transport *t,
                  struct pp_size_run *run, size_t count, size_t *stale)
{
    if (count > run->n - run->got) count = run->n - run->got;
    int r = collect(c, t, run->size, count, timeout_for(c, o, t, run->size), run->ticks + run->got,
                    &run->pt->lost, stale);
    if (r == 0) run->got += count;
    return r;
}

/* One of GAMMA's runs: the average of `gamma_len` back-to-back round trips. A run that loses
 * a message is spoiled (counted in gamma_retries) and does not count. */
int pp_size_gamma(struct pp_ctx *c, const struct pp_opts *o, const struct pp_transport *t,
                  struct pp_size_run *run, size_t *stale)
{
    uint64_t timeout = timeout_for(c, o, t, run->size);
    uint64_t t0 = porto_tsc();
    for (size_t i = 0; i < o->gamma_len; i++) {
        uint64_t ticks;
        int r = t->round_trip(c, run->size, timeout, &ticks, stale);
        if (r < 0) return r;
        if (r == PP_RT_LOST) {
            if (t->reliable) return -AP_ETIMEDOUT;
            run->pt->lost++;
            run->gamma_retries++;
            t->drain(c, timeout, stale);
            return 0;
        }
    }
    double avg_us = (double)(porto_tsc() - t0) / (double)o->gamma_len / 2.0 * 1e6 / (double)c->hz;
    if (run->gamma_done == 0 || avg_us < run->gamma_best) run->gamma_best = avg_us;
    run->gamma_done++;
    return 0;
}

void pp_size_end(struct pp_ctx *c, const struct pp_opts *o, const struct pp_transport *t,
                 struct pp_size_run *run)
{
    run->pt->s = bench_summarize(run->ticks, run->got, c->hz, 2);
    run->pt->gamma_us = run->gamma_best;
    if (o->verify && memcmp(t->rx, c->tx, run->size) != 0) run->pt->corrupt = true;
}
