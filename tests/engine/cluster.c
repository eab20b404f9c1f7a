/*
 * tests/engine/cluster.c — N engine nodes as N threads over the in-memory switch
 * (see cluster.h). Used by the engine's host tests.
 */
#define _GNU_SOURCE
#include "tests/engine/cluster.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct node {
    pthread_t th;
    struct ap ap;
    unsigned rank;
    int rc;
    struct run *run;
};

struct run {
    const struct tc_opts *o;
    struct msw *sw;
    uint8_t (*macs)[6];
    tc_node_fn fn;
    void *arg;
    struct node *nodes;
    atomic_uint finished, quiet;
    atomic_int all_done;
    atomic_uint sync_count, sync_gen;
    unsigned running;
    pthread_mutex_t mu;
    unsigned failed;
    char why[512];
};

static struct run *current;

struct msw *tc_switch(void)
{
    return current ? current->sw : NULL;
}

void tc_sync(struct ap *ap)
{
    struct run *run = current;
    unsigned gen = atomic_load(&run->sync_gen);
    if (atomic_fetch_add(&run->sync_count, 1) + 1 == run->running) {
        atomic_store(&run->sync_count, 0);
        atomic_fetch_add(&run->sync_gen, 1);
        return;
    }
    while (atomic_load(&run->sync_gen) == gen) {
        ap_poll(ap);
        sched_yield();
    }
}

static void idle_yield(void *arg)
{
    (void)arg;
    sched_yield();
}

int tc_fail(struct ap *ap, const char *fmt, ...)
{
    struct run *run = current;
    char msg[400];
    va_list va;
    va_start(va, fmt);
    vsnprintf(msg, sizeof(msg), fmt, va);
    va_end(va);
    pthread_mutex_lock(&run->mu);
    if (!run->why[0])
        snprintf(run->why, sizeof(run->why), "rank %d: %s", ap ? ap_rank(ap) : -1, msg);
    pthread_mutex_unlock(&run->mu);
    fprintf(stderr, "rank %d: %s\n", ap ? ap_rank(ap) : -1, msg);
    return -1;
}

static void *node_main(void *vp)
{
    struct node *nd = vp;
    struct run *run = nd->run;
    const struct tc_opts *o = run->o;
    struct ap_config cfg = o->ap;
    cfg.nodes = o->nodes;
    cfg.rank = nd->rank;
    cfg.macs = (const uint8_t(*)[6])run->macs;
    cfg.link = o->make_link ? o->make_link(nd->rank, o->link_arg) : msw_link(run->sw, nd->rank);
    cfg.now_ns = msw_now_ns;
    cfg.idle = idle_yield;
    int r = ap_init(&nd->ap, &cfg);
    if (r < 0) {
        nd->rc = tc_fail(NULL, "ap_init: %s", ap_error(&nd->ap));
        atomic_fetch_add(&run->finished, 1);
        atomic_fetch_add(&run->quiet, 1);
        return NULL;
    }
    nd->rc = run->fn(&nd->ap, run->arg);
    atomic_fetch_add(&run->finished, 1);
    /* Keep serving the others until every node is done and no FC frame is outstanding. */
    int quiet = 0;
    while (!atomic_load(&run->all_done)) {
        ap_poll(&nd->ap);
        if (!quiet && ap_quiescent(&nd->ap)) {
            quiet = 1;
            atomic_fetch_add(&run->quiet, 1);
        }
        sched_yield();
    }
    return NULL;
}

