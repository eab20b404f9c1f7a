/*
 * mpi/op.c — reductions: the predefined operations on every predefined type they apply to
 * (MPI_CHAR with MPI_SUM included: common benchmarks reduce it), MINLOC/MAXLOC on the pair
 * types, user operations (MPI_Op_create), and the map to the engine's own collectives.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "mpi/mpi_impl.h"

enum cls { C_NONE, C_INT, C_FLOAT, C_BYTE, C_BOOL, C_PAIR };

static enum cls class_of(MPI_Datatype t)
{
    switch (t) {
    case MPI_CHAR:
    case MPI_SIGNED_CHAR:
    case MPI_UNSIGNED_CHAR:
    case MPI_SHORT:
    case MPI_UNSIGNED_SHORT:
    case MPI_INT:
    case MPI_UNSIGNED:
    case MPI_LONG:
    case MPI_UNSIGNED_LONG:
    case MPI_LONG_LONG:
    case MPI_UNSIGNED_LONG_LONG:
    case MPI_INT8_T:
    case MPI_INT16_T:
    case MPI_INT32_T:
    case MPI_INT64_T:
    case MPI_UINT8_T:
    case MPI_UINT16_T:
    case MPI_UINT32_T:
    case MPI_UINT64_T:
    case MPI_AINT:
    case MPI_OFFSET:
    case MPI_COUNT:
    case MPI_WCHAR:
        return C_INT;
    case MPI_FLOAT:
    case MPI_DOUBLE:
    case MPI_LONG_DOUBLE:
        return C_FLOAT;
    case MPI_BYTE:
        return C_BYTE;
    case MPI_C_BOOL:
        return C_BOOL;
    case MPI_DOUBLE_INT:
    case MPI_FLOAT_INT:
    case MPI_LONG_INT:
    case MPI_2INT:
    case MPI_SHORT_INT:
    case MPI_LONG_DOUBLE_INT:
        return C_PAIR;
    default:
        return C_NONE;
    }
}

static bool op_fits(MPI_Op op, enum cls c)
{
    switch (op) {
    case MPI_MAX:
    case MPI_MIN:
        return c == C_INT || c == C_FLOAT;
    case MPI_SUM:
    case MPI_PROD:
        return c == C_INT || c == C_FLOAT;
    case MPI_LAND:
    case MPI_LOR:
    case MPI_LXOR:
        return c == C_INT || c == C_BOOL;
    case MPI_BAND:
    case MPI_BOR:
    case MPI_BXOR:
        return c == C_INT || c == C_BYTE;
    case MPI_MINLOC:
    case MPI_MAXLOC:
        return c == C_PAIR;
    case MPI_REPLACE:
    case MPI_NO_OP:
        return c != C_NONE;
    default:
        return false;
    }
}

void mpi_op_init(struct mpi_proc *p)
{
    p->nops = 32; /* user operations from 32 */
    p->ops = calloc((size_t)p->nops, sizeof *p->ops);
}

bool mpi_op_commutes(MPI_Op op)
{
    struct mpi_proc *p = mpi_proc();
    if (op >= 32 && op < p->nops) return p->ops[op].commute != 0;
    return true;
}

int mpi_op_check(MPI_Comm comm, MPI_Op op, MPI_Datatype dt, const char *fn)
{
    struct mpi_proc *p = mpi_proc();
    if (op >= 32 && op < p->nops && p->ops[op].fn) return MPI_SUCCESS;
    if (op < MPI_MAX || op > MPI_NO_OP)
        return mpi_err(comm, MPI_ERR_OP, "%s: invalid operation %d", fn, op);
    struct mpi_dtype *t = mpi_dt(dt);
    if (!t || !op_fits(op, class_of(t->base)))
        return mpi_err(comm, MPI_ERR_OP, "%s: operation %d does not apply to datatype %s", fn, op,
                       t ? t->name : "?");
    return MPI_SUCCESS;
}

