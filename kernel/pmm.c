/*
 * kernel/pmm.c — page-frame allocator (one bit per 4 KiB page) and the heap's break.
 * page_alloc searches top-down and the heap grows bottom-up, so the two meet only when memory
 * is really exhausted. Host-tested in tests/unit/test_pmm.c.
 */
#include "kernel/pmm.h"
#include <stdbool.h>
#include <string.h>

static bool used(const struct pmm *p, size_t i)
{
    return p->bitmap[i / 64] >> (i % 64) & 1;
}
static void set_used(struct pmm *p, size_t i)
{
    if (!used(p, i)) {
        p->bitmap[i / 64] |= 1ull << (i % 64);
        p->nfree--;
    }
}
static void set_free(struct pmm *p, size_t i)
{
    if (used(p, i)) {
        p->bitmap[i / 64] &= ~(1ull << (i % 64));
        p->nfree++;
    }
}

void pmm_init(struct pmm *p, uint64_t *bitmap, size_t npages)
{
    p->bitmap = bitmap;
    p->npages = npages;
    p->nfree = 0;
    memset(bitmap, 0xff, (npages + 63) / 64 * 8);
    p->heap_base = p->heap_brk = p->heap_end = 0;
    p->alloc_floor = p->heap_limit = 0;
}

void pmm_mark_free(struct pmm *p, uintptr_t addr, uintptr_t end)
{
    size_t first = (addr + PMM_PAGE - 1) / PMM_PAGE, last = end / PMM_PAGE;
    for (size_t i = first; i < last && i < p->npages; i++)
        set_free(p, i);
}

void pmm_mark_used(struct pmm *p, uintptr_t addr, uintptr_t end)
{
    size_t first = addr / PMM_PAGE, last = (end + PMM_PAGE - 1) / PMM_PAGE;
    for (size_t i = first; i < last && i < p->npages; i++)
        set_used(p, i);
}

uintptr_t pmm_alloc(struct pmm *p, size_t n)
{
    if (n == 0 || n > p->npages) return PMM_FAIL;
    size_t run = 0, floor = p->alloc_floor / PMM_PAGE;
    for (size_t i = p->npages; i-- > floor;) {
        run = used(p, i) ? 0 : run + 1;
        if (run == n) {
            for (size_t k = i; k < i + n; k++)
                set_used(p, k);
            return (uintptr_t)i * PMM_PAGE;
        }
    }
    return PMM_FAIL;
}

void pmm_free(struct pmm *p, uintptr_t addr, size_t n)
{
    for (size_t i = addr / PMM_PAGE; i < addr / PMM_PAGE + n && i < p->npages; i++)
        set_free(p, i);
}

void pmm_heap_init(struct pmm *p, uintptr_t from)
{
    /* The heap takes the largest free run at or above `from`: loaders put modules and their
     * own structures right after the kernel, which would box in a heap started there. */
    size_t best = 0, best_len = 0, run = 0;
    for (size_t i = (from + PMM_PAGE - 1) / PMM_PAGE; i < p->npages; i++) {
        run = used(p, i) ? 0 : run + 1;
        if (run > best_len) {
            best_len = run;
            best = i + 1 - run;
        }
    }
    p->heap_base = p->heap_brk = p->heap_end = (uintptr_t)best * PMM_PAGE;
}

uintptr_t pmm_sbrk(struct pmm *p, intptr_t incr)
{
    uintptr_t old = p->heap_brk;
    if (p->heap_base == 0) return PMM_FAIL; /* no heap (page 0 is never free) */
    if (incr < 0) {
        if ((uintptr_t)-incr > old - p->heap_base) return PMM_FAIL;
        p->heap_brk = old + (uintptr_t)incr; /* pages stay reserved for regrowth */
        return old;
    }
    uintptr_t want = old + (uintptr_t)incr;
    if (want < old || (p->heap_limit && want > p->heap_limit)) return PMM_FAIL;
    /* Reserve the pages between the reserved end and the new break, all or nothing. */
    size_t first = p->heap_end / PMM_PAGE, last = (want + PMM_PAGE - 1) / PMM_PAGE;
    if (last > p->npages) return PMM_FAIL;
    for (size_t i = first; i < last; i++)
        if (used(p, i)) return PMM_FAIL;
    for (size_t i = first; i < last; i++)
        set_used(p, i);
    if (last * PMM_PAGE > p->heap_end) p->heap_end = last * PMM_PAGE;
    p->heap_brk = want;
    return old;
}
