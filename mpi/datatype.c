/*
 * mpi/datatype.c — datatypes. Every type is kept as its type map flattened to byte segments
 * of one element (offset, length), adjacent segments merged, plus lb/extent and the one
 * predefined type it is made of (reductions need it). Constructors build the map from the
 * old type's; pack.c copies along it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpi/mpi_impl.h"

struct di {
    int size;
    const char *name;
};
struct pair_di {
    double a;
    int b;
};
struct pair_fi {
    float a;
    int b;
};
struct pair_li {
    long a;
    int b;
};
struct pair_ii {
    int a, b;
};
struct pair_si {
    short a;
    int b;
};
struct pair_ldi {
    long double a;
    int b;
};

static const struct di predef[MPI_DT_PREDEFINED_ + 1] = {
    [MPI_CHAR] = {1, "MPI_CHAR"},
    [MPI_SIGNED_CHAR] = {1, "MPI_SIGNED_CHAR"},
    [MPI_UNSIGNED_CHAR] = {1, "MPI_UNSIGNED_CHAR"},
    [MPI_SHORT] = {sizeof(short), "MPI_SHORT"},
    [MPI_UNSIGNED_SHORT] = {sizeof(short), "MPI_UNSIGNED_SHORT"},
    [MPI_INT] = {sizeof(int), "MPI_INT"},
    [MPI_UNSIGNED] = {sizeof(int), "MPI_UNSIGNED"},
    [MPI_LONG] = {sizeof(long), "MPI_LONG"},
    [MPI_UNSIGNED_LONG] = {sizeof(long), "MPI_UNSIGNED_LONG"},
    [MPI_LONG_LONG] = {sizeof(long long), "MPI_LONG_LONG"},
    [MPI_UNSIGNED_LONG_LONG] = {sizeof(long long), "MPI_UNSIGNED_LONG_LONG"},
    [MPI_FLOAT] = {sizeof(float), "MPI_FLOAT"},
    [MPI_DOUBLE] = {sizeof(double), "MPI_DOUBLE"},
    [MPI_LONG_DOUBLE] = {sizeof(long double), "MPI_LONG_DOUBLE"},
    [MPI_C_BOOL] = {sizeof(_Bool), "MPI_C_BOOL"},
    [MPI_INT8_T] = {1, "MPI_INT8_T"},
    [MPI_INT16_T] = {2, "MPI_INT16_T"},
    [MPI_INT32_T] = {4, "MPI_INT32_T"},
    [MPI_INT64_T] = {8, "MPI_INT64_T"},
    [MPI_UINT8_T] = {1, "MPI_UINT8_T"},
    [MPI_UINT16_T] = {2, "MPI_UINT16_T"},
    [MPI_UINT32_T] = {4, "MPI_UINT32_T"},
    [MPI_UINT64_T] = {8, "MPI_UINT64_T"},
    [MPI_BYTE] = {1, "MPI_BYTE"},
    [MPI_PACKED] = {1, "MPI_PACKED"},
    [MPI_AINT] = {sizeof(MPI_Aint), "MPI_AINT"},
    [MPI_OFFSET] = {sizeof(MPI_Offset), "MPI_OFFSET"},
    [MPI_COUNT] = {sizeof(MPI_Count), "MPI_COUNT"},
    [MPI_WCHAR] = {4, "MPI_WCHAR"},
    [MPI_DOUBLE_INT] = {sizeof(struct pair_di), "MPI_DOUBLE_INT"},
    [MPI_FLOAT_INT] = {sizeof(struct pair_fi), "MPI_FLOAT_INT"},
    [MPI_LONG_INT] = {sizeof(struct pair_li), "MPI_LONG_INT"},
    [MPI_2INT] = {sizeof(struct pair_ii), "MPI_2INT"},
    [MPI_SHORT_INT] = {sizeof(struct pair_si), "MPI_SHORT_INT"},
    [MPI_LONG_DOUBLE_INT] = {sizeof(struct pair_ldi), "MPI_LONG_DOUBLE_INT"},
    [MPI_UB] = {0, "MPI_UB"},
    [MPI_LB] = {0, "MPI_LB"},
};

struct mpi_dtype *mpi_dt(MPI_Datatype dt)
{
    struct mpi_proc *p = mpi_proc();
    if (dt <= 0 || dt >= p->ndts) return NULL;
    return p->dts[dt];
}

bool mpi_dt_contig(const struct mpi_dtype *t)
{
    return t->nseg == 0 || (t->nseg == 1 && t->seg[0].off == 0 && t->seg[0].len == t->extent);
}

size_t mpi_dt_bytes(const struct mpi_dtype *t, int count)
{
    return (size_t)t->size * (size_t)(count < 0 ? 0 : count);
}

void mpi_dtype_init(struct mpi_proc *p)
{
    p->ndts = 64; /* handles past the predefined ones start at 64 */
    p->dts = calloc((size_t)p->ndts, sizeof *p->dts);
    for (int h = 1; h <= MPI_DT_PREDEFINED_; h++) {
        struct mpi_dtype *t = calloc(1, sizeof *t);
        t->predefined = t->committed = true;
        t->size = t->extent = t->true_ub = predef[h].size;
        t->base = (h == MPI_UB || h == MPI_LB) ? 0 : h;
        t->nbase = predef[h].size ? 1 : 0;
        if (predef[h].size) {
            t->nseg = 1;
            t->seg = malloc(sizeof *t->seg);
            t->seg[0] = (struct mpi_seg){0, predef[h].size};
        }
        snprintf(t->name, sizeof t->name, "%s", predef[h].name);
        p->dts[h] = t;
    }
}

