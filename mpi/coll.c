/*
 * mpi/coll.c — barrier, ibarrier, broadcast, reduce, allreduce, gather(v), scatter(v).
 * On MPI_COMM_WORLD the engine's own collectives do the work where they apply (barrier,
 * contiguous broadcast, and int32/int64/double sums, minima and maxima); everything else runs
 * over point-to-point messages on the communicator's collective context: binomial trees
 * (broadcast, commutative reduce), rank-ordered folds (non-commutative reduce), linear
 * gather/scatter, dissemination (ibarrier).
 */
#include <stdlib.h>
#include <string.h>

#include "mpi/mpi_impl.h"

enum { T_BARRIER = 1, T_BCAST, T_REDUCE, T_GATHER, T_SCATTER, T_IBARRIER = 4096 };

void *mpi_tmpbuf(int count, MPI_Datatype dt, void **alloc)
{
    struct mpi_dtype *t = mpi_dt(dt);
    size_t span =
        count > 0 ? (size_t)((MPI_Aint)(count - 1) * t->extent + t->true_ub - t->true_lb) : 0;
    *alloc = malloc(span ? span : 1);
    if (!*alloc) return NULL;
    return (char *)*alloc - t->true_lb;
}

static int engine_err(MPI_Comm comm, int rc, const char *fn)
{
    return mpi_err(comm, MPI_ERR_OTHER, "%s: the engine's collective failed: %s (%s)", fn,
                   ap_strerror(rc), ap_error(mpi_proc()->ap));
}

static int coll_args(MPI_Comm comm, const char *fn)
{
    return mpi_check_comm(comm, fn);
}

static int check_root(MPI_Comm comm, int root, const char *fn)
{
    if (root < 0 || root >= mpi_comm(comm)->size)
        return mpi_err(comm, MPI_ERR_ROOT, "%s: invalid root %d (size %d)", fn, root,
                       mpi_comm(comm)->size);
    return MPI_SUCCESS;
}

/* ---- barrier ---- */

int mpi_barrier_p2p(struct mpi_comm *c)
{
    int n = c->size, r = c->rank;
    for (int k = 1; k < n; k <<= 1) {
        struct mpi_req *q[2] = {NULL, NULL};
        int rc = mpi_irecv_int(c, 1, NULL, 0, MPI_BYTE, (r - k % n + n) % n, T_BARRIER, &q[0]);
        if (!rc) rc = mpi_isend_int(c, 1, NULL, 0, MPI_BYTE, (r + k) % n, T_BARRIER, SM_STD, &q[1]);
        int wr = mpi_wait_int(q, 2, NULL);
        if (rc || wr) return rc ? rc : wr;
    }
    return MPI_SUCCESS;
}

int PMPI_Barrier(MPI_Comm comm)
{
    MPI_TRY(coll_args(comm, "MPI_Barrier"));
    if (comm == MPI_COMM_WORLD) {
        int rc = ap_barrier(mpi_proc()->ap);
        return rc < 0 ? engine_err(comm, rc, "MPI_Barrier") : MPI_SUCCESS;
    }
    int rc = mpi_barrier_p2p(mpi_comm(comm));
    return rc ? mpi_err(comm, rc, "MPI_Barrier failed") : MPI_SUCCESS;
}
MPI_ALIAS(Barrier)

void mpi_ibarrier_update(struct mpi_req *r)
{
    struct mpi_comm *c = mpi_comm(r->comm);
    if (!c) {
        r->err = MPI_ERR_COMM;
        mpi_req_complete(r);
        return;
    }
    int n = c->size, me = c->rank;
    for (;;) {
        if (r->sub[0] || r->sub[1]) {
            if ((r->sub[0] && !r->sub[0]->done) || (r->sub[1] && !r->sub[1]->done)) return;
            int e = mpi_wait_int(r->sub, 2, NULL);
            if (e) {
                r->err = e;
                mpi_req_complete(r);
                return;
            }
            r->round++;
        }
        int k = 1 << r->round;
        if (k >= n) {
            mpi_req_complete(r);
            return;
        }
        int tag = T_IBARRIER + (int)(r->tag % 1024) * 32 + r->round;
        int rc = mpi_irecv_int(c, 1, NULL, 0, MPI_BYTE, (me - k + n) % n, tag, &r->sub[0]);
        if (!rc) rc = mpi_isend_int(c, 1, NULL, 0, MPI_BYTE, (me + k) % n, tag, SM_STD, &r->sub[1]);
        if (rc) {
            mpi_wait_int(r->sub, 2, NULL);
            r->err = rc;
            mpi_req_complete(r);
            return;
        }
    }
}

