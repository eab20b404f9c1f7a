/*
 * kernel/fault.c — CPU exceptions. The IDT holds the 32 exception vectors, plus the local-APIC
 * timer and spurious vectors when the idle policy halts (kernel/idle.c); Porto takes no device
 * interrupts. A fault prints its name, RIP, error code, CR2, every register and a
 * frame-pointer backtrace, then stops the machine with PORTO_EXIT_FAULT.
 * Try it: qemu ... -kernel build/hello.elf -append "fault=1".
 */
#include "kernel/console.h"
#include "kernel/fault.h"
#include "kernel/kernel.h"
#include <stdint.h>

struct fault_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error;
    uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

struct idt_entry {
    uint16_t off_lo, selector;
    uint8_t ist, type;
    uint16_t off_mid;
    uint32_t off_hi, zero;
} __attribute__((packed));

static struct idt_entry idt[256]; /* vectors without a gate fault as "not present" */
extern const uint64_t isr_table[32];

static const char *const fault_names[32] = {
    "divide error",
    "debug",
    "NMI",
    "breakpoint",
    "overflow",
    "bound range",
    "invalid opcode",
    "device not available",
    "double fault",
    "coprocessor overrun",
    "invalid TSS",
    "segment not present",
    "stack fault",
    "general protection",
    "page fault",
    "reserved",
    "x87 floating point",
    "alignment check",
    "machine check",
    "SIMD floating point",
    "virtualization",
    "control protection",
};

static void set_gate(unsigned vector, uint64_t a)
{
    idt[vector] = (struct idt_entry){.off_lo = (uint16_t)a,
                                     .selector = 0x08,
                                     .ist = 0,
                                     .type = 0x8e, /* present, ring 0, interrupt gate */
                                     .off_mid = (uint16_t)(a >> 16),
                                     .off_hi = (uint32_t)(a >> 32)};
}

void idt_set_gate(uint8_t vector, void (*handler)(void))
{
    if (vector >= 32) set_gate(vector, (uint64_t)(uintptr_t)handler);
}

void fault_init(void)
{
    for (int i = 0; i < 32; i++)
        set_gate((unsigned)i, isr_table[i]);
    fault_init_secondary();
}

/* Another core of the node: its copy of the table is already filled in (smp/). */
void fault_init_secondary(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) idtr = {sizeof idt - 1, (uint64_t)(uintptr_t)idt};
    __asm__ volatile("lidt %0" ::"m"(idtr));
}

static int in_fault; /* per core: every core has its own copy of the image's data */

void fault_handler(struct fault_frame *f)
{
    uint64_t cr2, cr3;
    __asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    if (in_fault++) { /* a fault while reporting one: stop without recursing */
        kprintf("\nPorto: nested fault %lu at RIP %016lx\n", f->vector, f->rip);
        kernel_halt(PORTO_EXIT_FAULT);
    }
    const char *name = f->vector < 32 && fault_names[f->vector] ? fault_names[f->vector] : "?";
    if (kernel_cores() > 1)
        kprintf("\n*** Porto: CPU fault %lu (%s) on core %u ***\n", f->vector, name, kernel_core());
    else
        kprintf("\n*** Porto: CPU fault %lu (%s) ***\n", f->vector, name);
    kprintf("RIP %016lx  error %016lx  CR2 %016lx  CR3 %016lx\n", f->rip, f->error, cr2, cr3);
    kprintf("RAX %016lx  RBX %016lx  RCX %016lx  RDX %016lx\n", f->rax, f->rbx, f->rcx, f->rdx);
    kprintf("RSI %016lx  RDI %016lx  RBP %016lx  RSP %016lx\n", f->rsi, f->rdi, f->rbp, f->rsp);
    kprintf("R8  %016lx  R9  %016lx  R10 %016lx  R11 %016lx\n", f->r8, f->r9, f->r10, f->r11);
    kprintf("R12 %016lx  R13 %016lx  R14 %016lx  R15 %016lx\n", f->r12, f->r13, f->r14, f->r15);
    kprintf("CS %04lx  SS %04lx  RFLAGS %016lx\n", f->cs, f->ss, f->rflags);
    if (f->vector == 14)
        kprintf("page fault: %s %s address %016lx\n", f->error & 2 ? "write to" : "read from",
                f->error & 1 ? "protected" : "unmapped", cr2);
    kprintf("backtrace (addr2line -e build/<app>.debug.elf):");
    uint64_t *fp = (uint64_t *)f->rbp;
    for (int i = 0; i < 16 && fp && ((uintptr_t)fp & 7) == 0 && (uintptr_t)fp < (1ull << 32); i++) {
        kprintf(" %lx", fp[1]);
        fp = (uint64_t *)fp[0];
    }
    kprintf("\n");
    kernel_exit(PORTO_EXIT_FAULT);
}
