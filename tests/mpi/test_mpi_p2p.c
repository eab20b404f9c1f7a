/*
 * tests/mpi/test_mpi_p2p.c — libmpi point to point on host ranks: order (non-overtaking, also
 * with wildcards), every size class around the eager/rendezvous boundary, truncation, Ssend
 * synchrony, probe, persistent requests, cancel, the wait/test families, Bsend, more
 * rendezvous receives than landing ports, self messages, and a lossy switch.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mpi/mpi_impl.h"
#include "tests/mpi/harness.h"

static const int sizes[] = {
    0, 1, 7, MPI_EAGER_MAX - 1, MPI_EAGER_MAX, MPI_EAGER_MAX + 1, 3 * MPI_EAGER_MAX + 5, 200000};
#define NSIZES ((int)(sizeof sizes / sizeof sizes[0]))

static void fill(unsigned char *b, size_t n, unsigned id)
{
    for (size_t i = 0; i < n; i++)
        b[i] = mh_pat(id, i);
}
static int same(const unsigned char *b, size_t n, unsigned id)
{
    for (size_t i = 0; i < n; i++)
        if (b[i] != mh_pat(id, i)) return 0;
    return 1;
}

/* Rank 0 sends every size with tag = index, blocking, non-blocking and synchronous; rank 1
 * receives them in order (specific tag, then ANY_TAG), checking bytes, count and status. */
static int rank_sizes(void)
{
    int me = mh_rank();
    unsigned char *buf = malloc(200000 + 16);
    CHECK(buf, "malloc");
    for (int mode = 0; mode < 3; mode++)
        for (int k = 0; k < NSIZES; k++) {
            unsigned id = (unsigned)(mode * 100 + k);
            if (me == 0) {
                fill(buf, (size_t)sizes[k], id);
                if (mode == 0) CHECK_OK(MPI_Send(buf, sizes[k], MPI_BYTE, 1, k, MPI_COMM_WORLD));
                if (mode == 1) CHECK_OK(MPI_Ssend(buf, sizes[k], MPI_BYTE, 1, k, MPI_COMM_WORLD));
                if (mode == 2) {
                    MPI_Request r;
                    CHECK_OK(MPI_Isend(buf, sizes[k], MPI_BYTE, 1, k, MPI_COMM_WORLD, &r));
                    CHECK_OK(MPI_Wait(&r, MPI_STATUS_IGNORE));
                    CHECK(r == MPI_REQUEST_NULL, "request not freed");
                }
            } else if (me == 1) {
                MPI_Status st;
                memset(buf, 0, (size_t)sizes[k] + 16);
                CHECK_OK(MPI_Recv(buf, sizes[k] + 16, MPI_BYTE, 0, mode == 1 ? MPI_ANY_TAG : k,
                                  MPI_COMM_WORLD, &st));
                int n;
                MPI_Get_count(&st, MPI_BYTE, &n);
                CHECK(n == sizes[k], "size %d: count %d", sizes[k], n);
                CHECK(st.MPI_SOURCE == 0 && st.MPI_TAG == k, "status %d/%d", st.MPI_SOURCE,
                      st.MPI_TAG);
                CHECK(same(buf, (size_t)sizes[k], id), "size %d mode %d: payload differs", sizes[k],
                      mode);
            }
        }
    free(buf);
    return MPI_Finalize();
}

static int rank_sizes_main(void)
{
    if (MPI_Init(NULL, NULL)) return -1;
    return rank_sizes();
}

static void test_sizes(void **state)
{
    (void)state;
    mh_expect_pass(2, rank_sizes_main);
    mh_expect_pass(3, rank_sizes_main);
}

/* Every rank but 0 sends 40 messages of mixed sizes to 0 with increasing tags; rank 0 takes
 * them with ANY_SOURCE/ANY_TAG and checks each sender's sequence stays in order. */
