/*
 * common/frames.c — build and check linktest frames (format in frames.h). Shared by
 * apps/linktest and the tg3 host tests (tests/tg3/test_tg3_traffic.c); exercised by
 * tests/qemu/30-linktest.sh through scripts/porto-run.
 */
#include "common/frames.h"

#include <string.h>

#define LT_TAPE_LEN (9014 + LT_TAPE_SLACK)

static uint8_t tape[LT_TAPE_LEN];

void lt_mac_of(int rank, uint8_t mac[6])
{
    static const uint8_t prefix[5] = {0x52, 0x54, 0x00, 0x50, 0x00};
    memcpy(mac, prefix, 5);
    mac[5] = (uint8_t)(rank + 1);
}

void lt_tape_init(void)
{
    uint32_t x = 0x2545F491u; /* xorshift32: cheap, and no byte pattern repeats soon */
    for (size_t i = 0; i < LT_TAPE_LEN; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        tape[i] = (uint8_t)x;
    }
}

const uint8_t *lt_tape(void)
{
    return tape;
}
size_t lt_tape_len(void)
{
    return LT_TAPE_LEN;
}

uint16_t lt_tape_offset(int src, int dst, uint32_t seq)
{
    return (uint16_t)(((uint32_t)src * 131u + (uint32_t)dst * 37u + seq * 11u) % LT_TAPE_SLACK);
}

void lt_put_header(uint8_t *buf, const uint8_t dst_mac[6], const uint8_t src_mac[6],
                   const struct lt_hdr *h)
{
    memcpy(buf, dst_mac, 6);
    memcpy(buf + 6, src_mac, 6);
    buf[12] = LT_ETHERTYPE >> 8;
    buf[13] = LT_ETHERTYPE & 0xff;
    memcpy(buf + 14, h, sizeof(*h));
}

bool lt_get_header(const void *frame, size_t len, struct lt_hdr *h)
{
    const uint8_t *f = frame;
    if (len < (size_t)LT_HDR_LEN || f[12] != (LT_ETHERTYPE >> 8) || f[13] != (LT_ETHERTYPE & 0xff))
        return false;
    memcpy(h, f + 14, sizeof(*h));
    return h->magic == LT_MAGIC && h->type >= LT_HELLO && h->type <= LT_DONE;
}

bool lt_data_intact(const void *frame, size_t len, const struct lt_hdr *h, const uint8_t me_mac[6])
{
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    const uint8_t *f = frame;
    uint8_t src_mac[6];
    lt_mac_of(h->src, src_mac);
    if (h->len != len || len < (size_t)LT_HDR_LEN) return false;
    if (memcmp(f, h->dst == LT_BCAST ? bcast : me_mac, 6) != 0 || memcmp(f + 6, src_mac, 6) != 0)
        return false;
    if (h->tape_off != lt_tape_offset(h->src, h->dst, h->seq) ||
        h->tape_off + (len - LT_HDR_LEN) > LT_TAPE_LEN)
        return false;
    return memcmp(f + LT_HDR_LEN, tape + h->tape_off, len - LT_HDR_LEN) == 0;
}
