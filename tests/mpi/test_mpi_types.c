/*
 * tests/mpi/test_mpi_types.c — libmpi datatypes (vector, indexed, struct, resized; sent,
 * received, packed; Get_elements), communicators and groups (split, dup, create, compare,
 * translate), Cartesian topologies and Dims_create, and bad arguments: each must come back
 * as its error class under MPI_ERRORS_RETURN, and end the rank under the default
 * MPI_ERRORS_ARE_FATAL; MPI_Abort ends the rank with its code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/mpi/harness.h"

struct part {
    int id;
    double x[3];
    char tag;
};

static int rank_types(void)
{
    CHECK_OK(MPI_Init(NULL, NULL));
    int me = mh_rank();
    /* vector: every third int of 30 */
    int a[30], b[30];
    MPI_Datatype vec, idx, st, rs;
    CHECK_OK(MPI_Type_vector(10, 1, 3, MPI_INT, &vec));
    CHECK_OK(MPI_Type_commit(&vec));
    int sz;
    MPI_Aint lb, ext;
    MPI_Type_size(vec, &sz);
    MPI_Type_get_extent(vec, &lb, &ext);
    CHECK(sz == 40 && lb == 0 && ext == 28 * (MPI_Aint)sizeof(int), "vector size %d extent %ld", sz,
          (long)ext);
    /* indexed: blocks {2 at 0, 3 at 10, 1 at 20} */
    int bl[3] = {2, 3, 1}, dp[3] = {0, 10, 20};
    CHECK_OK(MPI_Type_indexed(3, bl, dp, MPI_INT, &idx));
    CHECK_OK(MPI_Type_commit(&idx));
    /* struct of a C struct, resized to its real size */
    struct part parts[4];
    int sl[3] = {1, 3, 1};
    MPI_Aint sd[3], base;
    MPI_Datatype stt[3] = {MPI_INT, MPI_DOUBLE, MPI_CHAR};
    MPI_Get_address(&parts[0], &base);
    MPI_Get_address(&parts[0].id, &sd[0]);
    MPI_Get_address(&parts[0].x, &sd[1]);
    MPI_Get_address(&parts[0].tag, &sd[2]);
    for (int i = 0; i < 3; i++)
        sd[i] -= base;
    CHECK_OK(MPI_Type_create_struct(3, sl, sd, stt, &st));
    CHECK_OK(MPI_Type_create_resized(st, 0, sizeof(struct part), &rs));
    CHECK_OK(MPI_Type_commit(&rs));
    if (me == 0) {
        for (int i = 0; i < 30; i++)
            a[i] = i;
        for (int i = 0; i < 4; i++)
            parts[i] = (struct part){i, {i + 0.5, i + 1.5, i + 2.5}, (char)('a' + i)};
        CHECK_OK(MPI_Send(a, 1, vec, 1, 1, MPI_COMM_WORLD));
        CHECK_OK(MPI_Send(a, 1, idx, 1, 2, MPI_COMM_WORLD));
        CHECK_OK(MPI_Send(parts, 4, rs, 1, 3, MPI_COMM_WORLD));
        /* a vector big enough for the rendezvous */
        static _Thread_local double big[3 * 5000];
        for (int i = 0; i < 3 * 5000; i++)
            big[i] = i;
        MPI_Datatype col;
        CHECK_OK(MPI_Type_vector(5000, 1, 3, MPI_DOUBLE, &col));
        CHECK_OK(MPI_Type_commit(&col));
        CHECK_OK(MPI_Send(big + 1, 1, col, 1, 4, MPI_COMM_WORLD));
        /* a persistent send of the column picks up the buffer's new contents each time */
        MPI_Request ps;
        CHECK_OK(MPI_Send_init(big + 1, 1, col, 1, 5, MPI_COMM_WORLD, &ps));
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 3 * 5000; i++)
                big[i] = i + round * 100000;
            CHECK_OK(MPI_Start(&ps));
            CHECK_OK(MPI_Wait(&ps, MPI_STATUS_IGNORE));
        }
        CHECK_OK(MPI_Request_free(&ps));
        CHECK_OK(MPI_Type_free(&col));
    } else if (me == 1) {
        memset(b, 0, sizeof b);
        MPI_Status s;
        CHECK_OK(MPI_Recv(b, 10, MPI_INT, 0, 1, MPI_COMM_WORLD, &s));
        for (int i = 0; i < 10; i++)
            CHECK(b[i] == 3 * i, "vector element %d: %d", i, b[i]);
        memset(b, 0, sizeof b);
        CHECK_OK(MPI_Recv(b, 1, idx, 0, 2, MPI_COMM_WORLD, &s));
        CHECK(b[0] == 0 && b[1] == 1 && b[10] == 10 && b[12] == 12 && b[20] == 20 && b[2] == 0 &&
                  b[13] == 0,
              "indexed");
        int n;
        MPI_Get_elements(&s, idx, &n);
        CHECK(n == 6, "get_elements %d", n);
        memset(parts, 0, sizeof parts);
        CHECK_OK(MPI_Recv(parts, 4, rs, 0, 3, MPI_COMM_WORLD, &s));
        for (int i = 0; i < 4; i++)
            CHECK(parts[i].id == i && parts[i].x[2] == i + 2.5 && parts[i].tag == 'a' + i,
                  "struct %d", i);
        static _Thread_local double got[5000];
        CHECK_OK(MPI_Recv(got, 5000, MPI_DOUBLE, 0, 4, MPI_COMM_WORLD, &s));
        for (int i = 0; i < 5000; i++)
            CHECK(got[i] == 3 * i + 1, "column %d", i);
        for (int round = 0; round < 2; round++) {
            CHECK_OK(MPI_Recv(got, 5000, MPI_DOUBLE, 0, 5, MPI_COMM_WORLD, &s));
            for (int i = 0; i < 5000; i++)
                CHECK(got[i] == 3 * i + 1 + round * 100000, "persistent column %d round %d", i,
                      round);
        }
    }
    /* Pack/Unpack round trip */
    char packed[200];
    int pos = 0, psz;
    for (int i = 0; i < 30; i++)
        a[i] = 100 + i;
    CHECK_OK(MPI_Pack_size(1, vec, MPI_COMM_WORLD, &psz));
    CHECK(psz == 40, "pack_size %d", psz);
    CHECK_OK(MPI_Pack(a, 1, vec, packed, sizeof packed, &pos, MPI_COMM_WORLD));
    int seven = 7;
    CHECK_OK(MPI_Pack(&seven, 1, MPI_INT, packed, sizeof packed, &pos, MPI_COMM_WORLD));
    CHECK(pos == 44, "position %d", pos);
    memset(b, 0, sizeof b);
    int upos = 0, got7 = 0;
    CHECK_OK(MPI_Unpack(packed, pos, &upos, b, 1, vec, MPI_COMM_WORLD));
    CHECK_OK(MPI_Unpack(packed, pos, &upos, &got7, 1, MPI_INT, MPI_COMM_WORLD));
    CHECK(b[27] == 127 && b[1] == 0 && got7 == 7, "unpack");
    char name[MPI_MAX_OBJECT_NAME];
    int nl;
    CHECK_OK(MPI_Type_get_name(MPI_CHAR, name, &nl));
    CHECK(!strcmp(name, "MPI_CHAR") && nl == 8, "type name %s", name);
    CHECK_OK(MPI_Type_free(&vec));
    CHECK_OK(MPI_Type_free(&idx));
    CHECK_OK(MPI_Type_free(&st));
    CHECK_OK(MPI_Type_free(&rs));
    return MPI_Finalize();
}

static void test_datatypes(void **state)
{
    (void)state;
    mh_expect_pass(2, rank_types);
}

static int rank_comms(void)
{
    CHECK_OK(MPI_Init(NULL, NULL));
    int me = mh_rank(), n = mh_size();
    /* split by parity, key reversing the order */
    MPI_Comm half;
    CHECK_OK(MPI_Comm_split(MPI_COMM_WORLD, me % 2, -me, &half));
    int hr, hs;
    MPI_Comm_rank(half, &hr);
    MPI_Comm_size(half, &hs);
    int expect_size = (n + 1 - me % 2) / 2;
    CHECK(hs == expect_size, "split size %d", hs);
    CHECK(hr == hs - 1 - me / 2, "split rank %d", hr);
    int sum;
    CHECK_OK(MPI_Allreduce(&me, &sum, 1, MPI_INT, MPI_SUM, half));
    int want = 0;
    for (int r = me % 2; r < n; r += 2)
        want += r;
    CHECK(sum == want, "sum over the half %d", sum);
    /* point to point inside the half, with ANY_TAG on world at the same time */
    int v = me;
    if (hs > 1) {
        int peer = (hr + 1) % hs, from = (hr - 1 + hs) % hs, got;
        CHECK_OK(MPI_Sendrecv(&v, 1, MPI_INT, peer, 0, &got, 1, MPI_INT, from, MPI_ANY_TAG, half,
                              MPI_STATUS_IGNORE));
        int gr;
        MPI_Group wg, hg;
        MPI_Comm_group(MPI_COMM_WORLD, &wg);
        MPI_Comm_group(half, &hg);
        MPI_Group_translate_ranks(hg, 1, &from, wg, &gr);
        CHECK(got == gr, "half ring got %d from world %d", got, gr);
        MPI_Group_free(&wg);
        MPI_Group_free(&hg);
    }
    MPI_Comm split_none;
    CHECK_OK(MPI_Comm_split(MPI_COMM_WORLD, me == 0 ? 0 : MPI_UNDEFINED, 0, &split_none));
    CHECK((me == 0) == (split_none != MPI_COMM_NULL), "undefined color");
    if (split_none != MPI_COMM_NULL) MPI_Comm_free(&split_none);
    /* create from a group without rank 0 */
    MPI_Group wg, g;
    MPI_Comm_group(MPI_COMM_WORLD, &wg);
    int zero = 0;
    CHECK_OK(MPI_Group_excl(wg, 1, &zero, &g));
    int gs, gr;
    MPI_Group_size(g, &gs);
    MPI_Group_rank(g, &gr);
    CHECK(gs == n - 1 && gr == (me ? me - 1 : MPI_UNDEFINED), "group %d %d", gs, gr);
    MPI_Comm c;
    CHECK_OK(MPI_Comm_create(MPI_COMM_WORLD, g, &c));
    if (me == 0)
        CHECK(c == MPI_COMM_NULL, "rank 0 got a communicator");
    else {
        int x = 1, tot;
        CHECK_OK(MPI_Allreduce(&x, &tot, 1, MPI_INT, MPI_SUM, c));
        CHECK(tot == n - 1, "created comm sum %d", tot);
        MPI_Comm_free(&c);
    }
    MPI_Group_free(&g);
    MPI_Group_free(&wg);
    MPI_Comm d;
    int res;
    CHECK_OK(MPI_Comm_dup(MPI_COMM_WORLD, &d));
    MPI_Comm_compare(MPI_COMM_WORLD, d, &res);
    CHECK(res == MPI_CONGRUENT, "compare dup %d", res);
    MPI_Comm_compare(d, d, &res);
    CHECK(res == MPI_IDENT, "compare self %d", res);
    MPI_Comm_free(&d);
    MPI_Comm_free(&half);
    /* Cartesian */
    int dims[2] = {0, 0}, periods[2] = {1, 0};
    CHECK_OK(MPI_Dims_create(n, 2, dims));
    CHECK(dims[0] * dims[1] == n && dims[0] >= dims[1], "dims %d x %d", dims[0], dims[1]);
    MPI_Comm cart;
    CHECK_OK(MPI_Cart_create(MPI_COMM_WORLD, 2, dims, periods, 0, &cart));
    int coords[2], cr, src, dst;
    MPI_Comm_rank(cart, &cr);
    CHECK_OK(MPI_Cart_coords(cart, cr, 2, coords));
    CHECK(coords[0] == cr / dims[1] && coords[1] == cr % dims[1], "coords");
    int back;
    CHECK_OK(MPI_Cart_rank(cart, coords, &back));
    CHECK(back == cr, "cart rank");
    CHECK_OK(MPI_Cart_shift(cart, 0, 1, &src, &dst));
    CHECK(dst == ((coords[0] + 1) % dims[0]) * dims[1] + coords[1], "periodic shift");
    CHECK_OK(MPI_Cart_shift(cart, 1, 1, &src, &dst));
    CHECK(coords[1] + 1 < dims[1] ? dst == cr + 1 : dst == MPI_PROC_NULL, "open shift");
    int gd[2], gp[2], gc[2];
    CHECK_OK(MPI_Cart_get(cart, 2, gd, gp, gc));
    CHECK(gd[0] == dims[0] && gp[0] == 1 && gp[1] == 0 && gc[1] == coords[1], "cart_get");
    MPI_Comm_free(&cart);
    int d3[3] = {0, 3, 0};
    CHECK_OK(MPI_Dims_create(12, 3, d3));
    CHECK(d3[0] * d3[1] * d3[2] == 12 && d3[1] == 3, "dims with a fixed one");
    return MPI_Finalize();
}

