/*
 * tests/mpi/test_mpi_coll.c — every libmpi collective on 1..9 host ranks (powers of two and
 * not), on MPI_COMM_WORLD (where the engine's collectives serve) and on a duplicate (where the
 * point-to-point algorithms do), with MPI_IN_PLACE, MPI_CHAR sums, MINLOC/MAXLOC pairs, a
 * non-commutative user operation, every root; then a lossy switch.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/mpi/harness.h"

/* Digits appended in rank order: x_r = {r + 1, 10}; a op b = {a.v * b.p + b.v, a.p * b.p}.
 * The fold over ranks 0..n-1 is the number 12...n: any reordering shows. */
struct digits {
    long long v, p;
};
static void concat(void *in, void *inout, int *len, MPI_Datatype *dt)
{
    (void)dt;
    struct digits *a = in, *b = inout;
    for (int i = 0; i < *len; i++) {
        b[i].v = a[i].v * b[i].p + b[i].v;
        b[i].p = a[i].p * b[i].p;
    }
}
static long long digits_upto(int n)
{
    long long v = 0;
    for (int r = 0; r < n; r++)
        v = v * 10 + r + 1;
    return v;
}

static int bcasts(MPI_Comm comm, int n, int me)
{
    static const int lens[] = {1, 1000, 50000};
    int *buf = malloc(sizeof(int) * 50000);
    for (int root = 0; root < n; root++)
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < lens[k]; i++)
                buf[i] = me == root ? root * 7 + i : -1;
            CHECK_OK(MPI_Bcast(buf, lens[k], MPI_INT, root, comm));
            for (int i = 0; i < lens[k]; i++)
                CHECK(buf[i] == root * 7 + i, "bcast root %d len %d at %d: %d", root, lens[k], i,
                      buf[i]);
        }
    free(buf);
    return 0;
}

static int reductions(MPI_Comm comm, int n, int me)
{
    enum { N = 3000 };
    int *iv = malloc(sizeof(int) * N), *ir = malloc(sizeof(int) * N);
    char cv[100], cr[100];
    for (int root = 0; root < n; root += (n > 3 ? 2 : 1)) {
        for (int i = 0; i < N; i++)
            iv[i] = me + i;
        CHECK_OK(MPI_Reduce(iv, ir, N, MPI_INT, MPI_SUM, root, comm));
        if (me == root)
            for (int i = 0; i < N; i++)
                CHECK(ir[i] == n * (n - 1) / 2 + n * i, "reduce sum root %d at %d", root, i);
        for (int i = 0; i < 100; i++)
            cv[i] = (char)(i % 3);
        CHECK_OK(MPI_Reduce(cv, cr, 100, MPI_CHAR, MPI_SUM, root, comm));
        if (me == root)
            for (int i = 0; i < 100; i++)
                CHECK(cr[i] == (char)(n * (i % 3)), "char sum at %d", i);
        /* IN_PLACE at the root */
        double d = me * 1.5, dm = d;
        CHECK_OK(
            MPI_Reduce(me == root ? MPI_IN_PLACE : &d, &dm, 1, MPI_DOUBLE, MPI_MAX, root, comm));
        if (me == root) CHECK(dm == (n - 1) * 1.5, "reduce max in place: %g", dm);
    }
    for (int i = 0; i < N; i++)
        ir[i] = me * 2 + i;
    CHECK_OK(MPI_Allreduce(MPI_IN_PLACE, ir, N, MPI_INT, MPI_MIN, comm));
    for (int i = 0; i < N; i++)
        CHECK(ir[i] == i, "allreduce min in place at %d", i);
    float f = 1.0f + (float)me, fp;
    CHECK_OK(MPI_Allreduce(&f, &fp, 1, MPI_FLOAT, MPI_PROD, comm));
    float want = 1;
    for (int r = 0; r < n; r++)
        want *= 1.0f + (float)r;
    CHECK(fp == want, "float prod %g", fp);
    struct {
        double v;
        int i;
    } loc = {(double)((me * 5) % n), me}, lmin, lmax;
    CHECK_OK(MPI_Allreduce(&loc, &lmin, 1, MPI_DOUBLE_INT, MPI_MINLOC, comm));
    CHECK_OK(MPI_Allreduce(&loc, &lmax, 1, MPI_DOUBLE_INT, MPI_MAXLOC, comm));
    CHECK(lmin.v == 0 && lmin.i == 0, "minloc %g@%d", lmin.v, lmin.i);
    int maxat = 0;
    for (int r = 0; r < n; r++)
        if ((r * 5) % n > (maxat * 5) % n) maxat = r;
    CHECK(lmax.v == (double)((maxat * 5) % n) && lmax.i == maxat, "maxloc %g@%d", lmax.v, lmax.i);
    int bits = 1 << me, bor;
    CHECK_OK(MPI_Allreduce(&bits, &bor, 1, MPI_INT, MPI_BOR, comm));
    CHECK(bor == (1 << n) - 1, "bor %x", bor);
    /* Non-commutative user operation, every root; scan and exscan with it. */
    MPI_Op op;
    MPI_Datatype dg;
    CHECK_OK(MPI_Type_contiguous(2, MPI_LONG_LONG, &dg));
    CHECK_OK(MPI_Type_commit(&dg));
    CHECK_OK(MPI_Op_create(concat, 0, &op));
    struct digits x = {me + 1, 10}, y = {0, 0};
    for (int root = 0; root < n; root++) {
        CHECK_OK(MPI_Reduce(&x, &y, 1, dg, op, root, comm));
        if (me == root) CHECK(y.v == digits_upto(n), "user op root %d: %lld", root, y.v);
    }
    CHECK_OK(MPI_Allreduce(&x, &y, 1, dg, op, comm));
    CHECK(y.v == digits_upto(n), "user allreduce %lld", y.v);
    CHECK_OK(MPI_Scan(&x, &y, 1, dg, op, comm));
    CHECK(y.v == digits_upto(me + 1), "scan %lld", y.v);
    y.v = -1;
    CHECK_OK(MPI_Exscan(&x, &y, 1, dg, op, comm));
    if (me > 0) CHECK(y.v == digits_upto(me), "exscan %lld", y.v);
    int s = me + 1;
    CHECK_OK(MPI_Scan(MPI_IN_PLACE, &s, 1, MPI_INT, MPI_SUM, comm));
    CHECK(s == (me + 1) * (me + 2) / 2, "scan in place %d", s);
    CHECK_OK(MPI_Op_free(&op));
    CHECK_OK(MPI_Type_free(&dg));
    free(iv);
    free(ir);
    return 0;
}

