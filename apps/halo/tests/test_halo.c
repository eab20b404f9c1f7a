/*
 * apps/halo/tests/test_halo.c — host unit tests (cmocka) of the halo solver's MPI-free parts:
 * the row split, the Jacobi sweep (against values worked out by hand, and split blocks with
 * their ghost rows filled against one whole grid) and the quantiles.
 * Run: `make unit-test` (build/host/apps/halo/tests/test_halo).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "apps/halo/halo.h"

static void split_covers_every_row_once(void **state)
{
    (void)state;
    for (size_t rows = 1; rows < 40; rows++)
        for (int ranks = 1; ranks <= (int)rows && ranks <= 9; ranks++) {
            size_t next = 0;
            for (int r = 0; r < ranks; r++) {
                size_t first, n = halo_split(rows, ranks, r, &first);
                assert_int_equal(first, next);
                assert_true(n == rows / (size_t)ranks || n == rows / (size_t)ranks + 1);
                next = first + n;
            }
            assert_int_equal(next, rows);
        }
}

static void sweep_of_one_cell(void **state)
{
    (void)state;
    struct halo_block b;
    assert_int_equal(halo_block_init(&b, 1, 1), 0);
    /* Neighbours all 0: v = h2 / 4, change squared = (h2 / 4)^2. */
    double r = halo_sweep(&b, 0.5);
    assert_true(halo_row(&b, 1)[0] == 0.125);
    assert_true(r == 0.125 * 0.125);
    r = halo_sweep(&b, 0.5); /* still 0.125: nothing changes */
    assert_true(r == 0.0);
    halo_block_free(&b);
}

static void split_blocks_match_the_whole_grid(void **state)
{
    (void)state;
    enum { ROWS = 7, WIDTH = 5, RANKS = 3, ITERS = 12 };
    struct halo_block whole, part[RANKS];
    size_t first[RANKS];
    assert_int_equal(halo_block_init(&whole, ROWS, WIDTH), 0);
    for (int r = 0; r < RANKS; r++)
        assert_int_equal(halo_block_init(&part[r], halo_split(ROWS, RANKS, r, &first[r]), WIDTH),
                         0);
    double h2 = 1.0 / 36.0;
    for (int k = 0; k < ITERS; k++) {
        /* The exchange, by hand: each ghost row is the neighbour's edge row. */
        for (int r = 0; r < RANKS; r++) {
            if (r > 0)
                memcpy(halo_row(&part[r], 0), halo_row(&part[r - 1], part[r - 1].rows),
                       WIDTH * sizeof(double));
            if (r + 1 < RANKS)
                memcpy(halo_row(&part[r], part[r].rows + 1), halo_row(&part[r + 1], 1),
                       WIDTH * sizeof(double));
        }
        double sum = 0;
        for (int r = 0; r < RANKS; r++)
            sum += halo_sweep(&part[r], h2);
        double ref = halo_sweep(&whole, h2);
        assert_true(sum > 0);
        assert_true(sum <= ref * (1 + 1e-12) && sum >= ref * (1 - 1e-12));
    }
    for (int r = 0; r < RANKS; r++) {
        for (size_t i = 0; i < part[r].rows; i++)
            assert_memory_equal(halo_row(&part[r], i + 1), halo_row(&whole, first[r] + i + 1),
                                WIDTH * sizeof(double));
        halo_block_free(&part[r]);
    }
    /* Symmetric problem, symmetric answer: the middle column is the largest. */
    assert_true(halo_row(&whole, 4)[2] > halo_row(&whole, 4)[0]);
    halo_block_free(&whole);
}

static void oversized_block_is_refused(void **state)
{
    (void)state;
    struct halo_block b;
    assert_int_equal(halo_block_init(&b, SIZE_MAX / 4, SIZE_MAX / 4), -1);
    assert_null(b.u);
}

static void quantiles(void **state)
{
    (void)state;
    double v[] = {5, 1, 4, 2, 3};
    halo_sort(v, 5);
    assert_true(v[0] == 1 && v[4] == 5);
    assert_true(halo_quantile_sorted(v, 5, 0.5) == 3);
    assert_true(halo_quantile_sorted(v, 5, 0.0) == 1);
    assert_true(halo_quantile_sorted(v, 5, 1.0) == 5);
    assert_true(halo_quantile_sorted(v, 5, 0.9) == 5);
    assert_true(halo_quantile_sorted(v, 5, 0.1) == 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(split_covers_every_row_once),
        cmocka_unit_test(sweep_of_one_cell),
        cmocka_unit_test(split_blocks_match_the_whole_grid),
        cmocka_unit_test(oversized_block_is_refused),
        cmocka_unit_test(quantiles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