static void test_comms(void **state)
{
    (void)state;
    for (unsigned n = 1; n <= 7; n += 2)
        mh_expect_pass(n, rank_comms);
    mh_expect_pass(4, rank_comms);
}

static int rank_errors(void)
{
    CHECK_OK(MPI_Init(NULL, NULL));
    int n = mh_size(), x = 0;
    CHECK_OK(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
    MPI_Request r;
    CHECK(MPI_Send(&x, 1, MPI_INT, n, 0, MPI_COMM_WORLD) == MPI_ERR_RANK, "rank n");
    CHECK(MPI_Send(&x, 1, MPI_INT, -5, 0, MPI_COMM_WORLD) == MPI_ERR_RANK, "rank -5");
    CHECK(MPI_Recv(&x, 1, MPI_INT, n + 3, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE) == MPI_ERR_RANK,
          "recv rank");
    CHECK(MPI_Send(&x, -1, MPI_INT, 0, 0, MPI_COMM_WORLD) == MPI_ERR_COUNT, "count");
    CHECK(MPI_Send(&x, 1, 9999, 0, 0, MPI_COMM_WORLD) == MPI_ERR_TYPE, "datatype");
    CHECK(MPI_Send(&x, 1, MPI_INT, 0, -3, MPI_COMM_WORLD) == MPI_ERR_TAG, "tag");
    CHECK(MPI_Isend(&x, 1, MPI_INT, 0, 0, 12345, &r) == MPI_ERR_COMM, "communicator");
    CHECK(MPI_Send(&x, 1, MPI_INT, 0, 0, MPI_COMM_NULL) == MPI_ERR_COMM, "COMM_NULL");
    CHECK(MPI_Bcast(&x, 1, MPI_INT, n, MPI_COMM_WORLD) == MPI_ERR_ROOT, "root");
    CHECK(MPI_Allreduce(&x, &x, 1, MPI_INT, 77, MPI_COMM_WORLD) == MPI_ERR_OP, "op");
    CHECK(MPI_Allreduce(&x, &x, 1, MPI_DOUBLE_INT, MPI_SUM, MPI_COMM_WORLD) == MPI_ERR_OP,
          "op on a pair type");
    CHECK(MPI_Send(NULL, 3, MPI_INT, 0, 0, MPI_COMM_WORLD) == MPI_ERR_BUFFER, "NULL buffer");
    MPI_Datatype t;
    CHECK_OK(MPI_Type_contiguous(2, MPI_INT, &t));
    CHECK(MPI_Send(&x, 1, t, 0, 0, MPI_COMM_WORLD) == MPI_ERR_TYPE, "uncommitted type");
    MPI_Type_free(&t);
    CHECK(MPI_Wait(&(MPI_Request){4242}, MPI_STATUS_IGNORE) == MPI_ERR_REQUEST, "request");
    MPI_Win w;
    CHECK(MPI_Win_create(&x, 4, 1, MPI_INFO_NULL, MPI_COMM_WORLD, &w) ==
              MPI_ERR_UNSUPPORTED_OPERATION,
          "Win_create");
    CHECK(MPI_Win_create_dynamic(MPI_INFO_NULL, MPI_COMM_WORLD, &w) ==
              MPI_ERR_UNSUPPORTED_OPERATION,
          "Win_create_dynamic");
    CHECK(MPI_Win_attach(w, &x, 4) == MPI_ERR_UNSUPPORTED_OPERATION, "Win_attach");
    MPI_File f;
    CHECK(MPI_File_open(MPI_COMM_WORLD, "x", MPI_MODE_RDONLY, MPI_INFO_NULL, &f) ==
              MPI_ERR_UNSUPPORTED_OPERATION,
          "File_open");
    MPI_Comm g;
    CHECK(MPI_Dist_graph_create_adjacent(MPI_COMM_WORLD, 0, NULL, MPI_UNWEIGHTED, 0, NULL,
                                         MPI_UNWEIGHTED, MPI_INFO_NULL, 0,
                                         &g) == MPI_ERR_UNSUPPORTED_OPERATION,
          "Dist_graph");
    char s[MPI_MAX_ERROR_STRING];
    int len;
    CHECK_OK(MPI_Error_string(MPI_ERR_TRUNCATE, s, &len));
    CHECK(len > 0 && strstr(s, "trunc"), "error string %s", s);
    return MPI_Finalize();
}

static void test_bad_arguments(void **state)
{
    (void)state;
    mh_expect_pass(2, rank_errors);
}

/* Under the default handler a bad rank ends the rank with the error class. */
static int rank_fatal(void)
{
    if (MPI_Init(NULL, NULL)) return -1;
    int x = 0;
    if (mh_rank() == 1) MPI_Send(&x, 1, MPI_INT, 99, 0, MPI_COMM_WORLD);
    if (mh_rank() == 2) MPI_Abort(MPI_COMM_WORLD, 42);
    return 0; /* the others leave without Finalize: the failing ranks never reach it */
}

static void test_fatal_and_abort(void **state)
{
    (void)state;
    int codes[3];
    struct mh_opts o = {.nodes = 3};
    assert_int_equal(mh_run(&o, rank_fatal, codes), 0);
    assert_int_equal(codes[0], MPI_HOST_RETURNED);
    assert_int_equal(codes[1], MPI_ERR_RANK);
    assert_int_equal(codes[2], 42);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_datatypes),
        cmocka_unit_test(test_comms),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_fatal_and_abort),
    };
    if (getenv("TEST_FILTER")) cmocka_set_test_filter(getenv("TEST_FILTER"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
