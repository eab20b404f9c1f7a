/*
 * tests/engine/test_crc32c.c — CRC32C against the RFC 3720 (iSCSI) test vectors, the hardware
 * and table versions against each other on random data and split points, and the cost in
 * ns per KB of both (printed).
 * Run: make build/host/tests/engine/test_crc32c && build/host/tests/engine/test_crc32c
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "net/crc32c.h"

typedef uint32_t (*crc_fn)(uint32_t, const void *, size_t);

static uint32_t one_shot(crc_fn fn, const void *buf, size_t len)
{
    return crc32c_final(fn(CRC32C_INIT, buf, len));
}

static void check_vectors(crc_fn fn)
{
    uint8_t buf[48];
    assert_int_equal(one_shot(fn, "123456789", 9), 0xE3069283u);
    assert_int_equal(one_shot(fn, "", 0), 0x00000000u);
    memset(buf, 0, 32);
    assert_int_equal(one_shot(fn, buf, 32), 0x8A9136AAu);
    memset(buf, 0xFF, 32);
    assert_int_equal(one_shot(fn, buf, 32), 0x62A8AB43u);
    for (int i = 0; i < 32; i++)
        buf[i] = (uint8_t)i;
    assert_int_equal(one_shot(fn, buf, 32), 0x46DD794Eu);
    for (int i = 0; i < 32; i++)
        buf[i] = (uint8_t)(31 - i);
    assert_int_equal(one_shot(fn, buf, 32), 0x113FDB5Cu);
    /* RFC 3720 B.4: an iSCSI SCSI Read (10) command PDU. */
    static const uint8_t pdu[48] = {0x01, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00,
                                    0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00,
                                    0x00, 0x18, 0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                    0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    assert_int_equal(one_shot(fn, pdu, sizeof(pdu)), 0xD9963A56u);
}

static void test_vectors_sw(void **state)
{
    (void)state;
    check_vectors(crc32c_update_sw);
}

static void test_vectors_hw(void **state)
{
    (void)state;
    if (!crc32c_have_hw()) skip();
    check_vectors(crc32c_update_hw);
}

static void test_vectors_dispatch(void **state)
{
    (void)state;
    check_vectors(crc32c_update);
    assert_int_equal(crc32c("123456789", 9), 0xE3069283u);
}

/* Random lengths, alignments and split points: both versions agree, pieces chain. */
static void test_hw_sw_agree(void **state)
{
    (void)state;
    static uint8_t buf[4096 + 16];
    uint64_t x = 88172645463325252ull;
    for (size_t i = 0; i < sizeof(buf); i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        buf[i] = (uint8_t)x;
    }
    for (int t = 0; t < 2000; t++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        size_t off = x % 16, len = (x >> 8) % 4097, cut = len ? (x >> 24) % len : 0;
        uint32_t whole = one_shot(crc32c_update_sw, buf + off, len);
        uint32_t parts = crc32c_final(
            crc32c_update(crc32c_update(CRC32C_INIT, buf + off, cut), buf + off + cut, len - cut));
        assert_int_equal(whole, parts);
        if (crc32c_have_hw()) assert_int_equal(whole, one_shot(crc32c_update_hw, buf + off, len));
    }
}

static double ns_per_kb(crc_fn fn, const uint8_t *buf, size_t len, int reps)
{
    struct timespec a, b;
    volatile uint32_t sink = 0;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int r = 0; r < reps; r++)
        sink += fn(CRC32C_INIT, buf, len);
    clock_gettime(CLOCK_MONOTONIC, &b);
    (void)sink;
    double ns = (b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec);
    return ns / ((double)len * reps / 1024.0);
}

/* The cost the engine adds per KB of payload when CRC is on: printed, not asserted (a time
 * says as much about the host's load as about the code; the vectors above check the code). */
static void test_cost(void **state)
{
    (void)state;
    static uint8_t buf[1 << 16];
    memset(buf, 0x5A, sizeof(buf));
    double sw = ns_per_kb(crc32c_update_sw, buf, 1456, 20000);
    printf("crc32c cost: table %.0f ns/KB", sw);
    if (crc32c_have_hw()) {
        double hw = ns_per_kb(crc32c_update_hw, buf, 1456, 20000);
        double big = ns_per_kb(crc32c_update_hw, buf, sizeof(buf), 500);
        printf(", crc32 instruction %.0f ns/KB (1456-byte frames), %.0f ns/KB (64 KB)", hw, big);
    }
    printf("\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors_sw),
        cmocka_unit_test(test_vectors_hw),
        cmocka_unit_test(test_vectors_dispatch),
        cmocka_unit_test(test_hw_sw_agree),
        cmocka_unit_test(test_cost),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
