/*
 * mpi/pack.c — copying data along type maps: packing a typed buffer into contiguous bytes and
 * back (what the wire carries), MPI_Pack/Unpack/Pack_size, Get_address, Get_count/elements.
 */
#include <stdlib.h>
#include <string.h>

#include "mpi/mpi_impl.h"

void mpi_pack_bytes(const void *buf, int count, const struct mpi_dtype *t, void *out)
{
    const char *b = buf;
    char *o = out;
    if (mpi_dt_contig(t)) {
        size_t n = mpi_dt_bytes(t, count);
        if (n) memcpy(o, b, n); /* buf may be NULL when nothing is sent */
        return;
    }
    for (int i = 0; i < count; i++, b += t->extent)
        for (int s = 0; s < t->nseg; s++) {
            memcpy(o, b + t->seg[s].off, (size_t)t->seg[s].len);
            o += t->seg[s].len;
        }
}

void mpi_unpack_bytes(const void *in, size_t bytes, void *buf, int count, const struct mpi_dtype *t)
{
    const char *i_ = in;
    char *b = buf;
    if (mpi_dt_contig(t)) {
        size_t n = mpi_dt_bytes(t, count);
        if (bytes && n) memcpy(b, i_, bytes < n ? bytes : n);
        return;
    }
    for (int i = 0; i < count && bytes; i++, b += t->extent)
        for (int s = 0; s < t->nseg && bytes; s++) {
            size_t n = (size_t)t->seg[s].len < bytes ? (size_t)t->seg[s].len : bytes;
            memcpy(b + t->seg[s].off, i_, n);
            i_ += n;
            bytes -= n;
        }
}

int mpi_copy_typed(const void *src, int scount, MPI_Datatype st, void *dst, int dcount,
                   MPI_Datatype dt)
{
    struct mpi_dtype *s = mpi_dt(st), *d = mpi_dt(dt);
    size_t sb = mpi_dt_bytes(s, scount), db = mpi_dt_bytes(d, dcount);
    if (mpi_dt_contig(s) && mpi_dt_contig(d)) {
        if (sb && db) memmove(dst, src, sb < db ? sb : db);
        return sb > db ? MPI_ERR_TRUNCATE : MPI_SUCCESS;
    }
    void *tmp = malloc(sb ? sb : 1);
    if (!tmp) return MPI_ERR_NO_MEM;
    mpi_pack_bytes(src, scount, s, tmp);
    mpi_unpack_bytes(tmp, sb < db ? sb : db, dst, dcount, d);
    free(tmp);
    return sb > db ? MPI_ERR_TRUNCATE : MPI_SUCCESS;
}

int PMPI_Pack(const void *inbuf, int incount, MPI_Datatype type, void *outbuf, int outsize,
              int *position, MPI_Comm comm)
{
    MPI_TRY(mpi_check_comm(comm, "MPI_Pack"));
    MPI_TRY(mpi_check_buf(comm, inbuf, incount, type, "MPI_Pack"));
    if (!position || (!outbuf && outsize > 0) || outsize < 0 || *position < 0)
        return mpi_err(comm, MPI_ERR_ARG, "MPI_Pack: bad output buffer or position");
    size_t n = mpi_dt_bytes(mpi_dt(type), incount);
    if ((size_t)*position + n > (size_t)outsize)
        return mpi_err(comm, MPI_ERR_TRUNCATE, "MPI_Pack: %zu bytes do not fit at %d of %d", n,
                       *position, outsize);
    mpi_pack_bytes(inbuf, incount, mpi_dt(type), (char *)outbuf + *position);
    *position += (int)n;
    return MPI_SUCCESS;
}
MPI_ALIAS(Pack)

int PMPI_Unpack(const void *inbuf, int insize, int *position, void *outbuf, int outcount,
                MPI_Datatype type, MPI_Comm comm)
{
    MPI_TRY(mpi_check_comm(comm, "MPI_Unpack"));
    MPI_TRY(mpi_check_buf(comm, outbuf, outcount, type, "MPI_Unpack"));
    if (!position || (!inbuf && insize > 0) || insize < 0 || *position < 0)
        return mpi_err(comm, MPI_ERR_ARG, "MPI_Unpack: bad input buffer or position");
    size_t n = mpi_dt_bytes(mpi_dt(type), outcount);
    if ((size_t)*position + n > (size_t)insize)
        return mpi_err(comm, MPI_ERR_TRUNCATE, "MPI_Unpack: %zu bytes wanted at %d of %d", n,
                       *position, insize);
    mpi_unpack_bytes((const char *)inbuf + *position, n, outbuf, outcount, mpi_dt(type));
    *position += (int)n;
    return MPI_SUCCESS;
}
MPI_ALIAS(Unpack)

int PMPI_Pack_size(int incount, MPI_Datatype type, MPI_Comm comm, int *size)
{
    MPI_TRY(mpi_check_comm(comm, "MPI_Pack_size"));
    if (incount < 0) return mpi_err(comm, MPI_ERR_COUNT, "MPI_Pack_size: negative count");
    if (!mpi_dt(type)) return mpi_err(comm, MPI_ERR_TYPE, "MPI_Pack_size: invalid datatype");
    if (!size) return mpi_err(comm, MPI_ERR_ARG, "MPI_Pack_size: NULL");
    *size = (int)mpi_dt_bytes(mpi_dt(type), incount);
    return MPI_SUCCESS;
}
MPI_ALIAS(Pack_size)

int PMPI_Get_address(const void *location, MPI_Aint *address)
{
    if (!address) return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Get_address: NULL");
    *address = (MPI_Aint)location;
    return MPI_SUCCESS;
}
MPI_ALIAS(Get_address)

int PMPI_Get_count(const MPI_Status *status, MPI_Datatype type, int *count)
{
    if (!status || status == MPI_STATUS_IGNORE || !count)
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Get_count: NULL argument");
    struct mpi_dtype *t = mpi_dt(type);
    if (!t) return mpi_err(MPI_COMM_WORLD, MPI_ERR_TYPE, "MPI_Get_count: invalid datatype");
    if (t->size == 0)
        *count = status->mpi_bytes_ ? MPI_UNDEFINED : 0;
    else if (status->mpi_bytes_ % t->size)
        *count = MPI_UNDEFINED;
    else
        *count = (int)(status->mpi_bytes_ / t->size);
    return MPI_SUCCESS;
}
MPI_ALIAS(Get_count)

int PMPI_Get_elements(const MPI_Status *status, MPI_Datatype type, int *count)
{
    if (!status || status == MPI_STATUS_IGNORE || !count)
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Get_elements: NULL argument");
    struct mpi_dtype *t = mpi_dt(type);
    if (!t) return mpi_err(MPI_COMM_WORLD, MPI_ERR_TYPE, "MPI_Get_elements: invalid datatype");
    long long bytes = status->mpi_bytes_;
    if (t->size == 0) {
        *count = 0;
        return MPI_SUCCESS;
    }
    /* Whole elements, then the predefined pieces of the partial one along its type map. */
    long long whole = bytes / t->size, rest = bytes % t->size, n = whole * t->nbase;
    if (rest) {
        if (t->base) {
            long long bs = mpi_dt(t->base)->size;
            if (rest % bs) {
                *count = MPI_UNDEFINED;
                return MPI_SUCCESS;
            }
            n += rest / bs;
        } else {
            *count = MPI_UNDEFINED; /* a partial element of a mixed type */
            return MPI_SUCCESS;
        }
    }
    *count = (int)n;
    return MPI_SUCCESS;
}
MPI_ALIAS(Get_elements)
