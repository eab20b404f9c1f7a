/*
 * apps/linktest/report.c — linktest's result tables: what this node received from each node,
 * its NIC counters, and on rank 0 the whole cluster's matrix from everyone's DONE frames.
 * The verdict lines ("linktest: PASS"/"FAIL") are what tests/qemu/30-linktest.sh looks for.
 */
#include <stdio.h>

#include "drivers/nic.h"
#include "linktest.h"

#define MS 1000000ull

static unsigned lost_of(uint32_t m, unsigned uni, unsigned bc)
{
    return (uni < m ? m - uni : 0) + (bc < m ? m - bc : 0);
}

static void print_own_table(const struct lt_state *t, unsigned long *lost, unsigned long *bad)
{
    uint32_t m = t->stream_len;
    printf("linktest: node %d received, per sender (expected %u unicast + %u broadcast each):\n",
           t->rank, m, m);
    printf("   from    unicast      bcast   lost  corrupt  dup\n");
    for (int r = 0; r < t->nodes; r++) {
        const struct lt_peer *p = &t->peers[r];
        if (r == t->rank) continue;
        unsigned l = lost_of(m, p->uni, p->bc);
        printf("  %5d  %4u/%-4u  %4u/%-4u  %5u  %7u  %3u\n", r, p->uni, m, p->bc, m, l, p->corrupt,
               p->dup);
        *lost += l;
        *bad += p->corrupt;
    }
}

static void print_nic(const struct lt_state *t)
{
    struct nic_link link;
    t->nic->ops->link(t->nic, &link); /* also folds in the device's missed-frame counter */
    const struct nic_stats *s = &t->nic->stats;
    printf("linktest: nic: tx %llu frames %llu bytes, rx %llu frames %llu bytes, rx dropped %llu, "
           "rx errors %llu, tx errors %llu, tx ring full %llu\n",
           (unsigned long long)s->tx_frames, (unsigned long long)s->tx_bytes,
           (unsigned long long)s->rx_frames, (unsigned long long)s->rx_bytes,
           (unsigned long long)s->rx_dropped, (unsigned long long)s->rx_errors,
           (unsigned long long)s->tx_errors, (unsigned long long)s->tx_busy);
    if (t->other_frames || t->bad_headers || t->engine_frames)
        printf("linktest: also received %lu frames of other protocols, %lu with bad headers, "
               "%lu handed to the job's engine\n",
               t->other_frames, t->bad_headers, t->engine_frames);
}

/* Rank 0: one row per receiver, one column per sender, frames received (unicast + broadcast)
 * out of 2 * stream_len; "?" where the receiver's DONE never arrived. */
static int print_cluster(const struct lt_state *t)
{
    uint32_t m = t->stream_len;
    unsigned long lost = 0, bad = 0;
    int missing = 0;
    printf("linktest: cluster: frames received (unicast + broadcast, of %u) by row from column\n",
           2 * m);
    printf("  rx\\tx");
    for (int s = 0; s < t->nodes; s++)
        printf(" %6d", s);
    printf("\n");
    for (int r = 0; r < t->nodes; r++) {
        bool have = r == t->rank || t->peers[r].done_seen;
        printf("  %5d", r);
        for (int s = 0; s < t->nodes; s++) {
            if (s == r) {
                printf(" %6s", "-");
            } else if (!have) {
                printf(" %6s", "?");
            } else {
                unsigned uni, bc, corrupt;
                if (r == t->rank) {
                    uni = t->peers[s].uni;
                    bc = t->peers[s].bc;
                    corrupt = t->peers[s].corrupt;
                } else {
                    const struct lt_result *res = &t->peers[r].results[s];
                    uni = res->uni;
                    bc = res->bc;
                    corrupt = res->corrupt;
                }
                printf(" %6u", uni + bc);
                lost += lost_of(m, uni, bc);
                bad += corrupt;
            }
        }
        printf("\n");
        missing += !have;
    }
    printf("linktest: cluster: %lu frames lost, %lu corrupted, %d node(s) did not report\n", lost,
           bad, missing);
    return lost || bad || missing;
}

int lt_report(const struct lt_state *t)
{
    unsigned long lost = 0, bad = 0;
    print_own_table(t, &lost, &bad);
    uint64_t ns = t->t_done > t->t_data ? t->t_done - t->t_data : 0;
    uint64_t us = ns / 1000 ? ns / 1000 : 1;
    printf("linktest: sent %lu data frames (%llu bytes) in %llu.%03llu ms: %llu frames/s\n",
           t->data_sent, (unsigned long long)t->data_bytes_sent, (unsigned long long)(ns / MS),
           (unsigned long long)(ns / 1000 % 1000),
           (unsigned long long)(t->data_sent * 1000000ull / us));
    print_nic(t);
    int fail = lost || bad;
    printf("linktest: node %d: %s: %lu frames lost, %lu corrupted\n", t->rank,
           fail ? "FAIL" : "PASS", lost, bad);
    if (t->rank == 0) {
        int cluster_fail = print_cluster(t);
        printf("linktest: %s\n", cluster_fail ? "FAIL" : "PASS");
        fail |= cluster_fail;
    }
    return fail ? 1 : 0;
}
