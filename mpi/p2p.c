/*
 * mpi/p2p.c — the point-to-point calls: argument checks, then requests handed to proto.c
 * (sends) and match.c (receives). Blocking calls are their non-blocking forms plus a wait.
 * Bsend copies the message (accounted against the attached buffer's size) and sends the copy.
 */
#include <stdlib.h>
#include <string.h>

#include "mpi/mpi_impl.h"

static int check_peer(MPI_Comm comm, int peer, bool any_ok, int tag, bool anytag_ok, const char *fn)
{
    struct mpi_comm *c = mpi_comm(comm);
    if (peer != MPI_PROC_NULL && !(any_ok && peer == MPI_ANY_SOURCE) &&
        (peer < 0 || peer >= c->size))
        return mpi_err(comm, MPI_ERR_RANK, "%s: invalid rank %d (communicator of %d)", fn, peer,
                       c->size);
    if (!(anytag_ok && tag == MPI_ANY_TAG) && (tag < 0 || tag > MPI_TAG_MAX))
        return mpi_err(comm, MPI_ERR_TAG, "%s: invalid tag %d", fn, tag);
    return MPI_SUCCESS;
}

static int check_send(const void *buf, int count, MPI_Datatype type, int dest, int tag,
                      MPI_Comm comm, const char *fn)
{
    MPI_TRY(mpi_check_comm(comm, fn));
    MPI_TRY(mpi_check_buf(comm, buf, count, type, fn));
    return check_peer(comm, dest, false, tag, false, fn);
}

static int check_recv(void *buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm,
                      const char *fn)
{
    MPI_TRY(mpi_check_comm(comm, fn));
    MPI_TRY(mpi_check_buf(comm, buf, count, type, fn));
    return check_peer(comm, source, true, tag, true, fn);
}

static void fill(struct mpi_req *r, struct mpi_comm *c, MPI_Comm comm, int ctxoff, void *buf,
                 int count, MPI_Datatype dt, int peer, int tag, int mode)
{
    r->comm = comm;
    r->ctx = c->ctx + ctxoff;
    r->buf = buf;
    r->count = count;
    r->dt = dt;
    r->peer = peer;
    r->tag = tag;
    r->mode = mode;
    r->world = peer >= 0 ? c->world[peer] : -1;
}

/* Start a filled-in request (Isend/Irecv/Start). */
static int start(struct mpi_req *r)
{
    struct mpi_proc *p = mpi_proc();
    r->active = true;
    r->done = false;
    r->cancelled = false;
    r->err = 0;
    memset(&r->st, 0, sizeof r->st);
    if (r->peer == MPI_PROC_NULL) {
        r->st.MPI_SOURCE = MPI_PROC_NULL;
        r->st.MPI_TAG = MPI_ANY_TAG;
        mpi_req_complete(r);
        return MPI_SUCCESS;
    }
    if (r->kind == RQ_RECV) {
        r->len = mpi_dt_bytes(mpi_dt(r->dt), r->count);
        mpi_post_recv(r);
        return MPI_SUCCESS;
    }
    if (r->mode == SM_BUF) {
        size_t len = mpi_dt_bytes(mpi_dt(r->dt), r->count);
        if (p->bused + len + MPI_BSEND_OVERHEAD > p->battach_size) {
            r->err = MPI_ERR_BUFFER;
            mpi_req_complete(r);
            return r->err;
        }
        r->pack = malloc(len ? len : 1);
        if (!r->pack) {
            r->err = MPI_ERR_NO_MEM;
            mpi_req_complete(r);
            return r->err;
        }
        mpi_pack_bytes(r->buf, r->count, mpi_dt(r->dt), r->pack);
        r->len = len;
        r->bsend_bytes = len + MPI_BSEND_OVERHEAD;
        p->bused += r->bsend_bytes;
    } else if (r->pack) {
        /* A persistent send packs its (possibly changed) buffer again on every start. */
        free(r->pack);
        r->pack = NULL;
    }
    return mpi_start_send(r);
}

