/*
 * common/bench_stats.h — the benchmark methodology, one implementation for every side that
 * measures: apps/pingpong and apps/collbench on Porto, and the Linux peer (bench/linux, built
 * with the host's gcc). Summaries of timing samples (median, min, nearest-rank p99, mean), the
 * message-size ladder 0, 1, 2, 4, ..., the per-size sample count under a byte budget, byte
 * counts with K/M/G suffixes, and the derived ping-pong metrics (asymptotic bandwidth, its
 * fit, half-power point). Pure functions, no I/O. Host test: common/tests/test_bench_stats.c.
 */
#ifndef PORTO_COMMON_BENCH_STATS_H
#define PORTO_COMMON_BENCH_STATS_H

#include <stddef.h>
#include <stdint.h>

/* Every size gets at least this many samples, however large (a distribution, not a point). */
#define BENCH_MIN_SAMPLES 20

/* One size's distribution, in microseconds of whatever was sampled (half round trips for
 * ping-pong, whole operations for collectives). */
struct bench_summary {
    double median_us, min_us, p99_us, mean_us;
    size_t n;
};

/* Sorts `ticks` in place; `divisor` turns a sample into what is reported (2 for a half round
 * trip, 1 for a whole operation); `hz` is the tick rate (10^9 for nanoseconds). */
struct bench_summary bench_summarize(uint64_t *ticks, size_t n, uint64_t hz, unsigned divisor);

/* 0 (when `with_zero`), then the powers of two from min_size up to max_size, then max_size
 * itself when it is not a power of two. Returns how many sizes were written (at most cap). */
size_t bench_size_list(size_t min_size, size_t max_size, int with_zero, size_t *sizes, size_t cap);

/* `samples` measurements, unless that would move more than `budget` bytes: then as many as
 * fit, but never fewer than `floor` (the largest sizes still get a distribution). */
size_t bench_samples_for_size(size_t size, size_t samples, uint64_t budget, size_t floor);

/* "4096", "64K", "4M", "1G" (powers of 1024). 0 on success, -1 on anything else. */
int bench_parse_bytes(const char *s, uint64_t *out);

/* Derived ping-pong metrics over sizes[0..n-1] (ascending) and their half round trips d_us[]
 * (message delay D(S)). Throughput T(S) = S / D(S) in MB/s (10^6 bytes per second).
 *   bw_mbps:      asymptotic bandwidth B, T at the largest size;
 *   bw_fit_mbps:  (Smax - Smin) / (D(Smax) - D(Smin)), the slope of the delay line;
 *   half_power:   smallest S with T(S) >= B/2 (0 when no size reaches it);
 *   latency_us:   D of the smallest size (D(0) when the ladder starts at 0). */
struct bench_derived {
    double latency_us, bw_mbps, bw_fit_mbps;
    size_t half_power;
};

double bench_mbps(size_t size, double delay_us);
struct bench_derived bench_derive(const size_t *sizes, const double *d_us, size_t n);

#endif
