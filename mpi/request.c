/*
 * mpi/request.c — request handles and completion: the active list that every MPI call
 * advances (progress happens inside MPI calls only), Wait/Test and their all/any/some forms,
 * Request_free, Cancel (receives), persistent requests (Start/Startall).
 */
#include <stdlib.h>
#include <string.h>

#include "mpi/mpi_impl.h"

struct mpi_req *mpi_req_new(int kind)
{
    struct mpi_proc *p = mpi_proc();
    int h = 1;
    while (h < p->nreqs && p->reqs[h])
        h++;
    if (h >= p->nreqs) {
        int n = p->nreqs ? p->nreqs * 2 : 64;
        struct mpi_req **t = realloc(p->reqs, (size_t)n * sizeof *t);
        if (!t) return NULL;
        memset(t + p->nreqs, 0, (size_t)(n - p->nreqs) * sizeof *t);
        p->reqs = t;
        p->nreqs = n;
    }
    /* Recycled requests first: a ping-pong allocates two per round trip. */
    struct mpi_req *r = p->req_cache;
    if (r) {
        p->req_cache = r->next;
        p->ncached--;
        memset(r, 0, sizeof *r);
    } else if (!(r = calloc(1, sizeof *r))) {
        return NULL;
    }
    r->gen = ++p->gen_seed;
    r->handle = h;
    r->kind = kind;
    r->land = -1;
    p->reqs[h] = r;
    return r;
}

struct mpi_req *mpi_req_get(MPI_Request h)
{
    struct mpi_proc *p = mpi_proc();
    if (h <= 0 || h >= p->nreqs) return NULL;
    return p->reqs[h];
}

void mpi_req_release(struct mpi_req *r)
{
    struct mpi_proc *p = mpi_proc();
    if (r->on_act) { /* still in flight: let progress release it when it completes */
        r->freed = true;
        return;
    }
    free(r->pack);
    if (r->bsend_bytes) p->bused -= r->bsend_bytes;
    p->reqs[r->handle] = NULL;
    if (p->ncached < MPI_REQ_CACHE) {
        r->next = p->req_cache;
        p->req_cache = r;
        p->ncached++;
        return;
    }
    free(r);
}

void mpi_act_add(struct mpi_req *r)
{
    struct mpi_proc *p = mpi_proc();
    if (r->on_act) return;
    r->on_act = true;
    r->act_nx = p->act;
    p->act = r;
}

void mpi_req_complete(struct mpi_req *r)
{
    r->done = true;
}

int mpi_progress(void)
{
    struct mpi_proc *p = mpi_proc();
    int work = ap_poll(p->ap);
    /* Work on a detached list: advancing one request can start others (Ibarrier rounds),
     * and waiting for a bounce buffer runs handlers that add requests to p->act. */
    struct mpi_req *todo = p->act, *keep = NULL;
    p->act = NULL;
    while (todo) {
        struct mpi_req *r = todo;
        todo = r->act_nx;
        if (r->kind == RQ_IBARRIER) {
            if (!r->done) mpi_ibarrier_update(r);
        } else if (!r->done || r->ar_hdr_busy || r->ar_data_busy) {
            mpi_req_update(r);
        }
        /* Off the list once done and the engine no longer holds its ap_reqs. */
        if (r->done && !r->ar_hdr_busy && !r->ar_data_busy) {
            r->on_act = false;
            work++;
            if (r->freed) mpi_req_release(r);
            continue;
        }
        r->act_nx = keep;
        keep = r;
    }
    while (keep) {
        struct mpi_req *r = keep;
        keep = r->act_nx;
        r->act_nx = p->act;
        p->act = r;
    }
    if (p->port_wait_head) mpi_land_retry();
    return work;
}

void mpi_wait_req(struct mpi_req *r)
{
    while (!r->done)
        if (mpi_progress() == 0) mpi_platform_idle();
}

static void status_out(MPI_Status *st, const struct mpi_req *r)
{
    if (!st || st == MPI_STATUS_IGNORE) return;
    *st = r->st;
    st->MPI_ERROR = r->err;
}

static void empty_status(MPI_Status *st)
{
    if (!st || st == MPI_STATUS_IGNORE) return;
    st->MPI_SOURCE = MPI_ANY_SOURCE;
    st->MPI_TAG = MPI_ANY_TAG;
    st->MPI_ERROR = MPI_SUCCESS;
    st->mpi_cancelled_ = 0;
    st->mpi_bytes_ = 0;
}

int mpi_req_finish(struct mpi_req *r, MPI_Request *h, MPI_Status *st)
{
    int err = r->err;
    status_out(st, r);
    if (r->persistent) {
        r->active = false;
    } else {
        mpi_req_release(r);
        *h = MPI_REQUEST_NULL;
    }
    return err;
}

/* A request that needs no waiting: null or inactive persistent. */
static bool inert(MPI_Request h)
{
    struct mpi_req *r = mpi_req_get(h);
    return h == MPI_REQUEST_NULL || (r && r->persistent && !r->active);
}