int PMPI_Ibarrier(MPI_Comm comm, MPI_Request *request)
{
    MPI_TRY(coll_args(comm, "MPI_Ibarrier"));
    if (!request) return mpi_err(comm, MPI_ERR_REQUEST, "MPI_Ibarrier: NULL request");
    struct mpi_req *r = mpi_req_new(RQ_IBARRIER);
    if (!r) return mpi_err(comm, MPI_ERR_NO_MEM, "MPI_Ibarrier: out of memory");
    struct mpi_comm *c = mpi_comm(comm);
    r->comm = comm;
    r->tag = (int)(c->ibarrier_seq++ % 1024);
    r->active = true;
    r->st.MPI_SOURCE = MPI_ANY_SOURCE;
    r->st.MPI_TAG = MPI_ANY_TAG;
    *request = r->handle;
    mpi_act_add(r);
    mpi_ibarrier_update(r);
    return MPI_SUCCESS;
}
MPI_ALIAS(Ibarrier)

/* ---- broadcast ---- */

int mpi_bcast_p2p(struct mpi_comm *c, void *buf, int count, MPI_Datatype dt, int root)
{
    int n = c->size, v = (c->rank - root + n) % n, mask = 1, rc = 0;
    while (mask < n) {
        if (v & mask) {
            struct mpi_req *q = NULL;
            rc = mpi_irecv_int(c, 1, buf, count, dt, (v - mask + root) % n, T_BCAST, &q);
            int wr = mpi_wait_int(&q, 1, NULL);
            if (rc || wr) return rc ? rc : wr;
            break;
        }
        mask <<= 1;
    }
    struct mpi_req *q[32] = {0};
    int nq = 0;
    for (mask >>= 1; mask > 0 && !rc; mask >>= 1)
        if (v + mask < n)
            rc = mpi_isend_int(c, 1, buf, count, dt, (v + mask + root) % n, T_BCAST, SM_STD,
                               &q[nq++]);
    int wr = mpi_wait_int(q, nq, NULL);
    return rc ? rc : wr;
}

int PMPI_Bcast(void *buf, int count, MPI_Datatype type, int root, MPI_Comm comm)
{
    MPI_TRY(coll_args(comm, "MPI_Bcast"));
    MPI_TRY(mpi_check_buf(comm, buf, count, type, "MPI_Bcast"));
    MPI_TRY(check_root(comm, root, "MPI_Bcast"));
    struct mpi_dtype *t = mpi_dt(type);
    if (comm == MPI_COMM_WORLD && mpi_dt_contig(t)) {
        int rc = ap_coll_bcast(mpi_proc()->ap, root, buf, mpi_dt_bytes(t, count));
        return rc < 0 ? engine_err(comm, rc, "MPI_Bcast") : MPI_SUCCESS;
    }
    int rc = mpi_bcast_p2p(mpi_comm(comm), buf, count, type, root);
    return rc ? mpi_err(comm, rc, "MPI_Bcast failed") : MPI_SUCCESS;
}
MPI_ALIAS(Bcast)

/* ---- reduce ---- */

/* Rank-ordered fold at rank 0 (any operation, commutative or not); result in rbuf at 0. */
static int reduce_ordered(struct mpi_comm *c, const void *sbuf, void *rbuf, int count,
                          MPI_Datatype dt, MPI_Op op)
{
    int n = c->size, rc = 0;
    if (c->rank != 0) {
        struct mpi_req *q = NULL;
        rc = mpi_isend_int(c, 1, sbuf, count, dt, 0, T_REDUCE, SM_STD, &q);
        int wr = mpi_wait_int(&q, 1, NULL);
        return rc ? rc : wr;
    }
    /* result = x0 op (x1 op (... op x_{n-1})): fold from the last rank down. */
    void *a1, *a2;
    char *acc = mpi_tmpbuf(count, dt, &a1), *in = mpi_tmpbuf(count, dt, &a2);
    if (!acc || !in) {
        free(a1), free(a2);
        return MPI_ERR_NO_MEM;
    }
    for (int i = n - 1; i >= 0 && !rc; i--) {
        char *dst = i == n - 1 ? acc : in;
        if (i == 0) {
            rc = mpi_copy_typed(sbuf, count, dt, dst, count, dt);
        } else {
            struct mpi_req *q = NULL;
            rc = mpi_irecv_int(c, 1, dst, count, dt, i, T_REDUCE, &q);
            int wr = mpi_wait_int(&q, 1, NULL);
            if (!rc) rc = wr;
        }
        if (!rc && i != n - 1) mpi_op_apply(op, in, acc, count, dt);
    }
    if (!rc) rc = mpi_copy_typed(acc, count, dt, rbuf, count, dt);
    free(a1), free(a2);
    return rc;
}

