/* tests/unit/test_cmdline.c — host unit tests of kernel/cmdline.c (make unit-test). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>
#include "kernel/cmdline.h"

static struct cmdline c;

static void skips_image_path_and_splits_keys_and_argv(void **state)
{
    (void)state;
    cmdline_parse(&c, "build/hello.elf rank=2 nodes=4 verbose -- a b", "hello");
    assert_null(c.error);
    assert_int_equal(c.nkeys, 3);
    assert_string_equal(cmdline_get(&c, "rank"), "2");
    assert_string_equal(cmdline_get(&c, "verbose"), "");
    assert_null(cmdline_get(&c, "missing"));
    assert_int_equal(c.argc, 3);
    assert_string_equal(c.argv[0], "hello");
    assert_string_equal(c.argv[1], "a");
    assert_string_equal(c.argv[2], "b");
    assert_null(c.argv[3]);
}

static void first_word_kept_when_it_is_a_key(void **state)
{
    (void)state;
    cmdline_parse(&c, "rank=1 -- x", "app");
    assert_string_equal(cmdline_get(&c, "rank"), "1");
    assert_int_equal(c.argc, 2);
    cmdline_parse(&c, "-- only args", "app");
    assert_int_equal(c.nkeys, 0);
    assert_int_equal(c.argc, 3);
}

static void empty_and_null_lines(void **state)
{
    (void)state;
    cmdline_parse(&c, NULL, "app");
    assert_int_equal(c.argc, 1);
    assert_int_equal(c.nkeys, 0);
    cmdline_parse(&c, "   \t ", "app");
    assert_int_equal(c.argc, 1);
    assert_null(c.error);
}

static void quotes_group_words(void **state)
{
    (void)state;
    cmdline_parse(&c, "img msg=\"hello world\" -- \"two words\" x", "app");
    assert_null(c.error);
    assert_string_equal(cmdline_get(&c, "msg"), "hello world");
    assert_string_equal(c.argv[1], "two words");
    cmdline_parse(&c, "img -- \"open", "app");
    assert_non_null(c.error);
}

static void last_key_wins_and_ints_parse(void **state)
{
    (void)state;
    bool ok;
    cmdline_parse(&c, "img n=1 n=0x20 neg=-7 bad=12x big=99999999999999999999 empty=", "app");
    assert_int_equal(cmdline_get_int(&c, "n", 0, &ok), 32);
    assert_true(ok);
    assert_int_equal(cmdline_get_int(&c, "neg", 0, &ok), -7);
    assert_int_equal(cmdline_get_int(&c, "bad", 5, &ok), 5);
    assert_false(ok);
    assert_int_equal(cmdline_get_int(&c, "big", 5, &ok), 5);
    assert_false(ok);
    assert_int_equal(cmdline_get_int(&c, "empty", 9, &ok), 9);
    assert_false(ok);
    assert_int_equal(cmdline_get_int(&c, "absent", 9, &ok), 9);
    assert_true(ok);
}

static void limits_are_reported_not_overrun(void **state)
{
    (void)state;
    char line[CMDLINE_MAX * 2];
    memset(line, 'a', sizeof line - 1);
    line[sizeof line - 1] = '\0';
    cmdline_parse(&c, line, "app");
    assert_non_null(c.error);
    char many[4096] = "img --";
    for (int i = 0; i < CMDLINE_MAX_ARGS + 10; i++)
        strcat(many, " w");
    cmdline_parse(&c, many, "app");
    assert_non_null(c.error);
    assert_int_equal(c.argc, CMDLINE_MAX_ARGS);
    assert_null(c.argv[c.argc]);
    char keys[4096] = "img";
    for (int i = 0; i < CMDLINE_MAX_KEYS + 5; i++)
        strcat(keys, " k=v");
    cmdline_parse(&c, keys, "app");
    assert_non_null(c.error);
    assert_int_equal(c.nkeys, CMDLINE_MAX_KEYS);
}

/* Job ids use all 64 bits; timeouts are range-checked; a key is exactly 32 hex digits. */
static void full_width_ranges_and_keys(void **state)
{
    (void)state;
    cmdline_parse(
        &c,
        "job=0xfedcba9876543210 big=18446744073709551616 t=-5 u=86401 v=7 "
        "key=000102030405060708090a0b0c0d0e0f short=0102 bad=zz02030405060708090a0b0c0d0e0f0",
        "x");
    uint64_t u = 0;
    assert_int_equal(cmdline_get_u64(&c, "job", &u), 1);
    assert_true(u == 0xfedcba9876543210ull);
    assert_int_equal(cmdline_get_u64(&c, "big", &u), -1);
    assert_int_equal(cmdline_get_u64(&c, "none", &u), 0);
    int64_t v = 0;
    assert_int_equal(cmdline_get_range(&c, "t", 10, 1, 86400, &v), -1);
    assert_int_equal(cmdline_get_range(&c, "u", 10, 1, 86400, &v), -1);
    assert_int_equal(cmdline_get_range(&c, "v", 10, 1, 86400, &v), 0);
    assert_int_equal(v, 7);
    assert_int_equal(cmdline_get_range(&c, "none", 10, 1, 86400, &v), 0);
    assert_int_equal(v, 10);
    uint8_t k[16];
    assert_int_equal(cmdline_get_hex(&c, "key", k, 16), 1);
    assert_int_equal(k[0], 0);
    assert_int_equal(k[15], 15);
    assert_int_equal(cmdline_get_hex(&c, "short", k, 16), -1);
    assert_int_equal(cmdline_get_hex(&c, "bad", k, 16), -1);
    assert_int_equal(cmdline_get_hex(&c, "none", k, 16), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(skips_image_path_and_splits_keys_and_argv),
        cmocka_unit_test(full_width_ranges_and_keys),
        cmocka_unit_test(first_word_kept_when_it_is_a_key),
        cmocka_unit_test(empty_and_null_lines),
        cmocka_unit_test(quotes_group_words),
        cmocka_unit_test(last_key_wins_and_ints_parse),
        cmocka_unit_test(limits_are_reported_not_overrun),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
