/*
 * apps/smpbench — ranks on one node against ranks on two, in one job (make bench, BENCH_ONLY=smp).
 * On N nodes x C cores (kernel word cpus=C, which porto-run --cpus passes; node K's core c is
 * rank K*C + c) rank 0 measures, alternating sample by sample so both see the same host load:
 *   - the 0-byte flow-controlled half round trip to rank 1 (same node: the node's switch) and
 *     to rank C (the next node: the NIC and the network);
 *   - the bandwidth of a stream of flow-controlled messages (size= bytes, count= per sample)
 *     to each of them, ended by a 0-byte reply;
 *   - and every rank runs barriers, timed by rank 0.
 * With one core per node only the barrier and the inter-node half round trip are measured
 * (the baseline of the 2 x 2 barrier). Output: lines
 *   RESULT impl=porto-smp op=latency|bandwidth|barrier where=intra|inter|all nodes=N cores=C
 *       size=S median=.. min=.. p99=.. unit=us n=.. idle=spin|halt:US   (bandwidth: median,
 *       slowest, fastest in MB/s)
 * Example: scripts/porto-run -n 2 --cpus 2 build/smpbench.elf -- samples=200
 */
#include "common/bench_stats.h"
#include "net/ap.h"
#include "porto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PORT_PING 1
#define PORT_PONG 2
#define PORT_BULK 3
#define PORT_STOP 4

static struct ap *ap;
static volatile unsigned pings, pongs, bulks, stops;
static uint8_t *bulk_buf;

static void on_ping(struct ap *a, int src, int port, void *data, size_t len, void *arg)
{
    (void)a, (void)src, (void)port, (void)data, (void)len, (void)arg;
    pings++;
}
static void on_pong(struct ap *a, int src, int port, void *data, size_t len, void *arg)
{
    (void)a, (void)src, (void)port, (void)data, (void)len, (void)arg;
    pongs++;
}
static void on_bulk(struct ap *a, int src, int port, void *data, size_t len, void *arg)
{
    (void)a, (void)src, (void)port, (void)data, (void)len, (void)arg;
    bulks++;
}
static void on_stop(struct ap *a, int src, int port, void *data, size_t len, void *arg)
{
    (void)a, (void)src, (void)port, (void)data, (void)len, (void)arg;
    stops++;
}

static uint64_t now(void)
{
    return porto_time_ns();
}

static int must(int rc, const char *what)
{
    if (rc < 0) {
        printf("smpbench: rank %d: %s: %s\n", porto_rank(), what, ap_strerror(rc));
        exit(1);
    }
    return rc;
}

/* A peer of rank 0: answer pings with pongs, and each `count` bulk messages with one pong,
 * until rank 0 says stop. */
static void serve(unsigned count)
{
    unsigned answered = 0, bulk_seen = 0;
    while (!stops) {
        if (ap_poll(ap) == 0) porto_idle();
        if (pings > answered) {
            answered++;
            must(ap_send_fc(ap, 0, PORT_PONG, NULL, 0), "pong");
        }
        if (bulks >= bulk_seen + count) {
            bulk_seen += count;
            must(ap_send_fc(ap, 0, PORT_PONG, NULL, 0), "bulk reply");
        }
    }
}

static void wait_pong(unsigned want)
{
    while (pongs < want)
        if (ap_poll(ap) == 0) porto_idle();
}

static void report(const char *op, const char *where, int nodes, int cores, size_t size,
                   uint64_t *ns, size_t n, unsigned divisor)
{
    struct bench_summary s = bench_summarize(ns, n, 1000000000ull, divisor);
    printf("RESULT impl=porto-smp op=%s where=%s nodes=%d cores=%d size=%zu median=%.2f "
           "min=%.2f p99=%.2f unit=us n=%zu idle=%s\n",
           op, where, nodes, cores, size, s.median_us, s.min_us, s.p99_us, s.n,
           porto_idle_policy());
}

/* Bandwidth from per-sample times: MB/s of the median, the p99 (slowest) and the fastest
 * sample. */
static void report_bw(const char *where, int nodes, int cores, size_t bytes, uint64_t *ns, size_t n)
{
    struct bench_summary s = bench_summarize(ns, n, 1000000000ull, 1);
    printf("RESULT impl=porto-smp op=bandwidth where=%s nodes=%d cores=%d size=%zu median=%.2f "
           "slowest=%.2f fastest=%.2f unit=MB/s n=%zu idle=%s\n",
           where, nodes, cores, bytes, bytes / s.median_us, bytes / s.p99_us, bytes / s.min_us, s.n,
           porto_idle_policy());
}