int mpi_reduce_p2p(struct mpi_comm *c, const void *sbuf, void *rbuf, int count, MPI_Datatype dt,
                   MPI_Op op, int root)
{
    int n = c->size, rc = 0;
    if (!mpi_op_commutes(op)) {
        void *a = NULL;
        char *tmp = NULL;
        if (root != 0 && c->rank == 0 && !(tmp = mpi_tmpbuf(count, dt, &a))) return MPI_ERR_NO_MEM;
        rc = reduce_ordered(c, sbuf, root == 0 ? rbuf : tmp, count, dt, op);
        if (!rc && root != 0 && (c->rank == 0 || c->rank == root)) {
            struct mpi_req *q = NULL;
            if (c->rank == 0)
                rc = mpi_isend_int(c, 1, tmp, count, dt, root, T_REDUCE, SM_STD, &q);
            else
                rc = mpi_irecv_int(c, 1, rbuf, count, dt, 0, T_REDUCE, &q);
            int wr = mpi_wait_int(&q, 1, NULL);
            if (!rc) rc = wr;
        }
        free(a);
        return rc;
    }
    void *a1, *a2;
    char *acc = mpi_tmpbuf(count, dt, &a1), *in = mpi_tmpbuf(count, dt, &a2);
    if (!acc || !in) {
        free(a1), free(a2);
        return MPI_ERR_NO_MEM;
    }
    rc = mpi_copy_typed(sbuf, count, dt, acc, count, dt);
    int v = (c->rank - root + n) % n;
    for (int mask = 1; mask < n && !rc; mask <<= 1) {
        struct mpi_req *q = NULL;
        if (v & mask) {
            rc = mpi_isend_int(c, 1, acc, count, dt, (v - mask + root) % n, T_REDUCE, SM_STD, &q);
            int wr = mpi_wait_int(&q, 1, NULL);
            if (!rc) rc = wr;
            break;
        }
        if (v + mask < n) {
            rc = mpi_irecv_int(c, 1, in, count, dt, (v + mask + root) % n, T_REDUCE, &q);
            int wr = mpi_wait_int(&q, 1, NULL);
            if (!rc) rc = wr;
            if (!rc) mpi_op_apply(op, in, acc, count, dt);
        }
    }
    if (!rc && c->rank == root) rc = mpi_copy_typed(acc, count, dt, rbuf, count, dt);
    free(a1), free(a2);
    return rc;
}

static int reduce_args(const void *sendbuf, void *recvbuf, int count, MPI_Datatype type, MPI_Op op,
                       MPI_Comm comm, const char *fn)
{
    MPI_TRY(coll_args(comm, fn));
    MPI_TRY(mpi_check_buf(comm, recvbuf, count, type, fn));
    if (count && !sendbuf) return mpi_err(comm, MPI_ERR_BUFFER, "%s: NULL send buffer", fn);
    return mpi_op_check(comm, op, type, fn);
}

int PMPI_Reduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype type, MPI_Op op,
                int root, MPI_Comm comm)
{
    MPI_TRY(coll_args(comm, "MPI_Reduce"));
    MPI_TRY(check_root(comm, root, "MPI_Reduce"));
    struct mpi_comm *c = mpi_comm(comm);
    bool at_root = c->rank == root;
    if (sendbuf == MPI_IN_PLACE && !at_root)
        return mpi_err(comm, MPI_ERR_BUFFER, "MPI_Reduce: MPI_IN_PLACE at a non-root rank");
    const void *sb = sendbuf == MPI_IN_PLACE ? recvbuf : sendbuf;
    /* The receive buffer matters at the root only. */
    MPI_TRY(reduce_args(sb, at_root ? recvbuf : (void *)sb, count, type, op, comm, "MPI_Reduce"));
    enum ap_type at;
    enum ap_op ao;
    if (comm == MPI_COMM_WORLD && mpi_op_engine(op, type, &at, &ao) == 0) {
        void *a = NULL, *rb = recvbuf;
        if (!at_root && !(rb = mpi_tmpbuf(count, type, &a)))
            return mpi_err(comm, MPI_ERR_NO_MEM, "MPI_Reduce: out of memory");
        int rc = ap_reduce(mpi_proc()->ap, root, sb, rb, (size_t)count, at, ao);
        free(a);
        return rc < 0 ? engine_err(comm, rc, "MPI_Reduce") : MPI_SUCCESS;
    }
    int rc = mpi_reduce_p2p(c, sb, recvbuf, count, type, op, root);
    return rc ? mpi_err(comm, rc, "MPI_Reduce failed") : MPI_SUCCESS;
}
MPI_ALIAS(Reduce)

