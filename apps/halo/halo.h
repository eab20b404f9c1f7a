/*
 * apps/halo — a 2-D Poisson solver in plain MPI C, in the style of the finite-element code of
 * the study Porto answers: rows of the grid split across ranks, the boundary rows exchanged
 * with both neighbours and the residual reduced over all ranks every iteration.
 *
 * This header holds the parts without MPI (grid layout, the Jacobi sweep, the row split and
 * the statistics), so host unit tests can check them without an MPI library.
 */
#ifndef HALO_H
#define HALO_H

#include <stddef.h>

/* A block of rows with one ghost row above and below and one fixed boundary column on each
 * side: (rows + 2) x (width + 2) doubles, row-major. Interior cell (i, j) of the block is
 * at[(i + 1) * stride + j + 1] for 0 <= i < rows, 0 <= j < width. */
struct halo_block {
    size_t rows, width, stride;
    double *u, *next; /* the current iterate and the one the sweep writes */
};

/* Rows [*first, *first + return value) of a grid of `rows` rows belong to `rank` of `ranks`:
 * the first rows % ranks ranks get one row more. */
size_t halo_split(size_t rows, int ranks, int rank, size_t *first);

/* Allocates a zeroed block (boundary and ghost values 0: the Dirichlet condition u = 0).
 * Returns 0, or -1 when the size overflows or memory is short. */
int halo_block_init(struct halo_block *b, size_t rows, size_t width);
void halo_block_free(struct halo_block *b);

static inline double *halo_row(const struct halo_block *b, size_t ghost_row)
{
    return b->u + ghost_row * b->stride + 1; /* ghost_row 0 and rows + 1 are the ghosts */
}

/* One Jacobi sweep of -lap(u) = 1 on a grid of spacing h = 1 / (width + 1): writes every
 * interior cell of b->next from b->u, swaps the two and returns the sum over the block of the
 * squared change (the residual, up to the factor h^2 / 4). */
double halo_sweep(struct halo_block *b, double h2);

/* Sorts v (n > 0) and returns the value at quantile q in [0, 1] (nearest rank). */
double halo_quantile_sorted(double *v, size_t n, double q);
void halo_sort(double *v, size_t n);

#endif