int main(int argc, char **argv)
{
    ap = porto_ap();
    int me = porto_rank(), n = porto_nodes();
    int cores = (int)porto_arg_int("cpus", 1);
    size_t samples = 200, size = 256 * 1024, count = 8, barriers = 200;
    for (int i = 1; i < argc; i++) {
        unsigned long v;
        if (sscanf(argv[i], "samples=%lu", &v) == 1 && v > 0)
            samples = v;
        else if (sscanf(argv[i], "size=%lu", &v) == 1 && v > 0)
            size = v;
        else if (sscanf(argv[i], "count=%lu", &v) == 1 && v > 0)
            count = v;
        else if (sscanf(argv[i], "barriers=%lu", &v) == 1 && v > 0)
            barriers = v;
        else {
            printf("usage: smpbench [samples=N] [size=BYTES] [count=N] [barriers=N]\n");
            return 2;
        }
    }
    if (!ap || cores < 1 || n < 2 * cores) {
        printf("smpbench: needs a job of at least 2 nodes (porto-run -n 2 [--cpus C])\n");
        return 2;
    }
    int nodes = n / cores, intra = cores > 1 ? 1 : -1, inter = cores;
    bulk_buf = malloc(size);
    uint64_t *t_intra = calloc(samples, sizeof *t_intra), *t_inter = calloc(samples, 8);
    uint64_t *b_intra = calloc(samples, 8), *b_inter = calloc(samples, 8);
    uint64_t *t_bar = calloc(barriers, 8);
    if (!bulk_buf || !t_intra || !t_inter || !b_intra || !b_inter || !t_bar) {
        printf("smpbench: out of memory\n");
        return 1;
    }
    memset(bulk_buf, 0x5a, size);
    must(ap_port_open(ap, PORT_PING, NULL, 0, on_ping, NULL, 0), "port");
    must(ap_port_open(ap, PORT_PONG, NULL, 0, on_pong, NULL, 0), "port");
    must(ap_port_open(ap, PORT_BULK, bulk_buf, size, on_bulk, NULL, 0), "port");
    must(ap_port_open(ap, PORT_STOP, NULL, 0, on_stop, NULL, 0), "port");
    must(ap_barrier(ap), "barrier");

    if (me == 0) {
        unsigned want = 0;
        /* Warm-up, then the samples, intra and inter in turn. */
        for (size_t i = 0; i < samples + 10; i++)
            for (int k = 0; k < 2; k++) {
                int peer = k ? inter : intra;
                if (peer < 0) continue;
                uint64_t t0 = now();
                must(ap_send_fc(ap, peer, PORT_PING, NULL, 0), "ping");
                wait_pong(++want);
                if (i >= 10) (k ? t_inter : t_intra)[i - 10] = now() - t0;
            }
        for (size_t i = 0; i < samples / 4 + 2; i++)
            for (int k = 0; k < 2; k++) {
                int peer = k ? inter : intra;
                if (peer < 0) continue;
                uint64_t t0 = now();
                for (size_t m = 0; m < count; m++)
                    must(ap_send_fc(ap, peer, PORT_BULK, bulk_buf, size), "bulk");
                wait_pong(++want);
                if (i >= 2) (k ? b_inter : b_intra)[i - 2] = now() - t0;
            }
        if (intra > 0) must(ap_send_fc(ap, intra, PORT_STOP, NULL, 0), "stop");
        must(ap_send_fc(ap, inter, PORT_STOP, NULL, 0), "stop");
    } else if (me == intra || me == inter)
        serve((unsigned)count);
    must(ap_barrier(ap), "barrier");
    for (size_t i = 0; i < barriers + 10; i++) {
        uint64_t t0 = now();
        must(ap_barrier(ap), "barrier");
        if (i >= 10) t_bar[i - 10] = now() - t0;
    }
    if (me != 0) return 0;
    if (intra > 0) report("latency", "intra", nodes, cores, 0, t_intra, samples, 2);
    report("latency", "inter", nodes, cores, 0, t_inter, samples, 2);
    size_t nb = samples / 4;
    if (intra > 0) report_bw("intra", nodes, cores, size * count, b_intra, nb);
    report_bw("inter", nodes, cores, size * count, b_inter, nb);
    report("barrier", "all", nodes, cores, 0, t_bar, barriers, 1);
    printf("smpbench: idle policy %s\n", porto_idle_policy());
    return 0;
}