static void dt_destroy(struct mpi_dtype *t)
{
    if (!t) return;
    free(t->seg);
    free(t);
}

void mpi_dtype_fini(struct mpi_proc *p)
{
    for (int h = 0; h < p->ndts; h++)
        dt_destroy(p->dts[h]);
    free(p->dts);
    p->dts = NULL;
    p->ndts = 0;
}

/* ---- building type maps ---- */

struct builder {
    struct mpi_dtype *t;
    int cap;
    bool first;
    MPI_Datatype base;
    bool mixed;
};

static int b_seg(struct builder *b, MPI_Aint off, MPI_Aint len)
{
    struct mpi_dtype *t = b->t;
    if (len == 0) return 0;
    if (t->nseg && t->seg[t->nseg - 1].off + t->seg[t->nseg - 1].len == off) {
        t->seg[t->nseg - 1].len += len;
    } else {
        if (t->nseg == b->cap) {
            int nc = b->cap ? b->cap * 2 : 8;
            struct mpi_seg *n = realloc(t->seg, (size_t)nc * sizeof *n);
            if (!n) return -1;
            t->seg = n;
            b->cap = nc;
        }
        t->seg[t->nseg++] = (struct mpi_seg){off, len};
    }
    if (b->first || off < t->true_lb) t->true_lb = off;
    if (b->first || off + len > t->true_ub) t->true_ub = off + len;
    b->first = false;
    t->size += len;
    return 0;
}

/* Append `count` copies of old, the first at byte `disp`, then every old extent. */
static int b_block(struct builder *b, const struct mpi_dtype *old, MPI_Datatype oldh, MPI_Aint disp,
                   int count)
{
    if (old->base == 0 && old->nbase) b->mixed = true;
    if (old->nbase) {
        if (b->base == 0 && !b->mixed)
            b->base = old->base;
        else if (b->base != old->base)
            b->mixed = true;
    }
    (void)oldh;
    for (int i = 0; i < count; i++)
        for (int s = 0; s < old->nseg; s++)
            if (b_seg(b, disp + (MPI_Aint)i * old->extent + old->seg[s].off, old->seg[s].len) < 0)
                return -1;
    b->t->nbase += old->nbase * count;
    return 0;
}

/* Markers: lb and ub of the new type from the blocks' own bounds. */
struct bounds {
    bool set;
    MPI_Aint lb, ub;
};
static void bound(struct bounds *bd, const struct mpi_dtype *old, MPI_Aint disp, int count)
{
    if (count <= 0) return;
    MPI_Aint lo = disp + old->lb, hi = disp + old->lb + (MPI_Aint)count * old->extent;
    if (old->extent < 0) {
        MPI_Aint t = lo;
        lo = hi;
        hi = t;
    }
    if (!bd->set || lo < bd->lb) bd->lb = lo;
    if (!bd->set || hi > bd->ub) bd->ub = hi;
    bd->set = true;
}

static int finish(struct builder *b, struct bounds *bd, MPI_Datatype *out, const char *fn)
{
    struct mpi_proc *p = mpi_proc();
    struct mpi_dtype *t = b->t;
    t->base = b->mixed ? 0 : b->base;
    t->lb = bd->set ? bd->lb : 0;
    t->extent = bd->set ? bd->ub - bd->lb : 0;
    if (b->first) t->true_lb = t->true_ub = 0;
    int h = 64;
    while (h < p->ndts && p->dts[h])
        h++;
    if (h == p->ndts) {
        struct mpi_dtype **n = realloc(p->dts, (size_t)(p->ndts * 2) * sizeof *n);
        if (!n) goto nomem;
        memset(n + p->ndts, 0, (size_t)p->ndts * sizeof *n);
        p->dts = n;
        p->ndts *= 2;
    }
    p->dts[h] = t;
    *out = h;
    return MPI_SUCCESS;
nomem:
    dt_destroy(t);
    return mpi_err(MPI_COMM_WORLD, MPI_ERR_NO_MEM, "%s: out of memory", fn);
}

static int begin(struct builder *b, int count, MPI_Datatype old, MPI_Datatype *out, const char *fn)
{
    MPI_TRY(mpi_check_init(fn));
    if (count < 0)
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_COUNT, "%s: negative count %d", fn, count);
    if (old != MPI_DATATYPE_NULL && !mpi_dt(old))
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_TYPE, "%s: invalid datatype %d", fn, old);
    if (!out) return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "%s: NULL newtype", fn);
    memset(b, 0, sizeof *b);
    b->first = true;
    b->t = calloc(1, sizeof *b->t);
    if (!b->t) return mpi_err(MPI_COMM_WORLD, MPI_ERR_NO_MEM, "%s: out of memory", fn);
    return MPI_SUCCESS;
}

static int fail_nomem(struct builder *b, const char *fn)
{
    dt_destroy(b->t);
    return mpi_err(MPI_COMM_WORLD, MPI_ERR_NO_MEM, "%s: out of memory", fn);
}

/* Blocks given as (length, displacement in bytes). */
static int make(int count, const int *lens, const MPI_Aint *disps, const MPI_Datatype *types,
                MPI_Datatype *out, const char *fn)
{
    struct builder b = {0}; /* begin() fills it; zeroed so no path reads it unset */
    MPI_TRY(begin(&b, count, MPI_DATATYPE_NULL, out, fn));
    struct bounds bd = {0};
    for (int i = 0; i < count; i++) {
        struct mpi_dtype *old = mpi_dt(types[i]);
        if (!old) {
            dt_destroy(b.t);
            return mpi_err(MPI_COMM_WORLD, MPI_ERR_TYPE, "%s: invalid datatype %d", fn, types[i]);
        }
        if (lens[i] < 0) {
            dt_destroy(b.t);
            return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "%s: negative block length %d", fn,
                           lens[i]);
        }
        if (b_block(&b, old, types[i], disps[i], lens[i]) < 0) return fail_nomem(&b, fn);
        bound(&bd, old, disps[i], lens[i]);
    }
    return finish(&b, &bd, out, fn);
}

#define MAKE_ARRAYS(n)                                                                             \
    int *lens_ = malloc(sizeof(int) * (size_t)((n) > 0 ? (n) : 1));                                \
    MPI_Aint *disps_ = malloc(sizeof(MPI_Aint) * (size_t)((n) > 0 ? (n) : 1));                     \
    MPI_Datatype *types_ = malloc(sizeof(MPI_Datatype) * (size_t)((n) > 0 ? (n) : 1));             \
    if (!lens_ || !disps_ || !types_) {                                                            \
        free(lens_), free(disps_), free(types_);                                                   \
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_NO_MEM, "out of memory");                           \
    }
#define MAKE_DONE(n, fn)                                                                           \
    int rc_ = make(n, lens_, disps_, types_, newtype, fn);                                         \
    free(lens_), free(disps_), free(types_);                                                       \
    return rc_;

static int check_old(int count, MPI_Datatype old, MPI_Datatype *newtype, const char *fn)
{
    MPI_TRY(mpi_check_init(fn));
    if (count < 0)
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_COUNT, "%s: negative count %d", fn, count);
    if (!mpi_dt(old))
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_TYPE, "%s: invalid datatype %d", fn, old);
    if (!newtype) return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "%s: NULL newtype", fn);
    return MPI_SUCCESS;
}

