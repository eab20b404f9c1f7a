/*
 * mpi/coll_more.c — allgather(v) (ring), alltoall(v) (pairwise exchange), reduce_scatter
 * (reduce, then scatter), scan and exscan (a chain through the ranks, which keeps the order
 * that non-commutative operations need). All over point-to-point on the collective context.
 */
#include <stdlib.h>
#include <string.h>

#include "mpi/mpi_impl.h"

enum { T_ALLGATHER = 16, T_ALLTOALL, T_SCAN };

static int fail(MPI_Comm comm, int rc, const char *fn)
{
    return rc ? mpi_err(comm, rc, "%s failed", fn) : MPI_SUCCESS;
}

static int exchange(struct mpi_comm *c, const void *sb, int sc, MPI_Datatype st, int dst, void *rb,
                    int rcnt, MPI_Datatype rt, int src, int tag)
{
    struct mpi_req *q[2] = {NULL, NULL};
    int rc = mpi_irecv_int(c, 1, rb, rcnt, rt, src, tag, &q[0]);
    if (!rc) rc = mpi_isend_int(c, 1, sb, sc, st, dst, tag, SM_STD, &q[1]);
    int wr = mpi_wait_int(q, 2, NULL);
    return rc ? rc : wr;
}

static int allgatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                      const int *counts, const int *displs, int rcount, MPI_Datatype recvtype,
                      MPI_Comm comm, const char *fn)
{
    MPI_TRY(mpi_check_comm(comm, fn));
    MPI_TRY(mpi_check_type(comm, recvtype, fn));
    struct mpi_comm *c = mpi_comm(comm);
    int n = c->size, me = c->rank;
    if (!counts && rcount < 0) return mpi_err(comm, MPI_ERR_COUNT, "%s: negative count", fn);
    if (counts && !displs) return mpi_err(comm, MPI_ERR_ARG, "%s: NULL displacements", fn);
    if (sendbuf != MPI_IN_PLACE) MPI_TRY(mpi_check_buf(comm, sendbuf, sendcount, sendtype, fn));
    MPI_Aint ext = mpi_dt(recvtype)->extent;
#define BLK(i) ((char *)recvbuf + (counts ? (MPI_Aint)displs[i] : (MPI_Aint)(i)*rcount) * ext)
#define CNT(i) (counts ? counts[i] : rcount)
    int rc = 0;
    if (sendbuf != MPI_IN_PLACE)
        rc = mpi_copy_typed(sendbuf, sendcount, sendtype, BLK(me), CNT(me), recvtype);
    for (int s = 0; s < n - 1 && !rc; s++) {
        int sb = (me - s + n) % n, rbk = (me - s - 1 + n) % n;
        rc = exchange(c, BLK(sb), CNT(sb), recvtype, (me + 1) % n, BLK(rbk), CNT(rbk), recvtype,
                      (me - 1 + n) % n, T_ALLGATHER);
    }
#undef BLK
#undef CNT
    return fail(comm, rc, fn);
}

int PMPI_Allgather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                   int recvcount, MPI_Datatype recvtype, MPI_Comm comm)
{
    return allgatherv(sendbuf, sendcount, sendtype, recvbuf, NULL, NULL, recvcount, recvtype, comm,
                      "MPI_Allgather");
}
MPI_ALIAS(Allgather)

int PMPI_Allgatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                    const int *recvcounts, const int *displs, MPI_Datatype recvtype, MPI_Comm comm)
{
    if (!recvcounts) return mpi_err(comm, MPI_ERR_ARG, "MPI_Allgatherv: NULL counts");
    return allgatherv(sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs, 0, recvtype, comm,
                      "MPI_Allgatherv");
}
MPI_ALIAS(Allgatherv)

