/* nb_wire.c — the Linux peer benchmark's little-endian wire encoding (hello, lengths). The
 * statistics are common/bench_stats.c, shared with Porto's benchmarks. No I/O here, so
 * bench/linux/tests/test_nb_wire.c checks it on the host (`make unit-test`). */
#include "netbench.h"

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
