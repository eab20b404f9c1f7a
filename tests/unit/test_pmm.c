/* tests/unit/test_pmm.c — host unit tests of the page-frame allocator and heap break. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "kernel/pmm.h"

#define NPAGES 1024 /* 4 MiB of pretend physical memory */
static uint64_t bitmap[NPAGES / 64];
static struct pmm p;

static int setup(void **state)
{
    (void)state;
    pmm_init(&p, bitmap, NPAGES);
    pmm_mark_free(&p, 0x100000, 0x400000); /* RAM from 1 MiB to 4 MiB */
    pmm_mark_used(&p, 0x100000, 0x120001); /* a "kernel" ending mid-page */
    return 0;
}

static void counts_partial_pages_correctly(void **state)
{
    (void)state;
    assert_int_equal(p.nfree, 768 - 33);
    pmm_mark_free(&p, 0x400001, 0x400fff); /* not a whole page: nothing */
    assert_int_equal(p.nfree, 768 - 33);
}

static void alloc_is_top_down_contiguous_and_freeable(void **state)
{
    (void)state;
    uintptr_t a = pmm_alloc(&p, 4);
    assert_int_equal(a, 0x400000 - 4 * PMM_PAGE);
    uintptr_t b = pmm_alloc(&p, 1);
    assert_int_equal(b, a - PMM_PAGE);
    pmm_free(&p, a, 4);
    assert_int_equal(pmm_alloc(&p, 4), a);
    assert_int_equal(pmm_alloc(&p, 0), PMM_FAIL);
    assert_int_equal(pmm_alloc(&p, NPAGES), PMM_FAIL);
}

static void heap_grows_shrinks_and_stops_at_used_pages(void **state)
{
    (void)state;
    pmm_mark_used(&p, 0x200000, 0x201000); /* splits RAM: 0x121000-0x200000, 0x201000-0x400000 */
    pmm_heap_init(&p, 0x120001);
    assert_int_equal(p.heap_base, 0x201000); /* the larger run */
    uintptr_t top = pmm_alloc(&p, 1);        /* page_alloc takes from the top */
    assert_int_equal(top, 0x3ff000);
    assert_int_equal(pmm_sbrk(&p, 100), 0x201000);
    assert_int_equal(pmm_sbrk(&p, 0), 0x201000 + 100);
    assert_int_equal(pmm_sbrk(&p, -50), 0x201000 + 100);
    assert_int_equal(pmm_sbrk(&p, -51), PMM_FAIL); /* below the base */
    /* Up to the page taken by pmm_alloc: fits exactly, one byte more fails. */
    uintptr_t brk = pmm_sbrk(&p, 0);
    assert_int_not_equal(pmm_sbrk(&p, (intptr_t)(0x3ff000 - brk)), PMM_FAIL);
    assert_int_equal(pmm_sbrk(&p, 1), PMM_FAIL);
    /* The failed growth reserved nothing, so page_alloc can still use what is left. */
    assert_int_equal(pmm_alloc(&p, 1), 0x1ff000);
}

/* A multi-core node (kernel/mem.c): page allocations never below alloc_floor, the heap never
 * past heap_limit. */
static void floor_and_heap_limit(void **state)
{
    (void)state;
    pmm_heap_init(&p, 0x120001);
    p.alloc_floor = 0x3fe000;
    p.heap_limit = 0x300000;
    assert_int_equal(pmm_alloc(&p, 1), 0x3ff000);
    assert_int_equal(pmm_alloc(&p, 1), 0x3fe000);
    assert_int_equal(pmm_alloc(&p, 1), PMM_FAIL); /* free pages below the floor stay unused */
    uintptr_t base = pmm_sbrk(&p, 0);
    assert_int_not_equal(pmm_sbrk(&p, (intptr_t)(0x300000 - base)), PMM_FAIL);
    assert_int_equal(pmm_sbrk(&p, 1), PMM_FAIL);
}

static void no_heap_without_free_memory(void **state)
{
    (void)state;
    struct pmm q;
    uint64_t bm[2];
    pmm_init(&q, bm, 128);
    pmm_heap_init(&q, 0);
    assert_int_equal(pmm_sbrk(&q, 16), PMM_FAIL);
    assert_int_equal(pmm_alloc(&q, 1), PMM_FAIL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(counts_partial_pages_correctly, setup),
        cmocka_unit_test_setup(alloc_is_top_down_contiguous_and_freeable, setup),
        cmocka_unit_test_setup(heap_grows_shrinks_and_stops_at_used_pages, setup),
        cmocka_unit_test_setup(floor_and_heap_limit, setup),
        cmocka_unit_test(no_heap_without_free_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
