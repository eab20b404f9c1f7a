/*
 * apps/mpiperf — the MPI numbers Porto's MPI is compared on, in plain MPI C so that the same
 * source builds with any MPI compiler wrapper (MPICH's mpicc for the Linux peer, Porto's own):
 *   pingpong   ranks 0 and 1: MPI_Send / MPI_Recv round trips for sizes 0, 1, 2, 4 .. max;
 *              half round trip per sample (median, min, p99)
 *   bw         rank 0 streams `window` MPI_Isend of `bwsize` bytes to rank 1, which answers
 *              every window with a 0-byte message (the osu_bw pattern); MB/s per window
 *   allreduce  every rank: MPI_Allreduce of one double (8 bytes, MPI_SUM), each call timed
 *
 *   mpiexec -n 4 ./mpiperf [impl=NAME] [tests=pingpong,bw,allreduce] [max=BYTES (1M)]
 *       [samples=N (1000)] [budget=BYTES (64M)] [warmup=N (20)] [bwsize=BYTES (1M)]
 *       [window=N (8)] [bwreps=N (20)] [allreduce=N (1000)]
 * BYTES take a K or M suffix. Payloads are checked (pattern per message; bw: the warm-up and
 * the last window, untimed) and allreduce sums compared with the exact value; a mismatch
 * fails the run. Output (rank 0), times in µs:
 *   RESULT impl=NAME op=pingpong nodes=N size=S median_us=.. min_us=.. p99_us=.. n=..
 *   RESULT impl=NAME op=bw nodes=N size=S window=W median_mbps=.. min_mbps=.. max_mbps=.. n=..
 *   RESULT impl=NAME op=allreduce nodes=N size=8 median_us=.. min_us=.. p99_us=.. n=..
 *   BENCH-DONE mpiperf ok|FAILED
 * Exit status 0, 1 when a check or an MPI call failed, 2 on bad arguments.
 */
#include <mpi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAG_PING 11
#define TAG_PONG 12
#define TAG_BW   13
#define TAG_ACK  14

struct opts {
    const char *impl;
    int pingpong, bw, allreduce;
    size_t max, samples, warmup, bwsize, window, bwreps, allreduce_n;
    uint64_t budget;
};

static const char usage[] =
    "usage: mpiperf [impl=NAME] [tests=pingpong,bw,allreduce] [max=BYTES (1M)]\n"
    "  [samples=N (1000)] [budget=BYTES (64M)] [warmup=N (20)] [bwsize=BYTES (1M)]\n"
    "  [window=N (8)] [bwreps=N (20)] [allreduce=N (1000)]   (BYTES: K or M suffix)\n";

