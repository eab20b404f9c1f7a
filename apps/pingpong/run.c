/*
 * apps/pingpong/run.c — rank 0's ping-pong over every enabled transport (raw NIC, engine BE,
 * engine FC), interleaved: each size's samples are taken in `blocks` blocks, and each block
 * runs on raw, then BE, then FC before the next block starts.
 * The host these guests run on is shared (other VMs, other jobs): load that comes and goes
 * then hits every transport alike instead of whichever ran at that moment, which keeps the
 * ratios between them honest. RESULT lines are printed as each size finishes (a later failure
 * keeps them); the tables, derived metrics and counters come at the end.
 */
#include "apps/pingpong/pingpong.h"

#include <stdio.h>
#include <stdlib.h>

#define MAX_TRANSPORTS 3

struct lane {
    const struct pp_transport *t;
    struct pp_point pts[PP_MAX_SIZES];
    size_t done; /* sizes measured */
    int err;     /* the error that stopped this transport (0: none) */
    bool warmed;
    size_t stale;
    uint64_t *ticks; /* samples of the size in progress */
    struct pp_size_run run;
    struct ap_stats acc; /* engine counters while this transport ran */
};

static struct lane lanes[MAX_TRANSPORTS];

/* Samples of block b out of `blocks` when n are wanted in all. */
static size_t block_share(size_t n, unsigned b, unsigned blocks)
{
    return n * (b + 1) / blocks - n * b / blocks;
}

/* One block of the current size on one transport, inside its mode: the first block starts
 * the size (and the transport's first ever block warms it up), every block takes its share of
 * the samples and one of GAMMA's runs while any are left, the last one finishes them. */
static int one_block(struct pp_ctx *c, const struct pp_opts *o, struct lane *l, unsigned b,
                     unsigned blocks)
{
    int r = l->t->begin ? l->t->begin(c) : 0;
    if (r < 0) return r;
    struct ap_stats before, after;
    ap_stats(c->ap, &before);
    struct pp_size_run *run = &l->run;
    if (r == 0 && !l->warmed) {
        r = pp_warm(c, o, l->t, &l->stale);
        l->warmed = true;
    }
    if (r == 0 && b == 0) r = pp_size_begin(c, o, l->t, run, &l->stale);
    if (r == 0) r = pp_size_block(c, o, l->t, run, block_share(run->n, b, blocks), &l->stale);
    if (r == 0 && run->gamma_done < o->gamma_runs) r = pp_size_gamma(c, o, l->t, run, &l->stale);
    /* The last block completes GAMMA's runs; spoiled runs are redone up to RUNS times. */
    while (r == 0 && b == blocks - 1 && run->gamma_done < o->gamma_runs &&
           run->gamma_retries <= o->gamma_runs)
        r = pp_size_gamma(c, o, l->t, run, &l->stale);
    ap_stats(c->ap, &after);
    pp_stats_accumulate(&l->acc, &before, &after);
    if (l->t->end) l->t->end(c);
    return r;
}

int pp_pingpong(struct pp_ctx *c, const struct pp_opts *o)
{
    size_t n = 0;
    if (o->run_raw) lanes[n++] = (struct lane){.t = pp_raw_transport(c)};
    if (o->run_be) lanes[n++] = (struct lane){.t = pp_engine_transport(c, false)};
    if (o->run_fc) lanes[n++] = (struct lane){.t = pp_engine_transport(c, true)};
    for (size_t i = 0; i < n; i++) {
        lanes[i].ticks = malloc(c->ticks_cap * sizeof(uint64_t));
        if (!lanes[i].ticks) return -AP_ENOMEM;
    }
    size_t sizes[PP_MAX_SIZES];
    size_t nsizes = bench_size_list(1, o->max_size, 1, sizes, PP_MAX_SIZES);
    unsigned blocks = o->blocks ? o->blocks : 1;
    for (size_t k = 0; k < nsizes; k++) {
        for (size_t i = 0; i < n; i++)
            lanes[i].run = (struct pp_size_run){.size = sizes[k],
                                                .ticks = lanes[i].ticks,
                                                .cap = c->ticks_cap,
                                                .pt = &lanes[i].pts[lanes[i].done]};
        for (unsigned b = 0; b < blocks; b++) {
            for (size_t i = 0; i < n; i++) {
                struct lane *l = &lanes[i];
                if (l->err) continue;
                int r = one_block(c, o, l, b, blocks);
                if (r < 0) {
                    /* This transport stops here; the others go on. */
                    l->err = r;
                    printf("RESULT impl=%s size=%zu error=%s lost=%zu\n", l->t->impl, sizes[k],
                           ap_strerror(r), l->run.pt->lost);
                }
            }
        }
        for (size_t i = 0; i < n; i++) {
            struct lane *l = &lanes[i];
            if (l->err) continue;
            pp_size_end(c, &l->run);
            pp_report_point(l->t->impl, o, l->run.pt);
            l->done++;
        }
    }
    int err = 0;
    for (size_t i = 0; i < n; i++) {
        struct lane *l = &lanes[i];
        pp_report_table(l->t->impl, l->pts, l->done);
        if (l->stale) printf("INFO %s late echoes skipped: %zu\n", l->t->impl, l->stale);
        if (l->t->begin)
            pp_raw_report_counters();
        else
            pp_report_engine_stats(l->t->impl, &l->acc);
        if (l->err && !err) err = l->err;
    }
    return err;
}
