/*
 * mpi/match.c — matching. Arrivals (eager payloads and rendezvous requests) come in through
 * the eager ports' handler in the order each sender sent them (one FC stream per peer), and
 * are matched against posted receives in posting order by (context, source, tag); what finds
 * no receive waits in the unexpected queue (eager payloads copied) for a later receive or
 * probe. Together this is MPI's non-overtaking rule.
 */
#include <stdlib.h>
#include <string.h>

#include "mpi/mpi_impl.h"

int mpi_comm_rank_of(const struct mpi_comm *c, int world)
{
    if (c->ctx == 0) return world; /* MPI_COMM_WORLD */
    for (int i = 0; i < c->size; i++)
        if (c->world[i] == world) return i;
    return -1;
}

static bool matches(const struct mpi_req *r, int ctx, int src_world, int tag)
{
    if (r->ctx != ctx) return false;
    if (r->tag != MPI_ANY_TAG && r->tag != tag) return false;
    if (r->peer == MPI_ANY_SOURCE) return true;
    return r->world == src_world;
}

void mpi_match_init(struct mpi_proc *p)
{
    p->posted_head = p->posted_tail = NULL;
    p->unexp_head = p->unexp_tail = NULL;
}

void mpi_match_fini(struct mpi_proc *p)
{
    while (p->unexp_head) {
        struct mpi_msg *m = p->unexp_head;
        p->unexp_head = m->next;
        free(m);
    }
    p->unexp_tail = NULL;
}

/* Called from ap_poll with one complete protocol message from `src`. */
void mpi_on_eager(struct ap *ap, int src, int port, void *data, size_t len, void *arg)
{
    (void)ap, (void)port, (void)arg;
    struct mpi_proc *p = mpi_proc();
    struct mpi_hdr h;
    if (len < MPI_HDR) return; /* not ours: libmpi always sends a whole header */
    memcpy(&h, data, sizeof h);
    const unsigned char *payload = (const unsigned char *)data + MPI_HDR;
    size_t plen = len - MPI_HDR;
    if (h.kind == MSG_CTS) {
        mpi_on_cts(&h);
        return;
    }
    if ((h.kind != MSG_EAGER && h.kind != MSG_RTS) || (h.kind == MSG_EAGER && plen != h.len))
        return;
    /* A posted receive, oldest first. */
    struct mpi_req **pp = &p->posted_head, *prev = NULL;
    for (; *pp; prev = *pp, pp = &(*pp)->next) {
        struct mpi_req *r = *pp;
        if (!matches(r, h.ctx, src, h.tag)) continue;
        *pp = r->next;
        if (p->posted_tail == r) p->posted_tail = prev;
        r->next = NULL;
        if (h.kind == MSG_EAGER)
            mpi_recv_eager(r, src, h.tag, payload, plen);
        else
            mpi_recv_rts(r, src, h.tag, h.cookie, h.len);
        return;
    }
    size_t keep = h.kind == MSG_EAGER ? plen : 0;
    struct mpi_msg *m = malloc(sizeof *m + keep);
    if (!m) {
        /* Nowhere to keep it: the job cannot continue correctly. */
        mpi_err(MPI_COMM_WORLD, MPI_ERR_NO_MEM, "no memory for an unexpected message");
        return;
    }
    m->next = NULL;
    m->kind = h.kind;
    m->src = src;
    m->ctx = h.ctx;
    m->tag = h.tag;
    m->len = h.len;
    m->cookie = h.cookie;
    if (keep) memcpy(m->data, payload, keep);
    if (p->unexp_tail)
        p->unexp_tail->next = m;
    else
        p->unexp_head = m;
    p->unexp_tail = m;
}

void mpi_post_recv(struct mpi_req *r)
{
    struct mpi_proc *p = mpi_proc();
    struct mpi_msg **mp = &p->unexp_head, *prev = NULL;
    for (; *mp; prev = *mp, mp = &(*mp)->next) {
        struct mpi_msg *m = *mp;
        if (!matches(r, m->ctx, m->src, m->tag)) continue;
        *mp = m->next;
        if (p->unexp_tail == m) p->unexp_tail = prev;
        if (m->kind == MSG_EAGER)
            mpi_recv_eager(r, m->src, m->tag, m->data, m->len);
        else
            mpi_recv_rts(r, m->src, m->tag, m->cookie, m->len);
        free(m);
        return;
    }
    r->next = NULL;
    if (p->posted_tail)
        p->posted_tail->next = r;
    else
        p->posted_head = r;
    p->posted_tail = r;
}