static int alltoallv(const void *sendbuf, const int *scounts, const int *sdispls, int scount,
                     MPI_Datatype sendtype, void *recvbuf, const int *rcounts, const int *rdispls,
                     int rcount, MPI_Datatype recvtype, MPI_Comm comm, const char *fn)
{
    MPI_TRY(mpi_check_comm(comm, fn));
    MPI_TRY(mpi_check_type(comm, recvtype, fn));
    struct mpi_comm *c = mpi_comm(comm);
    int n = c->size, me = c->rank;
    if ((!rcounts && rcount < 0) || (!scounts && scount < 0 && sendbuf != MPI_IN_PLACE))
        return mpi_err(comm, MPI_ERR_COUNT, "%s: negative count", fn);
    if ((rcounts && !rdispls) || (scounts && !sdispls && sendbuf != MPI_IN_PLACE))
        return mpi_err(comm, MPI_ERR_ARG, "%s: NULL displacements", fn);
    MPI_Aint rext = mpi_dt(recvtype)->extent;
    void *copy = NULL;
    if (sendbuf == MPI_IN_PLACE) {
        /* Send from a copy of the receive buffer, laid out as it is. */
        size_t span = 0;
        for (int i = 0; i < n; i++) {
            size_t end = (size_t)(((rcounts ? rdispls[i] : i * rcount) +
                                   (MPI_Aint)(rcounts ? rcounts[i] : rcount)) *
                                  rext);
            if (end > span) span = end;
        }
        copy = malloc(span ? span : 1);
        if (!copy) return mpi_err(comm, MPI_ERR_NO_MEM, "%s: out of memory", fn);
        memcpy(copy, recvbuf, span);
        sendbuf = copy;
        scounts = rcounts;
        sdispls = rdispls;
        scount = rcount;
        sendtype = recvtype;
    } else {
        MPI_TRY(mpi_check_type(comm, sendtype, fn));
    }
    MPI_Aint sext = mpi_dt(sendtype)->extent;
#define SB(i)                                                                                      \
    ((const char *)sendbuf + (scounts ? (MPI_Aint)sdispls[i] : (MPI_Aint)(i)*scount) * sext)
#define SC(i) (scounts ? scounts[i] : scount)
#define RB(i) ((char *)recvbuf + (rcounts ? (MPI_Aint)rdispls[i] : (MPI_Aint)(i)*rcount) * rext)
#define RC(i) (rcounts ? rcounts[i] : rcount)
    int rc = mpi_copy_typed(SB(me), SC(me), sendtype, RB(me), RC(me), recvtype);
    for (int s = 1; s < n && !rc; s++) {
        int dst = (me + s) % n, src = (me - s + n) % n;
        rc = exchange(c, SB(dst), SC(dst), sendtype, dst, RB(src), RC(src), recvtype, src,
                      T_ALLTOALL);
    }
#undef SB
#undef SC
#undef RB
#undef RC
    free(copy);
    return fail(comm, rc, fn);
}

int PMPI_Alltoall(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                  int recvcount, MPI_Datatype recvtype, MPI_Comm comm)
{
    return alltoallv(sendbuf, NULL, NULL, sendcount, sendtype, recvbuf, NULL, NULL, recvcount,
                     recvtype, comm, "MPI_Alltoall");
}
MPI_ALIAS(Alltoall)

int PMPI_Alltoallv(const void *sendbuf, const int *sendcounts, const int *sdispls,
                   MPI_Datatype sendtype, void *recvbuf, const int *recvcounts, const int *rdispls,
                   MPI_Datatype recvtype, MPI_Comm comm)
{
    if (!recvcounts || (!sendcounts && sendbuf != MPI_IN_PLACE))
        return mpi_err(comm, MPI_ERR_ARG, "MPI_Alltoallv: NULL counts");
    return alltoallv(sendbuf, sendcounts, sdispls, 0, sendtype, recvbuf, recvcounts, rdispls, 0,
                     recvtype, comm, "MPI_Alltoallv");
}
MPI_ALIAS(Alltoallv)

int PMPI_Reduce_scatter(const void *sendbuf, void *recvbuf, const int *recvcounts,
                        MPI_Datatype type, MPI_Op op, MPI_Comm comm)
{
    MPI_TRY(mpi_check_comm(comm, "MPI_Reduce_scatter"));
    MPI_TRY(mpi_check_type(comm, type, "MPI_Reduce_scatter"));
    MPI_TRY(mpi_op_check(comm, op, type, "MPI_Reduce_scatter"));
    if (!recvcounts) return mpi_err(comm, MPI_ERR_ARG, "MPI_Reduce_scatter: NULL counts");
    struct mpi_comm *c = mpi_comm(comm);
    int n = c->size, total = 0;
    int *displs = malloc(sizeof(int) * (size_t)n);
    if (!displs) return mpi_err(comm, MPI_ERR_NO_MEM, "MPI_Reduce_scatter: out of memory");
    for (int i = 0; i < n; i++) {
        if (recvcounts[i] < 0) {
            free(displs);
            return mpi_err(comm, MPI_ERR_COUNT, "MPI_Reduce_scatter: negative count");
        }
        displs[i] = total;
        total += recvcounts[i];
    }
    const void *sb = sendbuf == MPI_IN_PLACE ? recvbuf : sendbuf;
    void *a = NULL;
    char *full = c->rank == 0 ? mpi_tmpbuf(total, type, &a) : NULL;
    int rc = c->rank == 0 && !full ? MPI_ERR_NO_MEM : 0;
    if (!rc) rc = mpi_reduce_p2p(c, sb, full, total, type, op, 0);
    MPI_Errhandler eh = c->eh;
    c->eh = MPI_ERRORS_RETURN; /* report once, below, through the caller's handler */
    if (!rc)
        rc = PMPI_Scatterv(full, recvcounts, displs, type, recvbuf, recvcounts[c->rank], type, 0,
                           comm);
    mpi_comm(comm)->eh = eh;
    free(a);
    free(displs);
    return fail(comm, rc, "MPI_Reduce_scatter");
}
MPI_ALIAS(Reduce_scatter)