#define ARITH(T)                                                                                   \
    do {                                                                                           \
        const T *a = in;                                                                           \
        T *b = io;                                                                                 \
        for (size_t i = 0; i < n; i++)                                                             \
            switch (op) {                                                                          \
            case MPI_MAX:                                                                          \
                b[i] = a[i] > b[i] ? a[i] : b[i];                                                  \
                break;                                                                             \
            case MPI_MIN:                                                                          \
                b[i] = a[i] < b[i] ? a[i] : b[i];                                                  \
                break;                                                                             \
            case MPI_SUM:                                                                          \
                b[i] = (T)(a[i] + b[i]);                                                           \
                break;                                                                             \
            case MPI_PROD:                                                                         \
                b[i] = (T)(a[i] * b[i]);                                                           \
                break;                                                                             \
            case MPI_LAND:                                                                         \
                b[i] = (T)(a[i] && b[i]);                                                          \
                break;                                                                             \
            case MPI_LOR:                                                                          \
                b[i] = (T)(a[i] || b[i]);                                                          \
                break;                                                                             \
            case MPI_LXOR:                                                                         \
                b[i] = (T)(!a[i] != !b[i]);                                                        \
                break;                                                                             \
            case MPI_REPLACE:                                                                      \
                b[i] = a[i];                                                                       \
                break;                                                                             \
            default:                                                                               \
                break;                                                                             \
            }                                                                                      \
    } while (0)
#define BITS(T)                                                                                    \
    do {                                                                                           \
        const T *a = in;                                                                           \
        T *b = io;                                                                                 \
        for (size_t i = 0; i < n; i++)                                                             \
            switch (op) {                                                                          \
            case MPI_BAND:                                                                         \
                b[i] &= a[i];                                                                      \
                break;                                                                             \
            case MPI_BOR:                                                                          \
                b[i] |= a[i];                                                                      \
                break;                                                                             \
            case MPI_BXOR:                                                                         \
                b[i] ^= a[i];                                                                      \
                break;                                                                             \
            default:                                                                               \
                break;                                                                             \
            }                                                                                      \
    } while (0)
#define INT_T(T)                                                                                   \
    do {                                                                                           \
        if (op == MPI_BAND || op == MPI_BOR || op == MPI_BXOR)                                     \
            BITS(T);                                                                               \
        else                                                                                       \
            ARITH(T);                                                                              \
    } while (0)
#define LOC(VT)                                                                                    \
    do {                                                                                           \
        struct pr {                                                                                \
            VT v;                                                                                  \
            int i;                                                                                 \
        };                                                                                         \
        const struct pr *a = in;                                                                   \
        struct pr *b = io;                                                                         \
        for (size_t i = 0; i < n; i++) {                                                           \
            bool take = op == MPI_MINLOC ? a[i].v < b[i].v : a[i].v > b[i].v;                      \
            if (op == MPI_REPLACE || take)                                                         \
                b[i] = a[i];                                                                       \
            else if (a[i].v == b[i].v && a[i].i < b[i].i)                                          \
                b[i].i = a[i].i;                                                                   \
        }                                                                                          \
    } while (0)

/* n elements of predefined type `base`, contiguous. */
static void apply_base(MPI_Op op, MPI_Datatype base, const void *in, void *io, size_t n)
{
    if (op == MPI_NO_OP) return;
    switch (base) {
    case MPI_CHAR:
        INT_T(char);
        break;
    case MPI_SIGNED_CHAR:
    case MPI_INT8_T:
        INT_T(signed char);
        break;
    case MPI_UNSIGNED_CHAR:
    case MPI_UINT8_T:
    case MPI_BYTE:
        INT_T(unsigned char);
        break;
    case MPI_SHORT:
    case MPI_INT16_T:
        INT_T(short);
        break;
    case MPI_UNSIGNED_SHORT:
    case MPI_UINT16_T:
        INT_T(unsigned short);
        break;
    case MPI_INT:
    case MPI_INT32_T:
        INT_T(int);
        break;
    case MPI_UNSIGNED:
    case MPI_UINT32_T:
    case MPI_WCHAR:
        INT_T(unsigned);
        break;
    case MPI_LONG:
    case MPI_AINT:
        INT_T(long);
        break;
    case MPI_UNSIGNED_LONG:
        INT_T(unsigned long);
        break;
    case MPI_LONG_LONG:
    case MPI_INT64_T:
    case MPI_OFFSET:
    case MPI_COUNT:
        INT_T(long long);
        break;
    case MPI_UNSIGNED_LONG_LONG:
    case MPI_UINT64_T:
        INT_T(unsigned long long);
        break;
    case MPI_C_BOOL: {
        const _Bool *a = in;
        _Bool *b = io;
        for (size_t i = 0; i < n; i++)
            b[i] = op == MPI_LAND   ? a[i] && b[i]
                   : op == MPI_LOR  ? a[i] || b[i]
                   : op == MPI_LXOR ? a[i] != b[i]
                                    : a[i];
        break;
    }
    case MPI_FLOAT:
        ARITH(float);
        break;
    case MPI_DOUBLE:
        ARITH(double);
        break;
    case MPI_LONG_DOUBLE:
        ARITH(long double);
        break;
    case MPI_DOUBLE_INT:
        LOC(double);
        break;
    case MPI_FLOAT_INT:
        LOC(float);
        break;
    case MPI_LONG_INT:
        LOC(long);
        break;
    case MPI_2INT:
        LOC(int);
        break;
    case MPI_SHORT_INT:
        LOC(short);
        break;
    case MPI_LONG_DOUBLE_INT:
        LOC(long double);
        break;
    default:
        break;
    }
}

