/*
 * apps/collbench — latency of the engine's collectives vs message size and number of nodes
 * (make bench): barrier, broadcast (ap_coll_bcast from rank 0) and allreduce (doubles, sum) for
 * sizes 8 B .. 1 MiB, plus a 0-byte best-effort ping-pong between ranks 0 and 1 in the same
 * job (the latency the collectives are compared with, under the same host load) and a
 * flow-controlled ping-pong of the largest size (D(max), what a large collective is compared
 * with). Any number of nodes (make bench runs 2, 4, 8 and up to 16). Every rank
 * times every call; rank 0 prints the distribution of its own times and the largest per-rank
 * mean. Results are checked: broadcast payloads and allreduce sums must be exact.
 *   scripts/porto-run -n 8 build/collbench.elf -- samples=200 max=1M
 * Output: `RESULT impl=porto-coll op=barrier|bcast|allreduce|pingpong nodes=N size=S
 * median_us=.. min_us=.. p99_us=.. mean_us=.. max_mean_us=.. n=.. idle=spin|halt`, idle being
 * the kernel's idle policy (kernel word idle=). Optional `tsc_khz=` kernel word: the TSC rate
 * to use instead of the kernel's calibration.
 */
#include "common/bench_stats.h"
#include "net/ap.h"
#include "porto.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PORT_PING   1 /* .. PORT_PING + PING_PORTS - 1 */
#define PING_PORTS  8
#define PORT_END    (PORT_PING + PING_PORTS)
#define PORT_BULK   (PORT_END + 1) /* the large flow-controlled ping-pong */
#define BULK_ROUNDS 20
#define MAX_SIZES   32

struct cb_opts {
    bool barrier, bcast, allreduce, pingpong;
    size_t min_size, max_size, samples, min_samples, warmup;
    uint64_t budget;
    uint64_t maxtime_ms; /* per size: fewer samples (not below minsamples) past this time */
    uint64_t optime_ms;  /* per operation: larger sizes skipped past this time (0: never) */
};

struct cb {
    struct ap *ap;
    int rank, nodes;
    uint64_t hz;
    uint64_t *ticks;
    uint8_t *buf;    /* bcast payload / allreduce input */
    double *out;     /* allreduce result */
    unsigned errors; /* wrong broadcast payloads or sums seen by this rank */
};

static const char usage[] =
    "usage: collbench [barrier] [bcast] [allreduce] [pingpong] [key=value ...]\n"
    "  (default: all four)  min=BYTES (8)  max=BYTES (1M)  samples=N (200)  budget=BYTES (16M)\n"
    "  minsamples=N (10)  warmup=N (10)  maxtime_ms=MS (2000 per size; 0 = no limit)\n"
    "  optime_ms=MS (60000 per operation, larger sizes skipped past it; 0 = no limit)\n";

static int parse(int argc, char **argv, struct cb_opts *o)
{
    *o = (struct cb_opts){.min_size = 8,
                          .max_size = 1u << 20,
                          .samples = 200,
                          .min_samples = 10,
                          .warmup = 10,
                          .maxtime_ms = 2000,
                          .optime_ms = 60000,
                          .budget = 16u << 20};
    bool any = false;
    for (int i = 1; i < argc; i++) {
        const char *w = argv[i], *eq = strchr(w, '=');
        uint64_t v = 0;
        if (!eq) {
            any = true;
            if (!strcmp(w, "barrier"))
                o->barrier = true;
            else if (!strcmp(w, "bcast"))
                o->bcast = true;
            else if (!strcmp(w, "allreduce"))
                o->allreduce = true;
            else if (!strcmp(w, "pingpong"))
                o->pingpong = true;
            else
                goto bad;
            continue;
        }
        if (bench_parse_bytes(eq + 1, &v) < 0) goto bad;
        size_t klen = (size_t)(eq - w);
#define KEY(name) (klen == sizeof(name) - 1 && !strncmp(w, name, klen))
        if (KEY("min") && v >= 8 && v <= (64u << 20))
            o->min_size = (size_t)v;
        else if (KEY("max") && v >= 8 && v <= (64u << 20))
            o->max_size = (size_t)v;
        else if (KEY("samples") && v >= 1 && v <= 1000000)
            o->samples = (size_t)v;
        else if (KEY("minsamples") && v >= 1 && v <= 1000000)
            o->min_samples = (size_t)v;
        else if (KEY("warmup") && v <= 100000)
            o->warmup = (size_t)v;
        else if (KEY("budget") && v >= 1)
            o->budget = v;
        else if (KEY("maxtime_ms") && v <= 3600000)
            o->maxtime_ms = v;
        else if (KEY("optime_ms") && v <= 36000000)
            o->optime_ms = v;
        else
            goto bad;
#undef KEY
    }
    if (!any) o->barrier = o->bcast = o->allreduce = o->pingpong = true;
    if (o->min_size > o->max_size) {
        printf("collbench: min is larger than max\n%s", usage);
        return -1;
    }
    return 0;
bad:
    printf("collbench: bad argument\n%s", usage);
    return -1;
}

