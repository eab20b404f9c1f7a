/*
 * common/tests/test_bench_stats.c — host unit tests (cmocka) of the benchmark methodology in
 * common/bench_stats.c, which Porto's benchmarks and the Linux peer both use: summaries (TSC
 * ticks on Porto, nanoseconds on Linux), the size ladder, sample budgets, byte-count parsing
 * and the derived GAMMA metrics. Run: `make unit-test` (build/host/common/tests/test_bench_stats).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "common/bench_stats.h"

static void summary_of_odd_count(void **state)
{
    (void)state;
    /* 1 MHz ticks: one tick = 1 us; divisor 2 halves round trips. */
    uint64_t t[] = {50, 10, 30, 20, 40};
    struct bench_summary s = bench_summarize(t, 5, 1000000, 2);
    assert_int_equal(s.n, 5);
    assert_true(s.min_us == 5.0);
    assert_true(s.median_us == 15.0);
    assert_true(s.p99_us == 25.0); /* nearest rank of 5 samples: the largest */
    assert_true(s.mean_us == 15.0);
    assert_int_equal(t[0], 10); /* sorted in place */
}

static void summary_of_nanosecond_round_trips(void **state)
{
    (void)state;
    /* How the Linux peer samples: nanoseconds of round trip, halved. */
    uint64_t rtt[] = {9000, 2000, 4000, 6000};
    struct bench_summary s = bench_summarize(rtt, 4, 1000000000u, 2);
    assert_true(s.min_us == 1.0);
    assert_true(s.median_us == 2.5); /* (4000 + 6000) / 2 / 2 / 1000 */
    assert_true(s.p99_us == 4.5);
    uint64_t big[1000];
    for (int i = 0; i < 1000; i++)
        big[i] = (uint64_t)(1000 - i) * 2000; /* half RTTs 1..1000 us, reversed */
    s = bench_summarize(big, 1000, 1000000000u, 2);
    assert_true(s.p99_us == 990.0);
}

static void summary_of_even_count_and_p99(void **state)
{
    (void)state;
    uint64_t t[200];
    for (int i = 0; i < 200; i++)
        t[i] = (uint64_t)(200 - i); /* 1..200 reversed */
    struct bench_summary s = bench_summarize(t, 200, 1000000, 1);
    assert_true(s.min_us == 1.0);
    assert_true(s.median_us == 100.5);
    assert_true(s.p99_us == 198.0); /* rank ceil(0.99 * 200) = 198 */
}

static void summary_of_nothing(void **state)
{
    (void)state;
    struct bench_summary s = bench_summarize(NULL, 0, 1000000, 2);
    assert_int_equal(s.n, 0);
    assert_true(s.median_us == 0.0);
    uint64_t t[] = {5};
    s = bench_summarize(t, 1, 0, 2); /* unknown clock rate: no numbers rather than inf */
    assert_true(s.median_us == 0.0);
}

static void ladder_with_zero_to_4m(void **state)
{
    (void)state;
    size_t sz[40];
    size_t n = bench_size_list(1, 4u << 20, 1, sz, 40);
    assert_int_equal(n, 24); /* 0, 1, 2, ..., 2^22 */
    assert_int_equal(sz[0], 0);
    assert_int_equal(sz[1], 1);
    assert_int_equal(sz[23], 4u << 20);
}

static void ladder_8_to_1m_and_odd_max(void **state)
{
    (void)state;
    size_t sz[40];
    size_t n = bench_size_list(8, 1u << 20, 0, sz, 40);
    assert_int_equal(n, 18); /* 2^3 .. 2^20 */
    assert_int_equal(sz[0], 8);
    assert_int_equal(sz[17], 1u << 20);
    n = bench_size_list(1, 65507, 1, sz, 40);
    assert_int_equal(sz[n - 1], 65507);
    assert_int_equal(sz[n - 2], 32768);
    n = bench_size_list(1, 0, 1, sz, 40);
    assert_int_equal(n, 1);
    assert_int_equal(sz[0], 0);
    n = bench_size_list(1, 4u << 20, 1, sz, 3); /* capped */
    assert_int_equal(n, 3);
}

