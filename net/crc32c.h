/*
 * net/crc32c.h — CRC32C (Castagnoli, the iSCSI/SSE4.2 polynomial 0x1EDC6F41, reflected).
 *
 * Both builds use the SSE4.2 `crc32` instruction whenever CPUID says the CPU has it, and a
 * slicing-by-8 table otherwise (QEMU's default TCG CPU model, qemu64, lacks SSE4.2). Tested against
 * the RFC 3720 vectors by tests/engine/test_crc32c.c (which also prints the cost in ns per KB).
 */
#ifndef PORTO_NET_CRC32C_H
#define PORTO_NET_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* Raw running state: start from CRC32C_INIT, feed pieces, finish with crc32c_final. */
#define CRC32C_INIT 0xFFFFFFFFu
uint32_t crc32c_update(uint32_t state, const void *buf, size_t len);
static inline uint32_t crc32c_final(uint32_t state)
{
    return ~state;
}
/* One-shot CRC32C of a buffer ("123456789" gives 0xE3069283). */
static inline uint32_t crc32c(const void *buf, size_t len)
{
    return crc32c_final(crc32c_update(CRC32C_INIT, buf, len));
}

/* The two implementations, exposed so tests can check both against the same vectors.
 * crc32c_update_hw must only be called when crc32c_have_hw() says so. */
uint32_t crc32c_update_sw(uint32_t state, const void *buf, size_t len);
uint32_t crc32c_update_hw(uint32_t state, const void *buf, size_t len);
int crc32c_have_hw(void);

#endif