static int check_reqs(int count, const MPI_Request *reqs, const char *fn)
{
    MPI_TRY(mpi_check_init(fn));
    if (count < 0) return mpi_err(MPI_COMM_WORLD, MPI_ERR_COUNT, "%s: negative count", fn);
    if (count && !reqs) return mpi_err(MPI_COMM_WORLD, MPI_ERR_REQUEST, "%s: NULL array", fn);
    for (int i = 0; i < count; i++)
        if (reqs[i] != MPI_REQUEST_NULL && !mpi_req_get(reqs[i]))
            return mpi_err(MPI_COMM_WORLD, MPI_ERR_REQUEST, "%s: invalid request %d", fn, reqs[i]);
    return MPI_SUCCESS;
}

/* Errors of completed requests go to their communicator's handler. */
static int req_error(struct mpi_req *r, int err, const char *fn)
{
    if (err == MPI_SUCCESS) return err;
    return mpi_err(r->comm, err, "%s: %s", fn,
                   r->kind == RQ_RECV ? "receive failed" : "send failed");
}

int PMPI_Wait(MPI_Request *request, MPI_Status *status)
{
    if (!request) return mpi_err(MPI_COMM_WORLD, MPI_ERR_REQUEST, "MPI_Wait: NULL");
    MPI_TRY(check_reqs(1, request, "MPI_Wait"));
    if (inert(*request)) {
        empty_status(status);
        return MPI_SUCCESS;
    }
    struct mpi_req *r = mpi_req_get(*request);
    mpi_wait_req(r);
    MPI_Comm comm = r->comm;
    int kind = r->kind;
    int err = mpi_req_finish(r, request, status);
    if (err) return mpi_err(comm, err, "MPI_Wait: %s failed", kind == RQ_RECV ? "receive" : "send");
    return MPI_SUCCESS;
}
MPI_ALIAS(Wait)

int PMPI_Test(MPI_Request *request, int *flag, MPI_Status *status)
{
    if (!request || !flag) return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Test: NULL");
    MPI_TRY(check_reqs(1, request, "MPI_Test"));
    if (inert(*request)) {
        *flag = 1;
        empty_status(status);
        return MPI_SUCCESS;
    }
    struct mpi_req *r = mpi_req_get(*request);
    if (!r->done) mpi_progress();
    *flag = r->done;
    if (!r->done) return MPI_SUCCESS;
    MPI_Comm comm = r->comm;
    int err = mpi_req_finish(r, request, status);
    if (err) return mpi_err(comm, err, "MPI_Test: request failed");
    return MPI_SUCCESS;
}
MPI_ALIAS(Test)

int PMPI_Request_get_status(MPI_Request request, int *flag, MPI_Status *status)
{
    if (!flag) return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Request_get_status: NULL");
    MPI_TRY(check_reqs(1, &request, "MPI_Request_get_status"));
    if (inert(request)) {
        *flag = 1;
        empty_status(status);
        return MPI_SUCCESS;
    }
    struct mpi_req *r = mpi_req_get(request);
    if (!r->done) mpi_progress();
    *flag = r->done;
    if (r->done) status_out(status, r);
    return MPI_SUCCESS;
}
MPI_ALIAS(Request_get_status)

static MPI_Status *st_at(MPI_Status *sts, int i)
{
    return sts == MPI_STATUSES_IGNORE || !sts ? MPI_STATUS_IGNORE : &sts[i];
}

/* Every request of the set is complete: finish each (inert ones get an empty status). */
static int finish_all(int count, MPI_Request *requests, MPI_Status *statuses, const char *fn)
{
    int any_err = 0;
    for (int i = 0; i < count; i++) {
        if (inert(requests[i])) {
            empty_status(st_at(statuses, i));
            continue;
        }
        if (mpi_req_finish(mpi_req_get(requests[i]), &requests[i], st_at(statuses, i))) any_err = 1;
    }
    if (any_err) return mpi_err(MPI_COMM_WORLD, MPI_ERR_IN_STATUS, "%s: a request failed", fn);
    return MPI_SUCCESS;
}

int PMPI_Testall(int count, MPI_Request *requests, int *flag, MPI_Status *statuses)
{
    MPI_TRY(check_reqs(count, requests, "MPI_Testall"));
    if (!flag) return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Testall: NULL flag");
    mpi_progress();
    for (int i = 0; i < count; i++)
        if (!inert(requests[i]) && !mpi_req_get(requests[i])->done) {
            *flag = 0;
            return MPI_SUCCESS;
        }
    *flag = 1;
    return finish_all(count, requests, statuses, "MPI_Testall");
}
MPI_ALIAS(Testall)

