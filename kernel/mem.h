/* kernel/mem.h — physical memory: the multiboot memory map, a page-frame allocator, the heap.
 * Memory below 4 GiB is identity-mapped, so every pointer is also a DMA address. */
#ifndef PORTO_MEM_H
#define PORTO_MEM_H
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
uint64_t mem_free_bytes(void);
#endif
