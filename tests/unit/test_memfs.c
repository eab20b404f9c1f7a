/* tests/unit/test_memfs.c — host unit tests of libc/memfs.c: paths, the byte bound (ENOSPC),
 * directories, unlink while open, and the console frame (CRC-32 and base64 checked against
 * known values). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "libc/memfs.h"

static int setup(void **state)
{
    (void)state;
    memfs_reset();
    return 0;
}

static void normalizes_paths(void **state)
{
    (void)state;
    char out[MEMFS_PATH_MAX];
    assert_int_equal(memfs_normalize("/a//b/./c/", out, sizeof out), 0);
    assert_string_equal(out, "a/b/c");
    assert_int_equal(memfs_normalize("./x.csv", out, sizeof out), 0);
    assert_string_equal(out, "x.csv");
    assert_int_equal(memfs_normalize("../etc/passwd", out, sizeof out), -EINVAL);
    assert_int_equal(memfs_normalize("a/../../b", out, sizeof out), -EINVAL);
    assert_int_equal(memfs_normalize("/", out, sizeof out), -EINVAL);
    assert_int_equal(memfs_normalize("", out, sizeof out), -EINVAL);
    assert_int_equal(memfs_normalize("a\nb", out, sizeof out), -EINVAL);
    assert_int_equal(memfs_normalize(" lead", out, sizeof out), -EINVAL);
    assert_int_equal(memfs_normalize("abcdef", out, 6), -ENAMETOOLONG);
    assert_int_equal(memfs_normalize("abcde", out, 6), 0);
}

static void write_read_and_gaps(void **state)
{
    (void)state;
    struct memfs_node *n;
    assert_int_equal(memfs_create("f", false, &n), 0);
    assert_int_equal(memfs_create("f", false, NULL), -EEXIST);
    assert_int_equal(memfs_write(n, "hello", 5, 0), 5);
    assert_int_equal(memfs_write(n, "!", 1, 8), 1);
    assert_int_equal(n->size, 9);
    char buf[16];
    assert_int_equal(memfs_read(n, buf, sizeof buf, 0), 9);
    assert_memory_equal(buf, "hello\0\0\0!", 9);
    assert_int_equal(memfs_read(n, buf, sizeof buf, 9), 0);
    assert_int_equal(memfs_read(n, buf, 2, 3), 2);
    assert_memory_equal(buf, "lo", 2);
    assert_int_equal(memfs_truncate(n, 2), 0);
    assert_int_equal(n->size, 2);
    assert_int_equal(memfs_truncate(n, 4), 0);
    assert_int_equal(memfs_read(n, buf, sizeof buf, 0), 4);
    assert_memory_equal(buf, "he\0\0", 4);
}

static void bound_gives_enospc_and_keeps_data(void **state)
{
    (void)state;
    memfs_set_limit(1000);
    struct memfs_node *a, *b;
    assert_int_equal(memfs_create("a", false, &a), 0);
    assert_int_equal(memfs_create("b", false, &b), 0);
    char big[600];
    memset(big, 'x', sizeof big);
    assert_int_equal(memfs_write(a, big, 600, 0), 600);
    assert_int_equal(memfs_write(b, big, 600, 0), -ENOSPC);
    assert_int_equal(b->size, 0);
    assert_int_equal(memfs_write(b, big, 400, 0), 400);
    assert_true(memfs_used() <= 1000);
    assert_int_equal(memfs_write(a, "y", 1, 600), -ENOSPC); /* nothing left */
    assert_int_equal(a->size, 600);
    assert_int_equal(memfs_truncate(a, 5000), -ENOSPC);
    /* Removing a file gives its bytes back. */
    assert_int_equal(memfs_remove("b", false), 0);
    assert_int_equal(memfs_write(a, "y", 1, 600), 1);
    assert_int_equal(memfs_write(a, big, 1, (size_t)-1), -EFBIG);
}

static void directories(void **state)
{
    (void)state;
    assert_int_equal(memfs_create("d/f", false, NULL), -ENOENT);
    assert_int_equal(memfs_create("d", true, NULL), 0);
    assert_int_equal(memfs_create("d/f", false, NULL), 0);
    assert_int_equal(memfs_create("d/f/g", false, NULL), -ENOTDIR);
    assert_int_equal(memfs_remove("d", true), -ENOTEMPTY);
    assert_int_equal(memfs_remove("d", false), -EISDIR);
    assert_int_equal(memfs_remove("d/f", true), -ENOTDIR);
    assert_int_equal(memfs_rename("d", "e"), -EISDIR);
    assert_int_equal(memfs_rename("d/f", "x/f"), -ENOENT);
    assert_int_equal(memfs_rename("d/f", "g"), 0);
    assert_null(memfs_find("d/f"));
    assert_non_null(memfs_find("g"));
    assert_int_equal(memfs_remove("d", true), 0);
    assert_int_equal(memfs_remove("d", true), -ENOENT);
}

