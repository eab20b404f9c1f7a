/*
 * tests/tg3/test_tg3_faults.c — the model catches a wrong init. The driver's host build has a
 * fault switch (tg3_test_faults, drivers/tg3.h) that skips or botches one init step; for each
 * fault this test runs node 0 with it and node 1 without, then shows that the model reports
 * the broken rule (and that frames stop flowing where the real chip would stop them). The
 * same run without a fault is clean, so the checks the other tests make would fail on any of
 * these mistakes. Run: `make unit-test` (tests/mk/tg3.mk).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/tg3.h"
#include "tg3_fixture.h"

struct fault_case {
    const char *name;
    unsigned fault;
    const char *violation; /* what the model must report; NULL: shown by lost frames */
    uint16_t device;
    unsigned phy_speed, mtu;
    bool on_close; /* the fault acts when node 0 closes */
    bool frames_stop;
};

static const struct fault_case cases[] = {
    {"buffer manager never enabled", TG3_FAULT_SKIP_BUFMGR, "buffer manager is off", 0x1648, 1000,
     0, false, true},
    {"buffer manager never enabled (5719)", TG3_FAULT_SKIP_BUFMGR, "buffer manager is off", 0x1657,
     1000, 0, false, true},
    {"memory arbiter left off after reset", TG3_FAULT_SKIP_MEMARB, "memory arbiter is off", 0x1659,
     1000, 0, false, true},
    {"reset without the firmware-mailbox magic", TG3_FAULT_SKIP_FW_SIGNATURE, "without the magic",
     0x1677, 1000, 0, false, false},
    {"descriptors not word-swapped", TG3_FAULT_NO_DESC_WORD_SWAP, "zero-length send descriptor",
     0x1648, 1000, 0, false, true},
    {"MAC port mode not following a 100 Mb/s PHY", TG3_FAULT_SKIP_PORT_MODE, "port mode", 0x1681,
     100, 0, false, true},
    {"MISC_HOST_CTRL without INDIR_ACCESS", TG3_FAULT_NO_INDIRECT_ENABLE, "INDIR_ACCESS", 0x1653,
     1000, 0, false, true},
    {"reset of a running chip without stopping DMA", TG3_FAULT_SKIP_ABORT, "DMA engines run",
     0x1648, 1000, 0, true, false},
    {"jumbo MTU without MAC_RX_MTU_SIZE", TG3_FAULT_SKIP_RX_MTU, NULL, 0x1648, 1000, 9000, false,
     true},
};

/* The fault switch is global; node 0's calls run with `node0_fault`, node 1's without. */
static unsigned node0_fault;
static void as_node(int i)
{
    tg3_test_faults = i == 0 ? node0_fault : 0;
}

/* Frames each way after the faulty init; returns how many node 0 and node 1 received. */
static void traffic(struct fx *f, size_t len, unsigned n, unsigned got[2])
{
    static uint8_t buf[2][FX_FRAME_MAX];
    for (int i = 0; i < 2; i++) {
        fx_frames_init(&f->rx[i], n);
        tg3_host_dma_register(buf[i], sizeof(buf[i]));
    }
    for (unsigned k = 0; k < n; k++) {
        for (int i = 0; i < 2; i++) {
            if (!f->nic[i].priv) continue;
            as_node(i);
            fx_make_frame(buf[i], len, i, 1 - i, k);
            struct nic_iov iov = {buf[i], len};
            if (nic_transmit(&f->nic[i], &iov, 1) == 0) nic_flush(&f->nic[i]);
            for (int r = 0; r < 50 && nic_tx_pending(&f->nic[i]); r++)
                tg3_host_advance_us(10);
        }
        for (int i = 0; i < 2; i++) {
            as_node(i);
            if (f->nic[i].priv) fx_pump(f, i, k + 1, 20);
        }
    }
    tg3_test_faults = 0;
    for (int i = 0; i < 2; i++) {
        got[i] = f->rx[i].count;
        tg3_host_dma_unregister(buf[i]);
    }
}

