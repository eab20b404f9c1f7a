/*
 * apps/halo — Jacobi on -lap(u) = 1, u = 0 on the border, over a grid of `rows` x `width`
 * interior cells split by rows across the ranks. Every iteration each rank posts non-blocking
 * receives for its two ghost rows, sends its first and last rows to its neighbours with
 * blocking sends, waits, sweeps its block and joins an MPI_Allreduce of the residual: the
 * communication pattern of the finite-element solver in the study Porto answers, whose
 * boundary rows were 1312 bytes (the default width, 164 doubles).
 *
 *   mpiexec -n 4 ./halo [width=164] [rows=256] [iters=200] [warmup=10] [verify=auto|yes|no]
 *
 * Rank 0 times every iteration (MPI_Wtime; the allreduce keeps the ranks in step), then, for
 * grids of at most 2^20 cells (verify=auto) or always (verify=yes), gathers the grid, runs the
 * same iterations serially and compares: every cell within 1e-12 of the serial value
 * (relative), the last residual within 1e-9. The residual must also shrink. Output (rank 0):
 *   RESULT app=halo nodes=N width=W rows=R iters=I row_bytes=B median_us=.. min_us=.. p10_us=..
 *     p90_us=.. max_us=.. serial_us=.. speedup=.. res_first=.. res_last=.. verify=ok|skipped
 *     maxdiff=..
 *   BENCH-DONE halo ok|FAILED
 * Exit status 0 when every check passed, 1 when one failed, 2 on bad arguments.
 */
#include "halo.h"

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAG_TO_NEXT  1 /* a rank's last row, to rank + 1 (its upper ghost row) */
#define TAG_TO_PREV  2 /* a rank's first row, to rank - 1 (its lower ghost row) */
#define TAG_GATHER   3
#define VERIFY_CELLS ((size_t)1 << 20)

struct opts {
    size_t width, rows, iters, warmup;
    int verify; /* -1 auto, 0 no, 1 yes */
};

static const char usage[] =
    "usage: halo [width=COLUMNS (164)] [rows=ROWS (256)] [iters=N (200)] [warmup=N (10)]\n"
    "            [verify=auto|yes|no]  (rows >= number of ranks; width, rows, iters >= 1)\n";

static int parse_size(const char *s, size_t max, size_t *out)
{
    char *end;
    if (*s < '0' || *s > '9') return -1;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end || v > max) return -1;
    *out = (size_t)v;
    return 0;
}

/* Returns NULL on success, else the offending argument. */
static const char *parse(int argc, char **argv, struct opts *o)
{
    *o = (struct opts){.width = 164, .rows = 256, .iters = 200, .warmup = 10, .verify = -1};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int bad = 0;
        if (!strncmp(a, "width=", 6))
            bad = parse_size(a + 6, 1u << 20, &o->width) || o->width == 0;
        else if (!strncmp(a, "rows=", 5))
            bad = parse_size(a + 5, 1u << 24, &o->rows) || o->rows == 0;
        else if (!strncmp(a, "iters=", 6))
            bad = parse_size(a + 6, 10000000, &o->iters) || o->iters == 0;
        else if (!strncmp(a, "warmup=", 7))
            bad = parse_size(a + 7, 1000000, &o->warmup);
        else if (!strcmp(a, "verify=auto"))
            o->verify = -1;
        else if (!strcmp(a, "verify=yes"))
            o->verify = 1;
        else if (!strcmp(a, "verify=no"))
            o->verify = 0;
        else
            bad = 1;
        if (bad) return a;
    }
    return NULL;
}

struct ctx {
    int rank, ranks;
    size_t first; /* global index of the block's first row */
    struct halo_block b;
    double h2;
};

