/*
 * boot/entry.S — multiboot v1 header and the 32-bit entry that takes the CPU to long mode.
 *
 * Loaders (QEMU -kernel, iPXE, GRUB) jump here in 32-bit protected mode, paging off, with
 * EAX = 0x2BADB002 and EBX = the multiboot information. We record the TSC (boot time is
 * measured from here), check the magic and long-mode support (clear message on COM1 and a
 * failure exit otherwise), clear .bss, identity-map the first 4 GiB with 2 MiB pages, enable
 * PAE + long mode + paging, enable SSE (newlib and apps use it), and call kmain(magic, mbi)
 * on a 16-byte aligned stack.
 */
#define MB_MAGIC 0x1BADB002
/* bit 0: page-align modules, bit 1: memory map, bit 16: a.out-kludge address fields. The
 * kludge is what lets QEMU and iPXE (ELF32-only multiboot loaders) load this ELF64 file. */
#define MB_FLAGS 0x00010003
#define BOOT_MAGIC 0x2BADB002
#define COM1 0x3f8
#define STACK_SIZE (256 * 1024)

    .section .multiboot, "a"
    .align 4
mb_header:
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)
    .long mb_header       /* header_addr */
    .long __image_start   /* load_addr */
    .long __data_end      /* load_end_addr */
    .long __bss_end       /* bss_end_addr */
    .long _start32        /* entry_addr */

    .section .text.entry, "ax"
    .code32
    .global _start32
_start32:
    cli
    cld
    mov %eax, %ebp              /* magic (kept in EBP: rep stos below uses EDI) */
    mov %ebx, %esi              /* multiboot info */
    rdtsc
    mov %eax, tsc_boot
    mov %edx, tsc_boot + 4
    mov $boot_stack_top, %esp

    cmp $BOOT_MAGIC, %ebp
    jne .Lbad_magic

    /* .bss (page tables, stack, kernel data) must start zeroed; loaders differ. */
    mov $__bss_start, %edi
    mov $__bss_end, %ecx
    sub %edi, %ecx
    xor %eax, %eax
    rep stosb

    /* Long mode available? CPUID 0x80000001 EDX bit 29. */
    mov $0x80000000, %eax
    cpuid
    cmp $0x80000001, %eax
    jb .Lno_long_mode
    mov $0x80000001, %eax
    cpuid
    bt $29, %edx
    jnc .Lno_long_mode

    /* Page tables: PML4[0] -> PDPT, PDPT[0..3] -> four page directories of 2 MiB pages. */
    mov $boot_pdpt, %eax
    or $3, %eax
    mov %eax, boot_pml4
    mov $boot_pd, %eax
    or $3, %eax
    mov $boot_pdpt, %ebx
    mov $4, %ecx
1:  mov %eax, (%ebx)
    add $4096, %eax
    add $8, %ebx
    loop 1b
    mov $boot_pd, %ebx
    mov $0x83, %eax             /* present, writable, 2 MiB page */
    mov $2048, %ecx
2:  mov %eax, (%ebx)
    movl $0, 4(%ebx)
    add $0x200000, %eax
    add $8, %ebx
    loop 2b

    mov $boot_pml4, %eax
    mov %eax, %cr3
    mov %cr4, %eax
    or $0x620, %eax             /* PAE | OSFXSR | OSXMMEXCPT */
    mov %eax, %cr4
    mov $0xC0000080, %ecx       /* EFER */
    rdmsr
    or $0x100, %eax             /* LME */
    wrmsr
    mov %cr0, %eax
    and $~0x4, %eax             /* EM off: FPU/SSE instructions execute */
    or $0x80000003, %eax        /* PG | MP | PE */
    mov %eax, %cr0
    lgdt gdt64_ptr
    ljmp $0x08, $start64

.Lbad_magic:
    mov $msg_magic, %ebx
    jmp .Lfail32
.Lno_long_mode:
    mov $msg_long, %ebx
.Lfail32:
    mov $COM1, %dx              /* polled 16550 output; default divisor works in QEMU */
3:  movb (%ebx), %al
    test %al, %al
    jz 4f
    out %al, %dx
    inc %ebx
    jmp 3b
4:  mov $0xf4, %dx              /* isa-debug-exit: QEMU exits with (1 << 1) | 1 */
    mov $1, %eax
    out %eax, %dx
5:  hlt
    jmp 5b

    .code64
start64:
    mov $0x10, %ax
    mov %ax, %ds
    mov %ax, %es
    mov %ax, %ss
    xor %ax, %ax
    mov %ax, %fs
    mov %ax, %gs
    mov $boot_stack_top, %rsp
    fninit
    mov %ebp, %edi              /* kmain(uint32_t magic, uint32_t mbi): zero-extend */
    mov %esi, %esi
    xor %ebp, %ebp              /* end of the frame-pointer chain for backtraces */
    call kmain
6:  cli
    hlt
    jmp 6b

    .section .rodata
msg_magic:
    .asciz "Porto: not started by a multiboot loader (bad magic in EAX)\r\n"
msg_long:
    .asciz "Porto: this CPU has no long mode (x86_64 required)\r\n"
    .align 8
gdt64:
    .quad 0
    .quad 0x00AF9A000000FFFF    /* 0x08: 64-bit code */
    .quad 0x00CF92000000FFFF    /* 0x10: data */
gdt64_ptr:
    .word gdt64_ptr - gdt64 - 1
    .long gdt64

    .data
    .align 8
    .global tsc_boot
tsc_boot:
    .quad 0

    .bss
    .align 4096
    /* Global for smp/: every other core of a multi-core node gets its own copy of these page
     * tables (pointing its private range at its copy of the image) and of the stack. */
    .global boot_pml4, boot_pdpt, boot_pd, boot_stack_top
boot_pml4: .skip 4096
boot_pdpt: .skip 4096
boot_pd:   .skip 4096 * 4
    .global boot_stack_bottom
boot_stack_bottom:
    .skip STACK_SIZE
boot_stack_top:
