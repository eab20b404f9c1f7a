/*
 * apps/pingpong/measure.c — the measurement of one message size, the same for every
 * transport (engine BE, engine FC, raw NIC), in pieces that run.c interleaves: untimed
 * warm-up round trips, then `samples` timed ones (bounded by `budget` bytes each way, at least
 * `minsamples`) in blocks, for median/min/p99 of D(S) = half the round trip; GAMMA's runs
 * (each the average of LEN back-to-back round trips; the figure is the best of RUNS). Every
 * echo's payload is compared with what was sent, after its round trip was timed (the first
 * and last byte of the landing buffer are spoiled before each round trip, so an echo that
 * never landed does not pass for one that did). Lost round trips (best effort, raw) are
 * counted, drained and tried again.
 */
#include "apps/pingpong/pingpong.h"
#include "porto.h"

#include <string.h>

uint64_t pp_timeout_ticks(const struct pp_ctx *c, const struct pp_opts *o, size_t size)
{
    uint64_t us = o->timeout_us + (uint64_t)((double)size / 1e6 * (double)o->timeout_us_per_mb);
    return (uint64_t)((double)us * (double)c->hz / 1e6);
}

bool pp_check_payload(struct pp_ctx *c, const uint8_t *rx, size_t len)
{
    c->checked++;
    if (len == 0 || memcmp(rx, c->tx, len) == 0) return true;
    c->mismatched++;
    return false;
}

static void spoil(const struct pp_ctx *c, const struct pp_transport *t, size_t size)
{
    if (size == 0) return;
    t->rx[0] = (uint8_t)~c->tx[0];
    t->rx[size - 1] = (uint8_t)~c->tx[size - 1];
}

/* After a timed round trip: the echo's payload, counted per size and per rank. */
static void check_echo(struct pp_ctx *c, const struct pp_opts *o, const struct pp_transport *t,
                       size_t size, size_t *mismatched)
{
    if (o->verify && !pp_check_payload(c, t->rx, size) && mismatched) ++*mismatched;
}

/* Round trips until `n` succeeded (samples into out[] unless NULL); gives up after n / 10 + 10
 * losses, the Linux peer's allowance (bench/linux/nb_pingpong.c). Every echo's payload is
 * checked. */
static int collect(struct pp_ctx *c, const struct pp_opts *o, const struct pp_transport *t,
                   size_t size, size_t n, uint64_t timeout, uint64_t *out, size_t *lost,
                   size_t *stale, size_t *mismatched)
{
    size_t got = 0, lost_here = 0;
    while (got < n) {
        uint64_t ticks;
        if (o->verify) spoil(c, t, size);
        int r = t->round_trip(c, size, timeout, &ticks, stale);
        if (r < 0) return r;
        if (r == PP_RT_OK) {
            if (out) out[got] = ticks;
            got++;
            check_echo(c, o, t, size, mismatched);
            continue;
        }
        if (t->reliable || ++lost_here > n / 10 + 10) return -AP_ETIMEDOUT;
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
    return collect(c, o, t, run->size, o->warmup, timeout_for(c, o, t, run->size), NULL, &warm_lost,
                   stale, &run->pt->mismatched);
}

int pp_size_block(struct pp_ctx *c, const struct pp_opts *o, const struct pp_transport *t,
                  struct pp_size_run *run, size_t count, size_t *stale)
{
    if (count > run->n - run->got) count = run->n - run->got;
    int r = collect(c, o, t, run->size, count, timeout_for(c, o, t, run->size),
                    run->ticks + run->got, &run->pt->lost, stale, &run->pt->mismatched);
    if (r == 0) run->got += count;
    return r;
}

/* One of GAMMA's runs: the average of `gamma_len` round trips, one after the other. A run
 * that loses a message is spoiled (counted in gamma_retries) and does not count. The run's
 * time is the sum of its round trips, so that checking each echo's payload in between is
 * not part of the figure. */
int pp_size_gamma(struct pp_ctx *c, const struct pp_opts *o, const struct pp_transport *t,
                  struct pp_size_run *run, size_t *stale)
{
    uint64_t timeout = timeout_for(c, o, t, run->size);
    uint64_t sum = 0;
    for (size_t i = 0; i < o->gamma_len; i++) {
        uint64_t ticks;
        if (o->verify) spoil(c, t, run->size);
        int r = t->round_trip(c, run->size, timeout, &ticks, stale);
        if (r < 0) return r;
        if (r == PP_RT_LOST) {
            if (t->reliable) return -AP_ETIMEDOUT;
            run->pt->lost++;
            run->gamma_retries++;
            t->drain(c, timeout, stale);
            return 0;
        }
        sum += ticks;
        check_echo(c, o, t, run->size, &run->pt->mismatched);
    }
    double avg_us = (double)sum / (double)o->gamma_len / 2.0 * 1e6 / (double)c->hz;
    if (run->gamma_done == 0 || avg_us < run->gamma_best) run->gamma_best = avg_us;
    run->gamma_done++;
    return 0;
}

void pp_size_end(struct pp_ctx *c, struct pp_size_run *run)
{
    run->pt->s = bench_summarize(run->ticks, run->got, c->hz, 2);
    run->pt->gamma_us = run->gamma_best;
}
