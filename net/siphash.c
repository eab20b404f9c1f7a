/*
 * net/siphash.c — SipHash-2-4, written from the paper's description: four 64-bit words of
 * state initialised from the key and four constants; every 8-byte little-endian word m of the
 * input is absorbed as v3 ^= m, two SipRounds, v0 ^= m; the last word carries the remaining
 * bytes and the input length mod 256 in its top byte; finalisation is v2 ^= 0xff, four
 * SipRounds, and the output v0 ^ v1 ^ v2 ^ v3.
 */
#include "net/siphash.h"

#include <string.h>

static inline uint64_t rotl(uint64_t x, unsigned b)
{
    return (x << b) | (x >> (64 - b));
}

#define SIPROUND(v0, v1, v2, v3)                                                                   \
    do {                                                                                           \
        v0 += v1;                                                                                  \
        v1 = rotl(v1, 13);                                                                         \
        v1 ^= v0;                                                                                  \
        v0 = rotl(v0, 32);                                                                         \
        v2 += v3;                                                                                  \
        v3 = rotl(v3, 16);                                                                         \
        v3 ^= v2;                                                                                  \
        v0 += v3;                                                                                  \
        v3 = rotl(v3, 21);                                                                         \
        v3 ^= v0;                                                                                  \
        v2 += v1;                                                                                  \
        v1 = rotl(v1, 17);                                                                         \
        v1 ^= v2;                                                                                  \
        v2 = rotl(v2, 32);                                                                         \
    } while (0)

void sip_key_load(struct sip_key *k, const uint8_t bytes[SIP_KEY_LEN])
{
    memcpy(&k->k0, bytes, 8); /* little-endian host (net/wire.h checks) */
    memcpy(&k->k1, bytes + 8, 8);
}

void sip_init(struct sip_state *s, const struct sip_key *k)
{
    s->v0 = k->k0 ^ 0x736f6d6570736575ull; /* "somepseudorandomlygeneratedbytes" */
    s->v1 = k->k1 ^ 0x646f72616e646f6dull;
    s->v2 = k->k0 ^ 0x6c7967656e657261ull;
    s->v3 = k->k1 ^ 0x7465646279746573ull;
    s->tail = 0;
    s->ntail = 0;
    s->len = 0;
}

void sip_update(struct sip_state *s, const void *data, size_t n)
{
    const uint8_t *p = data;
    uint64_t v0 = s->v0, v1 = s->v1, v2 = s->v2, v3 = s->v3;
    s->len += n;
    if (s->ntail) {
        while (n && s->ntail < 8) {
            s->tail |= (uint64_t)*p++ << (8 * s->ntail++);
            n--;
        }
        if (s->ntail < 8) return;
        v3 ^= s->tail;
        SIPROUND(v0, v1, v2, v3);
        SIPROUND(v0, v1, v2, v3);
        v0 ^= s->tail;
        s->tail = 0;
        s->ntail = 0;
    }
    for (; n >= 8; n -= 8, p += 8) {
        uint64_t m;
        memcpy(&m, p, 8);
        v3 ^= m;
        SIPROUND(v0, v1, v2, v3);
        SIPROUND(v0, v1, v2, v3);
        v0 ^= m;
    }
    while (n--)
        s->tail |= (uint64_t)*p++ << (8 * s->ntail++);
    s->v0 = v0, s->v1 = v1, s->v2 = v2, s->v3 = v3;
}

uint64_t sip_final(struct sip_state *s)
{
    uint64_t v0 = s->v0, v1 = s->v1, v2 = s->v2, v3 = s->v3;
    uint64_t b = s->tail | (s->len & 0xff) << 56;
    v3 ^= b;
    SIPROUND(v0, v1, v2, v3);
    SIPROUND(v0, v1, v2, v3);
    v0 ^= b;
    v2 ^= 0xff;
    SIPROUND(v0, v1, v2, v3);
    SIPROUND(v0, v1, v2, v3);
    SIPROUND(v0, v1, v2, v3);
    SIPROUND(v0, v1, v2, v3);
    return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t siphash24(const struct sip_key *k, const void *data, size_t n)
{
    struct sip_state s;
    sip_init(&s, k);
    sip_update(&s, data, n);
    return sip_final(&s);
}
