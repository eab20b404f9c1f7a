/*
 * mpi/topo.c — Cartesian topologies (row-major ranks, no reordering) and MPI_Dims_create.
 */
#include <string.h>

#include "mpi/mpi_impl.h"

int PMPI_Dims_create(int nnodes, int ndims, int *dims)
{
    if (nnodes < 1 || ndims < 0 || ndims > MPI_MAX_DIMS || (ndims && !dims))
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_ARG, "MPI_Dims_create: bad arguments");
    int fixed = 1, free_dims = 0;
    for (int i = 0; i < ndims; i++) {
        if (dims[i] < 0) return mpi_err(MPI_COMM_WORLD, MPI_ERR_DIMS, "MPI_Dims_create: dims < 0");
        if (dims[i])
            fixed *= dims[i];
        else
            free_dims++;
    }
    if (nnodes % fixed)
        return mpi_err(MPI_COMM_WORLD, MPI_ERR_DIMS,
                       "MPI_Dims_create: %d nodes do not divide into the fixed dimensions", nnodes);
    int rest = nnodes / fixed, f[MPI_MAX_DIMS];
    for (int i = 0; i < free_dims; i++)
        f[i] = 1;
    /* Prime factors, largest first, each to the currently smallest dimension: as balanced
     * as possible, and non-increasing after the sort below. */
    int primes[64], np = 0;
    for (int d = 2; rest > 1 && np < 64; d++)
        while (rest % d == 0 && np < 64) {
            primes[np++] = d;
            rest /= d;
        }
    for (int k = np - 1; k >= 0 && free_dims; k--) {
        int m = 0;
        for (int i = 1; i < free_dims; i++)
            if (f[i] < f[m]) m = i;
        f[m] *= primes[k];
    }
    for (int i = 0; i < free_dims; i++)
        for (int j = i + 1; j < free_dims; j++)
            if (f[j] > f[i]) {
                int t = f[i];
                f[i] = f[j];
                f[j] = t;
            }
    for (int i = 0, k = 0; i < ndims; i++)
        if (!dims[i]) dims[i] = f[k++];
    return MPI_SUCCESS;
}
MPI_ALIAS(Dims_create)

int PMPI_Cart_create(MPI_Comm comm, int ndims, const int *dims, const int *periods, int reorder,
                     MPI_Comm *newcomm)
{
    (void)reorder;
    MPI_TRY(mpi_check_comm(comm, "MPI_Cart_create"));
    if (ndims < 0 || ndims > MPI_MAX_DIMS || (ndims && (!dims || !periods)) || !newcomm)
        return mpi_err(comm, MPI_ERR_ARG, "MPI_Cart_create: bad arguments");
    int cells = 1;
    for (int i = 0; i < ndims; i++) {
        if (dims[i] <= 0)
            return mpi_err(comm, MPI_ERR_DIMS, "MPI_Cart_create: dims[%d] = %d", i, dims[i]);
        cells *= dims[i];
    }
    struct mpi_comm *c = mpi_comm(comm);
    if (cells > c->size)
        return mpi_err(comm, MPI_ERR_TOPOLOGY, "MPI_Cart_create: %d cells for %d ranks", cells,
                       c->size);
    int color = c->rank < cells ? 0 : MPI_UNDEFINED;
    MPI_TRY(PMPI_Comm_split(comm, color, c->rank, newcomm));
    if (*newcomm == MPI_COMM_NULL) return MPI_SUCCESS;
    struct mpi_comm *n = mpi_comm(*newcomm);
    n->ndims = ndims;
    for (int i = 0; i < ndims; i++) {
        n->dims[i] = dims[i];
        n->periods[i] = periods[i] != 0;
    }
    return MPI_SUCCESS;
}
MPI_ALIAS(Cart_create)

static int cart(MPI_Comm comm, const char *fn, struct mpi_comm **out)
{
    MPI_TRY(mpi_check_comm(comm, fn));
    *out = mpi_comm(comm);
    if ((*out)->ndims == 0) return mpi_err(comm, MPI_ERR_TOPOLOGY, "%s: no Cartesian topology", fn);
    return MPI_SUCCESS;
}

