/* nb_stats.c — pure helpers of the Linux peer benchmark: round-trip statistics (median, min,
 * p99 of half round trips), the per-size sample count and the little-endian wire encoding.
 * No I/O here, so bench/linux/tests/test_nb_stats.c checks it on the host (`make unit-test`). */
#include "netbench.h"

#include <stdlib.h>
#include <string.h>

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* Half of a round trip in microseconds. */
static double half_us(double rtt_ns)
{
    return rtt_ns / 2000.0;
}

void nb_summarize(uint64_t *rtt_ns, size_t n, struct nb_summary *out)
{
    memset(out, 0, sizeof(*out));
    out->n = n;
    if (n == 0) return;
    qsort(rtt_ns, n, sizeof(rtt_ns[0]), cmp_u64);
    out->min_us = half_us((double)rtt_ns[0]);
    if (n % 2)
        out->median_us = half_us((double)rtt_ns[n / 2]);
    else
        out->median_us = half_us(((double)rtt_ns[n / 2 - 1] + (double)rtt_ns[n / 2]) / 2.0);
    /* Nearest-rank p99: the smallest sample with at least 99% of samples at or below it. */
    size_t rank = (n * 99 + 99) / 100;
    out->p99_us = half_us((double)rtt_ns[rank - 1]);
}

/* `samples` round trips, unless that would move more than `byte_budget` bytes each way:
 * then as many as fit, but never fewer than `floor` (huge sizes still get a distribution). */
size_t nb_samples_for_size(size_t size, size_t samples, uint64_t byte_budget, size_t floor)
{
    if (size == 0 || (uint64_t)size * samples <= byte_budget) return samples;
    uint64_t fit = byte_budget / size;
    if (fit < floor) fit = floor;
    return fit < samples ? (size_t)fit : samples;
}

/* 0, 1, 2, 4, ... up to max_size, then max_size itself when it is not a power of two (the
 * largest UDP datagram, 65507, follows 32768). Returns how many sizes were written. */
size_t nb_size_list(size_t max_size, size_t *sizes, size_t cap)
{
    size_t n = 0;
    if (cap == 0) return 0;
    sizes[n++] = 0;
    for (size_t s = 1; s <= max_size && n < cap; s *= 2)
        sizes[n++] = s;
    if (max_size > 0 && sizes[n - 1] != max_size && n < cap) sizes[n++] = max_size;
    return n;
}

void nb_put_u32le(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

uint32_t nb_get_u32le(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void nb_put_u64le(unsigned char *p, uint64_t v)
{
    nb_put_u32le(p, (uint32_t)v);
    nb_put_u32le(p + 4, (uint32_t)(v >> 32));
}

uint64_t nb_get_u64le(const unsigned char *p)
{
    return (uint64_t)nb_get_u32le(p) | (uint64_t)nb_get_u32le(p + 4) << 32;
}

void nb_encode_hello(const struct nb_hello *h, unsigned char out[NB_HELLO_BYTES])
{
    nb_put_u32le(out, h->magic);
    nb_put_u32le(out + 4, h->kind);
    nb_put_u64le(out + 8, h->arg);
}

/* Returns 0 for a well-formed hello, -1 for a wrong magic or an unknown kind. */
int nb_decode_hello(const unsigned char in[NB_HELLO_BYTES], struct nb_hello *h)
{
    h->magic = nb_get_u32le(in);
    h->kind = nb_get_u32le(in + 4);
    h->arg = nb_get_u64le(in + 8);
    if (h->magic != NB_MAGIC) return -1;
    if (h->kind != NB_KIND_PINGPONG && h->kind != NB_KIND_STREAM && h->kind != NB_KIND_QUIT)
        return -1;
    return 0;
}
