/*
 * apps/mpitest — libmpi end to end on a QEMU cluster (tests/qemu/55-mpi.sh): point to point
 * around the eager/rendezvous boundary up to 4 MiB, wildcards and order, truncation, Ssend,
 * probe, every collective on MPI_COMM_WORLD and on a split communicator (MPI_CHAR sums
 * included), derived datatypes; every byte checked. Prints "mpitest: PASS" on rank 0.
 *   scripts/porto-run -n 4 build/mpitest.elf        (also on 1 node: a job of one rank)
 *   scripts/porto-run -n 2 build/mpitest.elf -- abort   (rank 1 calls MPI_Abort(..., 3) while
 *                                                        rank 0 waits for a message)
 */
#include "mpi.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int me, n, failures;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            printf("mpitest: rank %d: FAIL line %d: ", me, __LINE__);                              \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static unsigned char pat(unsigned id, size_t i)
{
    unsigned x = id * 2654435761u + (unsigned)i * 40503u + (unsigned)(i >> 8) * 977u;
    return (unsigned char)(x ^ (x >> 13));
}

static void p2p(void)
{
    static const int sizes[] = {0, 1, 100, 4095, 4096, 4097, 65536, 1 << 20, 4 << 20};
    unsigned char *buf = malloc(4 << 20);
    if (!buf) {
        CHECK(0, "malloc");
        return;
    }
    /* ring: each rank sends every size to the next, receives from the previous (any source:
     * only the previous one sends this tag) */
    int right = (me + 1) % n, left = (me - 1 + n) % n;
    unsigned char *in = malloc(4 << 20);
    for (unsigned k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        size_t len = (size_t)sizes[k];
        for (size_t i = 0; i < len; i++)
            buf[i] = pat((unsigned)(me * 100 + k), i);
        MPI_Request r;
        MPI_Status st;
        MPI_Irecv(in, (int)len, MPI_BYTE, MPI_ANY_SOURCE, (int)k, MPI_COMM_WORLD, &r);
        MPI_Send(buf, (int)len, MPI_BYTE, right, (int)k, MPI_COMM_WORLD);
        MPI_Wait(&r, &st);
        int cnt;
        MPI_Get_count(&st, MPI_BYTE, &cnt);
        CHECK(st.MPI_SOURCE == left && st.MPI_TAG == (int)k && cnt == (int)len,
              "size %zu: status %d/%d/%d", len, st.MPI_SOURCE, st.MPI_TAG, cnt);
        size_t bad = len;
        for (size_t i = 0; i < len && bad == len; i++)
            if (in[i] != pat((unsigned)(left * 100 + k), i)) bad = i;
        CHECK(bad == len, "size %zu: byte %zu differs", len, bad);
        /* Progress on every rank's console (rank 0 collects them): a hang shows where. */
        printf("mpitest: rank %d: ring %zu bytes done\n", me, len);
    }
    /* order: rank 0 receives 50 messages from every other rank with wildcards (tags 100..149:
     * the ring's messages of a slower rank may still be on their way) */
    if (me == 0) {
        int next[64] = {0};
        for (int k = 0; k < 50 * (n - 1); k++) {
            int v;
            MPI_Status st;
            MPI_Recv(&v, 1, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st);
            CHECK(v == next[st.MPI_SOURCE] && st.MPI_TAG == 100 + v, "order from %d: %d",
                  st.MPI_SOURCE, v);
            next[st.MPI_SOURCE]++;
        }
    } else {
        for (int i = 0; i < 50; i++)
            MPI_Send(&i, 1, MPI_INT, 0, 100 + i, MPI_COMM_WORLD);
    }
    /* truncation, Ssend, probe between ranks 0 and 1 */
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    if (me == 0 && n > 1) {
        memset(buf, 7, 10000);
        MPI_Send(buf, 10000, MPI_BYTE, 1, 1, MPI_COMM_WORLD);
        MPI_Ssend(buf, 10, MPI_BYTE, 1, 2, MPI_COMM_WORLD);
    } else if (me == 1) {
        MPI_Status st;
        MPI_Probe(0, 1, MPI_COMM_WORLD, &st);
        int cnt;
        MPI_Get_count(&st, MPI_BYTE, &cnt);
        CHECK(cnt == 10000, "probe count %d", cnt);
        int rc = MPI_Recv(buf, 5000, MPI_BYTE, 0, 1, MPI_COMM_WORLD, &st);
        CHECK(rc == MPI_ERR_TRUNCATE, "truncate rc %d", rc);
        MPI_Recv(buf, 10, MPI_BYTE, 0, 2, MPI_COMM_WORLD, &st);
        CHECK(buf[9] == 7, "ssend payload");
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
    free(buf);
    free(in);
}

static void collectives(MPI_Comm c, const char *name)
{
    int cme, cn;
    MPI_Comm_rank(c, &cme);
    MPI_Comm_size(c, &cn);
    MPI_Barrier(c);
    enum { N = 100000 };
    char *cs = malloc(N), *cr = malloc(N);
    int *iv = malloc(sizeof(int) * N), *ir = malloc(sizeof(int) * N * (size_t)cn);
    for (int i = 0; i < N; i++) {
        cs[i] = (char)(i % 5);
        iv[i] = cme + i;
    }
    MPI_Allreduce(cs, cr, N, MPI_CHAR, MPI_SUM, c);
    int bad = -1;
    for (int i = 0; i < N && bad < 0; i++)
        if (cr[i] != (char)(cn * (i % 5))) bad = i;
    CHECK(bad < 0, "%s: MPI_CHAR sum at %d", name, bad);
    MPI_Reduce(iv, ir, N, MPI_INT, MPI_MAX, cn - 1, c);
    if (cme == cn - 1) CHECK(ir[5] == cn - 1 + 5, "%s: reduce max %d", name, ir[5]);
    double d = cme, dsum;
    MPI_Allreduce(&d, &dsum, 1, MPI_DOUBLE, MPI_SUM, c);
    CHECK(dsum == cn * (cn - 1) / 2.0, "%s: double sum %g", name, dsum);
    for (int i = 0; i < N; i++)
        iv[i] = cme == 0 ? i : -1;
    MPI_Bcast(iv, N, MPI_INT, 0, c);
    CHECK(iv[N - 1] == N - 1, "%s: bcast", name);
    int v = cme * 3;
    MPI_Allgather(&v, 1, MPI_INT, ir, 1, MPI_INT, c);
    for (int r = 0; r < cn; r++)
        CHECK(ir[r] == r * 3, "%s: allgather %d", name, r);
    MPI_Gather(&v, 1, MPI_INT, ir, 1, MPI_INT, 0, c);
    if (cme == 0)
        for (int r = 0; r < cn; r++)
            CHECK(ir[r] == r * 3, "%s: gather %d", name, r);
    for (int r = 0; r < cn; r++)
        iv[r] = cme * 100 + r;
    MPI_Alltoall(iv, 1, MPI_INT, ir, 1, MPI_INT, c);
    for (int r = 0; r < cn; r++)
        CHECK(ir[r] == r * 100 + cme, "%s: alltoall from %d", name, r);
    int s = cme + 1;
    MPI_Scan(MPI_IN_PLACE, &s, 1, MPI_INT, MPI_SUM, c);
    CHECK(s == (cme + 1) * (cme + 2) / 2, "%s: scan %d", name, s);
    struct {
        double v;
        int i;
    } loc = {(double)(cme % 2), cme}, out;
    MPI_Allreduce(&loc, &out, 1, MPI_DOUBLE_INT, MPI_MAXLOC, c);
    CHECK(out.i == (cn > 1 ? 1 : 0), "%s: maxloc %d", name, out.i);
    free(cs), free(cr), free(iv), free(ir);
}

static void datatypes(void)
{
    double grid[8][8];
    for (int i = 0; i < 64; i++)
        grid[i / 8][i % 8] = me == 0 ? i : -1;
    MPI_Datatype col;
    MPI_Type_vector(8, 1, 8, MPI_DOUBLE, &col);
    MPI_Type_commit(&col);
    MPI_Bcast(&grid[0][3], 1, col, 0, MPI_COMM_WORLD);
    for (int i = 0; i < 8; i++)
        CHECK(grid[i][3] == i * 8 + 3, "column element %d: %g", i, grid[i][3]);
    if (me != 0) CHECK(grid[0][2] == -1, "column bcast wrote outside the column");
    MPI_Type_free(&col);
}

int main(int argc, char **argv)
{
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &me);
    MPI_Comm_size(MPI_COMM_WORLD, &n);
    if (argc > 1 && !strcmp(argv[1], "abort")) {
        if (me == 1) MPI_Abort(MPI_COMM_WORLD, 3);
        int x;
        MPI_Recv(&x, 1, MPI_INT, 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        printf("mpitest: rank %d: the abort did not end the job\n", me);
        return 1;
    }
    char host[MPI_MAX_PROCESSOR_NAME];
    int hl, ver, sub;
    MPI_Get_processor_name(host, &hl);
    MPI_Get_version(&ver, &sub);
    if (me == 0) printf("mpitest: %d ranks, MPI %d.%d, rank 0 on %s\n", n, ver, sub, host);
    double t0 = MPI_Wtime();
    p2p();
    printf("mpitest: rank %d: point to point done\n", me);
    collectives(MPI_COMM_WORLD, "world");
    printf("mpitest: rank %d: collectives on the world done\n", me);
    MPI_Comm half;
    MPI_Comm_split(MPI_COMM_WORLD, me % 2, me, &half);
    collectives(half, "split");
    MPI_Comm_free(&half);
    printf("mpitest: rank %d: collectives on a split communicator done\n", me);
    datatypes();
    int total;
    MPI_Allreduce(&failures, &total, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    if (me == 0)
        printf("mpitest: %s (%d failures, %.2f s)\n", total ? "FAIL" : "PASS", total,
               MPI_Wtime() - t0);
    MPI_Finalize();
    return total ? 1 : 0;
}
