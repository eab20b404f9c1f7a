/*
 * mpi/env.c — the environment: MPI_Init (engine, ports, tables), Finalize, thread levels,
 * Abort (ends the whole job with the code, naming the rank), clocks, processor name, version,
 * attributes, Alloc_mem/Free_mem, a minimal Info.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpi/mpi_impl.h"

static int init(int required, int *provided)
{
    struct mpi_proc *p = mpi_proc();
    if (p->initialized) return mpi_err(MPI_COMM_WORLD, MPI_ERR_OTHER, "MPI_Init called twice");
    if (p->finalized)
        return mpi_err(MPI_COMM_NULL, MPI_ERR_OTHER, "MPI_Init called after MPI_Finalize");
    p->ap = mpi_platform_ap();
    if (!p->ap) return mpi_err(MPI_COMM_NULL, MPI_ERR_INTERN, "MPI_Init: no messaging engine");
    p->rank = ap_rank(p->ap);
    p->size = ap_nodes(p->ap);
    p->thread_level = required < MPI_THREAD_FUNNELED ? required : MPI_THREAD_FUNNELED;
    if (provided) *provided = p->thread_level;
    mpi_dtype_init(p);
    mpi_op_init(p);
    mpi_match_init(p);
    mpi_comm_init(p);
    p->initialized = true; /* errors from here on go through MPI_COMM_WORLD's handler */
    int rc = mpi_proto_open(p);
    if (rc) return mpi_err(MPI_COMM_WORLD, rc, "MPI_Init: could not open libmpi's engine ports");
    /* Every rank's eager ports are open before anyone sends to them. */
    if (ap_barrier(p->ap) < 0)
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_OTHER, "MPI_Init: start barrier failed: %s",
                       ap_error(p->ap));
    return MPI_SUCCESS;
}

int PMPI_Init(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    return init(MPI_THREAD_SINGLE, NULL);
}
MPI_ALIAS(Init)

int PMPI_Init_thread(int *argc, char ***argv, int required, int *provided)
{
    (void)argc, (void)argv;
    if (!provided) return mpi_err(MPI_COMM_NULL, MPI_ERR_ARG, "MPI_Init_thread: NULL provided");
    return init(required, provided);
}
MPI_ALIAS(Init_thread)

int PMPI_Initialized(int *flag)
{
    if (!flag) return MPI_ERR_ARG;
    *flag = mpi_proc()->initialized;
    return MPI_SUCCESS;
}
MPI_ALIAS(Initialized)

int PMPI_Finalized(int *flag)
{
    if (!flag) return MPI_ERR_ARG;
    *flag = mpi_proc()->finalized;
    return MPI_SUCCESS;
}
MPI_ALIAS(Finalized)

int PMPI_Query_thread(int *provided)
{
    MPI_TRY(mpi_check_init("MPI_Query_thread"));
    if (!provided) return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Query_thread: NULL");
    *provided = mpi_proc()->thread_level;
    return MPI_SUCCESS;
}
MPI_ALIAS(Query_thread)

int PMPI_Is_thread_main(int *flag)
{
    MPI_TRY(mpi_check_init("MPI_Is_thread_main"));
    if (!flag) return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Is_thread_main: NULL");
    *flag = 1; /* one thread per rank */
    return MPI_SUCCESS;
}
MPI_ALIAS(Is_thread_main)

int PMPI_Finalize(void)
{
    MPI_TRY(mpi_check_init("MPI_Finalize"));
    struct mpi_proc *p = mpi_proc();
    /* Every request of ours finishes (sends of freed requests, bsends) before the barrier,
     * and the barrier keeps every rank serving its peers until all are done. */
    while (p->act || p->bused)
        if (mpi_progress() == 0) mpi_platform_idle();
    if (ap_barrier(p->ap) < 0)
        fprintf(stderr, "MPI_Finalize: rank %d: final barrier failed: %s\n", p->rank,
                ap_error(p->ap));
    mpi_release(p);
    p->finalized = true;
    return MPI_SUCCESS;
}
MPI_ALIAS(Finalize)

void mpi_release(struct mpi_proc *p)
{
    for (int k = 0; k < MPI_LAND_PORTS; k++)
        if (p->land_owner[k]) ap_port_close(p->ap, MPI_PORT_LAND0 + k);
    memset(p->land_owner, 0, sizeof p->land_owner);
    mpi_proto_close(p);
    for (int h = 0; h < p->nreqs; h++) {
        struct mpi_req *r = p->reqs[h];
        if (!r) continue;
        /* The engine must be done with a request's ap_reqs before they are freed. */
        if (r->ar_hdr_busy) ap_wait(p->ap, &r->ar_hdr);
        if (r->ar_data_busy) ap_wait(p->ap, &r->ar_data);
        free(r->pack);
        free(r);
    }
    free(p->reqs);
    p->reqs = NULL;
    while (p->req_cache) {
        struct mpi_req *r = p->req_cache;
        p->req_cache = r->next;
        free(r);
    }
    p->ncached = 0;
    p->nreqs = 0;
    mpi_match_fini(p);
    mpi_comm_fini(p);
    mpi_dtype_fini(p);
    free(p->ops);
    free(p->ehs);
    p->ops = NULL;
    p->ehs = NULL;
    p->nops = p->nehs = 0;
    p->posted_head = p->posted_tail = NULL;
    p->port_wait_head = p->port_wait_tail = NULL;
    p->act = NULL;
}