/* One iteration: ghost rows in, sweep, global residual. Returns 0 or an MPI error code. */
static int iterate(struct ctx *c, double *residual)
{
    MPI_Request req[2];
    MPI_Status st[2]; /* not MPI_STATUSES_IGNORE: gcc 12 warns on MPICH's (MPI_Status *)1 */
    int n = 0, rc;
    const int w = (int)c->b.width;
    const int prev = c->rank - 1, next = c->rank + 1 < c->ranks ? c->rank + 1 : -1;
    if (prev >= 0 && (rc = MPI_Irecv(halo_row(&c->b, 0), w, MPI_DOUBLE, prev, TAG_TO_NEXT,
                                     MPI_COMM_WORLD, &req[n++])) != MPI_SUCCESS)
        return rc;
    if (next >= 0 && (rc = MPI_Irecv(halo_row(&c->b, c->b.rows + 1), w, MPI_DOUBLE, next,
                                     TAG_TO_PREV, MPI_COMM_WORLD, &req[n++])) != MPI_SUCCESS)
        return rc;
    if (prev >= 0 && (rc = MPI_Send(halo_row(&c->b, 1), w, MPI_DOUBLE, prev, TAG_TO_PREV,
                                    MPI_COMM_WORLD)) != MPI_SUCCESS)
        return rc;
    if (next >= 0 && (rc = MPI_Send(halo_row(&c->b, c->b.rows), w, MPI_DOUBLE, next, TAG_TO_NEXT,
                                    MPI_COMM_WORLD)) != MPI_SUCCESS)
        return rc;
    if (n && (rc = MPI_Waitall(n, req, st)) != MPI_SUCCESS) return rc;
    double local = halo_sweep(&c->b, c->h2);
    return MPI_Allreduce(&local, residual, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
}

/* Rank 0: the distributed grid, gathered row block by row block (point to point, so the
 * program needs no MPI_Gatherv), compared with a serial run. Sets *maxdiff and returns the
 * serial median time per sweep in seconds, or -1 when memory is short. */
static double verify_serial(struct ctx *c, const struct opts *o, double par_res, double *maxdiff,
                            double *serial_res, int *ok)
{
    struct halo_block all, ser;
    *ok = 0;
    if (halo_block_init(&all, o->rows, o->width) || halo_block_init(&ser, o->rows, o->width)) {
        halo_block_free(&all);
        fprintf(stderr, "halo: no memory for the serial check\n");
        return -1;
    }
    const size_t s = all.stride;
    memcpy(all.u + s, c->b.u + s, c->b.rows * s * sizeof(double));
    int good = 1;
    for (int r = 1; r < c->ranks; r++) {
        size_t first, rows = halo_split(o->rows, c->ranks, r, &first);
        MPI_Status st;
        int got = 0;
        if (MPI_Recv(all.u + (first + 1) * s, (int)(rows * s), MPI_DOUBLE, r, TAG_GATHER,
                     MPI_COMM_WORLD, &st) != MPI_SUCCESS ||
            MPI_Get_count(&st, MPI_DOUBLE, &got) != MPI_SUCCESS || (size_t)got != rows * s) {
            fprintf(stderr, "halo: rank %d's rows did not arrive whole\n", r);
            good = 0;
        }
    }
    double *t = malloc((o->iters + o->warmup) * sizeof(double));
    double res = 0;
    for (size_t k = 0; k < o->iters + o->warmup; k++) {
        double t0 = MPI_Wtime();
        res = halo_sweep(&ser, c->h2);
        if (t) t[k] = MPI_Wtime() - t0;
    }
    double median = -1;
    if (t) {
        halo_sort(t + o->warmup, o->iters);
        median = halo_quantile_sorted(t + o->warmup, o->iters, 0.5);
        free(t);
    }
    double md = 0, scale = 0;
    for (size_t i = 1; i <= o->rows; i++)
        for (size_t j = 1; j <= o->width; j++) {
            double a = all.u[i * s + j], e = ser.u[i * s + j], d = a > e ? a - e : e - a;
            md = d > md ? d : md;
            scale = e > scale ? e : scale;
        }
    double rd = par_res > res ? par_res - res : res - par_res;
    *maxdiff = md;
    *serial_res = res;
    *ok = good && md <= 1e-12 * scale && rd <= 1e-9 * res;
    halo_block_free(&all);
    halo_block_free(&ser);
    return median;
}

int main(int argc, char **argv)
{
    if (MPI_Init(&argc, &argv) != MPI_SUCCESS) {
        fprintf(stderr, "halo: MPI_Init failed\n");
        return 1;
    }
    struct ctx c = {0};
    MPI_Comm_rank(MPI_COMM_WORLD, &c.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &c.ranks);
    struct opts o;
    const char *bad = parse(argc, argv, &o);
    if (bad || o.rows < (size_t)c.ranks) {
        /* Every rank parses the same words, so every rank leaves here. */
        if (c.rank == 0) {
            if (bad)
                fprintf(stderr, "halo: bad argument '%s'\n", bad);
            else
                fprintf(stderr, "halo: rows=%zu is fewer than the %d ranks\n", o.rows, c.ranks);
            fputs(usage, stderr);
        }
        MPI_Finalize();
        return 2;
    }
    if (o.width > (size_t)2147483647 / (o.rows / (size_t)c.ranks + 3)) {
        if (c.rank == 0)
            fprintf(stderr, "halo: a block of width=%zu rows=%zu is too large for MPI counts\n",
                    o.width, o.rows);
        MPI_Finalize();
        return 2;
    }
    size_t rows = halo_split(o.rows, c.ranks, c.rank, &c.first);
    double h = 1.0 / (double)(o.width + 1);
    c.h2 = h * h;
    int mem = halo_block_init(&c.b, rows, o.width) == 0;
    double *times = mem ? malloc(o.iters * sizeof(double)) : NULL;
    int all_mem = 0, have = mem && times;
    MPI_Allreduce(&have, &all_mem, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (!all_mem) {
        fprintf(stderr, "halo: rank %d: no memory for %zu x %zu cells\n", c.rank, rows, o.width);
        MPI_Finalize();
        return 1;
    }

    double res = 0, res_first = 0;
    int rc = MPI_SUCCESS;
    MPI_Barrier(MPI_COMM_WORLD);
    for (size_t k = 0; k < o.warmup + o.iters && rc == MPI_SUCCESS; k++) {
        double t0 = MPI_Wtime();
        rc = iterate(&c, &res);
        double dt = MPI_Wtime() - t0;
        if (k == 0) res_first = res;
        if (k >= o.warmup) times[k - o.warmup] = dt;
    }
    if (rc != MPI_SUCCESS) {
        fprintf(stderr, "halo: rank %d: MPI error %d during the iterations\n", c.rank, rc);
        MPI_Abort(MPI_COMM_WORLD, 1);
        return 1;
    }

    int verify = o.verify < 0 ? o.rows * o.width <= VERIFY_CELLS : o.verify;
    int ok = res < res_first || (o.warmup + o.iters == 1);
    double serial = -1, maxdiff = 0, serial_res = 0;
    if (verify) {
        if (c.rank == 0) {
            int vok;
            serial = verify_serial(&c, &o, res, &maxdiff, &serial_res, &vok);
            ok = ok && vok && serial >= 0;
        } else if (MPI_Send(c.b.u + c.b.stride, (int)(c.b.rows * c.b.stride), MPI_DOUBLE, 0,
                            TAG_GATHER, MPI_COMM_WORLD) != MPI_SUCCESS) {
            ok = 0;
        }
    }
    int all_ok = 0;
    MPI_Allreduce(&ok, &all_ok, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);

    if (c.rank == 0) {
        halo_sort(times, o.iters);
        double med = halo_quantile_sorted(times, o.iters, 0.5);
        printf("RESULT app=halo nodes=%d width=%zu rows=%zu iters=%zu row_bytes=%zu "
               "median_us=%.2f min_us=%.2f p10_us=%.2f p90_us=%.2f max_us=%.2f",
               c.ranks, o.width, o.rows, o.iters, o.width * sizeof(double), med * 1e6,
               times[0] * 1e6, halo_quantile_sorted(times, o.iters, 0.1) * 1e6,
               halo_quantile_sorted(times, o.iters, 0.9) * 1e6, times[o.iters - 1] * 1e6);
        if (serial > 0)
            printf(" serial_us=%.2f speedup=%.3f", serial * 1e6, serial / med);
        else
            printf(" serial_us=n/a speedup=n/a");
        printf(" res_first=%.6e res_last=%.6e verify=%s maxdiff=%.3e\n", res_first, res,
               verify ? (all_ok ? "ok" : "FAILED") : "skipped", maxdiff);
        if (verify && !all_ok)
            fprintf(stderr,
                    "halo: the parallel grid differs from the serial run (maxdiff %.3e, "
                    "residual %.17g vs %.17g) or a block was lost\n",
                    maxdiff, res, serial_res);
        else if (!all_ok)
            fprintf(stderr, "halo: the residual did not shrink (%.6e -> %.6e)\n", res_first, res);
        printf("BENCH-DONE halo %s\n", all_ok ? "ok" : "FAILED");
        fflush(stdout);
    }
    free(times);
    halo_block_free(&c.b);
    MPI_Finalize();
    return all_ok ? 0 : 1;
}
