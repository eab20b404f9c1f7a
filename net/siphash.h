/*
 * net/siphash.h — SipHash-2-4 (Aumasson and Bernstein, "SipHash: a fast short-input PRF",
 * 2012): a keyed 64-bit MAC. Porto tags every frame with it when the job has a key
 * (net/ap_frame.c, net/job_form.c). Streaming, so a frame's header and payload pieces are
 * hashed where they lie. Tested against the paper's vectors by tests/engine/test_siphash.c.
 */
#ifndef PORTO_NET_SIPHASH_H
#define PORTO_NET_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

#define SIP_KEY_LEN 16

struct sip_key {
    uint64_t k0, k1; /* the 16 key bytes as two little-endian words */
};

struct sip_state {
    uint64_t v0, v1, v2, v3;
    uint64_t tail;  /* bytes of an incomplete word, little-endian */
    unsigned ntail; /* how many (0..7) */
    uint64_t len;   /* bytes hashed so far (only its low byte enters the hash) */
};

void sip_key_load(struct sip_key *k, const uint8_t bytes[SIP_KEY_LEN]);
void sip_init(struct sip_state *s, const struct sip_key *k);
void sip_update(struct sip_state *s, const void *data, size_t n);
uint64_t sip_final(struct sip_state *s);
uint64_t siphash24(const struct sip_key *k, const void *data, size_t n);

#endif