int PMPI_Abort(MPI_Comm comm, int errorcode)
{
    (void)comm;
    struct mpi_proc *p = mpi_proc();
    /* A job cannot end "successfully" by aborting: code 0 becomes 1. */
    int code = errorcode ? errorcode : 1;
    fprintf(stderr, "MPI_Abort: rank %d ends the job with code %d\n", p->rank, code);
    fflush(stderr);
    mpi_platform_exit(code);
}
MPI_ALIAS(Abort)

double PMPI_Wtime(void)
{
    return (double)mpi_platform_now_ns() * 1e-9;
}
MPI_ALIAS(Wtime)

double PMPI_Wtick(void)
{
    return 1e-9;
}
MPI_ALIAS(Wtick)

int PMPI_Get_processor_name(char *name, int *resultlen)
{
    if (!name || !resultlen) return MPI_ERR_ARG;
    mpi_platform_name(name, MPI_MAX_PROCESSOR_NAME);
    *resultlen = (int)strlen(name);
    return MPI_SUCCESS;
}
MPI_ALIAS(Get_processor_name)

int PMPI_Get_version(int *version, int *subversion)
{
    if (!version || !subversion) return MPI_ERR_ARG;
    *version = MPI_VERSION;
    *subversion = MPI_SUBVERSION;
    return MPI_SUCCESS;
}
MPI_ALIAS(Get_version)

int PMPI_Get_library_version(char *version, int *resultlen)
{
    if (!version || !resultlen) return MPI_ERR_ARG;
    snprintf(version, MPI_MAX_LIBRARY_VERSION_STRING, "Porto libmpi (MPI %d.%d over Active Ports)",
             MPI_VERSION, MPI_SUBVERSION);
    *resultlen = (int)strlen(version);
    return MPI_SUCCESS;
}
MPI_ALIAS(Get_library_version)

int PMPI_Comm_get_attr(MPI_Comm comm, int keyval, void *value, int *flag)
{
    MPI_TRY(mpi_check_comm(comm, "MPI_Comm_get_attr"));
    if (!value || !flag) return mpi_err(comm, MPI_ERR_ARG, "MPI_Comm_get_attr: NULL");
    /* Predefined attributes: the value is a pointer to an int that stays valid. */
    static const int tag_ub = MPI_TAG_MAX, host = MPI_PROC_NULL, io = MPI_ANY_SOURCE, global = 0,
                     appnum = 0;
    const int *v = NULL;
    switch (keyval) {
    case MPI_TAG_UB:
        v = &tag_ub;
        break;
    case MPI_HOST:
        v = &host;
        break;
    case MPI_IO:
        v = &io;
        break;
    case MPI_WTIME_IS_GLOBAL:
        v = &global;
        break;
    case MPI_APPNUM:
        v = &appnum;
        break;
    case MPI_UNIVERSE_SIZE:
        v = &mpi_comm(MPI_COMM_WORLD)->size;
        break;
    default:
        return mpi_err(comm, MPI_ERR_KEYVAL, "MPI_Comm_get_attr: unknown key %d", keyval);
    }
    *(const int **)value = v;
    *flag = 1;
    return MPI_SUCCESS;
}
MPI_ALIAS(Comm_get_attr)

int PMPI_Alloc_mem(MPI_Aint size, MPI_Info info, void *baseptr)
{
    (void)info;
    MPI_TRY(mpi_check_init("MPI_Alloc_mem"));
    if (size < 0 || !baseptr)
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Alloc_mem: bad arguments");
    void *m = malloc(size ? (size_t)size : 1);
    if (!m) return mpi_err(MPI_COMM_WORLD, MPI_ERR_NO_MEM, "MPI_Alloc_mem: %ld bytes", (long)size);
    *(void **)baseptr = m;
    return MPI_SUCCESS;
}
MPI_ALIAS(Alloc_mem)

int PMPI_Free_mem(void *base)
{
    MPI_TRY(mpi_check_init("MPI_Free_mem"));
    free(base);
    return MPI_SUCCESS;
}
MPI_ALIAS(Free_mem)

/* Info objects hold nothing libmpi would read: created and freed, keys accepted. */
int PMPI_Info_create(MPI_Info *info)
{
    if (!info) return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Info_create: NULL");
    *info = MPI_INFO_ENV + 1;
    return MPI_SUCCESS;
}
MPI_ALIAS(Info_create)

int PMPI_Info_set(MPI_Info info, const char *key, const char *value)
{
    if (info == MPI_INFO_NULL || !key || !value)
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_INFO, "MPI_Info_set: bad arguments");
    return MPI_SUCCESS;
}
MPI_ALIAS(Info_set)

int PMPI_Info_free(MPI_Info *info)
{
    if (!info || *info == MPI_INFO_NULL)
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_INFO, "MPI_Info_free: bad info");
    *info = MPI_INFO_NULL;
    return MPI_SUCCESS;
}
MPI_ALIAS(Info_free)
