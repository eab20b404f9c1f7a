/*
 * mpi/errors.c — error classes and their text, communicator error handlers (ERRORS_ARE_FATAL by
 * default: print and end the job; ERRORS_RETURN: return the code; user handlers), and the
 * argument checks every call shares.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpi/mpi_impl.h"

static const char *const class_text[] = {
    [MPI_SUCCESS] = "no error",
    [MPI_ERR_BUFFER] = "invalid buffer",
    [MPI_ERR_COUNT] = "invalid count",
    [MPI_ERR_TYPE] = "invalid datatype",
    [MPI_ERR_TAG] = "invalid tag",
    [MPI_ERR_COMM] = "invalid communicator",
    [MPI_ERR_RANK] = "invalid rank",
    [MPI_ERR_REQUEST] = "invalid request",
    [MPI_ERR_ROOT] = "invalid root",
    [MPI_ERR_GROUP] = "invalid group",
    [MPI_ERR_OP] = "invalid operation",
    [MPI_ERR_TOPOLOGY] = "invalid topology",
    [MPI_ERR_DIMS] = "invalid dimensions",
    [MPI_ERR_ARG] = "invalid argument",
    [MPI_ERR_UNKNOWN] = "unknown error",
    [MPI_ERR_TRUNCATE] = "message truncated",
    [MPI_ERR_OTHER] = "other error",
    [MPI_ERR_INTERN] = "internal error",
    [MPI_ERR_IN_STATUS] = "error code in status",
    [MPI_ERR_PENDING] = "pending request",
    [MPI_ERR_NO_MEM] = "out of memory",
    [MPI_ERR_UNSUPPORTED_OPERATION] = "unsupported operation",
    [MPI_ERR_INFO] = "invalid info",
    [MPI_ERR_WIN] = "invalid window",
    [MPI_ERR_FILE] = "invalid file",
    [MPI_ERR_KEYVAL] = "invalid keyval",
};

const char *mpi_class_text(int code)
{
    if (code < 0 || code > MPI_ERR_LASTCODE) return "unknown error code";
    return class_text[code];
}

int PMPI_Error_string(int errorcode, char *string, int *resultlen)
{
    if (!string || !resultlen) return MPI_ERR_ARG;
    snprintf(string, MPI_MAX_ERROR_STRING, "%s", mpi_class_text(errorcode));
    *resultlen = (int)strlen(string);
    return errorcode < 0 || errorcode > MPI_ERR_LASTCODE ? MPI_ERR_ARG : MPI_SUCCESS;
}
MPI_ALIAS(Error_string)

int PMPI_Error_class(int errorcode, int *errorclass)
{
    if (!errorclass || errorcode < 0 || errorcode > MPI_ERR_LASTCODE) return MPI_ERR_ARG;
    *errorclass = errorcode;
    return MPI_SUCCESS;
}
MPI_ALIAS(Error_class)

/* Report `code` through comm's handler (MPI_COMM_WORLD's when comm is not valid). */
int mpi_err(MPI_Comm comm, int code, const char *fmt, ...)
{
    struct mpi_proc *p = mpi_proc();
    va_list va;
    va_start(va, fmt);
    vsnprintf(p->errmsg, sizeof p->errmsg, fmt, va);
    va_end(va);
    struct mpi_comm *c = p->initialized ? mpi_comm(comm) : NULL;
    if (!c && p->initialized) c = mpi_comm(MPI_COMM_WORLD);
    MPI_Errhandler eh = c ? c->eh : MPI_ERRORS_ARE_FATAL;
    if (eh == MPI_ERRORS_RETURN) return code;
    if (eh > MPI_ERRORS_RETURN && eh < p->nehs && p->ehs[eh].fn) {
        MPI_Comm cc = c ? comm : MPI_COMM_WORLD;
        int cd = code;
        p->ehs[eh].fn(&cc, &cd);
        return code;
    }
    fprintf(stderr, "MPI error on rank %d: %s: %s; ending the job\n", p->rank, p->errmsg,
            mpi_class_text(code));
    fflush(stderr);
    mpi_platform_exit(code);
}

int mpi_check_init(const char *fn)
{
    struct mpi_proc *p = mpi_proc();
    if (!p->initialized || p->finalized)
        return mpi_err(MPI_COMM_NULL, MPI_ERR_OTHER, "%s called %s MPI_Init", fn,
                       p->finalized ? "after MPI_Finalize, not between it and" : "before");
    return MPI_SUCCESS;
}

