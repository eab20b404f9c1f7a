/*
 * tests/engine/test_udp.c — the engine over real kernel sockets: 4 nodes (threads) linked by
 * loopback UDP (tests/engine/udplink.c). All-to-all FC rounds into per-source one-shot slots
 * (sizes 0 .. 300 KB, every byte checked), collectives, and the 0-byte BE/FC ping-pong
 * latency through the kernel (printed).
 * Run: make build/host/tests/engine/test_udp && build/host/tests/engine/test_udp
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/engine/cluster.h"
#include "tests/engine/udplink.h"

#define NODES 4
#define SLOT  300000

static struct udplink *links[NODES];

static struct link *make_link(unsigned rank, void *arg)
{
    (void)arg;
    return udplink_link(links[rank]);
}

static int open_links(void)
{
    for (int attempt = 0; attempt < 20; attempt++) {
        uint16_t base = (uint16_t)(20000 + (getpid() * 7 + attempt * 101) % 40000);
        int k;
        for (k = 0; k < NODES; k++)
            if (!(links[k] = udplink_open((unsigned)k, NODES, base, 1500))) break;
        if (k == NODES) return 0;
        while (k-- > 0)
            udplink_close(links[k]);
    }
    return -1;
}

static const size_t sizes[] = {0, 1, 1456, 1457, 65536, SLOT};

static int all_to_all_node(struct ap *ap, void *vp)
{
    (void)vp;
    int me = ap_rank(ap), n = ap_nodes(ap);
    uint8_t *in = malloc((size_t)n * SLOT), *out = malloc(SLOT);
    struct ap_req req[NODES];
    TC_CHECK(ap, in && out, "malloc");
    TC_CHECK(
        ap,
        ap_port_open(ap, 5, in, (size_t)n * SLOT, NULL, NULL, AP_PORT_SLOTS | AP_PORT_ONESHOT) == 0,
        "open");
    TC_CHECK(ap, ap_barrier(ap) == 0, "barrier");
    for (size_t r = 0; r < sizeof(sizes) / sizeof(sizes[0]); r++) {
        for (size_t i = 0; i < sizes[r]; i++)
            out[i] = tc_pattern((uint32_t)(r * 64 + (size_t)me), i);
        for (int d = 0; d < n; d++)
            if (d != me) TC_CHECK(ap, ap_isend_fc(ap, &req[d], d, 5, out, sizes[r]) == 0, "isend");
        uint64_t want = (uint64_t)(r + 1) * (uint64_t)(n - 1);
        while (ap_port_deliveries(ap, 5) < want)
            ap_poll(ap);
        for (int s = 0; s < n; s++)
            for (size_t i = 0; s != me && i < sizes[r]; i++)
                TC_CHECK(ap,
                         in[(size_t)s * SLOT + i] == tc_pattern((uint32_t)(r * 64 + (size_t)s), i),
                         "round %zu: byte %zu from %d", r, i, s);
        for (int d = 0; d < n; d++)
            if (d != me) TC_CHECK(ap, ap_wait(ap, &req[d]) == 0, "wait");
        TC_CHECK(ap, ap_port_post(ap, 5, NULL, 0) == 0, "re-arm");
    }
    double x = me + 1, sum = 0;
    TC_CHECK(ap, ap_allreduce(ap, &x, &sum, 1, AP_DOUBLE, AP_SUM) == 0, "allreduce");
    TC_CHECK(ap, sum == n * (n + 1) / 2.0, "sum %g", sum);
    /* 0-byte ping-pong between ranks 0 and 1, BE then FC. */
    TC_CHECK(ap, ap_port_open(ap, 6, NULL, 0, NULL, NULL, 0) == 0, "open");
    TC_CHECK(ap, ap_barrier(ap) == 0, "barrier");
    if (me < 2) {
        for (int fc = 0; fc < 2; fc++) {
            enum { ROUNDS = 2000 };
            uint64_t t0 = msw_now_ns();
            for (int i = 0; i < ROUNDS; i++) {
                if (me == 0)
                    TC_CHECK(ap, (fc ? ap_send_fc : ap_send_be)(ap, 1, 6, NULL, 0) == 0, "ping");
                TC_CHECK(ap, ap_port_wait(ap, 6, 5000000000ull, NULL, NULL) == 0, "wait %d", i);
                if (me == 1)
                    TC_CHECK(ap, (fc ? ap_send_fc : ap_send_be)(ap, 0, 6, NULL, 0) == 0, "pong");
            }
            if (me == 0)
                printf("udp loopback: 0-byte %s half round trip %.2f us (mean of %d)\n",
                       fc ? "FC" : "BE", (msw_now_ns() - t0) / 2e3 / ROUNDS, ROUNDS);
        }
    }
    TC_CHECK(ap, ap_barrier(ap) == 0, "barrier");
    free(in);
    free(out);
    return 0;
}

static void test_udp_all_to_all(void **state)
{
    (void)state;
    if (open_links() < 0) skip();
    struct tc_opts o;
    memset(&o, 0, sizeof(o));
    o.nodes = NODES;
    o.ap.job_id = 9;
    o.ap.rto_min_ns = 1000000;
    o.ap.rto_init_ns = 5000000;
    o.make_link = make_link;
    struct tc_result res;
    unsigned failed = tc_run(&o, all_to_all_node, NULL, &res);
    for (int k = 0; k < NODES; k++)
        udplink_close(links[k]);
    printf("udp loopback: %llu frames sent, %llu retransmitted, %llu link busy\n",
           (unsigned long long)TC_SUM(&res, NODES, tx_frames),
           (unsigned long long)TC_SUM(&res, NODES, retransmits),
           (unsigned long long)TC_SUM(&res, NODES, link_busy));
    if (failed) fail_msg("%u node(s) failed: %s", failed, res.why);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_udp_all_to_all)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
