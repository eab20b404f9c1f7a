/* test_nb_stats.c — host unit tests (cmocka) of the Linux peer benchmark's pure helpers in
 * bench/linux/nb_stats.c: half-RTT statistics, size list, sample counts, wire encoding.
 * Run: make build/host/bench/linux/test_nb_stats && build/host/bench/linux/test_nb_stats
 * (also part of `make unit-test` through tests/mk/linux-peer.mk). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "bench/linux/netbench.h"

#include <string.h>

static void test_summary_odd_count(void **state)
{
    (void)state;
    uint64_t rtt[] = {9000, 2000, 4000}; /* unsorted on purpose: summarize sorts */
    struct nb_summary s;
    nb_summarize(rtt, 3, &s);
    assert_int_equal(s.n, 3);
    assert_true(s.min_us == 1.0);    /* half of 2000 ns */
    assert_true(s.median_us == 2.0); /* half of 4000 ns */
    assert_true(s.p99_us == 4.5);    /* nearest rank of 3 samples is the largest */
}

static void test_summary_even_count_averages_middle(void **state)
{
    (void)state;
    uint64_t rtt[] = {4000, 2000, 8000, 6000};
    struct nb_summary s;
    nb_summarize(rtt, 4, &s);
    assert_true(s.median_us == 2.5); /* (4000 + 6000) / 2 / 2 / 1000 */
}

static void test_p99_nearest_rank(void **state)
{
    (void)state;
    uint64_t rtt[1000];
    for (int i = 0; i < 1000; i++)
        rtt[i] = (uint64_t)(1000 - i) * 2000; /* half RTTs 1..1000 us, reversed */
    struct nb_summary s;
    nb_summarize(rtt, 1000, &s);
    assert_true(s.min_us == 1.0);
    assert_true(s.p99_us == 990.0);
    nb_summarize(rtt, 100, &s); /* now sorted: the first 100 are half RTTs 1..100 us */
    assert_true(s.min_us == 1.0);
    assert_true(s.p99_us == 99.0);
}

static void test_summary_empty(void **state)
{
    (void)state;
    struct nb_summary s;
    nb_summarize(NULL, 0, &s);
    assert_int_equal(s.n, 0);
    assert_true(s.median_us == 0.0);
}

static void test_size_list_udp_ends_with_largest_datagram(void **state)
{
    (void)state;
    size_t sizes[NB_MAX_SIZES];
    size_t n = nb_size_list(NB_UDP_MAX_MSG, sizes, NB_MAX_SIZES);
    assert_int_equal(n, 18); /* 0, 1 .. 32768 (16 powers), 65507 */
    assert_int_equal(sizes[0], 0);
    assert_int_equal(sizes[1], 1);
    assert_int_equal(sizes[2], 2);
    assert_int_equal(sizes[16], 32768);
    assert_int_equal(sizes[17], 65507);
}

static void test_size_list_powers_and_tiny(void **state)
{
    (void)state;
    size_t sizes[NB_MAX_SIZES];
    assert_int_equal(nb_size_list(NB_TCP_MAX_MSG, sizes, NB_MAX_SIZES), 24);
    assert_int_equal(sizes[23], 4u << 20);
    assert_int_equal(nb_size_list(0, sizes, NB_MAX_SIZES), 1);
    assert_int_equal(nb_size_list(3, sizes, NB_MAX_SIZES), 4); /* 0 1 2 3 */
    assert_int_equal(sizes[3], 3);
    assert_int_equal(nb_size_list(4096, sizes, 5), 5); /* capped, never past cap */
}

static void test_samples_bounded_by_bytes(void **state)
{
    (void)state;
    uint64_t budget = 64u << 20;
    assert_int_equal(nb_samples_for_size(0, 1000, budget, 20), 1000);
    assert_int_equal(nb_samples_for_size(65536, 1000, budget, 20), 1000);
    assert_int_equal(nb_samples_for_size(131072, 1000, budget, 20), 512);
    assert_int_equal(nb_samples_for_size(4u << 20, 1000, budget, 20), 20);
    assert_int_equal(nb_samples_for_size(4u << 20, 10, budget, 20), 10); /* never above asked */
}

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
        cmocka_unit_test(test_summary_odd_count),
        cmocka_unit_test(test_summary_even_count_averages_middle),
        cmocka_unit_test(test_p99_nearest_rank),
        cmocka_unit_test(test_summary_empty),
        cmocka_unit_test(test_size_list_udp_ends_with_largest_datagram),
        cmocka_unit_test(test_size_list_powers_and_tiny),
        cmocka_unit_test(test_samples_bounded_by_bytes),
        cmocka_unit_test(test_hello_roundtrip_and_rejects),
        cmocka_unit_test(test_u64_roundtrip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
