/* kernel/mem.h — physical memory: the multiboot memory map, a page-frame allocator, the heap.
 * Memory below 4 GiB is identity-mapped, so every pointer is also a DMA address. */
#ifndef PORTO_MEM_H
#define PORTO_MEM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PAGE_SIZE 4096

void mem_init(const void *multiboot_info);
/* n contiguous zeroed pages, page-aligned (DMA rings, buffers); NULL when out of memory. */
void *page_alloc(size_t npages);
void page_free(void *p, size_t npages);
/* Heap growth for newlib's malloc (libc/syscalls.c); NULL when exhausted. */
void *heap_sbrk(intptr_t incr);
uint64_t mem_total_bytes(void);
/* Multi-core nodes (smp/). One past the highest free page; whether a page is used. */
uintptr_t mem_top(void);
bool mem_page_used(uintptr_t addr);
uintptr_t mem_heap_end(void); /* end of the heap's reserved pages */
/* Memory below `limit` becomes private to each core: the heap stops there and page_alloc
 * returns only pages above it. NULL, or why not (the heap would have less than min_heap). */
const char *mem_make_private(uintptr_t limit, size_t min_heap);
/* After the copy: keep only this core's share (index of parts) of the free pages above the
 * limit, so cores allocate pages without a lock and never the same page. */
void mem_keep_share(unsigned index, unsigned parts);
uint64_t mem_free_bytes(void);
#endif
