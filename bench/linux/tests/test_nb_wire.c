/* test_nb_wire.c — host unit tests (cmocka) of the Linux peer benchmark's wire encoding in
 * bench/linux/nb_wire.c (its statistics are common/bench_stats.c, tested by
 * common/tests/test_bench_stats.c). Part of `make unit-test` through tests/mk/linux-peer.mk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "bench/linux/netbench.h"

#include <string.h>

static void test_hello_roundtrip_and_rejects(void **state)
{
    (void)state;
    unsigned char raw[NB_HELLO_BYTES];
    struct nb_hello in = {.magic = NB_MAGIC, .kind = NB_KIND_STREAM, .arg = 0x123456789abull};
    struct nb_hello out;
    nb_encode_hello(&in, raw);
    assert_int_equal(raw[0], NB_MAGIC & 0xff); /* little-endian on the wire */
    assert_int_equal(nb_decode_hello(raw, &out), 0);
    assert_int_equal(out.kind, NB_KIND_STREAM);
    assert_true(out.arg == 0x123456789abull);
    raw[0] ^= 1;
    assert_int_equal(nb_decode_hello(raw, &out), -1);
    in.kind = 99;
    nb_encode_hello(&in, raw);
    assert_int_equal(nb_decode_hello(raw, &out), -1);
}

static void test_u64_roundtrip(void **state)
{
    (void)state;
    unsigned char b[8];
    nb_put_u64le(b, 0x0102030405060708ull);
    assert_int_equal(b[0], 8);
    assert_int_equal(b[7], 1);
    assert_true(nb_get_u64le(b) == 0x0102030405060708ull);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hello_roundtrip_and_rejects),
        cmocka_unit_test(test_u64_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