int PMPI_Reduce_scatter_block(const void *sendbuf, void *recvbuf, int recvcount, MPI_Datatype type,
                              MPI_Op op, MPI_Comm comm)
{
    MPI_TRY(mpi_check_comm(comm, "MPI_Reduce_scatter_block"));
    if (recvcount < 0)
        return mpi_err(comm, MPI_ERR_COUNT, "MPI_Reduce_scatter_block: negative count");
    int n = mpi_comm(comm)->size;
    int *counts = malloc(sizeof(int) * (size_t)n);
    if (!counts) return mpi_err(comm, MPI_ERR_NO_MEM, "MPI_Reduce_scatter_block: out of memory");
    for (int i = 0; i < n; i++)
        counts[i] = recvcount;
    int rc = PMPI_Reduce_scatter(sendbuf, recvbuf, counts, type, op, comm);
    free(counts);
    return rc;
}
MPI_ALIAS(Reduce_scatter_block)

static int scan(const void *sendbuf, void *recvbuf, int count, MPI_Datatype type, MPI_Op op,
                MPI_Comm comm, bool exclusive, const char *fn)
{
    MPI_TRY(mpi_check_comm(comm, fn));
    MPI_TRY(mpi_check_buf(comm, recvbuf, count, type, fn));
    MPI_TRY(mpi_op_check(comm, op, type, fn));
    struct mpi_comm *c = mpi_comm(comm);
    int n = c->size, me = c->rank, rc = 0;
    const void *sb = sendbuf == MPI_IN_PLACE ? recvbuf : sendbuf;
    void *a1, *a2;
    char *acc = mpi_tmpbuf(count, type, &a1), *prev = mpi_tmpbuf(count, type, &a2);
    if (!acc || !prev) {
        free(a1), free(a2);
        return mpi_err(comm, MPI_ERR_NO_MEM, "%s: out of memory", fn);
    }
    rc = mpi_copy_typed(sb, count, type, acc, count, type);
    if (!rc && me > 0) {
        struct mpi_req *q = NULL;
        rc = mpi_irecv_int(c, 1, prev, count, type, me - 1, T_SCAN, &q);
        int wr = mpi_wait_int(&q, 1, NULL);
        if (!rc) rc = wr;
        if (!rc) mpi_op_apply(op, prev, acc, count, type); /* acc = prefix op mine */
    }
    if (!rc && me < n - 1) {
        struct mpi_req *q = NULL;
        rc = mpi_isend_int(c, 1, acc, count, type, me + 1, T_SCAN, SM_STD, &q);
        int wr = mpi_wait_int(&q, 1, NULL);
        if (!rc) rc = wr;
    }
    if (!rc) {
        if (!exclusive)
            rc = mpi_copy_typed(acc, count, type, recvbuf, count, type);
        else if (me > 0)
            rc = mpi_copy_typed(prev, count, type, recvbuf, count, type);
    }
    free(a1), free(a2);
    return fail(comm, rc, fn);
}

int PMPI_Scan(const void *sendbuf, void *recvbuf, int count, MPI_Datatype type, MPI_Op op,
              MPI_Comm comm)
{
    return scan(sendbuf, recvbuf, count, type, op, comm, false, "MPI_Scan");
}
MPI_ALIAS(Scan)

int PMPI_Exscan(const void *sendbuf, void *recvbuf, int count, MPI_Datatype type, MPI_Op op,
                MPI_Comm comm)
{
    return scan(sendbuf, recvbuf, count, type, op, comm, true, "MPI_Exscan");
}
MPI_ALIAS(Exscan)
