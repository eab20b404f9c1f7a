/*
 * mpi/mpi_impl.h — libmpi's private state and the calls its files share (see docs/mpi.md).
 *
 * Layout: env.c (init, finalize, clock, abort, attributes), errors.c (classes, errhandlers,
 * argument checks), datatype.c + pack.c (type maps as byte segments, pack/unpack), op.c
 * (reductions), request.c (handles, wait/test), match.c (posted and unexpected queues, the
 * eager ports' handler, probe), proto.c (eager and rendezvous wire protocol), p2p.c (the
 * point-to-point calls), coll.c + coll_more.c (collectives), comm.c (communicators, groups),
 * topo.c (Cartesian topologies), unsupported.c (what links but is not provided), and the
 * platform seam: platform_porto.c on the bare machine, tests/mpi/platform_host.c in host tests.
 *
 * All state of one rank lives in one struct mpi_proc reached through mpi_proc(): the bare
 * machine has one; host tests run many ranks as threads, one each.
 */
#ifndef PORTO_MPI_IMPL_H
#define PORTO_MPI_IMPL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mpi.h"
#include "net/ap.h"

/* Ports of the engine that libmpi owns (apps linked with libmpi keep to 0..31). */
#define MPI_PORT_EAGER0 32 /* eager/control ports, a sender uses them in turn */
#define MPI_EAGER_PORTS 16
#define MPI_PORT_LAND0  48 /* rendezvous landing ports, one per receive in progress */
#define MPI_LAND_PORTS  14 /* 48..61; the job layer keeps 62 and 63 */

#define MPI_HDR       32   /* bytes of the protocol header (struct mpi_hdr) */
#define MPI_EAGER_MAX 4096 /* largest payload sent eagerly; larger ones use the rendezvous */
#define MPI_POOL      64   /* send bounce buffers (eager copies and control messages) */
#define MPI_TAG_MAX   0x7FFFFFFF
#define MPI_REQ_CACHE 64 /* released requests kept for reuse */
#define MPI_MAX_DIMS  16

/* Protocol messages on the eager ports (docs/mpi.md). */
enum { MSG_EAGER = 1, MSG_RTS = 2, MSG_CTS = 3 };
struct mpi_hdr {
    uint8_t kind;
    uint8_t flags;
    uint16_t ctx;    /* communicator context (p2p even, collectives odd) */
    int32_t tag;     /* EAGER/RTS: the message's tag */
    uint32_t len;    /* EAGER/RTS: payload bytes; CTS: bytes the receiver accepts */
    uint32_t port;   /* CTS: landing port */
    uint64_t cookie; /* RTS/CTS: the sender's request */
    uint64_t spare;
};

/* A datatype: its type map as byte segments of one element, relative to the start. */
struct mpi_seg {
    MPI_Aint off, len;
};
struct mpi_dtype {
    bool predefined, committed;
    MPI_Aint size;             /* bytes of data in one element */
    MPI_Aint lb, extent;       /* element stride = extent */
    MPI_Aint true_lb, true_ub; /* first and past-last byte touched */
    MPI_Datatype base;         /* the one predefined type it is made of, or 0 (mixed) */
    long long nbase;           /* predefined elements in one element */
    int nseg;
    struct mpi_seg *seg;
    char name[MPI_MAX_OBJECT_NAME];
};

struct mpi_group {
    int size;
    int *world; /* world rank of each member */
};

struct mpi_comm {
    MPI_Comm handle;
    int ctx; /* point-to-point context; ctx + 1 carries its collectives */
    int size, rank;
    int *world; /* world rank of each member */
    MPI_Errhandler eh;
    int ndims; /* Cartesian topology, 0 = none */
    int dims[MPI_MAX_DIMS], periods[MPI_MAX_DIMS];
    unsigned ibarrier_seq;
    char name[MPI_MAX_OBJECT_NAME];
};

struct mpi_op {
    MPI_User_function *fn;
    int commute;
};

enum { RQ_SEND = 1, RQ_RECV, RQ_IBARRIER };
enum { SM_STD, SM_SYNC, SM_READY, SM_BUF };
enum { RS_IDLE, RS_WAIT_CTS, RS_PUT, RS_WAIT_PORT, RS_LANDING };

struct mpi_req {
    int handle;
    uint32_t gen; /* part of the rendezvous cookie: a stale CTS never finds a reused slot */
    int kind;
    bool persistent, active, done, freed, cancelled;
    MPI_Comm comm;
    int ctx;  /* context actually used (collectives use ctx + 1) */
    int peer; /* comm rank, ANY_SOURCE or PROC_NULL */
    int tag;
    int world; /* peer's world rank (sends, matched receives) */
    void *buf;
    int count;
    MPI_Datatype dt;
    int mode;
    /* Packed copy of a non-contiguous buffer (or a Bsend copy); NULL when the user's buffer
     * is used in place. */
    void *pack;
    size_t len; /* send: bytes; recv: capacity in bytes */
    int rs;     /* RS_* */
    struct mpi_hdr hdr;
    struct ap_req ar_hdr, ar_data;
    bool ar_hdr_busy, ar_data_busy;
    int land;            /* landing port index, -1 none */
    uint64_t land_base;  /* deliveries of the landing port before this transfer */
    size_t rdv_len;      /* RTS length while waiting for a landing port */
    uint64_t rdv_cookie; /* the sender's cookie */
    size_t bsend_bytes;  /* accounted against the attached buffer */
    /* Ibarrier: dissemination round and its two requests. */
    int round;
    struct mpi_req *sub[2];
    int err;
    MPI_Status st;
    struct mpi_req *next;   /* posted queue / port wait queue */
    struct mpi_req *act_nx; /* active list */
    bool on_act;
};