bool mpi_cancel_recv(struct mpi_req *r)
{
    struct mpi_proc *p = mpi_proc();
    struct mpi_req **pp = &p->posted_head, *prev = NULL;
    for (; *pp; prev = *pp, pp = &(*pp)->next)
        if (*pp == r) {
            *pp = r->next;
            if (p->posted_tail == r) p->posted_tail = prev;
            r->next = NULL;
            return true;
        }
    return false;
}

struct mpi_msg *mpi_probe_find(const struct mpi_comm *c, int ctx, int src, int tag)
{
    struct mpi_proc *p = mpi_proc();
    for (struct mpi_msg *m = p->unexp_head; m; m = m->next) {
        if (m->ctx != ctx || (tag != MPI_ANY_TAG && m->tag != tag)) continue;
        if (src != MPI_ANY_SOURCE && c->world[src] != m->src) continue;
        return m;
    }
    return NULL;
}

static int probe_args(int source, int tag, MPI_Comm comm, const char *fn)
{
    MPI_TRY(mpi_check_comm(comm, fn));
    struct mpi_comm *c = mpi_comm(comm);
    if (source != MPI_ANY_SOURCE && source != MPI_PROC_NULL && (source < 0 || source >= c->size))
        return mpi_err(comm, MPI_ERR_RANK, "%s: invalid source %d (size %d)", fn, source, c->size);
    if (tag != MPI_ANY_TAG && (tag < 0 || tag > MPI_TAG_MAX))
        return mpi_err(comm, MPI_ERR_TAG, "%s: invalid tag %d", fn, tag);
    return MPI_SUCCESS;
}

static void probe_status(MPI_Status *st, const struct mpi_comm *c, const struct mpi_msg *m)
{
    if (!st || st == MPI_STATUS_IGNORE) return;
    st->MPI_SOURCE = mpi_comm_rank_of(c, m->src);
    st->MPI_TAG = m->tag;
    st->MPI_ERROR = MPI_SUCCESS;
    st->mpi_cancelled_ = 0;
    st->mpi_bytes_ = (long long)m->len;
}

static void null_status(MPI_Status *st)
{
    if (!st || st == MPI_STATUS_IGNORE) return;
    st->MPI_SOURCE = MPI_PROC_NULL;
    st->MPI_TAG = MPI_ANY_TAG;
    st->MPI_ERROR = MPI_SUCCESS;
    st->mpi_cancelled_ = 0;
    st->mpi_bytes_ = 0;
}

int PMPI_Iprobe(int source, int tag, MPI_Comm comm, int *flag, MPI_Status *status)
{
    MPI_TRY(probe_args(source, tag, comm, "MPI_Iprobe"));
    if (!flag) return mpi_err(comm, MPI_ERR_ARG, "MPI_Iprobe: NULL flag");
    if (source == MPI_PROC_NULL) {
        *flag = 1;
        null_status(status);
        return MPI_SUCCESS;
    }
    struct mpi_comm *c = mpi_comm(comm);
    mpi_progress();
    struct mpi_msg *m = mpi_probe_find(c, c->ctx, source, tag);
    *flag = m != NULL;
    if (m) probe_status(status, c, m);
    return MPI_SUCCESS;
}
MPI_ALIAS(Iprobe)

int PMPI_Probe(int source, int tag, MPI_Comm comm, MPI_Status *status)
{
    MPI_TRY(probe_args(source, tag, comm, "MPI_Probe"));
    if (source == MPI_PROC_NULL) {
        null_status(status);
        return MPI_SUCCESS;
    }
    struct mpi_comm *c = mpi_comm(comm);
    for (;;) {
        struct mpi_msg *m = mpi_probe_find(c, c->ctx, source, tag);
        if (m) {
            probe_status(status, c, m);
            return MPI_SUCCESS;
        }
        if (mpi_progress() == 0) mpi_platform_idle();
    }
}
MPI_ALIAS(Probe)