void mpi_op_apply(MPI_Op op, const void *in, void *inout, int count, MPI_Datatype dt)
{
    struct mpi_proc *p = mpi_proc();
    if (op >= 32 && op < p->nops && p->ops[op].fn) {
        int len = count;
        MPI_Datatype d = dt;
        p->ops[op].fn((void *)in, inout, &len, &d);
        return;
    }
    struct mpi_dtype *t = mpi_dt(dt);
    size_t bs = (size_t)mpi_dt(t->base)->size;
    if (mpi_dt_contig(t)) {
        apply_base(op, t->base, in, inout, mpi_dt_bytes(t, count) / bs);
        return;
    }
    for (int i = 0; i < count; i++)
        for (int s = 0; s < t->nseg; s++) {
            MPI_Aint off = (MPI_Aint)i * t->extent + t->seg[s].off;
            apply_base(op, t->base, (const char *)in + off, (char *)inout + off,
                       (size_t)t->seg[s].len / bs);
        }
}

int mpi_op_engine(MPI_Op op, MPI_Datatype dt, enum ap_type *type, enum ap_op *aop)
{
    switch (op) {
    case MPI_SUM:
        *aop = AP_SUM;
        break;
    case MPI_MIN:
        *aop = AP_MIN;
        break;
    case MPI_MAX:
        *aop = AP_MAX;
        break;
    default:
        return -1;
    }
    switch (dt) {
    case MPI_INT:
    case MPI_INT32_T:
        *type = AP_INT32;
        return 0;
    case MPI_LONG:
    case MPI_LONG_LONG:
    case MPI_INT64_T:
        *type = AP_INT64;
        return 0;
    case MPI_DOUBLE:
        *type = AP_DOUBLE;
        return 0;
    default:
        return -1;
    }
}

int PMPI_Op_create(MPI_User_function *fn, int commute, MPI_Op *op)
{
    MPI_TRY(mpi_check_init("MPI_Op_create"));
    if (!fn || !op) return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Op_create: NULL argument");
    struct mpi_proc *p = mpi_proc();
    int h = 32;
    while (h < p->nops && p->ops[h].fn)
        h++;
    if (h == p->nops) {
        struct mpi_op *n = realloc(p->ops, (size_t)p->nops * 2 * sizeof *n);
        if (!n) return mpi_err(MPI_COMM_WORLD, MPI_ERR_NO_MEM, "MPI_Op_create: out of memory");
        memset(n + p->nops, 0, (size_t)p->nops * sizeof *n);
        p->ops = n;
        p->nops *= 2;
    }
    p->ops[h].fn = fn;
    p->ops[h].commute = commute;
    *op = h;
    return MPI_SUCCESS;
}
MPI_ALIAS(Op_create)

int PMPI_Op_free(MPI_Op *op)
{
    MPI_TRY(mpi_check_init("MPI_Op_free"));
    struct mpi_proc *p = mpi_proc();
    if (!op || *op < 32 || *op >= p->nops || !p->ops[*op].fn)
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_OP, "MPI_Op_free: not a user operation");
    p->ops[*op].fn = NULL;
    *op = MPI_OP_NULL;
    return MPI_SUCCESS;
}
MPI_ALIAS(Op_free)

int PMPI_Op_commutative(MPI_Op op, int *commute)
{
    MPI_TRY(mpi_check_init("MPI_Op_commutative"));
    if (!commute) return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Op_commutative: NULL");
    *commute = mpi_op_commutes(op);
    return MPI_SUCCESS;
}
MPI_ALIAS(Op_commutative)

int PMPI_Reduce_local(const void *inbuf, void *inoutbuf, int count, MPI_Datatype type, MPI_Op op)
{
    MPI_TRY(mpi_check_init("MPI_Reduce_local"));
    MPI_TRY(mpi_check_buf(MPI_COMM_WORLD, inoutbuf, count, type, "MPI_Reduce_local"));
    MPI_TRY(mpi_op_check(MPI_COMM_WORLD, op, type, "MPI_Reduce_local"));
    mpi_op_apply(op, inbuf, inoutbuf, count, type);
    return MPI_SUCCESS;
}
MPI_ALIAS(Reduce_local)