static void samples_under_budget(void **state)
{
    (void)state;
    assert_int_equal(bench_samples_for_size(0, 1000, 64u << 20, 20), 1000);
    assert_int_equal(bench_samples_for_size(4096, 1000, 64u << 20, 20), 1000);
    assert_int_equal(bench_samples_for_size(1u << 20, 1000, 64u << 20, 20), 64);
    assert_int_equal(bench_samples_for_size(4u << 20, 1000, 64u << 20, 20), 20); /* floor */
    assert_int_equal(bench_samples_for_size(4u << 20, 10, 64u << 20, 20), 10);   /* <= asked */
}

static void parse_byte_counts(void **state)
{
    (void)state;
    uint64_t v;
    assert_int_equal(bench_parse_bytes("4096", &v), 0);
    assert_int_equal(v, 4096);
    assert_int_equal(bench_parse_bytes("64K", &v), 0);
    assert_int_equal(v, 65536);
    assert_int_equal(bench_parse_bytes("4m", &v), 0);
    assert_int_equal(v, 4u << 20);
    assert_int_equal(bench_parse_bytes("1G", &v), 0);
    assert_int_equal(v, 1u << 30);
    assert_int_equal(bench_parse_bytes("", &v), -1);
    assert_int_equal(bench_parse_bytes("-1", &v), -1);
    assert_int_equal(bench_parse_bytes("12x", &v), -1);
    assert_int_equal(bench_parse_bytes("4KB", &v), -1);
    assert_int_equal(bench_parse_bytes("99999999999999999999", &v), -1);
    assert_int_equal(bench_parse_bytes("17179869184G", &v), -1); /* overflows 64 bits */
    assert_int_equal(bench_parse_bytes(NULL, &v), -1);
}

static void derived_metrics(void **state)
{
    (void)state;
    /* D(S) = 10 us + S / 100 MB/s: B tends to 100 MB/s, the fit finds it exactly. */
    size_t sz[24];
    double d[24];
    size_t n = bench_size_list(1, 4u << 20, 1, sz, 24);
    for (size_t i = 0; i < n; i++)
        d[i] = 10.0 + (double)sz[i] / 100.0;
    struct bench_derived r = bench_derive(sz, d, n);
    assert_true(r.latency_us == 10.0);
    assert_true(r.bw_fit_mbps > 99.999 && r.bw_fit_mbps < 100.001);
    double b = (double)(4u << 20) / (10.0 + (double)(4u << 20) / 100.0);
    assert_true(r.bw_mbps > b - 1e-9 && r.bw_mbps < b + 1e-9);
    /* T(S) >= B/2 first at S = 1024 (T(512) = 512/15.12 = 33.9 < 49.99; T(1024) = 50.6). */
    assert_int_equal(r.half_power, 1024);
    assert_true(bench_mbps(0, 5.0) == 0.0);
    assert_true(bench_mbps(100, 0.0) == 0.0);
}

static void derived_of_nothing(void **state)
{
    (void)state;
    struct bench_derived r = bench_derive(NULL, NULL, 0);
    assert_int_equal(r.half_power, 0);
    assert_true(r.bw_mbps == 0.0);
    size_t sz[] = {0};
    double d[] = {7.0};
    r = bench_derive(sz, d, 1); /* a single 0-byte size: latency only */
    assert_true(r.latency_us == 7.0);
    assert_true(r.bw_mbps == 0.0 && r.bw_fit_mbps == 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(summary_of_odd_count),
        cmocka_unit_test(summary_of_nanosecond_round_trips),
        cmocka_unit_test(summary_of_even_count_and_p99),
        cmocka_unit_test(summary_of_nothing),
        cmocka_unit_test(ladder_with_zero_to_4m),
        cmocka_unit_test(ladder_8_to_1m_and_odd_max),
        cmocka_unit_test(samples_under_budget),
        cmocka_unit_test(parse_byte_counts),
        cmocka_unit_test(derived_metrics),
        cmocka_unit_test(derived_of_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
