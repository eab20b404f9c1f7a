/* kernel/multiboot.h — the multiboot v1 information structure (the parts Porto reads). */
#ifndef PORTO_MULTIBOOT_H
#define PORTO_MULTIBOOT_H
#include <stdint.h>

#define MB_INFO_MEMORY  (1u << 0)
#define MB_INFO_CMDLINE (1u << 2)
#define MB_INFO_MODS    (1u << 3)
#define MB_INFO_MMAP    (1u << 6)

struct mb_info {
    uint32_t flags;
    uint32_t mem_lower, mem_upper; /* KiB below 1 MiB / above 1 MiB */
    uint32_t boot_device;
    uint32_t cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
} __attribute__((packed));

struct mb_module {
    uint32_t mod_start, mod_end, string, reserved;
} __attribute__((packed));

struct mb_mmap {
    uint32_t size; /* of the rest of this entry, not counting this field */
    uint64_t addr, len;
    uint32_t type; /* 1 = available RAM */
} __attribute__((packed));
#endif