int PMPI_Cart_coords(MPI_Comm comm, int rank, int maxdims, int *coords)
{
    struct mpi_comm *c;
    MPI_TRY(cart(comm, "MPI_Cart_coords", &c));
    if (rank < 0 || rank >= c->size)
        return mpi_err(comm, MPI_ERR_RANK, "MPI_Cart_coords: invalid rank %d", rank);
    if (maxdims < c->ndims || !coords)
        return mpi_err(comm, MPI_ERR_ARG, "MPI_Cart_coords: room for %d of %d dimensions", maxdims,
                       c->ndims);
    for (int i = c->ndims - 1; i >= 0; i--) {
        coords[i] = rank % c->dims[i];
        rank /= c->dims[i];
    }
    return MPI_SUCCESS;
}
MPI_ALIAS(Cart_coords)

int PMPI_Cart_rank(MPI_Comm comm, const int *coords, int *rank)
{
    struct mpi_comm *c;
    MPI_TRY(cart(comm, "MPI_Cart_rank", &c));
    if (!coords || !rank) return mpi_err(comm, MPI_ERR_ARG, "MPI_Cart_rank: NULL");
    int r = 0;
    for (int i = 0; i < c->ndims; i++) {
        int x = coords[i];
        if (c->periods[i])
            x = ((x % c->dims[i]) + c->dims[i]) % c->dims[i];
        else if (x < 0 || x >= c->dims[i])
            return mpi_err(comm, MPI_ERR_ARG, "MPI_Cart_rank: coordinate %d out of range", x);
        r = r * c->dims[i] + x;
    }
    *rank = r;
    return MPI_SUCCESS;
}
MPI_ALIAS(Cart_rank)

int PMPI_Cart_shift(MPI_Comm comm, int direction, int disp, int *source, int *dest)
{
    struct mpi_comm *c;
    MPI_TRY(cart(comm, "MPI_Cart_shift", &c));
    if (direction < 0 || direction >= c->ndims || !source || !dest)
        return mpi_err(comm, MPI_ERR_ARG, "MPI_Cart_shift: bad direction %d", direction);
    int coords[MPI_MAX_DIMS];
    PMPI_Cart_coords(comm, c->rank, MPI_MAX_DIMS, coords);
    int me = coords[direction], d = c->dims[direction];
    int out[2];
    for (int k = 0; k < 2; k++) {
        int x = me + (k ? disp : -disp);
        if (c->periods[direction]) x = ((x % d) + d) % d;
        if (x < 0 || x >= d) {
            out[k] = MPI_PROC_NULL;
            continue;
        }
        coords[direction] = x;
        PMPI_Cart_rank(comm, coords, &out[k]);
    }
    *source = out[0];
    *dest = out[1];
    return MPI_SUCCESS;
}
MPI_ALIAS(Cart_shift)

int PMPI_Cart_get(MPI_Comm comm, int maxdims, int *dims, int *periods, int *coords)
{
    struct mpi_comm *c;
    MPI_TRY(cart(comm, "MPI_Cart_get", &c));
    if (maxdims < c->ndims || !dims || !periods || !coords)
        return mpi_err(comm, MPI_ERR_ARG, "MPI_Cart_get: arrays too small or NULL");
    for (int i = 0; i < c->ndims; i++) {
        dims[i] = c->dims[i];
        periods[i] = c->periods[i];
    }
    return PMPI_Cart_coords(comm, c->rank, maxdims, coords);
}
MPI_ALIAS(Cart_get)

int PMPI_Cartdim_get(MPI_Comm comm, int *ndims)
{
    struct mpi_comm *c;
    MPI_TRY(cart(comm, "MPI_Cartdim_get", &c));
    if (!ndims) return mpi_err(comm, MPI_ERR_ARG, "MPI_Cartdim_get: NULL");
    *ndims = c->ndims;
    return MPI_SUCCESS;
}
MPI_ALIAS(Cartdim_get)

int PMPI_Topo_test(MPI_Comm comm, int *status)
{
    MPI_TRY(mpi_check_comm(comm, "MPI_Topo_test"));
    if (!status) return mpi_err(comm, MPI_ERR_ARG, "MPI_Topo_test: NULL");
    *status = mpi_comm(comm)->ndims ? MPI_CART : MPI_UNDEFINED;
    return MPI_SUCCESS;
}
MPI_ALIAS(Topo_test)