int PMPI_Allreduce(const void *sendbuf, void *recvbuf, int count, MPI_Datatype type, MPI_Op op,
                   MPI_Comm comm)
{
    const void *sb = sendbuf == MPI_IN_PLACE ? recvbuf : sendbuf;
    MPI_TRY(reduce_args(sb, recvbuf, count, type, op, comm, "MPI_Allreduce"));
    enum ap_type at;
    enum ap_op ao;
    if (comm == MPI_COMM_WORLD && mpi_op_engine(op, type, &at, &ao) == 0) {
        int rc = ap_allreduce(mpi_proc()->ap, sb, recvbuf, (size_t)count, at, ao);
        return rc < 0 ? engine_err(comm, rc, "MPI_Allreduce") : MPI_SUCCESS;
    }
    struct mpi_comm *c = mpi_comm(comm);
    int rc = mpi_reduce_p2p(c, sb, recvbuf, count, type, op, 0);
    if (!rc) rc = mpi_bcast_p2p(c, recvbuf, count, type, 0);
    return rc ? mpi_err(comm, rc, "MPI_Allreduce failed") : MPI_SUCCESS;
}
MPI_ALIAS(Allreduce)

/* ---- gather / scatter (linear: the root talks to every rank) ---- */

static int gatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                   const int *counts, const int *displs, int rcount, MPI_Datatype recvtype,
                   int root, MPI_Comm comm, const char *fn)
{
    MPI_TRY(coll_args(comm, fn));
    MPI_TRY(check_root(comm, root, fn));
    struct mpi_comm *c = mpi_comm(comm);
    int n = c->size;
    bool in_place = sendbuf == MPI_IN_PLACE;
    if (in_place && c->rank != root)
        return mpi_err(comm, MPI_ERR_BUFFER, "%s: MPI_IN_PLACE at a non-root rank", fn);
    if (!in_place) MPI_TRY(mpi_check_buf(comm, sendbuf, sendcount, sendtype, fn));
    if (c->rank != root) {
        struct mpi_req *q = NULL;
        int rc = mpi_isend_int(c, 1, sendbuf, sendcount, sendtype, root, T_GATHER, SM_STD, &q);
        int wr = mpi_wait_int(&q, 1, NULL);
        if (rc || wr) return mpi_err(comm, rc ? rc : wr, "%s failed", fn);
        return MPI_SUCCESS;
    }
    MPI_TRY(mpi_check_type(comm, recvtype, fn));
    if (counts == NULL && rcount < 0) return mpi_err(comm, MPI_ERR_COUNT, "%s: negative count", fn);
    if (counts && !displs) return mpi_err(comm, MPI_ERR_ARG, "%s: NULL displacements", fn);
    MPI_Aint ext = mpi_dt(recvtype)->extent;
    struct mpi_req **q = calloc((size_t)n, sizeof *q);
    if (!q) return mpi_err(comm, MPI_ERR_NO_MEM, "%s: out of memory", fn);
    int rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        int cnt = counts ? counts[i] : rcount;
        char *at = (char *)recvbuf + (counts ? (MPI_Aint)displs[i] : (MPI_Aint)i * rcount) * ext;
        if (cnt < 0)
            rc = MPI_ERR_COUNT;
        else if (i == root) {
            if (!in_place) rc = mpi_copy_typed(sendbuf, sendcount, sendtype, at, cnt, recvtype);
        } else
            rc = mpi_irecv_int(c, 1, at, cnt, recvtype, i, T_GATHER, &q[i]);
    }
    int wr = mpi_wait_int(q, n, NULL);
    free(q);
    if (rc || wr) return mpi_err(comm, rc ? rc : wr, "%s failed", fn);
    return MPI_SUCCESS;
}

