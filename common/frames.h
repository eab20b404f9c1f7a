/*
 * common/frames.h — the test frames of apps/linktest and the tg3 host tests: linktest's wire format
 * (EtherType 0x88B6, distinct from the messaging engine's 0x88B5) and the payload pattern every
 * data frame carries.
 *
 * Frame: Ethernet header (14), struct lt_hdr (32), then
 *   DATA: bytes of the pattern tape from tape_off (a function of src, dst and seq);
 *   DONE: one struct lt_result per node, what the sender received from each node.
 * Addresses follow scripts/porto-run: rank r has MAC 52:54:00:50:00:<r+1>.
 * Exercised by `scripts/porto-run -n 4 build/linktest.elf` (tests/qemu/30-linktest.sh).
 */
#ifndef PORTO_COMMON_FRAMES_H
#define PORTO_COMMON_FRAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LT_ETHERTYPE  0x88B6
#define LT_MAGIC      0x4C544B31u /* "LTK1" */
#define LT_MAX_NODES  64
#define LT_BCAST      0xFF
#define LT_TAPE_SLACK 1024 /* pattern offsets are taken modulo this */

enum lt_type { LT_HELLO = 1, LT_DATA, LT_ACK, LT_PROBE, LT_DONE };

struct lt_hdr {
    uint32_t magic;
    uint8_t type;
    uint8_t src; /* sender's rank */
    uint8_t dst; /* receiver's rank, or LT_BCAST */
    uint8_t flags;
    uint32_t seq;      /* DATA: index in the (src, dst) stream */
    uint16_t len;      /* DATA: the whole frame's length */
    uint16_t tape_off; /* DATA: where in the tape the payload starts */
    uint64_t mask;     /* HELLO: nodes heard from; DONE: nodes whose DONE arrived */
    uint32_t ack_uni;  /* ACK: unicast frames from the ACK's receiver: highest seq + 1 */
    uint32_t ack_bc;   /* ACK: broadcast frames likewise */
} __attribute__((packed));

struct lt_result {
    uint16_t uni, bc, corrupt, dup; /* from one node: received unicast, broadcast, bad, twice */
} __attribute__((packed));

#define LT_HDR_LEN (14 + (int)sizeof(struct lt_hdr))
_Static_assert(sizeof(struct lt_hdr) == 32, "linktest header is 32 bytes");

void lt_mac_of(int rank, uint8_t mac[6]);
/* Fill the pattern tape once at start; lt_tape() is read-only afterwards, so data frames
 * can hand it to the NIC without copying (drivers/nic.h buffer-lifetime rule). */
void lt_tape_init(void);
const uint8_t *lt_tape(void);
size_t lt_tape_len(void);
uint16_t lt_tape_offset(int src, int dst, uint32_t seq);

/* Ethernet header + linktest header into buf (LT_HDR_LEN bytes). */
void lt_put_header(uint8_t *buf, const uint8_t dst_mac[6], const uint8_t src_mac[6],
                   const struct lt_hdr *h);
/* Parse a received frame: false unless it is a linktest frame with a sane header. */
bool lt_get_header(const void *frame, size_t len, struct lt_hdr *h);

/* Does a DATA frame hold exactly what (h->src, h->dst, h->seq) must carry? */
bool lt_data_intact(const void *frame, size_t len, const struct lt_hdr *h, const uint8_t me_mac[6]);

#endif
