/*
 * tests/hosted/test_slurm.c — the hosted runtime's reading of Slurm's layout (hosted/slurm.c):
 * host lists with ranges and zero padding, tasks per node with repeats, block and cyclic
 * placement, and malformed input refused with a reason. Run: make unit-test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>

#include "hosted/host.h"

static char hosts[16][64];

static void test_hostlist_ranges(void **state)
{
    (void)state;
    const char *err;
    int n = host_expand_hostlist("node[01-03,07],gpu5,r[9-10]-ib", hosts, 16, &err);
    assert_int_equal(n, 7);
    assert_string_equal(hosts[0], "node01");
    assert_string_equal(hosts[2], "node03");
    assert_string_equal(hosts[3], "node07");
    assert_string_equal(hosts[4], "gpu5");
    assert_string_equal(hosts[5], "r9-ib");
    assert_string_equal(hosts[6], "r10-ib");
    assert_int_equal(host_expand_hostlist("localhost", hosts, 16, &err), 1);
    assert_string_equal(hosts[0], "localhost");
}

static void test_hostlist_bad(void **state)
{
    (void)state;
    const char *err = NULL;
    const char *bad[] = {"", "a[1-", "a[3-1]", "a[x]", "a,", "a,,b", "a[1-2]b[1-2]", "a[1-20]"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err = NULL;
        assert_int_equal(host_expand_hostlist(bad[i], hosts, 16, &err), -1);
        assert_non_null(err);
    }
    char longname[80];
    memset(longname, 'a', sizeof longname - 1);
    longname[79] = 0;
    assert_int_equal(host_expand_hostlist(longname, hosts, 16, &err), -1);
}

static void test_tasks(void **state)
{
    (void)state;
    int c[8];
    const char *err;
    assert_int_equal(host_expand_tasks("2(x3),1", c, 8, &err), 4);
    assert_int_equal(c[0], 2);
    assert_int_equal(c[2], 2);
    assert_int_equal(c[3], 1);
    assert_int_equal(host_expand_tasks("16", c, 8, &err), 1);
    assert_int_equal(c[0], 16);
    assert_int_equal(host_expand_tasks("2(x9)", c, 8, &err), -1);
    assert_int_equal(host_expand_tasks("0", c, 8, &err), -1);
    assert_int_equal(host_expand_tasks("2(3)", c, 8, &err), -1);
    assert_int_equal(host_expand_tasks("2;1", c, 8, &err), -1);
    assert_int_equal(host_expand_tasks("", c, 8, &err), -1);
}

static void test_placement(void **state)
{
    (void)state;
    int c[3] = {2, 2, 1};
    /* block: 0 0 1 1 2 */
    int block[] = {0, 0, 1, 1, 2};
    for (int r = 0; r < 5; r++)
        assert_int_equal(host_node_of_rank(r, c, 3, false), block[r]);
    /* cyclic: 0 1 2 0 1 */
    int cyc[] = {0, 1, 2, 0, 1};
    for (int r = 0; r < 5; r++)
        assert_int_equal(host_node_of_rank(r, c, 3, true), cyc[r]);
    assert_int_equal(host_node_of_rank(5, c, 3, false), -1);
    assert_int_equal(host_node_of_rank(5, c, 3, true), -1);
    assert_int_equal(host_node_of_rank(-1, c, 3, false), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hostlist_ranges),
        cmocka_unit_test(test_hostlist_bad),
        cmocka_unit_test(test_tasks),
        cmocka_unit_test(test_placement),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