static int parse_num(const char *s, uint64_t max, uint64_t *out)
{
    char *end;
    if (*s < '0' || *s > '9') return -1;
    unsigned long long v = strtoull(s, &end, 10);
    unsigned shift = 0;
    if (*end == 'K' || *end == 'k')
        shift = 10;
    else if (*end == 'M' || *end == 'm')
        shift = 20;
    if (shift) end++;
    if (*end || v > (max >> shift)) return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

static int parse_tests(const char *s, struct opts *o)
{
    o->pingpong = o->bw = o->allreduce = 0;
    while (*s) {
        size_t n = strcspn(s, ",");
        if (n == 8 && !strncmp(s, "pingpong", 8))
            o->pingpong = 1;
        else if (n == 2 && !strncmp(s, "bw", 2))
            o->bw = 1;
        else if (n == 9 && !strncmp(s, "allreduce", 9))
            o->allreduce = 1;
        else
            return -1;
        s += n;
        if (*s == ',') s++;
    }
    return o->pingpong || o->bw || o->allreduce ? 0 : -1;
}

static const char *parse(int argc, char **argv, struct opts *o)
{
    *o = (struct opts){.impl = "mpi",
                       .pingpong = 1,
                       .bw = 1,
                       .allreduce = 1,
                       .max = 1u << 20,
                       .samples = 1000,
                       .warmup = 20,
                       .bwsize = 1u << 20,
                       .window = 8,
                       .bwreps = 20,
                       .allreduce_n = 1000,
                       .budget = 64u << 20};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *eq = strchr(a, '=');
        uint64_t v = 0;
        int bad = !eq;
        if (bad) return a;
        size_t k = (size_t)(eq - a);
        const char *val = eq + 1;
#define KEY(name) (k == sizeof(name) - 1 && !strncmp(a, name, k))
        if (KEY("impl"))
            bad = !*val || strlen(val) > 32 || strpbrk(val, " \t=") != NULL, o->impl = val;
        else if (KEY("tests"))
            bad = parse_tests(val, o);
        else if (KEY("max"))
            bad = parse_num(val, 64u << 20, &v), o->max = v;
        else if (KEY("samples"))
            bad = parse_num(val, 1000000, &v) || v == 0, o->samples = v;
        else if (KEY("budget"))
            bad = parse_num(val, 1ull << 40, &v) || v == 0, o->budget = v;
        else if (KEY("warmup"))
            bad = parse_num(val, 100000, &v), o->warmup = v;
        else if (KEY("bwsize"))
            bad = parse_num(val, 64u << 20, &v) || v == 0, o->bwsize = v;
        else if (KEY("window"))
            bad = parse_num(val, 64, &v) || v == 0, o->window = v;
        else if (KEY("bwreps"))
            bad = parse_num(val, 100000, &v) || v == 0, o->bwreps = v;
        else if (KEY("allreduce"))
            bad = parse_num(val, 1000000, &v) || v == 0, o->allreduce_n = v;
        else
            bad = 1;
#undef KEY
        if (bad) return a;
    }
    return NULL;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts v and returns the nearest-rank quantile q. */
static double quantile(double *v, size_t n, double q)
{
    qsort(v, n, sizeof(*v), cmp_double);
    size_t k = (size_t)(q * (double)n + 0.999999999);
    k = k < 1 ? 1 : k > n ? n : k;
    return v[k - 1];
}

static void fill(unsigned char *p, size_t n, unsigned seq)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(i * 7u + seq);
}

static int check(const unsigned char *p, size_t n, unsigned seq)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != (unsigned char)(i * 7u + seq)) return -1;
    return 0;
}

struct run {
    int rank, ranks;
    unsigned errors; /* checks failed or MPI calls that returned an error, this rank */
    unsigned char *sbuf, *rbuf;
    double *t;
};

#define CALL(r, x)                                                                                 \
    do {                                                                                           \
        if ((x) != MPI_SUCCESS) (r)->errors++;                                                     \
    } while (0)

static void pingpong(struct run *r, const struct opts *o)
{
    for (size_t size = 0;; size = size ? size * 2 : 1) {
        if (size > o->max) break;
        size_t n = o->samples;
        if (size && o->budget / size < n) n = o->budget / size;
        if (n < 20) n = 20;
        for (size_t k = 0; k < o->warmup + n; k++) {
            unsigned seq = (unsigned)k;
            /* The payload is written and checked outside the timed round trip: under an
             * emulator a byte loop over 1 MiB costs as much as the transfer. */
            if (r->rank == 0) fill(r->sbuf, size, seq);
            double t0 = MPI_Wtime();
            if (r->rank == 0) {
                CALL(r, MPI_Send(r->sbuf, (int)size, MPI_BYTE, 1, TAG_PING, MPI_COMM_WORLD));
                CALL(r, MPI_Recv(r->rbuf, (int)size, MPI_BYTE, 1, TAG_PONG, MPI_COMM_WORLD,
                                 MPI_STATUS_IGNORE));
            } else if (r->rank == 1) {
                CALL(r, MPI_Recv(r->rbuf, (int)size, MPI_BYTE, 0, TAG_PING, MPI_COMM_WORLD,
                                 MPI_STATUS_IGNORE));
                CALL(r, MPI_Send(r->rbuf, (int)size, MPI_BYTE, 0, TAG_PONG, MPI_COMM_WORLD));
            }
            double dt = MPI_Wtime() - t0;
            /* The echo must be the message sent: checked where the cost is not timed. */
            if (r->rank == 0 && check(r->rbuf, size, seq)) r->errors++;
            if (k >= o->warmup) r->t[k - o->warmup] = dt / 2;
        }
        if (r->rank == 0) {
            double min = quantile(r->t, n, 0), med = quantile(r->t, n, 0.5);
            printf("RESULT impl=%s op=pingpong nodes=%d size=%zu median_us=%.2f min_us=%.2f "
                   "p99_us=%.2f n=%zu\n",
                   o->impl, r->ranks, size, med * 1e6, min * 1e6, quantile(r->t, n, 0.99) * 1e6, n);
            fflush(stdout);
        }
        CALL(r, MPI_Barrier(MPI_COMM_WORLD));
    }
}

