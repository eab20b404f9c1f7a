/*
 * tests/engine/cluster.h — run N Active Port nodes as N threads over one in-memory switch.
 * Each thread sets up its engine, runs the test's node function, then keeps polling until
 * every node has finished and none has FC traffic outstanding (so late ACKs and
 * retransmissions still find their peers). Failures inside node functions are recorded with
 * tc_fail() and reported by tc_run() in the main (cmocka) thread.
 */
#ifndef PORTO_TESTS_CLUSTER_H
#define PORTO_TESTS_CLUSTER_H

#include <stdarg.h>

#include "net/ap.h"
#include "tests/engine/memswitch.h"

struct tc_opts {
    unsigned nodes;
    struct msw_opts sw;  /* sw.nodes is filled in from nodes */
    struct ap_config ap; /* template: nodes, rank, macs, link, now_ns, idle are set */
    unsigned timeout_s;  /* whole run; 0 = 30 */
    unsigned down_mask;  /* ranks (bit per rank) whose threads do not run at all */
    /* Optional: each rank's link comes from here instead of the in-memory switch. */
    struct link *(*make_link)(unsigned rank, void *arg);
    void *link_arg;
};

struct tc_result {
    unsigned failed;           /* nodes whose function failed */
    char why[512];             /* the first failure */
    struct ap_stats stats[64]; /* per rank, after the run (up to 64 ranks) */
    struct msw_counters sw;
};

typedef int (*tc_node_fn)(struct ap *ap, void *arg);

/* Runs fn on every node; returns the number of failed nodes (0 = all passed). */
unsigned tc_run(const struct tc_opts *o, tc_node_fn fn, void *arg, struct tc_result *res);
/* Record a failure of the calling node (first one wins) and return -1. */
int tc_fail(struct ap *ap, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A barrier between the running node threads that keeps polling the engine while it waits
 * (independent of the engine's own collectives). */
void tc_sync(struct ap *ap);
/* The switch of the running cluster (to change faults or take nodes down mid-run). */
struct msw *tc_switch(void);
/* Sum of one counter over the ranks of a result. */
uint64_t tc_sum(const struct tc_result *r, unsigned nodes, size_t offset);
#define TC_SUM(res, nodes, field) tc_sum(res, nodes, __builtin_offsetof(struct ap_stats, field))

#define TC_CHECK(ap, cond, ...)                                                                    \
    do {                                                                                           \
        if (!(cond)) return tc_fail(ap, __VA_ARGS__);                                              \
    } while (0)

/* Deterministic test patterns: byte i of a message identified by `id`. */
static inline uint8_t tc_pattern(uint32_t id, size_t i)
{
    uint32_t x = id * 2654435761u + (uint32_t)i * 40503u + (uint32_t)(i >> 8) * 977u;
    return (uint8_t)(x ^ (x >> 13));
}

#endif
