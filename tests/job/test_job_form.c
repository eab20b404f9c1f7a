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
#include "net/siphash.h"
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
        if (p == me) continue;
        if (f[0] == 0xff || !memcmp(f, p->link.mac, 6)) deliver(p, f, len);
    }
    return 0;
}
static void mem_flush(void *ctx)
{
    (void)ctx;
}
static unsigned mem_pending(void *ctx)
{
    (void)ctx;
    return 0;
}
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
        p->link = (struct link){.ctx = p,
                                .mtu = 1500,
                                .send = mem_send,
                                .flush = mem_flush,
                                .poll = mem_poll,
                                .pending = mem_pending};
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

/* Optional: a forging node on the same Ethernet, a thread sending from port `attacker`
 * while the nodes form. */
static void *(*attacker_fn)(void *);
static volatile int attack_stop;
static const uint8_t *node_keys[MAXN]; /* per node; NULL: no key */
static uint64_t run_salt;              /* changes every node's contribution (a new run) */

/* ranks[i] = rank claim of node i (JOB_RANK_AUTO for automatic); jobs[i] its job id. */
static void run(unsigned n, unsigned job_nodes, const int *ranks, const uint64_t *jobs,
                uint64_t timeout_ms)
{
    pthread_t att;
    attack_stop = 0;
    if (attacker_fn) pthread_create(&att, NULL, attacker_fn, NULL);
    for (unsigned i = 0; i < n; i++) {
        nodes[i].cfg =
            (struct job_form_config){.link = &ports[i].link,
                                     .now_ns = now_ns,
                                     .job_id = jobs ? jobs[i] : 7,
                                     .key = node_keys[i],
                                     .contrib = (i + 1) * 0x9e3779b97f4a7c15ull ^ run_salt,
                                     .nodes = job_nodes,
                                     .rank = ranks ? ranks[i] : JOB_RANK_AUTO,
                                     .timeout_ns = timeout_ms * 1000000ull,
                                     .hello_ns = 5000000ull};
        pthread_create(&nodes[i].th, NULL, run_node, &nodes[i]);
    }
    for (unsigned i = 0; i < n; i++)
        pthread_join(nodes[i].th, NULL);
    attack_stop = 1;
    if (attacker_fn) pthread_join(att, NULL);
    attacker_fn = NULL;
    memset(node_keys, 0, sizeof node_keys);
}