/* Node 0 runs with `fault` (0: none), node 1 is always clean. */
static void run_case(const struct fault_case *c, unsigned fault, unsigned got[2])
{
    struct fx f;
    struct tg3_model_config mc[2];
    struct nic_config nc = {.mtu = c->mtu};
    memset(&f, 0, sizeof(f));
    tg3_host_reset();
    for (int i = 0; i < 2; i++) {
        fx_config(&mc[i], c->device, i);
        mc[i].phy_speed = c->phy_speed;
    }
    int open_rc[2];
    node0_fault = c->on_close ? 0 : fault;
    for (int i = 1; i >= 0; i--) {
        as_node(i);
        int rc = fx_probe(&f, i, &mc[i]);
        open_rc[i] = rc ? rc : nic_open(&f.nic[i], &nc);
    }
    assert_int_equal(open_rc[1], 0);
    for (int i = 0; i < 2; i++) {
        as_node(i);
        if (open_rc[i] == 0)
            fx_wait_link(&f.nic[i], 2000);
        else
            f.nic[i].priv = NULL; /* open failed: send nothing from it */
    }
    tg3_test_faults = 0;
    if (c->on_close) {
        traffic(&f, 1000, 4, got);
        tg3_test_faults = fault;
        nic_close(&f.nic[0]);
        tg3_test_faults = 0;
    } else {
        traffic(&f, c->mtu > NIC_MTU_DEFAULT ? c->mtu + 14 : 1000, 8, got);
    }
    if (fault) {
        if (c->violation && !tg3_model_violated(f.m[0], c->violation)) {
            tg3_model_print_violations(f.m[0]);
            fail_msg("%s: the model did not report \"%s\"", c->name, c->violation);
        }
    } else {
        fx_assert_clean(&f);
    }
    assert_int_equal(tg3_model_violations(f.m[1]), 0);
    if (c->fault == TG3_FAULT_SKIP_RX_MTU && fault)
        assert_true(tg3_model_stats(f.m[0])->rx_too_long > 0);
    f.nic[0].priv = NULL;
    f.nic[0].ops = NULL; /* node 0 may be half-initialised: do not close it again */
    fx_down(&f);
}

static void test_each_fault_is_caught(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        const struct fault_case *c = &cases[k];
        unsigned clean[2], broken[2];
        fprintf(stderr, "fault: %s\n", c->name);
        run_case(c, 0, clean);
        run_case(c, c->fault, broken);
        if (!c->on_close) {
            assert_int_equal(clean[0], 8);
            assert_int_equal(clean[1], 8);
        }
        if (c->frames_stop) assert_true(broken[0] < 8 || broken[1] < 8);
    }
}

/* The Bar's example, spelled out: without the buffer manager nothing reaches the host and
 * the model names the missing step, so the clean-run assertion every other test makes
 * (fx_assert_clean) would fail. */
static void test_skipped_buffer_manager_enable_fails_the_model_check(void **state)
{
    (void)state;
    struct fx f;
    struct tg3_model_config mc[2];
    memset(&f, 0, sizeof(f));
    tg3_host_reset();
    fx_config(&mc[0], 0x1648, 0);
    fx_config(&mc[1], 0x1648, 1);
    tg3_test_faults = TG3_FAULT_SKIP_BUFMGR;
    assert_int_equal(fx_probe(&f, 0, &mc[0]), 0);
    assert_int_equal(nic_open(&f.nic[0], NULL), 0); /* the driver does not notice */
    tg3_test_faults = 0;
    assert_int_equal(fx_probe(&f, 1, &mc[1]), 0);
    assert_int_equal(nic_open(&f.nic[1], NULL), 0);
    assert_true(fx_wait_link(&f.nic[0], 2000));
    assert_true(fx_wait_link(&f.nic[1], 2000));
    assert_false(tg3_model_reg(f.m[0], BUFMGR_MODE) & BUFMGR_MODE_ENABLE);
    assert_true(tg3_model_violations(f.m[0]) > 0);
    assert_true(tg3_model_violated(f.m[0], "MAC receiver enabled while the buffer manager is off"));
    assert_true(tg3_model_violated(f.m[0], "read DMA enabled while the buffer manager is off"));
    unsigned got[2];
    traffic(&f, 500, 4, got);
    assert_int_equal(got[0], 0); /* nothing received by the broken node */
    assert_true(tg3_model_violated(f.m[0], "frame arrived while the buffer manager is off"));
    fx_down(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_each_fault_is_caught),
        cmocka_unit_test(test_skipped_buffer_manager_enable_fails_the_model_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