static int rank_order(void)
{
    CHECK_OK(MPI_Init(NULL, NULL));
    int me = mh_rank(), n = mh_size();
    enum { MSGS = 40 };
    static _Thread_local unsigned char buf[3 * MPI_EAGER_MAX];
    if (me != 0) {
        for (int i = 0; i < MSGS; i++) {
            int len = (i % 5 == 4) ? 2 * MPI_EAGER_MAX : i * 13;
            fill(buf, (size_t)len, (unsigned)(me * 1000 + i));
            CHECK_OK(MPI_Send(buf, len, MPI_BYTE, 0, i, MPI_COMM_WORLD));
        }
    } else {
        int next[16] = {0};
        for (int k = 0; k < MSGS * (n - 1); k++) {
            MPI_Status st;
            CHECK_OK(MPI_Recv(buf, sizeof buf, MPI_BYTE, MPI_ANY_SOURCE, MPI_ANY_TAG,
                              MPI_COMM_WORLD, &st));
            int s = st.MPI_SOURCE, len;
            MPI_Get_count(&st, MPI_BYTE, &len);
            CHECK(s > 0 && s < n, "source %d", s);
            CHECK(st.MPI_TAG == next[s], "from %d: tag %d, expected %d", s, st.MPI_TAG, next[s]);
            CHECK(same(buf, (size_t)len, (unsigned)(s * 1000 + next[s])), "payload from %d", s);
            next[s]++;
        }
    }
    return MPI_Finalize();
}

static void test_order_wildcards(void **state)
{
    (void)state;
    mh_expect_pass(2, rank_order);
    mh_expect_pass(5, rank_order);
}

/* Truncation returns MPI_ERR_TRUNCATE (ERRORS_RETURN) with the bytes that fit, for eager and
 * rendezvous messages; the next message is unaffected. */
static int rank_truncate(void)
{
    CHECK_OK(MPI_Init(NULL, NULL));
    int me = mh_rank();
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    int lens[] = {10, 5000, 100000};
    int *buf = malloc(sizeof(int) * 100000);
    for (int k = 0; k < 3; k++) {
        if (me == 0) {
            for (int i = 0; i < lens[k]; i++)
                buf[i] = i + k;
            CHECK_OK(MPI_Send(buf, lens[k], MPI_INT, 1, 3, MPI_COMM_WORLD));
            CHECK_OK(MPI_Send(buf, 2, MPI_INT, 1, 4, MPI_COMM_WORLD));
        } else if (me == 1) {
            MPI_Status st;
            memset(buf, 0, sizeof(int) * 100000);
            int rc = MPI_Recv(buf, lens[k] / 2, MPI_INT, 0, 3, MPI_COMM_WORLD, &st);
            CHECK(rc == MPI_ERR_TRUNCATE, "len %d: rc %d", lens[k], rc);
            int cls;
            MPI_Error_class(rc, &cls);
            CHECK(cls == MPI_ERR_TRUNCATE, "class");
            int n;
            MPI_Get_count(&st, MPI_INT, &n);
            CHECK(n == lens[k] / 2, "count %d", n);
            for (int i = 0; i < lens[k] / 2; i++)
                CHECK(buf[i] == i + k, "element %d", i);
            CHECK(buf[lens[k] / 2] == 0, "wrote past the receive buffer");
            CHECK_OK(MPI_Recv(buf, 2, MPI_INT, 0, 4, MPI_COMM_WORLD, &st));
            CHECK(buf[0] == k && buf[1] == 1 + k, "next message");
        }
    }
    free(buf);
    return MPI_Finalize();
}

static void test_truncate(void **state)
{
    (void)state;
    mh_expect_pass(2, rank_truncate);
}

/* Issend cannot complete before the receive is posted: rank 1 posts it only after a message
 * that rank 0 sends once it has tested the Issend many times. */
