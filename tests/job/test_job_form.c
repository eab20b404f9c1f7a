/*
 * tests/job/test_job_form.c — job formation (net/job_form.c) on the host: every node is a
 * thread with its own link on a tiny in-memory Ethernet (broadcast + unicast by MAC).
 * Run: make unit-test (or build/host/tests/job/test_job_form).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "net/job_form.h"
#include "net/wire.h"

#define MAXN 12
#define QLEN 512
#define FMAX 128

struct port {
    struct link link;
    pthread_mutex_t mu;
    unsigned head, tail;
    uint8_t q[QLEN][FMAX];
    size_t qlen[QLEN];
};
static struct port ports[MAXN];
static unsigned nports;

static void deliver(struct port *p, const uint8_t *f, size_t len)
{
    pthread_mutex_lock(&p->mu);
    if (p->tail - p->head < QLEN && len <= FMAX) {
        memcpy(p->q[p->tail % QLEN], f, len);
        p->qlen[p->tail % QLEN] = len;
        p->tail++;
    }
    pthread_mutex_unlock(&p->mu);
}

static int mem_send(void *ctx, const struct link_iov *iov, unsigned n)
{
    struct port *me = ctx;
    uint8_t f[FMAX];
    size_t len = 0;
    for (unsigned i = 0; i < n; i++) {
        memcpy(f + len, iov[i].base, iov[i].len);
        len += iov[i].len;
    }
    for (unsigned i = 0; i < nports; i++) {
        struct port *p = &ports[i];
        if (p == me)
            continue;
        if (f[0] == 0xff || !memcmp(f, p->link.mac, 6))
            deliver(p, f, len);
    }
    return 0;
}
static void mem_flush(void *ctx) { (void)ctx; }
static unsigned mem_pending(void *ctx) { (void)ctx; return 0; }
static int mem_poll(void *ctx, link_rx_fn fn, void *arg, unsigned budget)
{
    struct port *p = ctx;
    int n = 0;
    uint8_t f[FMAX];
    while ((unsigned)n < budget) {
        pthread_mutex_lock(&p->mu);
        if (p->head == p->tail) {
            pthread_mutex_unlock(&p->mu);
            break;
        }
        size_t len = p->qlen[p->head % QLEN];
        memcpy(f, p->q[p->head % QLEN], len);
        p->head++;
        pthread_mutex_unlock(&p->mu);
        fn(arg, f, len);
        n++;
    }
    if (!n) {
        struct timespec ts = {0, 200000};
        nanosleep(&ts, NULL);
    }
    return n;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void make_ports(unsigned n, const uint8_t *last_bytes)
{
    nports = n;
    for (unsigned i = 0; i < n; i++) {
        struct port *p = &ports[i];
        memset(p, 0, sizeof *p);
        pthread_mutex_init(&p->mu, NULL);
        p->link = (struct link){.ctx = p, .mtu = 1500, .send = mem_send, .flush = mem_flush,
                                .poll = mem_poll, .pending = mem_pending};
        uint8_t mac[6] = {0x52, 0x54, 0x00, 0x77, 0x00, last_bytes[i]};
        memcpy(p->link.mac, mac, 6);
    }
}

struct node {
    struct job_form_config cfg;
    struct job_form_result res;
    int rc;
    pthread_t th;
};
static struct node nodes[MAXN];

static void *run_node(void *arg)
{
    struct node *n = arg;
    n->rc = job_form(&n->cfg, &n->res);
    /* Keep answering late nodes for a while, as the engine's foreign callback would. */
    uint64_t end = now_ns() + 300000000ull;
    while (n->rc == 0 && now_ns() < end) {
        struct port *p = n->cfg.link->ctx;
        uint8_t f[FMAX];
        size_t len = 0;
        pthread_mutex_lock(&p->mu);
        if (p->head != p->tail) {
            len = p->qlen[p->head % QLEN];
            memcpy(f, p->q[p->head % QLEN], len);
            p->head++;
        }
        pthread_mutex_unlock(&p->mu);
        if (len)
            job_form_answer(&n->cfg, &n->res, f, len);
        else {
            struct timespec ts = {0, 200000};
            nanosleep(&ts, NULL);
        }
    }
    return NULL;
}

/* ranks[i] = rank claim of node i (JOB_RANK_AUTO for automatic); jobs[i] its job id. */
static void run(unsigned n, unsigned job_nodes, const int *ranks, const uint32_t *jobs,
                uint64_t timeout_ms)
{
    for (unsigned i = 0; i < n; i++) {
        nodes[i].cfg = (struct job_form_config){.link = &ports[i].link,
                                                .now_ns = now_ns,
                                                .job_id = jobs ? jobs[i] : 7,
                                                .nodes = job_nodes,
                                                .rank = ranks ? ranks[i] : JOB_RANK_AUTO,
                                                .timeout_ns = timeout_ms * 1000000ull,
                                                .hello_ns = 5000000ull};
        pthread_create(&nodes[i].th, NULL, run_node, &nodes[i]);
    }
    for (unsigned i = 0; i < n; i++)
        pthread_join(nodes[i].th, NULL);
}