static int gathers(MPI_Comm comm, int n, int me)
{
    enum { B = 700 }; /* ints per block: the blocks cross the eager limit together */
    int *send = malloc(sizeof(int) * B * (size_t)n), *recv = malloc(sizeof(int) * B * (size_t)n);
    int *counts = malloc(sizeof(int) * (size_t)n), *displs = malloc(sizeof(int) * (size_t)n);
    int *c2 = malloc(sizeof(int) * (size_t)n), *d2 = malloc(sizeof(int) * (size_t)n);
    for (int root = 0; root < n; root++) {
        for (int i = 0; i < B; i++)
            send[i] = me * B + i;
        memset(recv, 0xff, sizeof(int) * B * (size_t)n);
        CHECK_OK(MPI_Gather(send, B, MPI_INT, recv, B, MPI_INT, root, comm));
        if (me == root)
            for (int i = 0; i < B * n; i++)
                CHECK(recv[i] == i, "gather root %d at %d", root, i);
        /* scatter it back, in place at the root */
        int *mine = me == root ? recv + me * B : send;
        memset(send, 0, sizeof(int) * B);
        CHECK_OK(MPI_Scatter(recv, B, MPI_INT, me == root ? MPI_IN_PLACE : send, B, MPI_INT, root,
                             comm));
        for (int i = 0; i < B; i++)
            CHECK(mine[i] == me * B + i, "scatter root %d at %d", root, i);
        /* v forms: rank r contributes r + 1 ints, stored in reverse rank order */
        int off = 0;
        for (int r = n - 1; r >= 0; r--) {
            counts[r] = r + 1;
            displs[r] = off;
            off += r + 1;
        }
        for (int i = 0; i <= me; i++)
            send[i] = me * 100 + i;
        CHECK_OK(MPI_Gatherv(send, me + 1, MPI_INT, recv, counts, displs, MPI_INT, root, comm));
        if (me == root)
            for (int r = 0; r < n; r++)
                for (int i = 0; i <= r; i++)
                    CHECK(recv[displs[r] + i] == r * 100 + i, "gatherv %d.%d", r, i);
        memset(send, 0, sizeof(int) * (size_t)n);
        CHECK_OK(MPI_Scatterv(recv, counts, displs, MPI_INT, send, me + 1, MPI_INT, root, comm));
        for (int i = 0; i <= me; i++)
            CHECK(send[i] == me * 100 + i, "scatterv at %d", i);
    }
    for (int i = 0; i < B; i++)
        recv[me * B + i] = me * B + i;
    CHECK_OK(MPI_Allgather(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, recv, B, MPI_INT, comm));
    for (int i = 0; i < B * n; i++)
        CHECK(recv[i] == i, "allgather in place at %d", i);
    for (int r = 0, off = 0; r < n; r++) {
        counts[r] = 2 * r + 1;
        displs[r] = off;
        off += 2 * r + 1;
    }
    for (int i = 0; i < 2 * me + 1; i++)
        send[i] = me * 1000 + i;
    CHECK_OK(MPI_Allgatherv(send, 2 * me + 1, MPI_INT, recv, counts, displs, MPI_INT, comm));
    for (int r = 0; r < n; r++)
        for (int i = 0; i < 2 * r + 1; i++)
            CHECK(recv[displs[r] + i] == r * 1000 + i, "allgatherv %d.%d", r, i);
    /* alltoall: block to rank d holds me * 1000 + d */
    for (int d = 0; d < n; d++)
        for (int i = 0; i < B; i++)
            send[d * B + i] = me * 1000 + d + i * 7;
    CHECK_OK(MPI_Alltoall(send, B, MPI_INT, recv, B, MPI_INT, comm));
    for (int s = 0; s < n; s++)
        for (int i = 0; i < B; i++)
            CHECK(recv[s * B + i] == s * 1000 + me + i * 7, "alltoall from %d", s);
    CHECK_OK(MPI_Alltoall(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, send, B, MPI_INT, comm));
    for (int s = 0; s < n; s++)
        CHECK(send[s * B] == s * 1000 + me, "alltoall in place from %d", s);
    /* alltoallv: rank me sends d + 1 ints to d; receives me + 1 ints from each */
    for (int d = 0, off = 0; d < n; d++) {
        counts[d] = d + 1;
        displs[d] = off;
        for (int i = 0; i <= d; i++)
            send[off + i] = me * 100 + d;
        off += d + 1;
        c2[d] = me + 1;
        d2[d] = d * (me + 1);
    }
    CHECK_OK(MPI_Alltoallv(send, counts, displs, MPI_INT, recv, c2, d2, MPI_INT, comm));
    for (int s = 0; s < n; s++)
        for (int i = 0; i <= me; i++)
            CHECK(recv[d2[s] + i] == s * 100 + me, "alltoallv from %d", s);
    /* reduce_scatter: rank r gets r + 1 sums */
    int total = 0;
    for (int r = 0; r < n; r++) {
        counts[r] = r + 1;
        total += r + 1;
    }
    for (int i = 0; i < total; i++)
        send[i] = i + me;
    CHECK_OK(MPI_Reduce_scatter(send, recv, counts, MPI_INT, MPI_SUM, comm));
    int first = me * (me + 1) / 2;
    for (int i = 0; i <= me; i++)
        CHECK(recv[i] == n * (first + i) + n * (n - 1) / 2, "reduce_scatter at %d", i);
    for (int i = 0; i < 3 * n; i++)
        send[i] = i;
    CHECK_OK(MPI_Reduce_scatter_block(send, recv, 3, MPI_INT, MPI_SUM, comm));
    for (int i = 0; i < 3; i++)
        CHECK(recv[i] == n * (3 * me + i), "reduce_scatter_block at %d", i);
    free(send), free(recv), free(counts), free(displs), free(c2), free(d2);
    return 0;
}

