/*
 * smp/cpus.c — which processors the machine has: the local APIC IDs of the enabled CPUs, from
 * ACPI's MADT ("APIC" table, found through the RSDP and the RSDT or XSDT) or, without ACPI,
 * from the Intel MultiProcessor tables ("_MP_" floating pointer, "PCMP" configuration table).
 * Firmware tables are untrusted input: every length and checksum is checked and a table that
 * fails is ignored, never followed.
 */
#include "smp/cpus.h"
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

static bool sum_ok(const uint8_t *p, size_t n)
{
    uint8_t s = 0;
    for (size_t i = 0; i < n; i++)
        s += p[i];
    return s == 0;
}

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* Firmware memory by physical address (identity-mapped). Laundered through asm: the compiler
 * must not treat a small constant address as a null-pointer offset. */
static const uint8_t *phys(uintptr_t a)
{
    const uint8_t *p;
    __asm__("" : "=r"(p) : "0"(a));
    return p;
}

/* A valid structure with this signature, 16-byte aligned in [start, end). */
static const uint8_t *find_in(uintptr_t start, uintptr_t end, const char *sig, size_t len,
                              bool (*valid)(const uint8_t *))
{
    for (uintptr_t a = start; a + len <= end; a += 16)
        if (memcmp(phys(a), sig, len) == 0 && valid(phys(a))) return phys(a);
    return NULL;
}

/* The EBDA's first KiB (its segment is at 0x40E), then the BIOS ROM area. */
static const uint8_t *find_in_bios(const char *sig, size_t len, bool (*valid)(const uint8_t *))
{
    uint16_t seg;
    memcpy(&seg, phys(0x40E), 2);
    uintptr_t ebda = (uintptr_t)seg << 4;
    const uint8_t *p = NULL;
    if (ebda >= 0x80000 && ebda < 0xA0000) p = find_in(ebda, ebda + 1024, sig, len, valid);
    return p ? p : find_in(0xE0000, 0x100000, sig, len, valid);
}

static bool rsdp_valid(const uint8_t *p)
{
    return sum_ok(p, 20);
}

/* A system description table at `addr` with this signature, checked; NULL otherwise. */
static const uint8_t *sdt(uint64_t addr, const char *sig)
{
    if (addr == 0 || addr >= (1ull << 32) - 36) return NULL;
    const uint8_t *t = phys((uintptr_t)addr);
    uint32_t len = rd32(t + 4);
    if (memcmp(t, sig, 4) != 0 || len < 36 || len > (1u << 20) || !sum_ok(t, len)) return NULL;
    return t;
}

static int from_madt(uint8_t *ids, int max)
{
    const uint8_t *rsdp = find_in_bios("RSD PTR ", 8, rsdp_valid);
    if (!rsdp) return -1;
    const uint8_t *root = NULL;
    unsigned entry = 4;
    if (rsdp[15] >= 2 && sum_ok(rsdp, rd32(rsdp + 20) <= 64 ? rd32(rsdp + 20) : 36)) {
        root = sdt(rd64(rsdp + 24), "XSDT");
        entry = 8;
    }
    if (!root) {
        root = sdt(rd32(rsdp + 16), "RSDT");
        entry = 4;
    }
    if (!root) return -1;
    const uint8_t *madt = NULL;
    for (uint32_t off = 36; off + entry <= rd32(root + 4) && !madt; off += entry)
        madt = sdt(entry == 8 ? rd64(root + off) : rd32(root + off), "APIC");
    if (!madt) return -1;
    int n = 0;
    uint32_t len = rd32(madt + 4);
    for (uint32_t off = 44; off + 2 <= len;) {
        uint8_t type = madt[off], elen = madt[off + 1];
        if (elen < 2 || off + elen > len) break;
        /* Type 0, processor local APIC: ACPI id, APIC id, flags (bit 0: enabled). */
        if (type == 0 && elen >= 8 && (rd32(madt + off + 4) & 1) && n < max)
            ids[n++] = madt[off + 3];
        off += elen;
    }
    return n > 0 ? n : -1;
}

static bool mpfp_valid(const uint8_t *p)
{
    return p[8] == 1 && sum_ok(p, 16);
}

static int from_mp(uint8_t *ids, int max)
{
    const uint8_t *fp = find_in_bios("_MP_", 4, mpfp_valid);
    if (!fp) return -1;
    uint32_t addr = rd32(fp + 4);
    if (addr == 0 || addr >= 0xFFFF0000u) return -1;
    const uint8_t *ct = phys(addr);
    uint16_t len, count;
    memcpy(&len, ct + 4, 2);
    memcpy(&count, ct + 34, 2);
    if (memcmp(ct, "PCMP", 4) != 0 || len < 44 || !sum_ok(ct, len)) return -1;
    int n = 0;
    uint32_t off = 44;
    for (unsigned i = 0; i < count && off < len; i++) {
        /* Type 0, processor: 20 bytes; APIC id at +1, flags at +3 (bit 0: usable). The
         * other entry types are 8 bytes long. */
        if (ct[off] == 0) {
            if (off + 20 > len) break;
            if ((ct[off + 3] & 1) && n < max) ids[n++] = ct[off + 1];
            off += 20;
        } else
            off += 8;
    }
    return n > 0 ? n : -1;
}

int smp_find_cpus(uint8_t *ids, int max, const char **how)
{
    int n = from_madt(ids, max);
    *how = "ACPI MADT";
    if (n > 0) return n;
    *how = "MP tables";
    n = from_mp(ids, max);
    if (n > 0) return n;
    *how = "no ACPI MADT or MP tables";
    return 0;
}