static void bandwidth(struct run *r, const struct opts *o)
{
    MPI_Request req[64];
    MPI_Status st[64];
    const size_t size = o->bwsize, w = o->window;
    /* One warm-up window, then bwreps timed ones. Rank 1 checks the payload of the warm-up
     * window before its answer (untimed), and that of the last window after its answer
     * (rank 0's clock has stopped); rank 0 writes the last window's own pattern before
     * starting its clock. A check of every window would put a byte loop over window x
     * bwsize bytes into every timed window, which under an emulator costs more than the
     * transfer and would cap both sides at the same rate. */
    for (size_t rep = 0; rep <= o->bwreps; rep++) {
        const int last = rep == o->bwreps;
        if (r->rank == 0 && last)
            for (size_t i = 0; i < w; i++)
                fill(r->sbuf + i * size, size, (unsigned)(i + w));
        double t0 = MPI_Wtime();
        if (r->rank == 0) {
            for (size_t i = 0; i < w; i++)
                CALL(r, MPI_Isend(r->sbuf + i * size, (int)size, MPI_BYTE, 1, TAG_BW,
                                  MPI_COMM_WORLD, &req[i]));
            CALL(r, MPI_Waitall((int)w, req, st));
            CALL(r, MPI_Recv(NULL, 0, MPI_BYTE, 1, TAG_ACK, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        } else if (r->rank == 1) {
            for (size_t i = 0; i < w; i++)
                CALL(r, MPI_Irecv(r->rbuf + i * size, (int)size, MPI_BYTE, 0, TAG_BW,
                                  MPI_COMM_WORLD, &req[i]));
            CALL(r, MPI_Waitall((int)w, req, st));
            if (rep == 0)
                for (size_t i = 0; i < w; i++)
                    if (check(r->rbuf + i * size, size, (unsigned)i)) r->errors++;
            CALL(r, MPI_Send(NULL, 0, MPI_BYTE, 0, TAG_ACK, MPI_COMM_WORLD));
            if (last) /* its own pattern: bytes left by an earlier window do not pass */
                for (size_t i = 0; i < w; i++)
                    if (check(r->rbuf + i * size, size, (unsigned)(i + w))) r->errors++;
        }
        double dt = MPI_Wtime() - t0;
        if (rep > 0) r->t[rep - 1] = (double)(size * w) / dt / 1e6;
    }
    if (r->rank == 0) {
        size_t n = o->bwreps;
        double med = quantile(r->t, n, 0.5);
        printf("RESULT impl=%s op=bw nodes=%d size=%zu window=%zu median_mbps=%.2f "
               "min_mbps=%.2f max_mbps=%.2f n=%zu\n",
               o->impl, r->ranks, size, w, med, r->t[0], r->t[n - 1], n);
        fflush(stdout);
    }
    CALL(r, MPI_Barrier(MPI_COMM_WORLD));
}

static void allreduce(struct run *r, const struct opts *o)
{
    const double nr = r->ranks;
    for (size_t k = 0; k < o->warmup + o->allreduce_n; k++) {
        /* Small integers: the sum is exact in any order. */
        double in = (double)(r->rank + 1) + (double)(k % 1000), out = -1;
        double t0 = MPI_Wtime();
        CALL(r, MPI_Allreduce(&in, &out, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD));
        double dt = MPI_Wtime() - t0;
        if (out != nr * (nr + 1) / 2 + nr * (double)(k % 1000)) r->errors++;
        if (k >= o->warmup) r->t[k - o->warmup] = dt;
    }
    if (r->rank == 0) {
        size_t n = o->allreduce_n;
        printf("RESULT impl=%s op=allreduce nodes=%d size=8 median_us=%.2f min_us=%.2f "
               "p99_us=%.2f n=%zu\n",
               o->impl, r->ranks, quantile(r->t, n, 0.5) * 1e6, quantile(r->t, n, 0) * 1e6,
               quantile(r->t, n, 0.99) * 1e6, n);
        fflush(stdout);
    }
}

int main(int argc, char **argv)
{
    if (MPI_Init(&argc, &argv) != MPI_SUCCESS) {
        fprintf(stderr, "mpiperf: MPI_Init failed\n");
        return 1;
    }
    struct run r = {0};
    MPI_Comm_rank(MPI_COMM_WORLD, &r.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &r.ranks);
    struct opts o;
    const char *bad = parse(argc, argv, &o);
    if (bad || ((o.pingpong || o.bw) && r.ranks < 2)) {
        if (r.rank == 0) {
            if (bad)
                fprintf(stderr, "mpiperf: bad argument '%s'\n", bad);
            else
                fprintf(stderr, "mpiperf: pingpong and bw need 2 ranks or more\n");
            fputs(usage, stderr);
        }
        MPI_Finalize();
        return 2;
    }
    size_t buf = o.max > o.bwsize * o.window ? o.max : o.bwsize * o.window;
    size_t nt = o.samples > o.bwreps ? o.samples : o.bwreps;
    nt = nt > o.allreduce_n ? nt : o.allreduce_n;
    r.sbuf = malloc(buf ? buf : 1);
    r.rbuf = malloc(buf ? buf : 1);
    r.t = malloc(nt * sizeof(double));
    int have = r.sbuf && r.rbuf && r.t, all = 0;
    MPI_Allreduce(&have, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (!all) {
        fprintf(stderr, "mpiperf: rank %d: no memory for %zu-byte buffers\n", r.rank, buf);
        MPI_Finalize();
        return 1;
    }
    if (r.rank == 0)
        for (size_t i = 0; i < o.window; i++)
            fill(r.sbuf + i * o.bwsize, o.bwsize, (unsigned)i);
    MPI_Barrier(MPI_COMM_WORLD);
    if (o.allreduce) allreduce(&r, &o); /* first: the payload tests leave no traffic behind it */
    if (o.pingpong) pingpong(&r, &o);
    if (o.bw) {
        if (r.rank == 0) /* pingpong reused the buffer */
            for (size_t i = 0; i < o.window; i++)
                fill(r.sbuf + i * o.bwsize, o.bwsize, (unsigned)i);
        bandwidth(&r, &o);
    }
    unsigned errors = 0;
    MPI_Allreduce(&r.errors, &errors, 1, MPI_UNSIGNED, MPI_SUM, MPI_COMM_WORLD);
    if (r.rank == 0) {
        if (errors) fprintf(stderr, "mpiperf: %u failed checks or MPI calls\n", errors);
        printf("BENCH-DONE mpiperf %s\n", errors ? "FAILED" : "ok");
        fflush(stdout);
    }
    free(r.sbuf);
    free(r.rbuf);
    free(r.t);
    MPI_Finalize();
    return errors ? 1 : 0;
}