int PMPI_Waitall(int count, MPI_Request *requests, MPI_Status *statuses)
{
    MPI_TRY(check_reqs(count, requests, "MPI_Waitall"));
    for (int i = 0; i < count; i++)
        if (!inert(requests[i])) mpi_wait_req(mpi_req_get(requests[i]));
    return finish_all(count, requests, statuses, "MPI_Waitall");
}
MPI_ALIAS(Waitall)

int PMPI_Testany(int count, MPI_Request *requests, int *index, int *flag, MPI_Status *status)
{
    MPI_TRY(check_reqs(count, requests, "MPI_Testany"));
    if (!index || !flag) return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Testany: NULL");
    mpi_progress();
    bool any_active = false;
    for (int i = 0; i < count; i++) {
        if (inert(requests[i])) continue;
        any_active = true;
        struct mpi_req *r = mpi_req_get(requests[i]);
        if (!r->done) continue;
        *index = i;
        *flag = 1;
        return req_error(r, mpi_req_finish(r, &requests[i], status), "MPI_Testany");
    }
    *flag = !any_active;
    *index = MPI_UNDEFINED;
    if (!any_active) empty_status(status);
    return MPI_SUCCESS;
}
MPI_ALIAS(Testany)

int PMPI_Waitany(int count, MPI_Request *requests, int *index, MPI_Status *status)
{
    int flag = 0;
    for (;;) {
        MPI_TRY(PMPI_Testany(count, requests, index, &flag, status));
        if (flag) return MPI_SUCCESS;
        mpi_platform_idle();
    }
}
MPI_ALIAS(Waitany)

int PMPI_Testsome(int incount, MPI_Request *requests, int *outcount, int *indices,
                  MPI_Status *statuses)
{
    MPI_TRY(check_reqs(incount, requests, "MPI_Testsome"));
    if (!outcount || (incount && !indices))
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Testsome: NULL");
    mpi_progress();
    int n = 0, active = 0, any_err = 0;
    for (int i = 0; i < incount; i++) {
        if (inert(requests[i])) continue;
        active++;
        struct mpi_req *r = mpi_req_get(requests[i]);
        if (!r->done) continue;
        if (mpi_req_finish(r, &requests[i], st_at(statuses, n))) any_err = 1;
        indices[n++] = i;
    }
    *outcount = active ? n : MPI_UNDEFINED;
    if (any_err)
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_IN_STATUS, "MPI_Testsome: a request failed");
    return MPI_SUCCESS;
}
MPI_ALIAS(Testsome)

int PMPI_Waitsome(int incount, MPI_Request *requests, int *outcount, int *indices,
                  MPI_Status *statuses)
{
    for (;;) {
        MPI_TRY(PMPI_Testsome(incount, requests, outcount, indices, statuses));
        if (*outcount != 0) return MPI_SUCCESS;
        mpi_platform_idle();
    }
}
MPI_ALIAS(Waitsome)

int PMPI_Request_free(MPI_Request *request)
{
    if (!request) return mpi_err(MPI_COMM_WORLD, MPI_ERR_REQUEST, "MPI_Request_free: NULL");
    MPI_TRY(check_reqs(1, request, "MPI_Request_free"));
    struct mpi_req *r = mpi_req_get(*request);
    if (!r) return mpi_err(MPI_COMM_WORLD, MPI_ERR_REQUEST, "MPI_Request_free: null request");
    /* An active receive still matches its message; it completes unseen. */
    if (r->kind == RQ_RECV && r->active && !r->done && !r->on_act) mpi_act_add(r);
    r->persistent = false;
    mpi_req_release(r);
    *request = MPI_REQUEST_NULL;
    return MPI_SUCCESS;
}
MPI_ALIAS(Request_free)

int PMPI_Cancel(MPI_Request *request)
{
    if (!request) return mpi_err(MPI_COMM_WORLD, MPI_ERR_REQUEST, "MPI_Cancel: NULL");
    MPI_TRY(check_reqs(1, request, "MPI_Cancel"));
    struct mpi_req *r = mpi_req_get(*request);
    if (!r) return mpi_err(MPI_COMM_WORLD, MPI_ERR_REQUEST, "MPI_Cancel: null request");
    /* Receives not yet matched are cancelled; sends, once started, always complete. */
    if (r->kind == RQ_RECV && !r->done && mpi_cancel_recv(r)) {
        r->cancelled = true;
        r->st.mpi_cancelled_ = 1;
        r->st.MPI_SOURCE = MPI_ANY_SOURCE;
        r->st.MPI_TAG = MPI_ANY_TAG;
        r->st.mpi_bytes_ = 0;
        mpi_req_complete(r);
    }
    return MPI_SUCCESS;
}
MPI_ALIAS(Cancel)

int PMPI_Test_cancelled(const MPI_Status *status, int *flag)
{
    if (!status || status == MPI_STATUS_IGNORE || !flag)
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Test_cancelled: NULL");
    *flag = status->mpi_cancelled_;
    return MPI_SUCCESS;
}
MPI_ALIAS(Test_cancelled)
