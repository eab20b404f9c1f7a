/* kernel/kernel.h — machine-wide services: exit, panic, boot information. */
#ifndef PORTO_KERNEL_H
#define PORTO_KERNEL_H
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

#include "porto.h"

/* Bring up the machine services in order: console, multiboot information (command line,
 * modules), fault handling, command line parsing, memory, clock, idle policy. Called once,
 * first, by the boot sequence (runtime/start.c) with the multiboot information's address. */
void kernel_init(uint32_t mbi_addr);

/* Stop the machine with an exit code. Under QEMU with isa-debug-exit (iobase 0xf4) the QEMU
 * process exits with status (code << 1) | 1; otherwise the CPU halts forever. Runs the exit
 * hooks first (the job layer reports the code to rank 0). */
noreturn void kernel_exit(int code);
/* Stop at once: no exit hooks (used when the hooks themselves may be broken). */
noreturn void kernel_halt(int code);

/* Exit codes (PORTO_EXIT_*): include/porto.h, shared with apps and the hosted runtime. */
noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* At most 4 hooks, run last-added first; each returns the exit code to go on with (the job
 * layer turns rank 0's code into the job's). */
void kernel_at_exit(int (*hook)(int code));

/* Multi-core nodes (smp/): this core's index and how many cores run ranks (0 and 1 on a
 * one-core node). */
void kernel_set_core(unsigned core, unsigned cores);
unsigned kernel_core(void);
unsigned kernel_cores(void);
/* Called by kernel_halt() after its last line, before it stops the machine. A secondary core's
 * hook does not return (only core 0 ends the node); core 0's may wait for the others. */
void kernel_set_halt_hook(void (*hook)(int code));

/* Multiboot modules, by name (the basename of the module's first word). */
struct module {
    const char *name;
    const char *cmdline;
    const uint8_t *data;
    size_t size;
};
const struct module *module_find(const char *name);
int module_count(void);
const struct module *module_get(int i);

static inline void cpu_pause(void)
{
    __asm__ volatile("pause");
}
static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port));
}
static inline void outw(uint16_t port, uint16_t v)
{
    __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port));
}
static inline void outl(uint16_t port, uint32_t v)
{
    __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port));
}
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint16_t inw(uint16_t port)
{
    uint16_t v;
    __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint32_t inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
/* 32-bit MMIO; volatile so the compiler neither merges nor reorders device accesses.
 * Host test builds (PORTO_HOST) route them to a device model instead. */
#ifdef PORTO_HOST
uint32_t mmio_read32(volatile void *base, uint32_t off);
void mmio_write32(volatile void *base, uint32_t off, uint32_t v);
#else
static inline uint32_t mmio_read32(volatile void *base, uint32_t off)
{
    return *(volatile uint32_t *)((volatile uint8_t *)base + off);
}
static inline void mmio_write32(volatile void *base, uint32_t off, uint32_t v)
{
    *(volatile uint32_t *)((volatile uint8_t *)base + off) = v;
}
#endif
#define barrier() __asm__ volatile("" ::: "memory")
#define wmb()     __asm__ volatile("sfence" ::: "memory")
#define rmb()     __asm__ volatile("lfence" ::: "memory")
#define mb()      __asm__ volatile("mfence" ::: "memory")
#endif
