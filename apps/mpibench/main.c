/*
 * apps/mpibench — libmpi's cost over the engine it runs on, measured in one job (2 ranks or
 * more; ranks 0 and 1 do the ping-pong): for every size 0, 1, 2, 4, ... max, round trips of
 * MPI_Send/MPI_Recv and, interleaved with them in blocks, of the engine's own flow-controlled
 * ping-pong (ap_send_fc into a port, as apps/pingpong does), so that both see the same host
 * load. Then a few collectives on all ranks. Methodology of apps/pingpong: half round trips,
 * median, minimum and p99 over the samples; samples per size bounded by a byte budget.
 *   scripts/porto-run -n 2 build/mpibench.elf -- max=4M samples=200 budget=16M
 * Arguments (key=value; unknown keys, e.g. the rest of apps/pingpong's, are ignored):
 *   max=4M samples=1000 budget=64M minsamples=20 warmup=20 blocks=4 coll=1
 * Output: RESULT impl=mpi|mpi-fcref size=S median_us=.. min_us=.. p99_us=.. n=.. lines,
 * RESULT impl=mpi-coll op=.. nodes=.. size=.. median_us=.. lines, and BENCH-DONE mpibench ok.
 */
#include "mpi.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/bench_stats.h"
#include "net/ap.h"
#include "porto.h"

#define REF_PORT  5 /* the engine reference's ping-pong port (libmpi keeps 32..61) */
#define MAX_SIZES 40

struct opts {
    uint64_t max, budget;
    size_t samples, minsamples, warmup, blocks;
    int coll;
};

static int parse(int argc, char **argv, struct opts *o)
{
    *o = (struct opts){4u << 20, 64u << 20, 1000, 20, 20, 4, 1};
    static const char *const keys[] = {"max",    "budget", "samples", "minsamples",
                                       "warmup", "blocks", "coll"};
    for (int i = 1; i < argc; i++) {
        char *eq = strchr(argv[i], '=');
        if (!eq) continue;
        size_t kl = (size_t)(eq - argv[i]);
        int k = -1;
        for (int j = 0; j < 7; j++)
            if (kl == strlen(keys[j]) && !strncmp(argv[i], keys[j], kl)) k = j;
        if (k < 0) continue; /* apps/pingpong's other words */
        uint64_t v;
        if (bench_parse_bytes(eq + 1, &v) < 0) {
            printf("mpibench: bad value in '%s'\n", argv[i]);
            return -1;
        }
        switch (k) {
        case 0:
            o->max = v;
            break;
        case 1:
            o->budget = v;
            break;
        case 2:
            o->samples = (size_t)v;
            break;
        case 3:
            o->minsamples = (size_t)v;
            break;
        case 4:
            o->warmup = (size_t)v;
            break;
        case 5:
            o->blocks = (size_t)v;
            break;
        default:
            o->coll = (int)v;
            break;
        }
    }
    if (o->samples == 0 || o->blocks == 0 || o->max > (64u << 20)) {
        printf("mpibench: samples and blocks must be > 0, max <= 64M\n");
        return -1;
    }
    return 0;
}

static int me, nranks;
static struct ap *ap;
static unsigned char *tx, *rx;
static uint64_t taken; /* deliveries of REF_PORT taken so far */

static void ref_wait(void)
{
    while (ap_port_deliveries(ap, REF_PORT) == taken)
        ap_poll(ap);
    ap_port_wait(ap, REF_PORT, 0, NULL, NULL);
    taken++;
}