/* Diagnostics for a hung run: the engine's stream state (racy: the threads still run). */
static void dump_node(const struct ap *ap)
{
    char text[2048];
    if (!ap->peers) return;
    ap_stats_format(&ap->st, text, sizeof(text));
    fprintf(stderr, "--- rank %u: bfc una %u nxt %u rnr %u probe %u nbrnr %u blive %u head %p\n",
            ap->rank, ap->bfc.una, ap->bfc.nxt, ap->bfc.rnr, ap->bfc.probe, ap->nbrnr, ap->blive,
            (void *)ap->bfc.head);
    for (unsigned i = 0; i < ap->nodes; i++) {
        const struct ap_peer *p = &ap->peers[i];
        fprintf(stderr,
                "  peer %u: fc una %u nxt %u rtx %u rnr %u | back %u brnr %u | rx_expect %u/%u "
                "rx_rnr %u/%u asm %u/%u dead %u\n",
                i, p->fc.una, p->fc.nxt, p->fc.rtx, p->fc.rnr, p->back, p->brnr, p->rx_expect[0],
                p->rx_expect[1], p->rx_rnr[0], p->rx_rnr[1], p->as[0].active, p->as[1].active,
                p->dead);
    }
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
        if (strstr(line, "drop_") == NULL || strcmp(strchr(line, ' '), " 0") != 0)
            fprintf(stderr, "  %s\n", line);
}

uint64_t tc_sum(const struct tc_result *r, unsigned nodes, size_t offset)
{
    uint64_t s = 0;
    for (unsigned k = 0; k < nodes && k < 64; k++)
        s += *(const uint64_t *)((const char *)&r->stats[k] + offset);
    return s;
}

unsigned tc_run(const struct tc_opts *o, tc_node_fn fn, void *arg, struct tc_result *res)
{
    struct run run;
    memset(&run, 0, sizeof(run));
    memset(res, 0, sizeof(*res));
    run.o = o;
    run.fn = fn;
    run.arg = arg;
    pthread_mutex_init(&run.mu, NULL);
    struct msw_opts so = o->sw;
    so.nodes = o->nodes;
    run.sw = msw_create(&so);
    run.macs = calloc(o->nodes, 6);
    run.nodes = calloc(o->nodes, sizeof(*run.nodes));
    if (!run.sw || !run.macs || !run.nodes) {
        snprintf(res->why, sizeof(res->why), "tc_run: out of memory");
        return res->failed = o->nodes;
    }
    for (unsigned k = 0; k < o->nodes; k++)
        msw_mac(k, run.macs[k]);
    current = &run;
    unsigned running = 0;
    for (unsigned k = 0; k < o->nodes; k++)
        if (!(k < 32 && (o->down_mask >> k) & 1)) running++;
    run.running = running;
    for (unsigned k = 0; k < o->nodes; k++) {
        run.nodes[k].rank = k;
        run.nodes[k].run = &run;
        if (k < 32 && (o->down_mask >> k) & 1) {
            msw_set_down(run.sw, k, 1);
            continue;
        }
        pthread_create(&run.nodes[k].th, NULL, node_main, &run.nodes[k]);
    }
    unsigned timeout_s = o->timeout_s ? o->timeout_s : 30;
    uint64_t deadline = msw_now_ns() + (uint64_t)timeout_s * 1000000000ull;
    while (atomic_load(&run.finished) < running || atomic_load(&run.quiet) < running) {
        if (msw_now_ns() > deadline) {
            fprintf(stderr, "tc_run: timeout after %u s: %u of %u nodes finished, %u quiet\n",
                    timeout_s, atomic_load(&run.finished), running, atomic_load(&run.quiet));
            for (unsigned k = 0; k < o->nodes && k < 64; k++)
                dump_node(&run.nodes[k].ap);
            fflush(stderr);
            abort(); /* node threads may be stuck inside blocking calls */
        }
        struct timespec ts = {0, 2000000};
        nanosleep(&ts, NULL);
    }
    atomic_store(&run.all_done, 1);
    for (unsigned k = 0; k < o->nodes; k++) {
        if (k < 32 && (o->down_mask >> k) & 1) continue;
        pthread_join(run.nodes[k].th, NULL);
        if (run.nodes[k].rc) res->failed++;
        if (k < 64) ap_stats(&run.nodes[k].ap, &res->stats[k]);
    }
    msw_counters(run.sw, &res->sw);
    memcpy(res->why, run.why, sizeof(res->why));
    for (unsigned k = 0; k < o->nodes; k++)
        if (!(k < 32 && (o->down_mask >> k) & 1)) ap_fini(&run.nodes[k].ap);
    current = NULL;
    msw_destroy(run.sw);
    free(run.macs);
    free(run.nodes);
    pthread_mutex_destroy(&run.mu);
    return res->failed;
}
