/*
 * common/bench_stats.c — the benchmark methodology (declared and described in bench_stats.h).
 */
#include "common/bench_stats.h"

#include <stdlib.h>

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Sorts `ticks` in place; `divisor` turns a sample into what is reported (2 for a half round
 * trip, 1 for a whole operation); `hz` is the tick rate. */
struct bench_summary bench_summarize(uint64_t *ticks, size_t n, uint64_t hz, unsigned divisor)
{
    struct bench_summary s = {0, 0, 0, 0, n};
    if (n == 0 || hz == 0 || divisor == 0) return s;
    qsort(ticks, n, sizeof ticks[0], cmp_u64);
    double scale = 1e6 / (double)hz / (double)divisor;
    s.min_us = (double)ticks[0] * scale;
    if (n % 2)
        s.median_us = (double)ticks[n / 2] * scale;
    else
        s.median_us = ((double)ticks[n / 2 - 1] + (double)ticks[n / 2]) / 2.0 * scale;
    /* Nearest rank: the smallest sample with at least 99% of the samples at or below it. */
    size_t rank = (n * 99 + 99) / 100;
    s.p99_us = (double)ticks[rank - 1] * scale;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += (double)ticks[i];
    s.mean_us = sum / (double)n * scale;
    return s;
}

/* 0 (when `with_zero`), then the powers of two from min_size up to max_size, then max_size
 * itself when it is not a power of two. Returns how many sizes were written (at most cap). */
size_t bench_size_list(size_t min_size, size_t max_size, int with_zero, size_t *sizes, size_t cap)
{
    size_t n = 0;
    if (with_zero && n < cap) sizes[n++] = 0;
    for (size_t s = 1; s <= max_size && n < cap; s <<= 1) {
        if (s >= min_size) sizes[n++] = s;
        if (s > SIZE_MAX / 2) break;
    }
    if (max_size > 0 && max_size >= min_size && (n == 0 || sizes[n - 1] != max_size) && n < cap)
        sizes[n++] = max_size;
    return n;
}

/* `samples` measurements, unless that would move more than `budget` bytes: then as many as
 * fit, but never fewer than `floor` (the largest sizes still get a distribution). */
size_t bench_samples_for_size(size_t size, size_t samples, uint64_t budget, size_t floor)
{
    if (size == 0 || (uint64_t)size * samples <= budget) return samples;
    uint64_t fit = budget / size;
    if (fit < floor) fit = floor;
    return fit < samples ? (size_t)fit : samples;
}

/* "4096", "64K", "4M", "1G" (powers of 1024). 0 on success, -1 on anything else. */
int bench_parse_bytes(const char *s, uint64_t *out)
{
    if (!s || *s < '0' || *s > '9') return -1;
    uint64_t v = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (v > (UINT64_MAX - 9) / 10) return -1;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    unsigned shift = 0;
    if (*s == 'K' || *s == 'k')
        shift = 10;
    else if (*s == 'M' || *s == 'm')
        shift = 20;
    else if (*s == 'G' || *s == 'g')
        shift = 30;
    if (shift) s++;
    if (*s || (shift && v > (UINT64_MAX >> shift))) return -1;
    *out = v << shift;
    return 0;
}

double bench_mbps(size_t size, double delay_us)
{
    return delay_us > 0 ? (double)size / delay_us : 0.0; /* bytes per us = 10^6 bytes per s */
}

struct bench_derived bench_derive(const size_t *sizes, const double *d_us, size_t n)
{
    struct bench_derived r = {0, 0, 0, 0};
    if (n == 0) return r;
    r.latency_us = d_us[0];
    r.bw_mbps = bench_mbps(sizes[n - 1], d_us[n - 1]);
    double dd = d_us[n - 1] - d_us[0];
    r.bw_fit_mbps = n > 1 && dd > 0 ? (double)(sizes[n - 1] - sizes[0]) / dd : 0.0;
    for (size_t i = 0; i < n; i++) {
        if (sizes[i] > 0 && bench_mbps(sizes[i], d_us[i]) >= r.bw_mbps / 2) {
            r.half_power = sizes[i];
            break;
        }
    }
    return r;
}