enum op { OP_BARRIER, OP_BCAST, OP_ALLREDUCE };
static const char *const op_names[] = {"barrier", "bcast", "allreduce"};

/* One call of `op` with `size` bytes; checks the data it brings (outside any timing that
 * matters: the check is cheap next to a collective under TCG, and the same for every rank). */
static int one_call(struct cb *c, enum op op, size_t size, bool check)
{
    int r = 0;
    size_t count = size / sizeof(double);
    switch (op) {
    case OP_BARRIER:
        r = ap_barrier(c->ap);
        break;
    case OP_BCAST:
        if (check && c->rank != 0) memset(c->buf, 0, size); /* so that a missing payload shows */
        r = ap_coll_bcast(c->ap, 0, c->buf, size);
        if (r == 0 && check && c->rank != 0)
            for (size_t i = 0; i < size; i++)
                if (c->buf[i] != (uint8_t)(i * 7 + 3)) {
                    c->errors++;
                    break;
                }
        break;
    case OP_ALLREDUCE:
        r = ap_allreduce(c->ap, c->buf, c->out, count, AP_DOUBLE, AP_SUM);
        if (r == 0 && check) {
            double want = (double)c->nodes * (c->nodes + 1) / 2.0;
            for (size_t i = 0; i < count; i++)
                if (c->out[i] != want) {
                    c->errors++;
                    break;
                }
        }
        break;
    }
    return r;
}

static void fill_inputs(struct cb *c, enum op op, size_t size)
{
    if (op == OP_ALLREDUCE) {
        double *in = (double *)(void *)c->buf;
        for (size_t i = 0; i < size / sizeof(double); i++)
            in[i] = c->rank + 1;
    } else if (op == OP_BCAST && c->rank == 0) {
        for (size_t i = 0; i < size; i++)
            c->buf[i] = (uint8_t)(i * 7 + 3);
    }
}

/* The largest mean over the ranks (a collective is as slow as its slowest member). */
static double max_over_ranks(struct cb *c, double mine)
{
    double worst = mine;
    if (ap_allreduce(c->ap, &mine, &worst, 1, AP_DOUBLE, AP_MAX) < 0) return -1;
    return worst;
}

static void report(struct cb *c, const char *op, size_t size, struct bench_summary s,
                   double max_mean)
{
    if (c->rank != 0) return;
    printf("%-10s %5d %9zu %10.2f %10.2f %10.2f %10.2f %10.2f %6zu\n", op, c->nodes, size,
           s.median_us, s.min_us, s.p99_us, s.mean_us, max_mean, s.n);
    printf("RESULT impl=porto-coll op=%s nodes=%d size=%zu median_us=%.2f min_us=%.2f "
           "p99_us=%.2f mean_us=%.2f max_mean_us=%.2f n=%zu idle=%s\n",
           op, c->nodes, size, s.median_us, s.min_us, s.p99_us, s.mean_us, max_mean, s.n,
           porto_idle_policy());
}