/* A HELLO as the wire table in net/job_form.c lays it out, tagged under `key` if given. */
static size_t forge_hello(uint8_t *f, const uint8_t mac[6], uint64_t job, uint16_t nodes_,
                          uint16_t claim, uint16_t known, uint8_t ready, uint32_t hash,
                          const uint8_t *key)
{
    memset(f, 0, AP_ETH_HLEN + 40);
    static const uint8_t bc[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    ap_eth_write(f, bc, mac);
    uint8_t *h = f + AP_ETH_HLEN;
    uint32_t lo = (uint32_t)job, hi = (uint32_t)(job >> 32);
    uint64_t contrib = 0x1234;
    h[0] = AP_WIRE_VERSION;
    h[1] = JOB_T_HELLO;
    h[2] = key ? 1 : 0;
    memcpy(h + 4, &lo, 4);
    memcpy(h + 8, &nodes_, 2);
    memcpy(h + 10, &claim, 2);
    memcpy(h + 12, &known, 2);
    h[14] = ready;
    memcpy(h + 16, &hash, 4);
    memcpy(h + 20, &hi, 4);
    memcpy(h + 24, &contrib, 8);
    if (key) {
        struct sip_key k;
        struct sip_state st;
        sip_key_load(&k, key);
        sip_init(&st, &k);
        sip_update(&st, mac, 6);
        sip_update(&st, h, 32);
        uint64_t t = sip_final(&st);
        memcpy(h + 32, &t, 8);
    }
    return AP_ETH_HLEN + 40;
}

static unsigned attacker_port;
static const uint8_t key_a[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
static const uint8_t key_b[16] = {16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1};

static void attacker_send(const uint8_t *f, size_t len)
{
    struct link_iov v = {f, len};
    mem_send(&ports[attacker_port], &v, 1);
}

/* Lower MACs than every real node, claiming ready with a made-up list, all the time: signed
 * with a key that is not the job's. */
static void *lower_macs_wrong_key(void *arg)
{
    (void)arg;
    uint8_t f[FMAX];
    while (!attack_stop) {
        for (uint8_t m = 0; m < 3; m++) {
            uint8_t mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, m};
            attacker_send(f, forge_hello(f, mac, 7, 3, 0xFFFF, 3, 1, 0xabcdef, key_b));
        }
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    return NULL;
}

/* 300 different MACs, half of them below the real nodes', one HELLO each, no key. */
static void *junk_burst(void *arg)
{
    (void)arg;
    uint8_t f[FMAX];
    for (unsigned k = 0; k < 300; k++) {
        uint8_t mac[6] = {k % 2 ? 0x02 : 0x60, 0x00, 0x00, 0x00, (uint8_t)(k >> 8), (uint8_t)k};
        attacker_send(f, forge_hello(f, mac, 7, 3, 0xFFFF, 0, 0, 0, NULL));
    }
    return NULL;
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
    const uint64_t jobs[5] = {7, 7, 7, 99, 7};
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
    run(3, 4, ranks, NULL, 400); /* returns: formation gives up, it does not hang */
    for (unsigned i = 0; i < 3; i++) {
        assert_int_not_equal(nodes[i].rc, 0);
        assert_non_null(strstr(nodes[i].res.error, "3 of 4 nodes"));
        assert_non_null(strstr(nodes[i].res.error, "missing ranks: 2"));
    }
    /* Long enough that both threads are heard from even on a loaded host. */
    run(2, 3, NULL, NULL, 2000);
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

/* With a key, forged HELLOs (lower MACs, claiming to be ready) neither take ranks nor stall
 * the job: they are dropped and counted. */
static void forged_hellos_are_refused_with_a_key(void **state)
{
    (void)state;
    const uint8_t macs[4] = {0x10, 0x20, 0x30, 0x01};
    make_ports(4, macs);
    attacker_port = 3;
    attacker_fn = lower_macs_wrong_key;
    for (unsigned i = 0; i < 3; i++)
        node_keys[i] = key_a;
    run(3, 3, NULL, NULL, 20000);
    for (unsigned i = 0; i < 3; i++) {
        assert_int_equal(nodes[i].rc, 0);
        assert_int_equal(nodes[i].res.rank, (int)i);
        assert_true(nodes[i].res.frames_bad_auth > 0);
        assert_true(nodes[i].res.nonce == nodes[0].res.nonce);
    }
}

/* Without a key: a burst of 300 junk HELLOs (more than the table holds, half with lower MACs)
 * expires or is evicted, and the real nodes form. */
static void junk_hellos_cannot_fill_the_table(void **state)
{
    (void)state;
    const uint8_t macs[4] = {0x10, 0x20, 0x30, 0x01};
    make_ports(4, macs);
    attacker_port = 3;
    attacker_fn = junk_burst;
    run(3, 3, NULL, NULL, 20000);
    for (unsigned i = 0; i < 3; i++) {
        assert_int_equal(nodes[i].rc, 0);
        assert_int_equal(nodes[i].res.rank, (int)i);
        assert_true(nodes[i].res.entries_expired > 0);
    }
}

/* Two jobs with the same id and size on one segment, each with its own key, form apart. */
static void same_job_id_other_key_does_not_merge(void **state)
{
    (void)state;
    const uint8_t macs[4] = {0x10, 0x20, 0x30, 0x40};
    make_ports(4, macs);
    node_keys[0] = node_keys[2] = key_a;
    node_keys[1] = node_keys[3] = key_b;
    run(4, 2, NULL, NULL, 20000);
    for (unsigned i = 0; i < 4; i++) {
        assert_int_equal(nodes[i].rc, 0);
        assert_int_equal(nodes[i].res.rank, i < 2 ? 0 : 1);
        assert_memory_equal(nodes[i].res.macs[0], ports[i % 2].link.mac, 6);
        assert_memory_equal(nodes[i].res.macs[1], ports[i % 2 + 2].link.mac, 6);
    }
}

/* Every run gets its own nonce, and with it another engine identity: frames of an earlier
 * run carry another header job field (and, keyed, another session key). */
static void each_run_has_its_own_identity(void **state)
{
    (void)state;
    const uint8_t macs[2] = {0x10, 0x20};
    struct job_identity a, b;
    make_ports(2, macs);
    node_keys[0] = node_keys[1] = key_a;
    run_salt = 1;
    run(2, 2, NULL, NULL, 20000);
    assert_int_equal(nodes[0].rc, 0);
    assert_true(nodes[0].res.nonce == nodes[1].res.nonce);
    job_identity(&nodes[0].cfg, &nodes[0].res, &a);
    struct job_identity a1;
    job_identity(&nodes[1].cfg, &nodes[1].res, &a1);
    assert_int_equal(a.wire_job, a1.wire_job);
    assert_true(a.seq_seed == a1.seq_seed);
    assert_memory_equal(a.session_key, a1.session_key, 16);
    make_ports(2, macs);
    node_keys[0] = node_keys[1] = key_a;
    run_salt = 2;
    run(2, 2, NULL, NULL, 20000);
    assert_int_equal(nodes[0].rc, 0);
    job_identity(&nodes[0].cfg, &nodes[0].res, &b);
    run_salt = 0;
    assert_true(a.keyed && b.keyed);
    assert_int_not_equal(a.wire_job, b.wire_job);
    assert_true(a.seq_seed != b.seq_seed);
    assert_memory_not_equal(a.session_key, b.session_key, 16);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(automatic_ranks_follow_mac_order),
        cmocka_unit_test(given_ranks_are_kept),
        cmocka_unit_test(other_job_and_conflicting_claims_do_not_disturb),
        cmocka_unit_test(missing_node_is_named_after_timeout),
        cmocka_unit_test(bad_configuration_is_refused),
        cmocka_unit_test(forged_hellos_are_refused_with_a_key),
        cmocka_unit_test(junk_hellos_cannot_fill_the_table),
        cmocka_unit_test(same_job_id_other_key_does_not_merge),
        cmocka_unit_test(each_run_has_its_own_identity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
