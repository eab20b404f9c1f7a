/*
 * kernel/mem.c — physical memory at boot: reads the multiboot memory map (or mem_upper),
 * frees the available RAM below 4 GiB (what boot/entry.S identity-maps) in the page
 * allocator, keeps out low memory, the kernel image and the multiboot modules, and starts the
 * heap right after the kernel. On a multi-core node (smp/) memory splits in two: below a
 * limit each core has its own copy (image, heap), above it page allocations are seen by every
 * core at the same address, and each core allocates from its own share of them.
 */
#include "kernel/mem.h"
#include "kernel/console.h"
#include "kernel/kernel.h"
#include "kernel/multiboot.h"
#include "kernel/pmm.h"

#define MAX_PAGES (1u << 20) /* 4 GiB */
static uint64_t page_bitmap[MAX_PAGES / 64];
static struct pmm pmm;
static uint64_t usable_bytes;
extern char __image_start[], __bss_end[];

void mem_init(const void *mbi_ptr)
{
    const struct mb_info *mbi = mbi_ptr;
    pmm_init(&pmm, page_bitmap, MAX_PAGES);
    uint64_t above4g = 0;
    if (mbi->flags & MB_INFO_MMAP) {
        uintptr_t p = mbi->mmap_addr, end = p + mbi->mmap_length;
        while (p + sizeof(struct mb_mmap) <= end) {
            const struct mb_mmap *e = (const void *)p;
            if (e->type == 1) {
                uint64_t a = e->addr, b = e->addr + e->len;
                if (b > (1ull << 32)) {
                    above4g += b - (a > (1ull << 32) ? a : (1ull << 32));
                    b = 1ull << 32;
                }
                if (a < b) pmm_mark_free(&pmm, (uintptr_t)a, (uintptr_t)b);
            }
            p += e->size + 4;
        }
    } else if (mbi->flags & MB_INFO_MEMORY) {
        pmm_mark_free(&pmm, 0x100000, 0x100000 + (uintptr_t)mbi->mem_upper * 1024);
    } else
        panic("the loader gave no memory map");
    pmm_mark_used(&pmm, 0, 0x100000); /* BIOS data, EBDA, ROMs: never ours */
    pmm_mark_used(&pmm, (uintptr_t)__image_start, (uintptr_t)__bss_end);
    pmm_mark_used(&pmm, (uintptr_t)mbi, (uintptr_t)mbi + sizeof *mbi);
    if (mbi->flags & MB_INFO_MODS) {
        const struct mb_module *m = (const void *)(uintptr_t)mbi->mods_addr;
        for (uint32_t i = 0; i < mbi->mods_count; i++)
            pmm_mark_used(&pmm, m[i].mod_start, m[i].mod_end);
    }
    pmm_heap_init(&pmm, (uintptr_t)__bss_end);
    usable_bytes = (uint64_t)pmm.nfree * PAGE_SIZE;
    kprintf("mem: %lu MiB usable below 4 GiB, heap at 0x%lx", usable_bytes >> 20,
            (uint64_t)pmm.heap_base);
    if (above4g) kprintf(" (%lu MiB above 4 GiB not mapped, unused)", above4g >> 20);
    kprintf("\n");
}

void *page_alloc(size_t npages)
{
    uintptr_t a = pmm_alloc(&pmm, npages);
    if (a == PMM_FAIL) return NULL;
    __builtin_memset((void *)a, 0, npages * PAGE_SIZE);
    return (void *)a;
}

void page_free(void *p, size_t npages)
{
    pmm_free(&pmm, (uintptr_t)p, npages);
}

void *heap_sbrk(intptr_t incr)
{
    uintptr_t a = pmm_sbrk(&pmm, incr);
    return a == PMM_FAIL ? NULL : (void *)a;
}

uint64_t mem_total_bytes(void)
{
    return usable_bytes;
}
uint64_t mem_free_bytes(void)
{
    return (uint64_t)pmm.nfree * PAGE_SIZE;
}

uintptr_t mem_top(void)
{
    for (size_t i = pmm.npages; i-- > 0;)
        if (!(pmm.bitmap[i / 64] >> (i % 64) & 1)) return (uintptr_t)(i + 1) * PAGE_SIZE;
    return 0;
}

bool mem_page_used(uintptr_t addr)
{
    size_t i = addr / PAGE_SIZE;
    return i >= pmm.npages || (pmm.bitmap[i / 64] >> (i % 64) & 1);
}

uintptr_t mem_heap_end(void)
{
    return pmm.heap_end;
}

const char *mem_make_private(uintptr_t limit, size_t min_heap)
{
    if (pmm.heap_base == 0 || pmm.heap_base + min_heap > limit)
        return "the heap would be too small below the private limit";
    for (uintptr_t a = pmm.heap_end; a < limit; a += PAGE_SIZE)
        if (mem_page_used(a)) return "memory below the private limit is already allocated";
    pmm.heap_limit = limit;
    pmm.alloc_floor = limit;
    return NULL;
}

void mem_keep_share(unsigned index, unsigned parts)
{
    size_t first = pmm.alloc_floor / PAGE_SIZE, nfree = 0;
    for (size_t i = first; i < pmm.npages; i++)
        nfree += !mem_page_used((uintptr_t)i * PAGE_SIZE);
    size_t per = nfree / parts, seen = 0;
    for (size_t i = first; i < pmm.npages; i++) {
        uintptr_t a = (uintptr_t)i * PAGE_SIZE;
        if (mem_page_used(a)) continue;
        size_t part = per ? seen / per : 0;
        if (part >= parts) part = parts - 1;
        seen++;
        if (part != index) pmm_mark_used(&pmm, a, a + PAGE_SIZE);
    }
    usable_bytes = (uint64_t)pmm.nfree * PAGE_SIZE + (pmm.heap_limit - pmm.heap_end);
}
