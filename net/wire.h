/*
 * net/wire.h — the Porto frame format on the wire (Active Port engine and job layer).
 *
 * Every Porto frame is an Ethernet II frame with EtherType 0x88B5 (IEEE "local experimental"),
 * followed by this 44-byte header and then the payload:
 *
 *   off size field     meaning
 *     0  1   version   AP_WIRE_VERSION (1); other versions are dropped
 *     1  1   type      AP_T_DATA, AP_T_ACK; types >= AP_T_FOREIGN_MIN (0x80) belong to the job
 *                      layer and are handed to its callback untouched (only bytes 0..1 of
 *                      this header are then guaranteed to follow this layout)
 *     2  2   flags     AP_F_* below
 *     4  4   job       job identifier; frames of another job are dropped
 *     8  2   src       source rank
 *    10  2   dst       destination rank, AP_WIRE_ALL (0xFFFF) for a broadcast
 *    12  2   port      destination port
 *    14  2   frag_len  payload bytes in this frame (frames may be padded after them)
 *    16  4   msg_seq   DATA: message sequence number (per source, destination and stream)
 *                      ACK: cumulative acknowledgement of the broadcast FC stream (AP_F_BACK)
 *    20  4   seq       DATA with AP_F_FC: frame sequence number of its FC stream
 *    24  4   ack       cumulative acknowledgement of the unicast FC stream in the other
 *                      direction: the next frame sequence the sender of this frame expects
 *                      (valid with AP_F_ACK; piggybacked on DATA, always present on ACK)
 *    28  4   msg_len   total message length in bytes
 *    32  4   base      byte offset of the message in the destination port's buffer; on the
 *                      engine's internal collective port it carries the collective tag instead;
 *                      ACK with AP_F_BELOSS: the loss report's arrival rate (bytes per ms;
 *                      0 when unknown or when only lone frames were lost: noise, not congestion)
 *    36  4   frag_off  offset of this fragment within the message
 *    40  4   crc       CRC32C (Castagnoli) over the payload, then header bytes 0..39, with
 *                      AP_F_CRC; payload first so a retransmission with a new piggybacked ack
 *                      reuses the payload's CRC state
 *
 * With AP_F_AUTH (the job has a key) the payload is followed by an 8-byte tag, AP_TAG_LEN:
 *
 *   off            size field  meaning
 *   44 + frag_len   8   tag    SipHash-2-4 under the job's session key over header bytes
 *                              0..39, then the payload; little-endian
 *
 * A keyed receiver drops every frame without a valid tag before it touches any state. The
 * crc field is then unused (0): the tag covers integrity too.
 *
 * All multi-byte header fields are little-endian (every Porto node is x86_64); the EtherType is
 * big-endian as Ethernet requires. Sequence numbers compare with serial arithmetic (mod 2^32).
 * A message of msg_len bytes travels as fragments in order of frag_off; AP_F_FIRST marks
 * frag_off == 0, AP_F_LAST marks frag_off + frag_len == msg_len; a 0-byte message is one frame
 * with both. The Ethernet header is not covered by the CRC: the rank fields are.
 */
#ifndef PORTO_NET_WIRE_H
#define PORTO_NET_WIRE_H

#include <stdint.h>
#include <string.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the Porto header is little-endian and is read by memcpy: build for a little-endian CPU"
#endif

#define AP_ETHERTYPE      0x88B5
#define AP_WIRE_VERSION   1
#define AP_ETH_HLEN       14
#define AP_HDR_LEN        44
#define AP_FRAME_HLEN     (AP_ETH_HLEN + AP_HDR_LEN)
#define AP_HDR_CRC_OFF    40 /* header bytes covered by the CRC: 0 .. AP_HDR_CRC_OFF-1 */
#define AP_TAG_LEN        8  /* authentication tag after the payload, with AP_F_AUTH */
#define AP_WIRE_ALL       0xFFFFu
#define AP_WIRE_MAX_NODES 0xFFFEu

enum ap_frame_type {
    AP_T_DATA = 1,
    AP_T_ACK = 2,
    AP_T_FOREIGN_MIN = 0x80, /* 0x80..0xFF: the job layer's frames */
};

enum ap_frame_flags {
    AP_F_FC = 0x0001,     /* flow-controlled (reliable) stream; else best effort */
    AP_F_BCAST = 0x0002,  /* sent to every rank as an Ethernet broadcast (dst == AP_WIRE_ALL) */
    AP_F_FIRST = 0x0004,  /* first fragment of its message */
    AP_F_LAST = 0x0008,   /* last fragment of its message */
    AP_F_CRC = 0x0010,    /* crc field is valid */
    AP_F_ACK = 0x0020,    /* ack field is valid */
    AP_F_BACK = 0x0040,   /* ACK: msg_seq acknowledges the receiver's view of our bcast stream */
    AP_F_RNR = 0x0080,    /* ACK: frame `ack` of the unicast stream was refused: receiver not
                             ready (port closed, disarmed or busy) — retry later, peer is alive */
    AP_F_BRNR = 0x0100,   /* ACK: same for the broadcast FC stream's frame `msg_seq` */
    AP_F_AUTH = 0x0200,   /* an AP_TAG_LEN-byte tag follows the payload */
    AP_F_EMSG = 0x0400,   /* ACK: the unicast FC message `msg_len` (its msg_seq) was dropped:
                             past the receiver's buffer; the sender's call fails EMSGSIZE */
    AP_F_SACK = 0x0800,   /* ACK: the 8-byte payload is a little-endian map; bit i set: the
                             receiver holds unicast frame ack + 1 + i (it arrived past a gap) */
    AP_F_BELOSS = 0x1000, /* ACK: a BE message of the destination was lost on the way; `base`
                             is the rate its frames arrived at, bytes per ms (0: unknown, or
                             only lone frames lost) */
};

struct ap_hdr {
    uint8_t version;
    uint8_t type;
    uint16_t flags;
    uint32_t job;
    uint16_t src;
    uint16_t dst;
    uint16_t port;
    uint16_t frag_len;
    uint32_t msg_seq;
    uint32_t seq;
    uint32_t ack;
    uint32_t msg_len;
    uint32_t base;
    uint32_t frag_off;
    uint32_t crc;
};

_Static_assert(sizeof(struct ap_hdr) == AP_HDR_LEN, "the wire header has no padding");
_Static_assert(__builtin_offsetof(struct ap_hdr, crc) == AP_HDR_CRC_OFF, "crc is last");

/* Header bytes <-> struct: the layout is the little-endian in-memory layout. */
static inline void ap_hdr_read(struct ap_hdr *h, const void *wire)
{
    memcpy(h, wire, AP_HDR_LEN);
}
static inline void ap_hdr_write(void *wire, const struct ap_hdr *h)
{
    memcpy(wire, h, AP_HDR_LEN);
}

/* The 14-byte Ethernet header Porto frames start with. */
static inline void ap_eth_write(uint8_t *eth, const uint8_t dst[6], const uint8_t src[6])
{
    memcpy(eth, dst, 6);
    memcpy(eth + 6, src, 6);
    eth[12] = AP_ETHERTYPE >> 8;
    eth[13] = AP_ETHERTYPE & 0xFF;
}

static inline int ap_seq_lt(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) < 0;
}
static inline int ap_seq_le(uint32_t a, uint32_t b)
{
    return (int32_t)(a - b) <= 0;
}

#endif