int PMPI_Type_contiguous(int count, MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    MPI_TRY(check_old(count, oldtype, newtype, "MPI_Type_contiguous"));
    int len = count;
    MPI_Aint disp = 0;
    return make(1, &len, &disp, &oldtype, newtype, "MPI_Type_contiguous");
}
MPI_ALIAS(Type_contiguous)

int PMPI_Type_create_hvector(int count, int blocklength, MPI_Aint stride, MPI_Datatype oldtype,
                             MPI_Datatype *newtype)
{
    MPI_TRY(check_old(count, oldtype, newtype, "MPI_Type_create_hvector"));
    MAKE_ARRAYS(count)
    for (int i = 0; i < count; i++) {
        lens_[i] = blocklength;
        disps_[i] = (MPI_Aint)i * stride;
        types_[i] = oldtype;
    }
    MAKE_DONE(count, "MPI_Type_create_hvector")
}
MPI_ALIAS(Type_create_hvector)

int PMPI_Type_vector(int count, int blocklength, int stride, MPI_Datatype oldtype,
                     MPI_Datatype *newtype)
{
    MPI_TRY(check_old(count, oldtype, newtype, "MPI_Type_vector"));
    return PMPI_Type_create_hvector(count, blocklength, (MPI_Aint)stride * mpi_dt(oldtype)->extent,
                                    oldtype, newtype);
}
MPI_ALIAS(Type_vector)

int PMPI_Type_create_hindexed(int count, const int *blocklengths, const MPI_Aint *displs,
                              MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    MPI_TRY(check_old(count, oldtype, newtype, "MPI_Type_create_hindexed"));
    if (count && (!blocklengths || !displs))
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Type_create_hindexed: NULL array");
    MAKE_ARRAYS(count)
    for (int i = 0; i < count; i++) {
        lens_[i] = blocklengths[i];
        disps_[i] = displs[i];
        types_[i] = oldtype;
    }
    MAKE_DONE(count, "MPI_Type_create_hindexed")
}
MPI_ALIAS(Type_create_hindexed)

int PMPI_Type_indexed(int count, const int *blocklengths, const int *displs, MPI_Datatype oldtype,
                      MPI_Datatype *newtype)
{
    MPI_TRY(check_old(count, oldtype, newtype, "MPI_Type_indexed"));
    if (count && (!blocklengths || !displs))
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Type_indexed: NULL array");
    MAKE_ARRAYS(count)
    for (int i = 0; i < count; i++) {
        lens_[i] = blocklengths[i];
        disps_[i] = (MPI_Aint)displs[i] * mpi_dt(oldtype)->extent;
        types_[i] = oldtype;
    }
    MAKE_DONE(count, "MPI_Type_indexed")
}
MPI_ALIAS(Type_indexed)

int PMPI_Type_create_indexed_block(int count, int blocklength, const int *displs,
                                   MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    MPI_TRY(check_old(count, oldtype, newtype, "MPI_Type_create_indexed_block"));
    if (count && !displs)
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Type_create_indexed_block: NULL array");
    MAKE_ARRAYS(count)
    for (int i = 0; i < count; i++) {
        lens_[i] = blocklength;
        disps_[i] = (MPI_Aint)displs[i] * mpi_dt(oldtype)->extent;
        types_[i] = oldtype;
    }
    MAKE_DONE(count, "MPI_Type_create_indexed_block")
}
MPI_ALIAS(Type_create_indexed_block)

int PMPI_Type_create_struct(int count, const int *blocklengths, const MPI_Aint *displs,
                            const MPI_Datatype *types, MPI_Datatype *newtype)
{
    MPI_TRY(mpi_check_init("MPI_Type_create_struct"));
    if (count < 0)
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_COUNT, "MPI_Type_create_struct: negative count");
    if (!newtype || (count && (!blocklengths || !displs || !types)))
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Type_create_struct: NULL argument");
    return make(count, blocklengths, displs, types, newtype, "MPI_Type_create_struct");
}
MPI_ALIAS(Type_create_struct)

int PMPI_Type_create_resized(MPI_Datatype oldtype, MPI_Aint lb, MPI_Aint extent,
                             MPI_Datatype *newtype)
{
    MPI_TRY(check_old(1, oldtype, newtype, "MPI_Type_create_resized"));
    int len = 1;
    MPI_Aint disp = 0;
    MPI_TRY(make(1, &len, &disp, &oldtype, newtype, "MPI_Type_create_resized"));
    struct mpi_dtype *t = mpi_dt(*newtype);
    t->lb = lb;
    t->extent = extent;
    return MPI_SUCCESS;
}
MPI_ALIAS(Type_create_resized)