static void rename_replaces_and_unlink_waits_for_close(void **state)
{
    (void)state;
    struct memfs_node *a, *b;
    memfs_create("a", false, &a);
    memfs_create("b", false, &b);
    memfs_write(a, "AAAA", 4, 0);
    memfs_write(b, "BB", 2, 0);
    memfs_open(a);
    assert_int_equal(memfs_rename("b", "a"), 0); /* a's old node is unlinked, still open */
    struct memfs_node *now = memfs_find("a");
    assert_ptr_equal(now, b);
    char buf[4];
    assert_int_equal(memfs_read(a, buf, 4, 0), 4); /* readable until closed */
    assert_true(memfs_used() >= 6);
    memfs_close(a);
    int i = 0, count = 0;
    while (memfs_next(&i))
        count++;
    assert_int_equal(count, 1);
}

static void table_full(void **state)
{
    (void)state;
    char name[16];
    for (int i = 0; i < MEMFS_MAX_NODES; i++) {
        snprintf(name, sizeof name, "f%d", i);
        assert_int_equal(memfs_create(name, false, NULL), 0);
    }
    assert_int_equal(memfs_create("one-more", false, NULL), -ENFILE);
}

static void crc_and_base64_known_values(void **state)
{
    (void)state;
    assert_int_equal(memfs_crc32(0, "123456789", 9), 0xcbf43926u);
    assert_int_equal(memfs_crc32(memfs_crc32(0, "1234", 4), "56789", 5), 0xcbf43926u);
    char out[16];
    assert_int_equal(memfs_base64((const uint8_t *)"Ma", 2, out), 4);
    assert_string_equal(out, "TWE=");
    memfs_base64((const uint8_t *)"M", 1, out);
    assert_string_equal(out, "TQ==");
    memfs_base64((const uint8_t *)"Man", 3, out);
    assert_string_equal(out, "TWFu");
    assert_int_equal(memfs_base64((const uint8_t *)"", 0, out), 0);
}

static char dumped[8192];
static size_t dumped_len;
static void collect(const char *s, size_t n)
{
    assert_true(dumped_len + n < sizeof dumped);
    memcpy(dumped + dumped_len, s, n);
    dumped_len += n;
}

static void dump_frames_files_not_dirs(void **state)
{
    (void)state;
    struct memfs_node *n, *e;
    memfs_create("out", true, NULL);
    memfs_create("out/r.txt", false, &n);
    memfs_write(n, "123456789", 9, 0);
    memfs_create("empty", false, &e);
    char big[100];
    memset(big, 'z', sizeof big);
    struct memfs_node *l;
    memfs_create("long", false, &l);
    memfs_write(l, big, sizeof big, 0);
    dumped_len = 0;
    assert_int_equal(memfs_dump(collect), 3);
    dumped[dumped_len] = '\0';
    assert_non_null(strstr(dumped, "\n@@porto-file 9 cbf43926 out/r.txt\nMTIzNDU2Nzg5\n"
                                   "@@porto-file-end\n"));
    assert_non_null(strstr(dumped, "\n@@porto-file 0 00000000 empty\n@@porto-file-end\n"));
    /* 100 bytes: one line of 76 characters (57 bytes), then the rest. */
    const char *lf = strstr(dumped, " long\n");
    assert_non_null(lf);
    const char *second = strchr(lf + 6, '\n');
    assert_int_equal(second - (lf + 6), 76);
    assert_null(strstr(dumped, "porto-file 0 00000000 out\n"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(normalizes_paths, setup),
        cmocka_unit_test_setup(write_read_and_gaps, setup),
        cmocka_unit_test_setup(bound_gives_enospc_and_keeps_data, setup),
        cmocka_unit_test_setup(directories, setup),
        cmocka_unit_test_setup(rename_replaces_and_unlink_waits_for_close, setup),
        cmocka_unit_test_setup(table_full, setup),
        cmocka_unit_test_setup(crc_and_base64_known_values, setup),
        cmocka_unit_test_setup(dump_frames_files_not_dirs, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
