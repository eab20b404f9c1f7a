/*
 * net/ap_coll.h — what the collectives share inside the engine (net/ap_coll.c: rounds,
 * tags, reduction; net/ap_coll_large.c: the large-message algorithms). Not an API.
 */
#ifndef PORTO_NET_AP_COLL_H
#define PORTO_NET_AP_COLL_H
#include "net/ap_internal.h"

/* Tag of a clear-to-send: the receive's tag with the top bit set (epochs use 23 bits). */
#define AP_COLL_CTS 0x80000000u
/* From this many bytes on, allreduce, broadcast, gather and allgather use the algorithms of
 * net/ap_coll_large.c (bandwidth-bound), below it the latency-bound ones of ap_coll.c. */
#define AP_COLL_LARGE (16u << 10)
/* Receives a gather root keeps open at once (pipelined gather): more would make every rank
 * send a full window to one link at the same time and overflow the switch's queue. */
#define AP_COLL_GATHER_WIDTH 2

#define AP_COLL_MAX_SENDS 17

/* One round: at most one receive and up to AP_COLL_MAX_SENDS sends, all run to completion. */
struct round {
    int from; /* -1: no receive */
    void *rbuf;
    size_t rcap, rlen;
    unsigned nsend;
    int to[AP_COLL_MAX_SENDS];
    const void *sbuf[AP_COLL_MAX_SENDS];
    size_t slen[AP_COLL_MAX_SENDS];
    uint8_t started[AP_COLL_MAX_SENDS];
    struct ap_req req[AP_COLL_MAX_SENDS];
    struct ap_req cts;
};

void apx_round_init(struct round *rd);
void apx_round_send(struct round *rd, int to, const void *buf, size_t len);
void apx_round_recv(struct round *rd, int from, void *buf, size_t cap);
/* Post the receive (and its clear-to-send when longer than AP_COLL_EAGER), start the sends
 * (a long one once its receiver's clear-to-send is here), wait for everything. 0 or -AP_E*
 * with ap->error set. */
int apx_round_run(struct ap *ap, struct round *rd, uint32_t tag);

uint32_t apx_coll_epoch(struct ap *ap); /* a fresh epoch for one collective call */
static inline uint32_t apx_coll_tag(uint32_t epoch, unsigned step)
{
    return epoch << 8 | (step & 0xFF);
}
int apx_coll_fail(struct ap *ap, int err, const char *why);
void *apx_coll_scratch(struct ap *ap, size_t size); /* grows; valid until the next call */
size_t apx_type_size(enum ap_type t);
void apx_combine(uint8_t *acc, const uint8_t *in, size_t count, enum ap_type type, enum ap_op op);

/* net/ap_coll_large.c: called by the public collectives for large messages, arguments
 * already checked. */
int apx_allreduce_large(struct ap *ap, const void *sendbuf, void *recvbuf, size_t count,
                        enum ap_type type, enum ap_op op);
int apx_bcast_large(struct ap *ap, int root, void *buf, size_t len);
int apx_allgather_large(struct ap *ap, const void *sendbuf, size_t blk, void *recvbuf);
int apx_gather_large(struct ap *ap, int root, const void *sendbuf, size_t blk, void *recvbuf);
#endif
