/* tests/unit/test_idle.c — host unit tests of the idle= / idlehalt= words (kernel/idle_policy.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include "kernel/idle.h"

static void absent_words_mean_spin(void **state)
{
    (void)state;
    struct idle_policy p = {true, 1, 1};
    assert_null(idle_parse(NULL, NULL, &p));
    assert_false(p.halt);
    assert_int_equal(p.spin_us, IDLE_SPIN_US_DEFAULT);
    assert_int_equal(p.halt_us, IDLE_HALT_US_DEFAULT);
}

static void halt_with_and_without_spin_period(void **state)
{
    (void)state;
    struct idle_policy p;
    assert_null(idle_parse("halt", NULL, &p));
    assert_true(p.halt);
    assert_int_equal(p.spin_us, IDLE_SPIN_US_DEFAULT);
    assert_null(idle_parse("halt:25", "700", &p));
    assert_true(p.halt);
    assert_int_equal(p.spin_us, 25);
    assert_int_equal(p.halt_us, 700);
    assert_null(idle_parse("spin", NULL, &p));
    assert_false(p.halt);
}

static void bad_words_are_refused_and_leave_the_policy_alone(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",         "halt:",  "halt:0", "halt:-5", "halt:1000001",
        "halt:12x", "halted", "spin:5", "HALT",    "halt:99999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct idle_policy p = {false, 7, 8};
        assert_non_null(idle_parse(bad[i], NULL, &p));
        assert_false(p.halt);
        assert_int_equal(p.spin_us, 7);
    }
    struct idle_policy p = {false, 7, 8};
    assert_non_null(idle_parse("halt", "0", &p));
    assert_non_null(idle_parse("halt", "", &p));
    assert_non_null(idle_parse("spin", "1ms", &p));
    assert_int_equal(p.halt_us, 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(absent_words_mean_spin),
        cmocka_unit_test(halt_with_and_without_spin_period),
        cmocka_unit_test(bad_words_are_refused_and_leave_the_policy_alone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
