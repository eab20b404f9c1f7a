/*
 * smp/switch.h — the node's software switch: one net/link.h link per core over lock-free rings
 * in memory every core sees, and the node's NIC shared by all of them (smp/switch.c).
 */
#ifndef PORTO_SMP_SWITCH_H
#define PORTO_SMP_SWITCH_H
#include <stdint.h>

#include "net/link.h"

struct nic;
struct sw_stats {
    uint64_t local;        /* frames from one core to another, copies of broadcasts included */
    uint64_t to_nic;       /* frames handed to the NIC */
    uint64_t from_nic;     /* frames the NIC received */
    uint64_t drop_full;    /* a receiving core's ring was full (a broadcast, or from the NIC) */
    uint64_t drop_unknown; /* from the NIC, for no core of this node */
    uint64_t drop_own;     /* from the NIC, sent by a core of this node (a looping switch) */
    uint64_t drop_bad;     /* a frame too short or longer than the MTU */
    uint64_t nic_error;    /* the NIC refused a frame (not for a full ring) */
};

/* Before the other cores start (page-allocated memory, above every core's private range):
 * `cores` ports with these MACs, over `nic` (opened, accepting those MACs; NULL: the cores only
 * talk among themselves). Returns 0, or -1 when out of memory. */
int sw_create(unsigned cores, struct nic *nic, const uint8_t (*macs)[6]);
/* This core's link (called on each core after it started). */
void sw_link(struct link *l, unsigned core);
void sw_stats(struct sw_stats *out);
#endif