static void automatic_ranks_follow_mac_order(void **state)
{
    (void)state;
    const uint8_t macs[8] = {0x30, 0x10, 0x70, 0x20, 0x50, 0x40, 0x80, 0x60};
    make_ports(8, macs);
    run(8, 8, NULL, NULL, 30000); /* returns as soon as formed; generous for loaded hosts */
    for (unsigned i = 0; i < 8; i++) {
        assert_int_equal(nodes[i].rc, 0);
        assert_int_equal(nodes[i].res.nodes, 8);
        assert_int_equal(nodes[i].res.rank, (int)(macs[i] >> 4) - 1);
        for (unsigned k = 0; k < 8; k++)
            assert_memory_equal(nodes[i].res.macs[k], nodes[0].res.macs[k], 6);
    }
}

static void given_ranks_are_kept(void **state)
{
    (void)state;
    const uint8_t macs[4] = {0x01, 0x02, 0x03, 0x04};
    const int ranks[4] = {2, 0, 3, 1};
    make_ports(4, macs);
    run(4, 4, ranks, NULL, 30000);
    for (unsigned i = 0; i < 4; i++) {
        assert_int_equal(nodes[i].rc, 0);
        assert_int_equal(nodes[i].res.rank, ranks[i]);
        assert_memory_equal(nodes[0].res.macs[ranks[i]], ports[i].link.mac, 6);
    }
}

static void other_job_and_conflicting_claims_do_not_disturb(void **state)
{
    (void)state;
    /* Nodes 0-2 form job 7 (3 ranks); node 3 is another job; node 4 claims rank 1 of job 7
     * too, and loses it to node 1's lower MAC. */
    const uint8_t macs[5] = {0x01, 0x02, 0x03, 0x04, 0x05};
    const int ranks[5] = {0, 1, 2, 0, 1};
    const uint32_t jobs[5] = {7, 7, 7, 99, 7};
    make_ports(5, macs);
    run(5, 3, ranks, jobs, 4000);
    for (unsigned i = 0; i < 3; i++) {
        assert_int_equal(nodes[i].rc, 0);
        assert_int_equal(nodes[i].res.rank, ranks[i]);
        assert_memory_equal(nodes[i].res.macs[1], ports[1].link.mac, 6);
        assert_true(nodes[i].res.frames_other_job > 0);
    }
    assert_int_not_equal(nodes[3].rc, 0); /* job 99 alone never forms */
    assert_non_null(strstr(nodes[3].res.error, "missing ranks: 1 2"));
    assert_int_not_equal(nodes[4].rc, 0);
    assert_non_null(strstr(nodes[4].res.error, "rank 1 is held by a node with a lower MAC"));
}

static void missing_node_is_named_after_timeout(void **state)
{
    (void)state;
    const uint8_t macs[3] = {0x01, 0x02, 0x03};
    const int ranks[3] = {0, 1, 3};
    make_ports(3, macs);
    uint64_t t0 = now_ns();
    run(3, 4, ranks, NULL, 400);
    assert_true(now_ns() - t0 < 3000000000ull); /* bounded, not a hang */
    for (unsigned i = 0; i < 3; i++) {
        assert_int_not_equal(nodes[i].rc, 0);
        assert_non_null(strstr(nodes[i].res.error, "3 of 4 nodes"));
        assert_non_null(strstr(nodes[i].res.error, "missing ranks: 2"));
    }
    run(2, 3, NULL, NULL, 300);
    assert_non_null(strstr(nodes[0].res.error, "present: 52:54:00:77:00:01 52:54:00:77:00:02"));
}

static void bad_configuration_is_refused(void **state)
{
    (void)state;
    const uint8_t macs[1] = {0x01};
    const int ranks[1] = {5};
    make_ports(1, macs);
    run(1, 4, ranks, NULL, 100);
    assert_int_not_equal(nodes[0].rc, 0);
    assert_non_null(strstr(nodes[0].res.error, "bad job"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(automatic_ranks_follow_mac_order),
        cmocka_unit_test(given_ranks_are_kept),
        cmocka_unit_test(other_job_and_conflicting_claims_do_not_disturb),
        cmocka_unit_test(missing_node_is_named_after_timeout),
        cmocka_unit_test(bad_configuration_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
