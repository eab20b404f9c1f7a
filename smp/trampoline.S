/*
 * smp/trampoline.S — how another core of the node gets from its start-up IPI to C.
 *
 * A core woken by INIT-SIPI-SIPI starts in real mode at SMP_TRAMP_BASE (the SIPI vector says
 * where, below 1 MiB). smp/start.c copies the bytes between smp_tramp_start and smp_tramp_end
 * there and fills in the parameters; the code goes to protected mode, reads the parameters into
 * registers, says so (tramp_started, in the memory the starting core sees), then turns on PAE,
 * long mode and paging with the core's own page tables and jumps to smp_ap_entry64.
 *
 * Why the parameters are read before paging: from the moment CR0.PG is set the core sees its own
 * copy of the node's low memory (smp/start.c maps its private range onto that copy), which holds
 * the same trampoline code but not the parameters written after the copy was made.
 *
 * GDT: 0x08 64-bit code and 0x10 data, as boot/entry.S's (the exception gates use 0x08), and
 * 0x18 32-bit code for the step through protected mode. It stays in use: the core's copy of the
 * trampoline is never overwritten.
 */
#define SMP_TRAMP_BASE 0x8000
#define T(x)           ((x) - smp_tramp_start + SMP_TRAMP_BASE)

    .section .rodata
    .code16
    .global smp_tramp_start, smp_tramp_end, smp_tramp_params
smp_tramp_start:
    cli
    cld
    xor %ax, %ax
    mov %ax, %ds
    lgdtl T(tramp_gdt_ptr)
    mov %cr0, %eax
    or $1, %eax                 /* PE */
    mov %eax, %cr0
    ljmpl $0x18, $T(tramp32)

    .code32
tramp32:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    mov T(tramp_cr3), %ebx
    mov T(tramp_core), %edi
    mov T(tramp_entry), %esi
    lock incl T(tramp_started)  /* the parameters are ours: the next core may get new ones */
    mov %cr4, %eax
    or $0x620, %eax             /* PAE | OSFXSR | OSXMMEXCPT, as on the first core */
    mov %eax, %cr4
    mov %ebx, %cr3
    mov $0xC0000080, %ecx       /* EFER */
    rdmsr
    or $0x100, %eax             /* LME */
    wrmsr
    mov %cr0, %eax
    and $~0x60000004, %eax      /* caches on (CD, NW off), EM off */
    or $0x80000003, %eax        /* PG | MP | PE */
    mov %eax, %cr0
    ljmp $0x08, $T(tramp64)

    .code64
tramp64:
    mov %esi, %eax              /* smp_ap_entry64, below 4 GiB */
    jmp *%rax

    .align 8
tramp_gdt:
    .quad 0
    .quad 0x00AF9A000000FFFF    /* 0x08: 64-bit code */
    .quad 0x00CF92000000FFFF    /* 0x10: data */
    .quad 0x00CF9A000000FFFF    /* 0x18: 32-bit code */
tramp_gdt_ptr:
    .word tramp_gdt_ptr - tramp_gdt - 1
    .long T(tramp_gdt)
    .align 4
smp_tramp_params:               /* struct smp_tramp_params (smp/start.c) */
tramp_cr3:     .long 0
tramp_core:    .long 0
tramp_entry:   .long 0
tramp_started: .long 0
smp_tramp_end:

/* Long mode, on the core's own copy of the image: segments, the boot stack (each core has its
 * own copy of it at the same address), the FPU, then C with the core's index in EDI. */
    .text
    .global smp_ap_entry64
smp_ap_entry64:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    xor %ax, %ax
    mov %ax, %fs
    mov %ax, %gs
    mov $boot_stack_top, %rsp
    xor %ebp, %ebp
    fninit
    call smp_ap_main
1:  cli
    hlt
    jmp 1b