/* An arrival nobody has asked for yet. */
struct mpi_msg {
    struct mpi_msg *next;
    int kind; /* MSG_EAGER or MSG_RTS */
    int src;  /* world rank */
    int ctx, tag;
    size_t len;
    uint64_t cookie;
    unsigned char data[];
};

struct mpi_pool_ent {
    struct ap_req ar;
    bool busy;
    int dst; /* world rank it went to (in-flight count per destination) */
    unsigned char buf[MPI_HDR + MPI_EAGER_MAX];
};

struct mpi_errh {
    MPI_Comm_errhandler_function *fn;
};

struct mpi_proc {
    bool initialized, finalized;
    int thread_level;
    struct ap *ap;
    int rank, size; /* in MPI_COMM_WORLD */
    unsigned char *eager_mem;
    size_t eager_slot;
    unsigned *tx_turn;  /* per destination: next eager port */
    unsigned *inflight; /* per destination: eager messages not yet acknowledged */
    struct mpi_pool_ent *pool;
    unsigned pool_next;
    /* Landing ports: who uses each (NULL = free). */
    struct mpi_req *land_owner[MPI_LAND_PORTS];
    struct mpi_req *port_wait_head, *port_wait_tail;
    /* Matching. */
    struct mpi_req *posted_head, *posted_tail;
    struct mpi_msg *unexp_head, *unexp_tail;
    struct mpi_req *act; /* requests that need progress */
    /* Handle tables; index = handle. */
    struct mpi_req **reqs;
    int nreqs;
    struct mpi_req *req_cache; /* released requests for reuse (linked by next) */
    int ncached;
    struct mpi_comm **comms;
    int ncomms;
    struct mpi_group **groups;
    int ngroups;
    struct mpi_dtype **dts;
    int ndts;
    struct mpi_op *ops;
    int nops;
    struct mpi_errh *ehs;
    int nehs;
    int next_ctx;
    uint32_t gen_seed;
    /* Bsend accounting. */
    void *battach;
    size_t battach_size, bused;
    char errmsg[MPI_MAX_ERROR_STRING];
};