static int rank_all(void)
{
    CHECK_OK(MPI_Init(NULL, NULL));
    int me = mh_rank(), n = mh_size();
    MPI_Comm dup;
    CHECK_OK(MPI_Comm_dup(MPI_COMM_WORLD, &dup));
    for (int pass = 0; pass < 2; pass++) {
        MPI_Comm c = pass ? dup : MPI_COMM_WORLD;
        CHECK_OK(MPI_Barrier(c));
        MPI_Request r;
        CHECK_OK(MPI_Ibarrier(c, &r));
        CHECK_OK(MPI_Wait(&r, MPI_STATUS_IGNORE));
        if (bcasts(c, n, me) || reductions(c, n, me) || gathers(c, n, me)) return -1;
    }
    CHECK_OK(MPI_Comm_free(&dup));
    return MPI_Finalize();
}

static void test_collectives_1_to_9(void **state)
{
    (void)state;
    for (unsigned n = 1; n <= 9; n++)
        mh_expect_pass(n, rank_all);
}

/* Ibarrier overlapping point-to-point: nobody leaves before everyone entered. */
static int rank_ibarrier(void)
{
    CHECK_OK(MPI_Init(NULL, NULL));
    int me = mh_rank(), n = mh_size(), token = 0;
    MPI_Request r;
    if (me == 0) {
        CHECK_OK(MPI_Ibarrier(MPI_COMM_WORLD, &r));
        for (int i = 0; i < 50; i++) {
            int flag;
            CHECK_OK(MPI_Test(&r, &flag, MPI_STATUS_IGNORE));
            CHECK(!flag || n == 1, "ibarrier finished before rank 1 entered");
        }
        if (n > 1) CHECK_OK(MPI_Send(&token, 1, MPI_INT, 1, 0, MPI_COMM_WORLD));
        CHECK_OK(MPI_Wait(&r, MPI_STATUS_IGNORE));
    } else {
        if (me == 1)
            CHECK_OK(MPI_Recv(&token, 1, MPI_INT, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        CHECK_OK(MPI_Ibarrier(MPI_COMM_WORLD, &r));
        CHECK_OK(MPI_Wait(&r, MPI_STATUS_IGNORE));
    }
    return MPI_Finalize();
}

static void test_ibarrier(void **state)
{
    (void)state;
    mh_expect_pass(3, rank_ibarrier);
    mh_expect_pass(5, rank_ibarrier);
}

static void test_lossy(void **state)
{
    (void)state;
    struct mh_opts o = {.nodes = 5, .drop = 0.02, .reorder = 0.02, .dup = 0.01};
    assert_int_equal(mh_run(&o, rank_all, NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_collectives_1_to_9),
        cmocka_unit_test(test_ibarrier),
        cmocka_unit_test(test_lossy),
    };
    if (getenv("TEST_FILTER")) cmocka_set_test_filter(getenv("TEST_FILTER"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
