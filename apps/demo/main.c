/*
 * apps/demo — Porto's demonstration job (`make demo` PXE-boots it on a 4-node QEMU cluster).
 * Rank 0 prints, for every other rank: 0-byte half round-trip latency (median and min over
 * 200 round trips, flow-controlled sends) and bandwidth of 1 MiB messages; then barrier and
 * 8-byte allreduce times; then a verified parallel result (pi by the midpoint rule, split over
 * the ranks and summed with allreduce). Exits non-zero when a check fails.
 * The header says what the numbers depend on: how many CPUs the host has (kernel word
 * hostcpus=, passed by porto-run) for how many nodes, and the idle policy (idle=): with more
 * nodes than CPUs the nodes halt when idle so that the two talking at a time get the CPUs.
 *   scripts/porto-run -n 4 build/demo.elf
 */
#include "net/ap.h"
#include "porto.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PORT_PING 1
#define PORT_BULK 2
#define ROUNDS    200
#define BULK      (1u << 20)
#define BULK_REPS 8
#define WAIT_NS   10000000000ull

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static int fail(const char *what, int err)
{
    printf("demo: %s failed: %s\n", what, ap_strerror(err));
    return 1;
}

/* Rank 0 pings `peer`; the peer echoes. Returns the sorted half round trips in ns. */
static int pingpong(struct ap *ap, int peer, size_t len, int rounds, uint64_t *half_rtt,
                    const void *buf)
{
    int me = porto_rank(), port = len ? PORT_BULK : PORT_PING, r;
    for (int i = 0; i < rounds; i++) {
        if (me == 0) {
            uint64_t t0 = porto_time_ns();
            if ((r = ap_send_fc(ap, peer, port, buf, len)) < 0) return r;
            if ((r = ap_port_wait(ap, port, WAIT_NS, NULL, NULL)) < 0) return r;
            half_rtt[i] = (porto_time_ns() - t0) / 2;
        } else {
            if ((r = ap_port_wait(ap, port, WAIT_NS, NULL, NULL)) < 0) return r;
            if ((r = ap_send_fc(ap, 0, port, buf, len)) < 0) return r;
        }
    }
    if (me == 0) qsort(half_rtt, (size_t)rounds, sizeof *half_rtt, cmp_u64);
    return 0;
}

int main(void)
{
    struct ap *ap = porto_ap();
    int me = porto_rank(), n = porto_nodes(), r;
    if (!ap || n < 2) {
        printf("demo: needs a job of 2 or more nodes (scripts/porto-run -n 4 build/demo.elf)\n");
        return 1;
    }
    static uint64_t t[ROUNDS];
    uint8_t *bulk = malloc(BULK), *inbox = malloc(BULK);
    if (!bulk || !inbox) return fail("malloc", 0);
    for (size_t i = 0; i < BULK; i++)
        bulk[i] = (uint8_t)(i * 7 + 1);
    if ((r = ap_port_open(ap, PORT_PING, NULL, 0, NULL, NULL, 0)) < 0 ||
        (r = ap_port_open(ap, PORT_BULK, inbox, BULK, NULL, NULL, 0)) < 0)
        return fail("ap_port_open", r);
    if ((r = ap_barrier(ap)) < 0) return fail("barrier", r);

    if (me == 0) {
        int64_t cpus = porto_arg_int("hostcpus", 0);
        printf("Porto demo: %d nodes", n);
        if (cpus > 0) printf(" on a host with %lld CPU%s", (long long)cpus, cpus == 1 ? "" : "s");
        printf(", idle policy %s\n", porto_idle_policy());
        if (cpus > 0 && n > cpus)
            printf("  (more nodes than CPUs: waiting nodes halt, so the pair being measured runs;\n"
                   "   latencies are those of an emulated NIC under TCG, not of real hardware)\n");
        printf("%-6s %14s %14s %16s\n", "peer", "latency med", "latency min", "bandwidth 1 MiB");
    }
    int bad = 0;
    for (int peer = 1; peer < n; peer++) {
        if (me == 0 || me == peer) {
            if ((r = pingpong(ap, peer, 0, ROUNDS, t, NULL)) < 0) return fail("ping-pong", r);
            uint64_t med = t[ROUNDS / 2], min = t[0];
            if ((r = pingpong(ap, peer, BULK, BULK_REPS, t, bulk)) < 0)
                return fail("bulk ping-pong", r);
            if (me == 0) {
                double mbps = (double)BULK / ((double)t[BULK_REPS / 2] / 1e9) / 1e6;
                printf("0<->%-2d %11.1f us %11.1f us %11.1f MB/s\n", peer, med / 1e3, min / 1e3,
                       mbps);
            }
            if (memcmp(inbox, bulk, BULK) != 0) {
                printf("demo: 1 MiB message from rank %d corrupted\n", me == 0 ? peer : 0);
                bad = 1;
            }
        }
        if ((r = ap_barrier(ap)) < 0) return fail("barrier", r);
    }

    uint64_t t0 = porto_time_ns();
    for (int i = 0; i < ROUNDS; i++)
        if ((r = ap_barrier(ap)) < 0) return fail("barrier", r);
    uint64_t barrier_ns = (porto_time_ns() - t0) / ROUNDS;
    double one = me + 1, sum = 0;
    t0 = porto_time_ns();
    for (int i = 0; i < ROUNDS; i++)
        if ((r = ap_allreduce(ap, &one, &sum, 1, AP_DOUBLE, AP_SUM)) < 0)
            return fail("allreduce", r);
    uint64_t allreduce_ns = (porto_time_ns() - t0) / ROUNDS;
    if (sum != n * (n + 1) / 2.0) {
        printf("demo: allreduce gave %f, expected %f\n", sum, n * (n + 1) / 2.0);
        bad = 1;
    }

    /* pi = integral of 4/(1+x^2) over [0,1]; rank r sums every n-th midpoint. */
    const long steps = 2000000;
    double h = 1.0 / steps, part = 0, pi = 0;
    for (long i = me; i < steps; i += n) {
        double x = (i + 0.5) * h;
        part += 4.0 / (1.0 + x * x);
    }
    part *= h;
    if ((r = ap_allreduce(ap, &part, &pi, 1, AP_DOUBLE, AP_SUM)) < 0) return fail("allreduce", r);
    int pi_ok = fabs(pi - M_PI) < 1e-9;
    if (me == 0) {
        printf("barrier (%d nodes):         %8.1f us (mean of %d)\n", n, barrier_ns / 1e3, ROUNDS);
        printf("allreduce 8 bytes (%d nodes): %8.1f us (mean of %d)\n", n, allreduce_ns / 1e3,
               ROUNDS);
        printf("pi over %d ranks: %.12f, error %.1e: %s\n", n, pi, fabs(pi - M_PI),
               pi_ok ? "verified" : "WRONG");
    }
    return bad || !pi_ok;
}