static int run_op(struct cb *c, const struct cb_opts *o, enum op op)
{
    size_t sizes[MAX_SIZES];
    size_t nsizes = op == OP_BARRIER
                        ? (sizes[0] = 0, 1)
                        : bench_size_list(o->min_size, o->max_size, 0, sizes, MAX_SIZES);
    uint64_t op_start = porto_tsc();
    for (size_t k = 0; k < nsizes; k++) {
        size_t size = sizes[k];
        uint64_t n = bench_samples_for_size(size, o->samples, o->budget, o->min_samples);
        int r;
        /* The whole operation gets `optime_ms`: past it, rank 0 tells everyone to skip the
         * larger sizes (all ranks must make the same calls). */
        uint64_t go = !o->optime_ms || porto_tsc() - op_start < o->optime_ms * (c->hz / 1000);
        if (o->optime_ms && (r = ap_coll_bcast(c->ap, 0, &go, sizeof go)) < 0) return r;
        if (!go) {
            if (c->rank == 0)
                printf("INFO collbench %s nodes=%d: sizes from %zu on skipped (optime_ms=%llu "
                       "spent)\n",
                       op_names[op], c->nodes, size, (unsigned long long)o->optime_ms);
            break;
        }
        fill_inputs(c, op, size);
        uint64_t t0 = porto_tsc();
        for (size_t i = 0; i < o->warmup; i++)
            if ((r = one_call(c, op, size, i == 0)) < 0) return r;
        /* With many nodes per host core a call can take a scheduler slice or more: rank 0
         * bounds the samples by time (from the warm-up's pace) and tells every rank, since
         * all must make the same number of calls. */
        if (o->maxtime_ms && o->warmup) {
            uint64_t per_call = (porto_tsc() - t0) / o->warmup;
            uint64_t fit = per_call ? o->maxtime_ms * (c->hz / 1000) / per_call : n;
            if (fit < n) n = fit < o->min_samples ? o->min_samples : fit;
            if ((r = ap_coll_bcast(c->ap, 0, &n, sizeof n)) < 0) return r;
        }
        if ((r = ap_barrier(c->ap)) < 0) return r;
        for (size_t i = 0; i < n; i++) {
            uint64_t t0 = porto_tsc();
            if ((r = one_call(c, op, size, false)) < 0) return r;
            c->ticks[i] = porto_tsc() - t0;
        }
        /* The last call's data must be right too (checked after the timing). */
        if ((r = one_call(c, op, size, true)) < 0) return r;
        struct bench_summary s = bench_summarize(c->ticks, (size_t)n, c->hz, 1);
        double worst = max_over_ranks(c, s.mean_us);
        report(c, op_names[op], size, s, worst);
    }
    return 0;
}

/* 0-byte best-effort ping-pong between ranks 0 and 1 while the others wait in a barrier.
 * Round trip i uses port PORT_PING + i % PING_PORTS, so that a late echo of a given-up round
 * trip lands on another port and is drained, never taken for an answer. Rank 1 echoes until
 * the end marker (an FC message on PORT_END). */
static int ping_rank0(struct cb *c, const struct cb_opts *o)
{
    size_t n = o->samples, got = 0, lost = 0, stale = 0;
    const uint64_t timeout_ns = 50000000;
    int r = 0;
    uint64_t start = porto_tsc(), limit = o->maxtime_ms * (c->hz / 1000);
    for (unsigned turn = 0; got < n + o->warmup; turn++) {
        if (limit && got >= o->warmup + o->min_samples && porto_tsc() - start > limit) break;
        int port = PORT_PING + (int)(turn % PING_PORTS);
        while (ap_port_wait(c->ap, port, 0, NULL, NULL) == 0)
            stale++;
        uint64_t t0 = porto_tsc();
        if ((r = ap_send_be(c->ap, 1, port, NULL, 0)) < 0) break;
        r = ap_port_wait(c->ap, port, timeout_ns, NULL, NULL);
        uint64_t t = porto_tsc() - t0;
        if (r == -AP_ETIMEDOUT && ++lost <= n) {
            r = 0;
            continue;
        }
        if (r < 0) break;
        if (got >= o->warmup) c->ticks[got - o->warmup] = t;
        got++;
    }
    int e = ap_send_fc(c->ap, 1, PORT_END, NULL, 0);
    if (r < 0 || (r = e) < 0) return r;
    struct bench_summary s = bench_summarize(c->ticks, got - o->warmup, c->hz, 2);
    report(c, "pingpong", 0, s, s.mean_us);
    if (lost || stale)
        printf("collbench: pingpong lost %zu round trips (retried), %zu late echoes\n", lost,
               stale);
    return 0;
}

static int ping_rank1(struct cb *c)
{
    while (ap_port_deliveries(c->ap, PORT_END) == 0) {
        ap_poll(c->ap);
        for (int p = PORT_PING; p < PORT_PING + PING_PORTS; p++) {
            bool echo = false;
            while (ap_port_wait(c->ap, p, 0, NULL, NULL) == 0)
                echo = true;
            int r;
            if (echo && (r = ap_send_be(c->ap, 0, p, NULL, 0)) < 0) return r;
        }
        if (!ap_peer_alive(c->ap, 0)) return -AP_EPEER;
    }
    return 0;
}

/* Flow-controlled ping-pong of `size` bytes between ranks 0 and 1: D(size), half the round
 * trip, what a large collective is compared with. The payload lands in c->out. */
