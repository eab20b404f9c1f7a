/*
 * tests/engine/memswitch.h — an in-memory Ethernet switch implementing net/link.h for many
 * nodes in one process (each node usually a thread), with fault injection at set rates from a
 * seed: drop, duplicate, reorder, corrupt (bit flips), delay. Used by every engine host test;
 * its own behaviour is checked by tests/engine/test_memswitch.c.
 *
 * Node k has MAC 02:50:4f:00:HI:LO (k = HI << 8 | LO). Frames are copied whole at send time,
 * unless `deferred` is set: then pieces larger than LINK_COPY_MAX are read later (a frame
 * "in the device"), one per pending() call and all on the sender's next poll(), which catches
 * engines that reuse a buffer before pending() reaches 0. Like a NIC's ring, a frame in that
 * mode is pending from send() until the device was told of it by flush() (the doorbell) and
 * has read it, which takes until the sender's second poll() after the doorbell: pending()
 * stays above 0 meanwhile, so a send acknowledged in the next pass finds the link busy. A full
 * receive queue refuses the send (back-pressure, like a full TX ring), so a fault-free switch never
 * loses a frame.
 */
#ifndef PORTO_TESTS_MEMSWITCH_H
#define PORTO_TESTS_MEMSWITCH_H

#include <stdint.h>

#include "net/link.h"

struct msw_faults {
    double drop;    /* probability a frame vanishes */
    double dup;     /* probability a frame arrives twice */
    double reorder; /* probability a frame overtakes the one queued before it */
    double corrupt; /* probability of 1..3 flipped bits anywhere in the frame */
    double delay;   /* probability a frame is held back delay_ns (and those behind it) */
    uint64_t delay_ns;
    /* A slow switch: each node's port forwards `rate` bytes per second (0 = at once) and
     * queues at most `buffer` bytes behind that rate; a frame that does not fit is dropped
     * (tail drop, counted as dropped), like a switch port slower than its senders. */
    uint64_t rate;
    uint64_t buffer;
    /* Each node's own link sends at most `tx_rate` bytes per second (0 = at once): a send
     * past a 64-frame transmit ring is refused, like a NIC at line rate. */
    uint64_t tx_rate;
};

struct msw_opts {
    unsigned nodes;
    unsigned mtu;  /* 0 = 1500 */
    unsigned qcap; /* receive queue per node, frames; 0 = 512 */
    struct msw_faults faults;
    uint64_t seed;
    int deferred;
};

struct msw_counters {
    uint64_t sent, delivered, dropped, duplicated, reordered, corrupted, delayed, refused;
};

struct msw;
struct msw *msw_create(const struct msw_opts *o);
void msw_destroy(struct msw *sw);
struct link *msw_link(struct msw *sw, unsigned node);
void msw_mac(unsigned node, uint8_t mac[6]);
/* A down node neither sends nor receives (frames to and from it vanish). */
void msw_set_down(struct msw *sw, unsigned node, int down);
/* Faults can change while traffic flows (e.g. a clean start, then loss). */
void msw_set_faults(struct msw *sw, const struct msw_faults *f);
void msw_counters(struct msw *sw, struct msw_counters *out);
/* Put one raw frame straight into node's receive queue (malformed-frame tests). */
void msw_inject(struct msw *sw, unsigned node, const void *frame, unsigned len);

uint64_t msw_now_ns(void); /* CLOCK_MONOTONIC */

#endif