/* MPI_X is a second name of PMPI_X (a strong alias: no weak symbols). */
#define MPI_ALIAS(name)                                                                            \
    extern __typeof__(PMPI_##name) MPI_##name __attribute__((alias("PMPI_" #name)));

/* ---- platform seam (platform_porto.c; tests/mpi/platform_host.c) ---- */
struct mpi_proc *mpi_proc(void);
struct ap *mpi_platform_ap(void); /* this rank's engine, set up and joined */
uint64_t mpi_platform_now_ns(void);
void mpi_platform_idle(void);
void mpi_platform_name(char *buf, size_t size);
/* End this rank, and with it the job, with `code` (non-zero). */
_Noreturn void mpi_platform_exit(int code);

/* env.c: free everything MPI_Init set up (MPI_Finalize; host tests after a rank's exit) */
void mpi_release(struct mpi_proc *p);

/* ---- errors.c ---- */
int mpi_err(MPI_Comm comm, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int mpi_check_init(const char *fn);
int mpi_check_comm(MPI_Comm comm, const char *fn);
int mpi_check_type(MPI_Comm comm, MPI_Datatype dt, const char *fn);
int mpi_check_buf(MPI_Comm comm, const void *buf, int count, MPI_Datatype dt, const char *fn);
const char *mpi_class_text(int code);
#define MPI_TRY(x)                                                                                 \
    do {                                                                                           \
        int mpi_rc_ = (x);                                                                         \
        if (mpi_rc_ != MPI_SUCCESS) return mpi_rc_;                                                \
    } while (0)

/* ---- datatype.c / pack.c ---- */
void mpi_dtype_init(struct mpi_proc *p);
void mpi_dtype_fini(struct mpi_proc *p);
struct mpi_dtype *mpi_dt(MPI_Datatype dt); /* NULL for an invalid handle */
bool mpi_dt_contig(const struct mpi_dtype *t);
/* Bytes of `count` elements when packed. */
size_t mpi_dt_bytes(const struct mpi_dtype *t, int count);
/* Copy between a typed buffer and packed bytes; unpack stops after `bytes`. */
void mpi_pack_bytes(const void *buf, int count, const struct mpi_dtype *t, void *out);
void mpi_unpack_bytes(const void *in, size_t bytes, void *buf, int count,
                      const struct mpi_dtype *t);
/* Copy `count` elements of one typed buffer into another typed buffer. */
int mpi_copy_typed(const void *src, int scount, MPI_Datatype st, void *dst, int dcount,
                   MPI_Datatype dt);

/* ---- op.c ---- */
void mpi_op_init(struct mpi_proc *p);
int mpi_op_check(MPI_Comm comm, MPI_Op op, MPI_Datatype dt, const char *fn);
bool mpi_op_commutes(MPI_Op op);
/* inout[i] = in[i] op inout[i], for count elements of dt laid out as the user's. */
void mpi_op_apply(MPI_Op op, const void *in, void *inout, int count, MPI_Datatype dt);
/* The engine's equivalent of (dt, op), or -1. */
int mpi_op_engine(MPI_Op op, MPI_Datatype dt, enum ap_type *type, enum ap_op *aop);

/* ---- request.c ---- */
struct mpi_req *mpi_req_new(int kind);
struct mpi_req *mpi_req_get(MPI_Request h);
void mpi_req_release(struct mpi_req *r);
void mpi_act_add(struct mpi_req *r);
void mpi_req_complete(struct mpi_req *r);
int mpi_progress(void); /* one pass: engine, then every active request; returns work */
void mpi_wait_req(struct mpi_req *r); /* progress until r is done */
/* Finish a completed request for the user: status out, persistent ones go inactive,
 * others are released. Returns its error code. */
int mpi_req_finish(struct mpi_req *r, MPI_Request *h, MPI_Status *st);

/* ---- match.c ---- */
void mpi_match_init(struct mpi_proc *p);
void mpi_match_fini(struct mpi_proc *p);
void mpi_on_eager(struct ap *ap, int src, int port, void *data, size_t len, void *arg);
void mpi_post_recv(struct mpi_req *r); /* match against unexpected, else queue */
bool mpi_cancel_recv(struct mpi_req *r);
/* First unexpected message matching (ctx, comm rank src or ANY, tag or ANY). */
struct mpi_msg *mpi_probe_find(const struct mpi_comm *c, int ctx, int src, int tag);
int mpi_comm_rank_of(const struct mpi_comm *c, int world);

/* ---- proto.c ---- */
int mpi_start_send(struct mpi_req *r); /* r: buf/count/dt/world/ctx/tag/mode filled in */
/* A standard-mode send small enough to go eagerly, without a request: MPI_SUCCESS, an
 * error, or -1 when it does not qualify (too long). */
int mpi_send_eager(int world, int ctx, int tag, const void *buf, int count, MPI_Datatype dt);
void mpi_on_cts(const struct mpi_hdr *h);
/* A receive matched an arrival: take an eager payload, or answer an RTS. */
void mpi_recv_eager(struct mpi_req *r, int src, int tag, const void *data, size_t len);
void mpi_recv_rts(struct mpi_req *r, int src, int tag, uint64_t cookie, size_t len);
void mpi_req_update(struct mpi_req *r); /* advance a send or landing receive */
void mpi_land_retry(void);
int mpi_proto_open(struct mpi_proc *p);   /* at MPI_Init: pool and ports */
void mpi_proto_close(struct mpi_proc *p); /* at MPI_Finalize */

/* ---- internal point-to-point, used by the collectives (ctxoff 1 = collective context) ---- */
int mpi_isend_int(struct mpi_comm *c, int ctxoff, const void *buf, int count, MPI_Datatype dt,
                  int dst, int tag, int mode, struct mpi_req **out);
int mpi_irecv_int(struct mpi_comm *c, int ctxoff, void *buf, int count, MPI_Datatype dt, int src,
                  int tag, struct mpi_req **out);
/* Wait for and release internal requests (NULL entries skipped); first error or 0. */
int mpi_wait_int(struct mpi_req **r, int n, MPI_Status *st);

/* ---- comm.c ---- */
void mpi_comm_init(struct mpi_proc *p);
void mpi_comm_fini(struct mpi_proc *p);
struct mpi_comm *mpi_comm(MPI_Comm c); /* NULL if invalid */
int mpi_comm_new(const int *world, int size, int rank, int ctx, MPI_Errhandler eh, MPI_Comm *out);
int mpi_next_ctx(MPI_Comm parent, int *ctx); /* agreed over parent (collective) */

/* ---- coll.c ---- */
int mpi_barrier_p2p(struct mpi_comm *c);
int mpi_bcast_p2p(struct mpi_comm *c, void *buf, int count, MPI_Datatype dt, int root);
int mpi_reduce_p2p(struct mpi_comm *c, const void *sbuf, void *rbuf, int count, MPI_Datatype dt,
                   MPI_Op op, int root);
void mpi_ibarrier_update(struct mpi_req *r);
/* Scratch for `count` elements of dt laid out as a user buffer; free with free(*alloc). */
void *mpi_tmpbuf(int count, MPI_Datatype dt, void **alloc);

#endif