/* One round trip of each kind; rank 1 mirrors rank 0. Returns TSC ticks at rank 0. */
static uint64_t rt_mpi(size_t size)
{
    uint64_t t0 = porto_tsc();
    if (me == 0) {
        MPI_Send(tx, (int)size, MPI_BYTE, 1, 1, MPI_COMM_WORLD);
        MPI_Recv(rx, (int)size, MPI_BYTE, 1, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    } else {
        MPI_Recv(rx, (int)size, MPI_BYTE, 0, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        MPI_Send(tx, (int)size, MPI_BYTE, 0, 1, MPI_COMM_WORLD);
    }
    return porto_tsc() - t0;
}

static uint64_t rt_ref(size_t size)
{
    uint64_t t0 = porto_tsc();
    if (me == 0) {
        ap_send_fc(ap, 1, REF_PORT, tx, size);
        ref_wait();
    } else {
        ref_wait();
        ap_send_fc(ap, 0, REF_PORT, tx, size);
    }
    return porto_tsc() - t0;
}

static void report(const char *impl, size_t size, uint64_t *t, size_t n, uint64_t hz)
{
    struct bench_summary s = bench_summarize(t, n, hz, 2);
    printf("RESULT impl=%s size=%zu median_us=%.2f min_us=%.2f p99_us=%.2f n=%zu\n", impl, size,
           s.median_us, s.min_us, s.p99_us, s.n);
}

static void pingpong(const struct opts *o, uint64_t hz)
{
    size_t sizes[MAX_SIZES];
    size_t ns = bench_size_list(1, (size_t)o->max, 1, sizes, MAX_SIZES);
    uint64_t *tm = malloc(sizeof(uint64_t) * o->samples),
             *tr = malloc(sizeof(uint64_t) * o->samples);
    if (me == 0)
        printf("mpibench: %zu sizes 0..%llu, ping-pong MPI vs engine FC\n", ns,
               (unsigned long long)o->max);
    for (size_t k = 0; k < ns; k++) {
        size_t size = sizes[k];
        size_t n = bench_samples_for_size(size, o->samples, o->budget, o->minsamples);
        for (size_t w = 0; w < o->warmup; w++) {
            rt_mpi(size);
            rt_ref(size);
        }
        size_t nm = 0, nr = 0;
        /* Blocks of each in turn: a slow phase of the host hits both alike. */
        for (size_t b = 0; b < o->blocks; b++) {
            size_t end = n * (b + 1) / o->blocks;
            while (nm < end)
                tm[nm++] = rt_mpi(size);
            while (nr < end)
                tr[nr++] = rt_ref(size);
        }
        if (me == 0) {
            report("mpi", size, tm, nm, hz);
            report("mpi-fcref", size, tr, nr, hz);
        }
    }
    free(tm);
    free(tr);
}

/* Collectives on every rank: n calls each, whole-operation times at rank 0. */
static void collectives(const struct opts *o, uint64_t hz)
{
    size_t n = o->samples < 200 ? o->samples : 200;
    uint64_t *t = malloc(sizeof(uint64_t) * n);
    static char cbuf[65536], cout[65536];
    double d = me, dsum;
    struct {
        const char *op;
        size_t size;
    } ops[] = {{"barrier", 0}, {"allreduce", 8}, {"allreduce_char", 4096}, {"bcast", 65536}};
    for (unsigned k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        for (size_t i = 0; i < n + 5; i++) {
            MPI_Barrier(MPI_COMM_WORLD);
            uint64_t t0 = porto_tsc();
            switch (k) {
            case 0:
                MPI_Barrier(MPI_COMM_WORLD);
                break;
            case 1:
                MPI_Allreduce(&d, &dsum, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
                break;
            case 2:
                MPI_Allreduce(cbuf, cout, 4096, MPI_CHAR, MPI_SUM, MPI_COMM_WORLD);
                break;
            default:
                MPI_Bcast(cbuf, 65536, MPI_BYTE, 0, MPI_COMM_WORLD);
                break;
            }
            if (i >= 5) t[i - 5] = porto_tsc() - t0;
        }
        if (me == 0) {
            struct bench_summary s = bench_summarize(t, n, hz, 1);
            printf("RESULT impl=mpi-coll op=%s nodes=%d size=%zu median_us=%.2f min_us=%.2f "
                   "p99_us=%.2f n=%zu\n",
                   ops[k].op, nranks, ops[k].size, s.median_us, s.min_us, s.p99_us, s.n);
        }
    }
    free(t);
}

int main(int argc, char **argv)
{
    struct opts o;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    MPI_Comm_size(MPI_COMM_WORLD, &nranks);
    if (parse(argc, argv, &o) < 0 || nranks < 2 || !(ap = porto_ap())) {
        if (me == 0) printf("mpibench: needs a job of 2 or more ranks and valid arguments\n");
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    int64_t khz = porto_arg_int("tsc_khz", 0);
    uint64_t hz = khz > 0 ? (uint64_t)khz * 1000 : porto_tsc_hz();
    tx = malloc((size_t)o.max + 1);
    rx = malloc((size_t)o.max + 1);
    if (!tx || !rx || ap_port_open(ap, REF_PORT, rx, (size_t)o.max + 1, NULL, NULL, 0) < 0) {
        printf("mpibench: out of memory or port %d busy\n", REF_PORT);
        MPI_Abort(MPI_COMM_WORLD, 2);
    }
    memset(tx, 0x5a, (size_t)o.max + 1);
    if (me == 0)
        printf("mpibench: %d ranks, TSC %llu Hz (%s), samples=%zu budget=%llu minsamples=%zu "
               "warmup=%zu blocks=%zu\n",
               nranks, (unsigned long long)hz, khz > 0 ? "tsc_khz" : "kernel", o.samples,
               (unsigned long long)o.budget, o.minsamples, o.warmup, o.blocks);
    MPI_Barrier(MPI_COMM_WORLD);
    if (me < 2) pingpong(&o, hz);
    MPI_Barrier(MPI_COMM_WORLD);
    if (o.coll) collectives(&o, hz);
    MPI_Barrier(MPI_COMM_WORLD);
    if (me == 0) printf("BENCH-DONE mpibench ok\n");
    MPI_Finalize();
    return 0;
}