int mpi_isend_int(struct mpi_comm *c, int ctxoff, const void *buf, int count, MPI_Datatype dt,
                  int dst, int tag, int mode, struct mpi_req **out)
{
    struct mpi_req *r = mpi_req_new(RQ_SEND);
    if (!r) return MPI_ERR_NO_MEM;
    fill(r, c, c->handle, ctxoff, (void *)buf, count, dt, dst, tag, mode);
    *out = r;
    return start(r);
}

int mpi_irecv_int(struct mpi_comm *c, int ctxoff, void *buf, int count, MPI_Datatype dt, int src,
                  int tag, struct mpi_req **out)
{
    struct mpi_req *r = mpi_req_new(RQ_RECV);
    if (!r) return MPI_ERR_NO_MEM;
    fill(r, c, c->handle, ctxoff, buf, count, dt, src, tag, SM_STD);
    *out = r;
    return start(r);
}

int mpi_wait_int(struct mpi_req **r, int n, MPI_Status *st)
{
    int err = 0;
    for (int i = 0; i < n; i++) {
        if (!r[i]) continue;
        mpi_wait_req(r[i]);
        if (r[i]->err && !err) err = r[i]->err;
        if (st && r[i]->kind == RQ_RECV) *st = r[i]->st;
        mpi_req_release(r[i]);
        r[i] = NULL;
    }
    return err;
}

static int isend_mode(const void *buf, int count, MPI_Datatype type, int dest, int tag,
                      MPI_Comm comm, MPI_Request *request, int mode, bool persistent,
                      const char *fn)
{
    MPI_TRY(check_send(buf, count, type, dest, tag, comm, fn));
    if (!request) return mpi_err(comm, MPI_ERR_REQUEST, "%s: NULL request", fn);
    struct mpi_req *r = mpi_req_new(RQ_SEND);
    if (!r) return mpi_err(comm, MPI_ERR_NO_MEM, "%s: out of memory", fn);
    fill(r, mpi_comm(comm), comm, 0, (void *)buf, count, type, dest, tag, mode);
    *request = r->handle;
    if (persistent) {
        r->persistent = true;
        return MPI_SUCCESS;
    }
    int rc = start(r);
    if (rc) return mpi_err(comm, rc, "%s: could not start the send to %d", fn, dest);
    return MPI_SUCCESS;
}

static int send_mode(const void *buf, int count, MPI_Datatype type, int dest, int tag,
                     MPI_Comm comm, int mode, const char *fn)
{
    if (mode == SM_STD || mode == SM_READY) {
        /* Small messages go out of a bounce buffer at once: no request needed. */
        MPI_TRY(check_send(buf, count, type, dest, tag, comm, fn));
        if (dest == MPI_PROC_NULL) return MPI_SUCCESS;
        struct mpi_comm *c = mpi_comm(comm);
        int rc = mpi_send_eager(c->world[dest], c->ctx, tag, buf, count, type);
        if (rc > 0) return mpi_err(comm, rc, "%s: send to rank %d failed", fn, dest);
        if (rc == 0) return MPI_SUCCESS;
    }
    MPI_Request rq;
    MPI_TRY(isend_mode(buf, count, type, dest, tag, comm, &rq, mode, false, fn));
    struct mpi_req *r = mpi_req_get(rq);
    mpi_wait_req(r);
    int err = mpi_req_finish(r, &rq, MPI_STATUS_IGNORE);
    if (err) return mpi_err(comm, err, "%s: send to rank %d failed", fn, dest);
    return MPI_SUCCESS;
}

int PMPI_Send(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm)
{
    return send_mode(buf, count, type, dest, tag, comm, SM_STD, "MPI_Send");
}
MPI_ALIAS(Send)

int PMPI_Ssend(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm)
{
    return send_mode(buf, count, type, dest, tag, comm, SM_SYNC, "MPI_Ssend");
}
MPI_ALIAS(Ssend)

int PMPI_Rsend(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm)
{
    return send_mode(buf, count, type, dest, tag, comm, SM_READY, "MPI_Rsend");
}
MPI_ALIAS(Rsend)

