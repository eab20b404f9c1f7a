/* kernel/pmm.h — page-frame allocator over a bitmap, plus the sbrk heap that grows upward
 * inside it. Pure logic (no hardware), unit tested on the host (tests/unit/test_pmm.c). */
#ifndef PORTO_PMM_H
#define PORTO_PMM_H
#include <stddef.h>
#include <stdint.h>

#define PMM_PAGE 4096u
#define PMM_FAIL UINTPTR_MAX

struct pmm {
    uint64_t *bitmap; /* bit set = page used */
    size_t npages;    /* pages the bitmap covers, from physical address 0 */
    size_t nfree;
    uintptr_t heap_base, heap_brk, heap_end; /* heap: [base, brk) in use, [brk, end) reserved */
    /* Multi-core nodes (kernel/mem.c): pmm_alloc never returns pages below alloc_floor, and
     * the heap never grows past heap_limit (0: no limit). */
    uintptr_t alloc_floor, heap_limit;
};

/* Every page starts used; mark RAM free with pmm_mark_free. */
void pmm_init(struct pmm *p, uint64_t *bitmap, size_t npages);
void pmm_mark_free(struct pmm *p, uintptr_t addr, uintptr_t end); /* whole pages inside */
void pmm_mark_used(struct pmm *p, uintptr_t addr, uintptr_t end); /* pages touching */
/* n contiguous pages, searched from the top of memory down (away from the heap). */
uintptr_t pmm_alloc(struct pmm *p, size_t n);
void pmm_free(struct pmm *p, uintptr_t addr, size_t n);
/* The heap starts in the largest free run of pages at or above `from`. */
void pmm_heap_init(struct pmm *p, uintptr_t from);
/* Move the break by incr bytes; returns the old break or PMM_FAIL (pages in the way used). */
uintptr_t pmm_sbrk(struct pmm *p, intptr_t incr);
#endif