int PMPI_Type_dup(MPI_Datatype oldtype, MPI_Datatype *newtype)
{
    MPI_TRY(PMPI_Type_create_resized(oldtype, mpi_dt(oldtype) ? mpi_dt(oldtype)->lb : 0,
                                     mpi_dt(oldtype) ? mpi_dt(oldtype)->extent : 0, newtype));
    mpi_dt(*newtype)->committed = mpi_dt(oldtype)->committed;
    return MPI_SUCCESS;
}
MPI_ALIAS(Type_dup)

static int check_dt(MPI_Datatype dt, const char *fn)
{
    MPI_TRY(mpi_check_init(fn));
    if (!mpi_dt(dt))
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_TYPE, "%s: invalid datatype %d", fn, dt);
    return MPI_SUCCESS;
}

int PMPI_Type_commit(MPI_Datatype *type)
{
    if (!type) return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Type_commit: NULL");
    MPI_TRY(check_dt(*type, "MPI_Type_commit"));
    mpi_dt(*type)->committed = true;
    return MPI_SUCCESS;
}
MPI_ALIAS(Type_commit)

int PMPI_Type_free(MPI_Datatype *type)
{
    if (!type) return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Type_free: NULL");
    MPI_TRY(check_dt(*type, "MPI_Type_free"));
    if (mpi_dt(*type)->predefined)
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_TYPE, "MPI_Type_free: %s is predefined",
                       mpi_dt(*type)->name);
    struct mpi_proc *p = mpi_proc();
    dt_destroy(p->dts[*type]);
    p->dts[*type] = NULL;
    *type = MPI_DATATYPE_NULL;
    return MPI_SUCCESS;
}
MPI_ALIAS(Type_free)

int PMPI_Type_size(MPI_Datatype type, int *size)
{
    MPI_TRY(check_dt(type, "MPI_Type_size"));
    if (!size) return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Type_size: NULL");
    *size = (int)mpi_dt(type)->size;
    return MPI_SUCCESS;
}
MPI_ALIAS(Type_size)

int PMPI_Type_size_x(MPI_Datatype type, MPI_Count *size)
{
    MPI_TRY(check_dt(type, "MPI_Type_size_x"));
    if (!size) return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Type_size_x: NULL");
    *size = mpi_dt(type)->size;
    return MPI_SUCCESS;
}
MPI_ALIAS(Type_size_x)

int PMPI_Type_get_extent(MPI_Datatype type, MPI_Aint *lb, MPI_Aint *extent)
{
    MPI_TRY(check_dt(type, "MPI_Type_get_extent"));
    if (!lb || !extent) return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Type_get_extent: NULL");
    *lb = mpi_dt(type)->lb;
    *extent = mpi_dt(type)->extent;
    return MPI_SUCCESS;
}
MPI_ALIAS(Type_get_extent)

int PMPI_Type_get_true_extent(MPI_Datatype type, MPI_Aint *lb, MPI_Aint *extent)
{
    MPI_TRY(check_dt(type, "MPI_Type_get_true_extent"));
    if (!lb || !extent)
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Type_get_true_extent: NULL");
    *lb = mpi_dt(type)->true_lb;
    *extent = mpi_dt(type)->true_ub - mpi_dt(type)->true_lb;
    return MPI_SUCCESS;
}
MPI_ALIAS(Type_get_true_extent)

int PMPI_Type_get_name(MPI_Datatype type, char *name, int *resultlen)
{
    MPI_TRY(check_dt(type, "MPI_Type_get_name"));
    if (!name || !resultlen) return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Type_get_name: NULL");
    snprintf(name, MPI_MAX_OBJECT_NAME, "%s", mpi_dt(type)->name);
    *resultlen = (int)strlen(name);
    return MPI_SUCCESS;
}
MPI_ALIAS(Type_get_name)

int PMPI_Type_set_name(MPI_Datatype type, const char *name)
{
    MPI_TRY(check_dt(type, "MPI_Type_set_name"));
    if (!name) return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Type_set_name: NULL");
    snprintf(mpi_dt(type)->name, MPI_MAX_OBJECT_NAME, "%s", name);
    return MPI_SUCCESS;
}
MPI_ALIAS(Type_set_name)