int PMPI_Bsend(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm)
{
    MPI_Request rq;
    MPI_TRY(isend_mode(buf, count, type, dest, tag, comm, &rq, SM_BUF, false, "MPI_Bsend"));
    /* The copy is sent in the background; Buffer_detach waits for it. */
    return PMPI_Request_free(&rq);
}
MPI_ALIAS(Bsend)

int PMPI_Isend(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm,
               MPI_Request *request)
{
    return isend_mode(buf, count, type, dest, tag, comm, request, SM_STD, false, "MPI_Isend");
}
MPI_ALIAS(Isend)

int PMPI_Issend(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm,
                MPI_Request *request)
{
    return isend_mode(buf, count, type, dest, tag, comm, request, SM_SYNC, false, "MPI_Issend");
}
MPI_ALIAS(Issend)

int PMPI_Irsend(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm,
                MPI_Request *request)
{
    return isend_mode(buf, count, type, dest, tag, comm, request, SM_READY, false, "MPI_Irsend");
}
MPI_ALIAS(Irsend)

int PMPI_Ibsend(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm,
                MPI_Request *request)
{
    return isend_mode(buf, count, type, dest, tag, comm, request, SM_BUF, false, "MPI_Ibsend");
}
MPI_ALIAS(Ibsend)

int PMPI_Send_init(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm,
                   MPI_Request *request)
{
    return isend_mode(buf, count, type, dest, tag, comm, request, SM_STD, true, "MPI_Send_init");
}
MPI_ALIAS(Send_init)

int PMPI_Ssend_init(const void *buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm,
                    MPI_Request *request)
{
    return isend_mode(buf, count, type, dest, tag, comm, request, SM_SYNC, true, "MPI_Ssend_init");
}
MPI_ALIAS(Ssend_init)

static int irecv(void *buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm,
                 MPI_Request *request, bool persistent, const char *fn)
{
    MPI_TRY(check_recv(buf, count, type, source, tag, comm, fn));
    if (!request) return mpi_err(comm, MPI_ERR_REQUEST, "%s: NULL request", fn);
    struct mpi_req *r = mpi_req_new(RQ_RECV);
    if (!r) return mpi_err(comm, MPI_ERR_NO_MEM, "%s: out of memory", fn);
    fill(r, mpi_comm(comm), comm, 0, buf, count, type, source, tag, SM_STD);
    *request = r->handle;
    if (persistent) {
        r->persistent = true;
        return MPI_SUCCESS;
    }
    return start(r);
}

int PMPI_Irecv(void *buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm,
               MPI_Request *request)
{
    return irecv(buf, count, type, source, tag, comm, request, false, "MPI_Irecv");
}
MPI_ALIAS(Irecv)

int PMPI_Recv_init(void *buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm,
                   MPI_Request *request)
{
    return irecv(buf, count, type, source, tag, comm, request, true, "MPI_Recv_init");
}
MPI_ALIAS(Recv_init)

int PMPI_Recv(void *buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm,
              MPI_Status *status)
{
    MPI_Request rq;
    MPI_TRY(irecv(buf, count, type, source, tag, comm, &rq, false, "MPI_Recv"));
    struct mpi_req *r = mpi_req_get(rq);
    mpi_wait_req(r);
    int err = mpi_req_finish(r, &rq, status);
    if (err == MPI_ERR_TRUNCATE)
        return mpi_err(comm, err, "MPI_Recv: message longer than the %d elements received", count);
    if (err) return mpi_err(comm, err, "MPI_Recv: receive failed");
    return MPI_SUCCESS;
}
MPI_ALIAS(Recv)

int PMPI_Start(MPI_Request *request)
{
    if (!request) return mpi_err(MPI_COMM_WORLD, MPI_ERR_REQUEST, "MPI_Start: NULL");
    MPI_TRY(mpi_check_init("MPI_Start"));
    struct mpi_req *r = mpi_req_get(*request);
    if (!r || !r->persistent)
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_REQUEST, "MPI_Start: not a persistent request");
    if (r->active) return mpi_err(r->comm, MPI_ERR_REQUEST, "MPI_Start: request already active");
    while (r->on_act) /* the engine may still hold the previous round's ap_reqs */
        if (mpi_progress() == 0) mpi_platform_idle();
    return start(r) ? mpi_err(r->comm, r->err, "MPI_Start: could not start") : MPI_SUCCESS;
}
MPI_ALIAS(Start)