int PMPI_Gather(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm)
{
    return gatherv(sendbuf, sendcount, sendtype, recvbuf, NULL, NULL, recvcount, recvtype, root,
                   comm, "MPI_Gather");
}
MPI_ALIAS(Gather)

int PMPI_Gatherv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                 const int *recvcounts, const int *displs, MPI_Datatype recvtype, int root,
                 MPI_Comm comm)
{
    MPI_TRY(coll_args(comm, "MPI_Gatherv"));
    if (mpi_comm(comm)->rank == root && !recvcounts)
        return mpi_err(comm, MPI_ERR_ARG, "MPI_Gatherv: NULL counts");
    return gatherv(sendbuf, sendcount, sendtype, recvbuf, recvcounts, displs, 0, recvtype, root,
                   comm, "MPI_Gatherv");
}
MPI_ALIAS(Gatherv)

static int scatterv(const void *sendbuf, const int *counts, const int *displs, int scount,
                    MPI_Datatype sendtype, void *recvbuf, int recvcount, MPI_Datatype recvtype,
                    int root, MPI_Comm comm, const char *fn)
{
    MPI_TRY(coll_args(comm, fn));
    MPI_TRY(check_root(comm, root, fn));
    struct mpi_comm *c = mpi_comm(comm);
    int n = c->size;
    bool in_place = recvbuf == MPI_IN_PLACE;
    if (in_place && c->rank != root)
        return mpi_err(comm, MPI_ERR_BUFFER, "%s: MPI_IN_PLACE at a non-root rank", fn);
    if (!in_place) MPI_TRY(mpi_check_buf(comm, recvbuf, recvcount, recvtype, fn));
    if (c->rank != root) {
        struct mpi_req *q = NULL;
        int rc = mpi_irecv_int(c, 1, recvbuf, recvcount, recvtype, root, T_SCATTER, &q);
        int wr = mpi_wait_int(&q, 1, NULL);
        if (rc || wr) return mpi_err(comm, rc ? rc : wr, "%s failed", fn);
        return MPI_SUCCESS;
    }
    MPI_TRY(mpi_check_type(comm, sendtype, fn));
    if (counts == NULL && scount < 0) return mpi_err(comm, MPI_ERR_COUNT, "%s: negative count", fn);
    if (counts && !displs) return mpi_err(comm, MPI_ERR_ARG, "%s: NULL displacements", fn);
    MPI_Aint ext = mpi_dt(sendtype)->extent;
    struct mpi_req **q = calloc((size_t)n, sizeof *q);
    if (!q) return mpi_err(comm, MPI_ERR_NO_MEM, "%s: out of memory", fn);
    int rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        int cnt = counts ? counts[i] : scount;
        const char *at =
            (const char *)sendbuf + (counts ? (MPI_Aint)displs[i] : (MPI_Aint)i * scount) * ext;
        if (cnt < 0)
            rc = MPI_ERR_COUNT;
        else if (i == root) {
            if (!in_place) rc = mpi_copy_typed(at, cnt, sendtype, recvbuf, recvcount, recvtype);
        } else
            rc = mpi_isend_int(c, 1, at, cnt, sendtype, i, T_SCATTER, SM_STD, &q[i]);
    }
    int wr = mpi_wait_int(q, n, NULL);
    free(q);
    if (rc || wr) return mpi_err(comm, rc ? rc : wr, "%s failed", fn);
    return MPI_SUCCESS;
}

int PMPI_Scatter(const void *sendbuf, int sendcount, MPI_Datatype sendtype, void *recvbuf,
                 int recvcount, MPI_Datatype recvtype, int root, MPI_Comm comm)
{
    return scatterv(sendbuf, NULL, NULL, sendcount, sendtype, recvbuf, recvcount, recvtype, root,
                    comm, "MPI_Scatter");
}
MPI_ALIAS(Scatter)

int PMPI_Scatterv(const void *sendbuf, const int *sendcounts, const int *displs,
                  MPI_Datatype sendtype, void *recvbuf, int recvcount, MPI_Datatype recvtype,
                  int root, MPI_Comm comm)
{
    MPI_TRY(coll_args(comm, "MPI_Scatterv"));
    if (mpi_comm(comm)->rank == root && !sendcounts)
        return mpi_err(comm, MPI_ERR_ARG, "MPI_Scatterv: NULL counts");
    return scatterv(sendbuf, sendcounts, displs, 0, sendtype, recvbuf, recvcount, recvtype, root,
                    comm, "MPI_Scatterv");
}
MPI_ALIAS(Scatterv)
