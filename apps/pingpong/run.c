/*
 * apps/pingpong/run.c — rank 0's ping-pong over every enabled transport (raw NIC, engine BE,
 * engine FC), interleaved size by size: S = 0 on raw, then BE, then FC, then S = 1, and so on.
 * The host these guests run on is shared (other VMs, other jobs): load that comes and goes
 * then hits every transport alike instead of whichever ran at that moment, which keeps the
 * ratios between them honest. RESULT lines are printed as each size finishes (a later failure
 * keeps them); the tables, derived metrics and counters come at the end.
 */
#include "apps/pingpong/pingpong.h"

#include <stdio.h>

#define MAX_TRANSPORTS 3

struct lane {
    const struct pp_transport *t;
    struct pp_point pts[PP_MAX_SIZES];
    size_t done; /* sizes measured */
    int err;     /* the error that stopped this transport (0: none) */
    bool warmed;
    size_t stale;
    struct ap_stats acc; /* engine counters while this transport ran */
};

static struct lane lanes[MAX_TRANSPORTS];

/* One size on one transport, inside its mode. */
static int one_size(struct pp_ctx *c, const struct pp_opts *o, struct lane *l, size_t size)
{
    int r = l->t->begin ? l->t->begin(c) : 0;
    if (r < 0) return r;
    struct ap_stats before, after;
    ap_stats(c->ap, &before);
    if (!l->warmed) {
        r = pp_warm(c, o, l->t, &l->stale);
        l->warmed = true;
    }
    if (r == 0) r = pp_measure_size(c, o, l->t, size, &l->pts[l->done], &l->stale);
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
    size_t sizes[PP_MAX_SIZES];
    size_t nsizes = bench_size_list(1, o->max_size, 1, sizes, PP_MAX_SIZES);
    for (size_t k = 0; k < nsizes; k++) {
        for (size_t i = 0; i < n; i++) {
            struct lane *l = &lanes[i];
            if (l->err) continue;
            int r = one_size(c, o, l, sizes[k]);
            if (r < 0) {
                /* This transport stops here; the others go on. */
                l->err = r;
                printf("RESULT impl=%s size=%zu error=%s lost=%zu\n", l->t->impl, sizes[k],
                       ap_strerror(r), l->pts[l->done].lost);
                continue;
            }
            pp_report_point(l->t->impl, o, &l->pts[l->done]);
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