static int bulk_pingpong(struct cb *c, size_t size)
{
    const uint64_t wait_ns = 10000000000ull;
    int r = 0;
    for (int i = 0; i < BULK_ROUNDS + 2 && r == 0; i++) {
        uint64_t t0 = porto_tsc();
        if (c->rank == 0) {
            if ((r = ap_send_fc(c->ap, 1, PORT_BULK, c->buf, size)) < 0) break;
            r = ap_port_wait(c->ap, PORT_BULK, wait_ns, NULL, NULL);
            if (i >= 2) c->ticks[i - 2] = porto_tsc() - t0;
        } else {
            if ((r = ap_port_wait(c->ap, PORT_BULK, wait_ns, NULL, NULL)) < 0) break;
            r = ap_send_fc(c->ap, 0, PORT_BULK, c->buf, size);
        }
    }
    if (r < 0 || c->rank != 0) return r;
    struct bench_summary s = bench_summarize(c->ticks, BULK_ROUNDS, c->hz, 2);
    report(c, "pingpong", size, s, s.mean_us);
    return 0;
}

static int run_pingpong(struct cb *c, const struct cb_opts *o)
{
    int r = 0;
    if (c->rank == 0)
        r = ping_rank0(c, o);
    else if (c->rank == 1)
        r = ping_rank1(c);
    int b = ap_barrier(c->ap);
    if (r == 0 && b == 0 && c->rank < 2) r = bulk_pingpong(c, o->max_size);
    int b2 = ap_barrier(c->ap);
    return r < 0 ? r : b < 0 ? b : b2;
}

int main(int argc, char **argv)
{
    static struct cb c;
    struct cb_opts o;
    c.ap = porto_ap();
    c.rank = porto_rank();
    c.nodes = porto_nodes();
    if (!c.ap) {
        printf("collbench: needs a job: scripts/porto-run -n N build/collbench.elf\n");
        return 2;
    }
    if (parse(argc, argv, &o) < 0) return 2;
    int64_t khz = porto_arg_int("tsc_khz", 0);
    c.hz = khz > 0 ? (uint64_t)khz * 1000 : porto_tsc_hz();
    size_t cap = o.samples > o.warmup ? o.samples : o.warmup;
    if (cap < BULK_ROUNDS) cap = BULK_ROUNDS;
    c.ticks = malloc((cap + o.warmup + 1) * sizeof *c.ticks);
    c.buf = malloc(o.max_size + 8);
    c.out = malloc(o.max_size + 8);
    if (!c.ticks || !c.buf || !c.out) {
        printf("collbench: out of memory\n");
        return 1;
    }
    int r;
    for (int p = PORT_PING; p <= PORT_BULK; p++) {
        if ((r = ap_port_open(c.ap, p, p == PORT_BULK ? (void *)c.out : NULL,
                              p == PORT_BULK ? o.max_size : 0, NULL, NULL, 0)) < 0) {
            printf("collbench: ap_port_open: %s\n", ap_strerror(r));
            return 1;
        }
    }
    if (c.rank == 0) {
        printf("INFO collbench nodes=%d min=%zu max=%zu samples=%zu budget=%llu minsamples=%zu "
               "warmup=%zu maxtime_ms=%llu optime_ms=%llu tsc_hz=%llu tsc_source=%s idle=%s\n",
               c.nodes, o.min_size, o.max_size, o.samples, (unsigned long long)o.budget,
               o.min_samples, o.warmup, (unsigned long long)o.maxtime_ms,
               (unsigned long long)o.optime_ms, (unsigned long long)c.hz,
               khz > 0 ? "tsc_khz" : "kernel", porto_idle_policy());
        printf("%-10s %5s %9s %10s %10s %10s %10s %10s %6s\n", "op", "nodes", "size", "median",
               "min", "p99", "mean", "max mean", "n");
    }
    if ((r = ap_barrier(c.ap)) < 0) goto fail;
    if (o.pingpong && c.nodes >= 2 && (r = run_pingpong(&c, &o)) < 0) goto fail;
    if (o.barrier && (r = run_op(&c, &o, OP_BARRIER)) < 0) goto fail;
    if (o.bcast && (r = run_op(&c, &o, OP_BCAST)) < 0) goto fail;
    if (o.allreduce && (r = run_op(&c, &o, OP_ALLREDUCE)) < 0) goto fail;
    /* Every rank's data checks, summed at rank 0. */
    double mine = c.errors, all = 0;
    if ((r = ap_allreduce(c.ap, &mine, &all, 1, AP_DOUBLE, AP_SUM)) < 0) goto fail;
    if (c.rank == 0)
        printf("BENCH-DONE collbench %s (%d wrong results)\n", all == 0 ? "ok" : "failed",
               (int)all);
    return all == 0 ? 0 : 1;
fail:
    printf("collbench: rank %d: %s%s%s\n", c.rank, ap_strerror(r), *ap_error(c.ap) ? ": " : "",
           ap_error(c.ap));
    return 1;
}