int PMPI_Startall(int count, MPI_Request *requests)
{
    if (count < 0 || (count && !requests))
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Startall: bad arguments");
    for (int i = 0; i < count; i++)
        MPI_TRY(PMPI_Start(&requests[i]));
    return MPI_SUCCESS;
}
MPI_ALIAS(Startall)

int PMPI_Sendrecv(const void *sendbuf, int sendcount, MPI_Datatype sendtype, int dest, int sendtag,
                  void *recvbuf, int recvcount, MPI_Datatype recvtype, int source, int recvtag,
                  MPI_Comm comm, MPI_Status *status)
{
    MPI_TRY(check_send(sendbuf, sendcount, sendtype, dest, sendtag, comm, "MPI_Sendrecv"));
    MPI_Request rr, sr;
    MPI_TRY(irecv(recvbuf, recvcount, recvtype, source, recvtag, comm, &rr, false, "MPI_Sendrecv"));
    MPI_TRY(isend_mode(sendbuf, sendcount, sendtype, dest, sendtag, comm, &sr, SM_STD, false,
                       "MPI_Sendrecv"));
    struct mpi_req *s = mpi_req_get(sr), *r = mpi_req_get(rr);
    mpi_wait_req(s);
    mpi_wait_req(r);
    int se = mpi_req_finish(s, &sr, MPI_STATUS_IGNORE);
    int re = mpi_req_finish(r, &rr, status);
    if (se) return mpi_err(comm, se, "MPI_Sendrecv: send to %d failed", dest);
    if (re) return mpi_err(comm, re, "MPI_Sendrecv: receive from %d failed", source);
    return MPI_SUCCESS;
}
MPI_ALIAS(Sendrecv)

int PMPI_Sendrecv_replace(void *buf, int count, MPI_Datatype type, int dest, int sendtag,
                          int source, int recvtag, MPI_Comm comm, MPI_Status *status)
{
    MPI_TRY(check_send(buf, count, type, dest, sendtag, comm, "MPI_Sendrecv_replace"));
    size_t len = mpi_dt_bytes(mpi_dt(type), count);
    void *tmp = malloc(len ? len : 1);
    if (!tmp) return mpi_err(comm, MPI_ERR_NO_MEM, "MPI_Sendrecv_replace: out of memory");
    mpi_pack_bytes(buf, count, mpi_dt(type), tmp);
    int rc = PMPI_Sendrecv(tmp, (int)len, MPI_BYTE, dest, sendtag, buf, count, type, source,
                           recvtag, comm, status);
    free(tmp);
    return rc;
}
MPI_ALIAS(Sendrecv_replace)

int PMPI_Buffer_attach(void *buffer, int size)
{
    MPI_TRY(mpi_check_init("MPI_Buffer_attach"));
    struct mpi_proc *p = mpi_proc();
    if (size < 0 || (!buffer && size))
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_BUFFER, "MPI_Buffer_attach: bad buffer");
    if (p->battach)
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_BUFFER, "MPI_Buffer_attach: a buffer is attached");
    p->battach = buffer;
    p->battach_size = (size_t)size;
    return MPI_SUCCESS;
}
MPI_ALIAS(Buffer_attach)

int PMPI_Buffer_detach(void *buffer_addr, int *size)
{
    MPI_TRY(mpi_check_init("MPI_Buffer_detach"));
    struct mpi_proc *p = mpi_proc();
    if (!buffer_addr || !size)
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Buffer_detach: NULL argument");
    while (p->bused) /* buffered sends still going */
        if (mpi_progress() == 0) mpi_platform_idle();
    *(void **)buffer_addr = p->battach;
    *size = (int)p->battach_size;
    p->battach = NULL;
    p->battach_size = 0;
    return MPI_SUCCESS;
}
MPI_ALIAS(Buffer_detach)
