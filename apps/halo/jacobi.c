/* apps/halo/jacobi.c — the grid, the sweep and the statistics of the halo solver (no MPI). */
#include "halo.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

size_t halo_split(size_t rows, int ranks, int rank, size_t *first)
{
    size_t p = (size_t)ranks, r = (size_t)rank, base = rows / p, extra = rows % p;
    *first = r * base + (r < extra ? r : extra);
    return base + (r < extra ? 1 : 0);
}

int halo_block_init(struct halo_block *b, size_t rows, size_t width)
{
    memset(b, 0, sizeof(*b));
    if (width > SIZE_MAX / sizeof(double) - 2 || rows > SIZE_MAX - 2) return -1;
    size_t stride = width + 2, n = rows + 2;
    if (n > SIZE_MAX / sizeof(double) / stride) return -1;
    b->u = calloc(n * stride, sizeof(double));
    b->next = calloc(n * stride, sizeof(double));
    if (!b->u || !b->next) {
        halo_block_free(b);
        return -1;
    }
    b->rows = rows;
    b->width = width;
    b->stride = stride;
    return 0;
}

void halo_block_free(struct halo_block *b)
{
    free(b->u);
    free(b->next);
    memset(b, 0, sizeof(*b));
}

double halo_sweep(struct halo_block *b, double h2)
{
    double sum = 0;
    const size_t s = b->stride;
    for (size_t i = 1; i <= b->rows; i++) {
        const double *up = b->u + (i - 1) * s, *mid = b->u + i * s, *down = b->u + (i + 1) * s;
        double *out = b->next + i * s;
        for (size_t j = 1; j <= b->width; j++) {
            double v = 0.25 * (up[j] + down[j] + mid[j - 1] + mid[j + 1] + h2);
            double d = v - mid[j];
            out[j] = v;
            sum += d * d;
        }
    }
    double *t = b->u;
    b->u = b->next;
    b->next = t;
    return sum;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void halo_sort(double *v, size_t n)
{
    qsort(v, n, sizeof(*v), cmp_double);
}

double halo_quantile_sorted(double *v, size_t n, double q)
{
    if (q <= 0) return v[0];
    if (q >= 1) return v[n - 1];
    size_t k = (size_t)(q * (double)n + 0.999999999); /* nearest rank, 1-based */
    if (k < 1) k = 1;
    if (k > n) k = n;
    return v[k - 1];
}