int mpi_check_comm(MPI_Comm comm, const char *fn)
{
    MPI_TRY(mpi_check_init(fn));
    if (!mpi_comm(comm))
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_COMM, "%s: invalid communicator %d", fn, comm);
    return MPI_SUCCESS;
}

int mpi_check_type(MPI_Comm comm, MPI_Datatype dt, const char *fn)
{
    struct mpi_dtype *t = mpi_dt(dt);
    if (!t) return mpi_err(comm, MPI_ERR_TYPE, "%s: invalid datatype %d", fn, dt);
    if (!t->committed)
        return mpi_err(comm, MPI_ERR_TYPE, "%s: datatype %d is not committed", fn, dt);
    return MPI_SUCCESS;
}

int mpi_check_buf(MPI_Comm comm, const void *buf, int count, MPI_Datatype dt, const char *fn)
{
    if (count < 0) return mpi_err(comm, MPI_ERR_COUNT, "%s: negative count %d", fn, count);
    MPI_TRY(mpi_check_type(comm, dt, fn));
    if (count > 0 && buf == NULL && mpi_dt(dt)->size > 0 && mpi_dt(dt)->true_lb >= 0)
        return mpi_err(comm, MPI_ERR_BUFFER, "%s: NULL buffer for %d elements", fn, count);
    return MPI_SUCCESS;
}

int PMPI_Comm_set_errhandler(MPI_Comm comm, MPI_Errhandler errhandler)
{
    MPI_TRY(mpi_check_comm(comm, "MPI_Comm_set_errhandler"));
    struct mpi_proc *p = mpi_proc();
    if (errhandler <= 0 ||
        (errhandler > MPI_ERRORS_RETURN && (errhandler >= p->nehs || !p->ehs[errhandler].fn)))
        return mpi_err(comm, MPI_ERR_ARG, "MPI_Comm_set_errhandler: invalid errhandler %d",
                       errhandler);
    mpi_comm(comm)->eh = errhandler;
    return MPI_SUCCESS;
}
MPI_ALIAS(Comm_set_errhandler)

int PMPI_Comm_get_errhandler(MPI_Comm comm, MPI_Errhandler *errhandler)
{
    MPI_TRY(mpi_check_comm(comm, "MPI_Comm_get_errhandler"));
    if (!errhandler) return mpi_err(comm, MPI_ERR_ARG, "MPI_Comm_get_errhandler: NULL");
    *errhandler = mpi_comm(comm)->eh;
    return MPI_SUCCESS;
}
MPI_ALIAS(Comm_get_errhandler)

int PMPI_Comm_create_errhandler(MPI_Comm_errhandler_function *fn, MPI_Errhandler *errhandler)
{
    MPI_TRY(mpi_check_init("MPI_Comm_create_errhandler"));
    struct mpi_proc *p = mpi_proc();
    if (!fn || !errhandler)
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Comm_create_errhandler: NULL argument");
    int h = p->nehs < 3 ? 3 : p->nehs;
    struct mpi_errh *n = realloc(p->ehs, (size_t)(h + 1) * sizeof *n);
    if (!n) return mpi_err(MPI_COMM_WORLD, MPI_ERR_NO_MEM, "MPI_Comm_create_errhandler");
    for (int i = p->nehs; i < h; i++)
        n[i].fn = NULL;
    n[h].fn = fn;
    p->ehs = n;
    p->nehs = h + 1;
    *errhandler = h;
    return MPI_SUCCESS;
}
MPI_ALIAS(Comm_create_errhandler)

int PMPI_Comm_call_errhandler(MPI_Comm comm, int errorcode)
{
    MPI_TRY(mpi_check_comm(comm, "MPI_Comm_call_errhandler"));
    mpi_err(comm, errorcode, "MPI_Comm_call_errhandler");
    return MPI_SUCCESS;
}
MPI_ALIAS(Comm_call_errhandler)

int PMPI_Errhandler_free(MPI_Errhandler *errhandler)
{
    if (!errhandler) return MPI_ERR_ARG;
    *errhandler = MPI_ERRHANDLER_NULL;
    return MPI_SUCCESS;
}
MPI_ALIAS(Errhandler_free)