static int rank_ssend(void)
{
    CHECK_OK(MPI_Init(NULL, NULL));
    int me = mh_rank(), x = 42, y = 0;
    if (me == 0) {
        MPI_Request r;
        CHECK_OK(MPI_Issend(&x, 1, MPI_INT, 1, 1, MPI_COMM_WORLD, &r));
        for (int i = 0; i < 200; i++) {
            int flag;
            CHECK_OK(MPI_Test(&r, &flag, MPI_STATUS_IGNORE));
            CHECK(!flag, "Issend completed before the receive was posted");
        }
        CHECK_OK(MPI_Send(&x, 1, MPI_INT, 1, 3, MPI_COMM_WORLD));
        CHECK_OK(MPI_Wait(&r, MPI_STATUS_IGNORE));
    } else if (me == 1) {
        CHECK_OK(MPI_Recv(&y, 1, MPI_INT, 0, 3, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        CHECK_OK(MPI_Recv(&y, 1, MPI_INT, 0, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        CHECK(y == 42, "value");
    }
    return MPI_Finalize();
}

static void test_ssend(void **state)
{
    (void)state;
    mh_expect_pass(2, rank_ssend);
}

/* Probe and Iprobe see a message without taking it; Get_count from the probe's status. */
static int rank_probe(void)
{
    CHECK_OK(MPI_Init(NULL, NULL));
    int me = mh_rank();
    static _Thread_local int buf[20000];
    int flag;
    CHECK_OK(MPI_Iprobe(MPI_ANY_SOURCE, 77, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE));
    CHECK(!flag, "Iprobe found a message nobody sent");
    MPI_Barrier(MPI_COMM_WORLD);
    if (me == 0) {
        CHECK_OK(MPI_Send(buf, 123, MPI_INT, 1, 5, MPI_COMM_WORLD));
        CHECK_OK(MPI_Send(buf, 20000, MPI_INT, 1, 6, MPI_COMM_WORLD));
    } else if (me == 1) {
        for (int k = 0; k < 2; k++) {
            MPI_Status st;
            CHECK_OK(MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &st));
            int n;
            MPI_Get_count(&st, MPI_INT, &n);
            CHECK(st.MPI_SOURCE == 0 && st.MPI_TAG == 5 + k, "probe status %d %d", st.MPI_SOURCE,
                  st.MPI_TAG);
            CHECK(n == (k ? 20000 : 123), "probe count %d", n);
            CHECK_OK(MPI_Iprobe(0, 5 + k, MPI_COMM_WORLD, &flag, &st));
            CHECK(flag, "Iprobe after Probe");
            CHECK_OK(MPI_Recv(buf, n, MPI_INT, 0, 5 + k, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        }
        CHECK_OK(MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, MPI_STATUS_IGNORE));
        CHECK(!flag, "Iprobe after both were received");
    }
    return MPI_Finalize();
}

static void test_probe(void **state)
{
    (void)state;
    mh_expect_pass(2, rank_probe);
}

/* Persistent requests started ten times; Startall; a ring exchange with Sendrecv. */
static int rank_persistent(void)
{
    CHECK_OK(MPI_Init(NULL, NULL));
    int me = mh_rank(), n = mh_size();
    int right = (me + 1) % n, left = (me - 1 + n) % n;
    static _Thread_local int out[6000], in[6000];
    MPI_Request rq[2];
    CHECK_OK(MPI_Send_init(out, 6000, MPI_INT, right, 9, MPI_COMM_WORLD, &rq[0]));
    CHECK_OK(MPI_Recv_init(in, 6000, MPI_INT, left, 9, MPI_COMM_WORLD, &rq[1]));
    for (int round = 0; round < 10; round++) {
        for (int i = 0; i < 6000; i++)
            out[i] = me * 100000 + round * 1000 + i % 1000;
        if (round % 2)
            CHECK_OK(MPI_Startall(2, rq));
        else {
            CHECK_OK(MPI_Start(&rq[1]));
            CHECK_OK(MPI_Start(&rq[0]));
        }
        CHECK_OK(MPI_Waitall(2, rq, MPI_STATUSES_IGNORE));
        CHECK(rq[0] != MPI_REQUEST_NULL, "persistent request freed by Wait");
        for (int i = 0; i < 6000; i++)
            CHECK(in[i] == left * 100000 + round * 1000 + i % 1000, "round %d element %d", round,
                  i);
    }
    CHECK_OK(MPI_Request_free(&rq[0]));
    CHECK_OK(MPI_Request_free(&rq[1]));
    int v = me, w = -1;
    CHECK_OK(MPI_Sendrecv(&v, 1, MPI_INT, right, 1, &w, 1, MPI_INT, left, 1, MPI_COMM_WORLD,
                          MPI_STATUS_IGNORE));
    CHECK(w == left, "sendrecv got %d", w);
    CHECK_OK(
        MPI_Sendrecv_replace(&v, 1, MPI_INT, right, 2, left, 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    CHECK(v == left, "sendrecv_replace got %d", v);
    return MPI_Finalize();
}

static void test_persistent(void **state)
{
    (void)state;
    mh_expect_pass(2, rank_persistent);
    mh_expect_pass(3, rank_persistent);
}

/* A cancelled receive completes as cancelled and does not take the later message. */
static int rank_cancel(void)
{
    CHECK_OK(MPI_Init(NULL, NULL));
    int me = mh_rank(), x = 0;
    if (me == 1) {
        MPI_Request r;
        MPI_Status st;
        CHECK_OK(MPI_Irecv(&x, 1, MPI_INT, 0, 99, MPI_COMM_WORLD, &r));
        CHECK_OK(MPI_Cancel(&r));
        CHECK_OK(MPI_Wait(&r, &st));
        int flag;
        MPI_Test_cancelled(&st, &flag);
        CHECK(flag, "not cancelled");
    }
    MPI_Barrier(MPI_COMM_WORLD);
    if (me == 0) {
        x = 5;
        CHECK_OK(MPI_Send(&x, 1, MPI_INT, 1, 99, MPI_COMM_WORLD));
    } else if (me == 1) {
        MPI_Status st;
        CHECK_OK(MPI_Recv(&x, 1, MPI_INT, 0, 99, MPI_COMM_WORLD, &st));
        int flag;
        MPI_Test_cancelled(&st, &flag);
        CHECK(x == 5 && !flag, "message after cancel: %d", x);
    }
    return MPI_Finalize();
}

static void test_cancel(void **state)
{
    (void)state;
    mh_expect_pass(2, rank_cancel);
}

/* Rank 0 receives one message from every other rank with Waitany, then Waitsome, then
 * Testall; also more rendezvous receives outstanding than there are landing ports. */
static int rank_waits(void)
{
    CHECK_OK(MPI_Init(NULL, NULL));
    int me = mh_rank(), n = mh_size();
    enum { BIG = 3 * MPI_EAGER_MAX, NBIG = MPI_LAND_PORTS + 6 };
    int *vals = calloc((size_t)n, sizeof(int));
    MPI_Request *rq = calloc((size_t)n, sizeof *rq);
    if (me == 0) {
        for (int pass = 0; pass < 3; pass++) {
            for (int s = 1; s < n; s++)
                CHECK_OK(MPI_Irecv(&vals[s], 1, MPI_INT, s, pass, MPI_COMM_WORLD, &rq[s]));
            rq[0] = MPI_REQUEST_NULL;
            int got = 0;
            while (got < n - 1) {
                if (pass == 0) {
                    int idx;
                    CHECK_OK(MPI_Waitany(n, rq, &idx, MPI_STATUS_IGNORE));
                    CHECK(idx > 0 && idx < n && rq[idx] == MPI_REQUEST_NULL, "waitany %d", idx);
                    got++;
                } else if (pass == 1) {
                    int cnt, idx[64];
                    CHECK_OK(MPI_Waitsome(n, rq, &cnt, idx, MPI_STATUSES_IGNORE));
                    CHECK(cnt > 0, "waitsome %d", cnt);
                    got += cnt;
                } else {
                    int flag = 0;
                    while (!flag)
                        CHECK_OK(MPI_Testall(n, rq, &flag, MPI_STATUSES_IGNORE));
                    got = n - 1;
                }
            }
            for (int s = 1; s < n; s++)
                CHECK(vals[s] == s * 10 + pass, "from %d: %d", s, vals[s]);
        }
        int idx, flag;
        CHECK_OK(MPI_Testany(n, rq, &idx, &flag, MPI_STATUS_IGNORE));
        CHECK(flag && idx == MPI_UNDEFINED, "testany on null requests");
    } else {
        for (int pass = 0; pass < 3; pass++) {
            int v = me * 10 + pass;
            CHECK_OK(MPI_Send(&v, 1, MPI_INT, 0, pass, MPI_COMM_WORLD));
        }
    }
    /* Many rendezvous receives at once, from rank 1 to rank 0. */
    if (me < 2 && n > 1) {
        unsigned char *big = malloc((size_t)BIG * NBIG);
        MPI_Request r[NBIG];
        for (int k = 0; k < NBIG; k++) {
            if (me == 1) fill(big + (size_t)k * BIG, BIG, 500u + (unsigned)k);
            if (me == 0)
                CHECK_OK(
                    MPI_Irecv(big + (size_t)k * BIG, BIG, MPI_BYTE, 1, k, MPI_COMM_WORLD, &r[k]));
            else
                CHECK_OK(
                    MPI_Isend(big + (size_t)k * BIG, BIG, MPI_BYTE, 0, k, MPI_COMM_WORLD, &r[k]));
        }
        CHECK_OK(MPI_Waitall(NBIG, r, MPI_STATUSES_IGNORE));
        if (me == 0)
            for (int k = 0; k < NBIG; k++)
                CHECK(same(big + (size_t)k * BIG, BIG, 500u + (unsigned)k), "big %d", k);
        free(big);
    }
    free(vals);
    free(rq);
    return MPI_Finalize();
}

static void test_waits(void **state)
{
    (void)state;
    mh_expect_pass(2, rank_waits);
    mh_expect_pass(6, rank_waits);
}

/* Bsend from an attached buffer (eager and rendezvous sizes); too little room is
 * MPI_ERR_BUFFER. Messages to oneself; MPI_PROC_NULL. */
static int rank_bsend_self(void)
{
    CHECK_OK(MPI_Init(NULL, NULL));
    int me = mh_rank();
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    static _Thread_local int data[20000];
    int size = (int)sizeof data * 2 + 4 * MPI_BSEND_OVERHEAD;
    char *att = malloc((size_t)size);
    CHECK_OK(MPI_Buffer_attach(att, size));
    if (me == 0) {
        for (int i = 0; i < 20000; i++)
            data[i] = i;
        CHECK_OK(MPI_Bsend(data, 10, MPI_INT, 1, 1, MPI_COMM_WORLD));
        CHECK_OK(MPI_Bsend(data, 20000, MPI_INT, 1, 2, MPI_COMM_WORLD));
        memset(data, 0, sizeof data); /* the copies went, not the buffer */
        int rc = MPI_Bsend(data, 20000, MPI_INT, 1, 3, MPI_COMM_WORLD);
        rc = rc ? rc : MPI_Bsend(data, 20000, MPI_INT, 1, 3, MPI_COMM_WORLD);
        CHECK(rc == MPI_ERR_BUFFER, "overfull attach buffer: %d", rc);
    } else if (me == 1) {
        static _Thread_local int in[20000];
        CHECK_OK(MPI_Recv(in, 10, MPI_INT, 0, 1, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        CHECK_OK(MPI_Recv(in, 20000, MPI_INT, 0, 2, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        for (int i = 0; i < 20000; i++)
            CHECK(in[i] == i, "bsend element %d", i);
        CHECK_OK(MPI_Recv(in, 20000, MPI_INT, 0, 3, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    }
    void *back;
    int bsize;
    CHECK_OK(MPI_Buffer_detach(&back, &bsize));
    CHECK(back == att && bsize == size, "detach");
    free(att);
    /* Self: eager and rendezvous, receive posted second. */
    MPI_Request r;
    static _Thread_local int self_in[20000];
    CHECK_OK(MPI_Isend(data, 20000, MPI_INT, me, 8, MPI_COMM_WORLD, &r));
    CHECK_OK(MPI_Recv(self_in, 20000, MPI_INT, me, 8, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
    CHECK_OK(MPI_Wait(&r, MPI_STATUS_IGNORE));
    CHECK(!memcmp(self_in, data, sizeof data), "self rendezvous");
    MPI_Status st;
    CHECK_OK(MPI_Sendrecv(data, 3, MPI_INT, MPI_PROC_NULL, 0, self_in, 3, MPI_INT, MPI_PROC_NULL, 0,
                          MPI_COMM_WORLD, &st));
    CHECK(st.MPI_SOURCE == MPI_PROC_NULL, "PROC_NULL status");
    return MPI_Finalize();
}

static void test_bsend_self(void **state)
{
    (void)state;
    mh_expect_pass(2, rank_bsend_self);
}

/* The same traffic over a switch that drops, duplicates and reorders frames. */
static void test_lossy(void **state)
{
    (void)state;
    struct mh_opts o = {.nodes = 3, .drop = 0.02, .reorder = 0.02, .dup = 0.01};
    assert_int_equal(mh_run(&o, rank_sizes_main, NULL), 0);
    assert_int_equal(mh_run(&o, rank_order, NULL), 0);
}

/* Links that read large pieces after the send call returned, as a NIC does by DMA: a send's
 * engine request completes only once the link let go of its buffer, and libmpi must see that
 * completion through its progress loop alone (the bounce buffers of eager messages, the
 * rendezvous data). */
static int rank_ring(void)
{
    CHECK_OK(MPI_Init(NULL, NULL));
    int me = mh_rank(), n = mh_size();
    size_t max = 300000;
    unsigned char *out = malloc(max), *in = malloc(max);
    CHECK(out && in, "malloc");
    for (int k = 0; k < NSIZES; k++) {
        for (int rep = 0; rep < 3; rep++) {
            unsigned id = (unsigned)(me * 1000 + k * 10 + rep);
            fill(out, (size_t)sizes[k], id);
            MPI_Request r;
            MPI_Status st;
            CHECK_OK(MPI_Irecv(in, sizes[k], MPI_BYTE, MPI_ANY_SOURCE, k, MPI_COMM_WORLD, &r));
            CHECK_OK(MPI_Send(out, sizes[k], MPI_BYTE, (me + 1) % n, k, MPI_COMM_WORLD));
            CHECK_OK(MPI_Wait(&r, &st));
            int left = (me - 1 + n) % n;
            CHECK(st.MPI_SOURCE == left, "size %d: source %d", sizes[k], st.MPI_SOURCE);
            CHECK(same(in, (size_t)sizes[k], (unsigned)(left * 1000 + k * 10 + rep)),
                  "size %d: bytes differ", sizes[k]);
        }
    }
    /* More eager messages to one rank than it has eager ports: the bounce buffers must come
     * back while the sender only polls. */
    if (me == 0) {
        for (int k = 0; k < 40 * (n - 1); k++) {
            int v;
            CHECK_OK(
                MPI_Recv(&v, 1, MPI_INT, MPI_ANY_SOURCE, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
        }
    } else {
        for (int i = 0; i < 40; i++)
            CHECK_OK(MPI_Send(&i, 1, MPI_INT, 0, 7, MPI_COMM_WORLD));
    }
    free(out);
    free(in);
    return MPI_Finalize();
}

static void test_deferred_link(void **state)
{
    (void)state;
    struct mh_opts o = {.nodes = 4, .deferred = true, .timeout_s = 60};
    assert_int_equal(mh_run(&o, rank_ring, NULL), 0);
    assert_int_equal(mh_run(&o, rank_order, NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),         cmocka_unit_test(test_order_wildcards),
        cmocka_unit_test(test_truncate),      cmocka_unit_test(test_ssend),
        cmocka_unit_test(test_probe),         cmocka_unit_test(test_persistent),
        cmocka_unit_test(test_cancel),        cmocka_unit_test(test_waits),
        cmocka_unit_test(test_bsend_self),    cmocka_unit_test(test_lossy),
        cmocka_unit_test(test_deferred_link),
    };
    if (getenv("TEST_FILTER")) cmocka_set_test_filter(getenv("TEST_FILTER"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
