/*
 * tests/tg3/test_tg3_board.c — the tg3 driver on model boards with what real boards have and
 * the plain model lacked: APE firmware, ASF firmware, LAN-on-motherboard GPIOs, a slow
 * bootcode, stale read-DMA lengths, a port number that is not the PCI function, PHYs that
 * need DSP fixes, 5761 A's CLKREQ erratum, LED wiring, undocumented receive error bits, and a
 * write-DMA engine that stops. Each case opens two nodes, passes frames both ways (and runs
 * for a while where a rule is about time) and asserts the model recorded no violation: the
 * rules are in tests/tg3/tg3_model_board.c, one per gap listed in docs/tg3.md.
 * With TG3_BOARD_EXPECT_BROKEN=1 each case instead asserts that *its own* rule fired (or, for
 * the cases shown by lost frames, that frames were lost): tests/tg3/check-old-driver.sh
 * builds this program against an older drivers/tg3.c in that mode, so it shows every rule
 * failing on the old driver.
 * Run: `make unit-test` (tests/mk/tg3.mk).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tg3_fixture.h"

struct board_case {
    const char *name;     /* the gap it checks (docs/tg3.md numbers them) */
    const char *rules[3]; /* what the model reports when the driver gets it wrong */
    uint16_t device;
    uint32_t rev; /* 0: the model's default for the device */
    unsigned speed, mtu;
    unsigned run_ms;       /* polled virtual time after the exchange */
    bool asf, lom, no_ape; /* no_ape: a board without APE firmware */
    uint8_t port;
    unsigned led_mode;
    uint32_t rx_err_bits;
};

static const struct board_case cases[] = {
    {.name = "1 APE locks, MAC paths, driver state (5719)",
     .rules = {"APE GRC lock", "APE PHY lock", "APE TX/RX paths"},
     .device = 0x1657},
    {.name = "1 APE locks, MAC paths, driver state (5761)",
     .rules = {"APE GRC lock", "APE PHY lock", "APE TX/RX paths"},
     .device = 0x1681},
    {.name = "2 clock override across reset, slow bootcode (5720)",
     .rules = {"slow MAC clock", "D0 clock policy"},
     .device = 0x165f},
    {.name = "2 clock override across reset, slow bootcode (5717 A0)",
     .rules = {"slow MAC clock", "D0 clock policy"},
     .device = 0x1655,
     .rev = 0x05717000},
    {.name = "3 stale read-DMA lengths after power-on (5719, no APE firmware)",
     .rules = {"stale read-DMA lengths"},
     .device = 0x1657,
     .no_ape = true},
    {.name = "4 read-DMA FIFO tuning on 5719 A0 only (5720)",
     .rules = {"read-DMA FIFO tuning"},
     .device = 0x165f},
    {.name = "5 DMA_RW_CTRL kept from the bootcode (5719)",
     .rules = {"DMA_RW_CTRL"},
     .device = 0x1657},
    {.name = "6 LAN-on-motherboard GPIOs kept (5751)",
     .rules = {"releases GPIOs"},
     .device = 0x1677,
     .lom = true},
    {.name = "7 PHY BER DSP fix, wirespeed, auto-MDIX (5721)",
     .rules = {"BER DSP fix", "wirespeed and auto-MDIX"},
     .device = 0x1659},
    {.name = "7 PHY jitter DSP fix (5761, no APE firmware)",
     .rules = {"jitter DSP fix"},
     .device = 0x1681,
     .no_ape = true},
    {.name = "7 PHY 5703/4/5 DSP channel test and ADC fix (5704 A3)",
     .rules = {"DSP channel test", "ADC DSP fix"},
     .device = 0x1648},
    {.name = "7 PHY jumbo settings (5704)",
     .rules = {"jumbo-frame settings"},
     .device = 0x1648,
     .mtu = 9000},
    {.name = "8 ASF driver state, heartbeat, VLAN tags (5751)",
     .rules = {"ASF driver-state", "no ASF heartbeat", "keeps VLAN tags"},
     .device = 0x1677,
     .asf = true,
     .run_ms = 12000},
    {.name = "8 no ASF pause on an APE part (5719)",
     .rules = {"firmware is the APE"},
     .device = 0x1657,
     .asf = true},
    {.name = "9 CLKREQ off at 100 Mb/s (5761 A0, no APE firmware)",
     .rules = {"CLKREQ on"},
     .device = 0x1681,
     .no_ape = true,
     .rev = 0x05761000,
     .speed = 100},
    {.name = "10 PCIe 1.0a and NVRAM lock before reset (5751)",
     .rules = {"1.1 test mode", "NVRAM arbitration"},
     .device = 0x1677},
    {.name = "12 PHY address from the CPMU port (5719 port 1)",
     .rules = {"PHY address"},
     .device = 0x1657,
     .port = 1},
    {.name = "13 5717 C0 programmed as 5720 A0",
     .rules = {"5720 TX lengths", "5720 GRC_MODE"},
     .device = 0x1655},
    {.name = "14 LED mode from SRAM (5704, PHY_2)",
     .rules = {"MAC_LED_CTRL mode"},
     .device = 0x1648,
     .led_mode = 2},
    {.name = "14 undocumented receive error bits (5704): frames lost",
     .device = 0x1648,
     .rx_err_bits = 0x02000000},
};

#define FRAMES 8

static void exchange(struct fx *f, size_t len)
{
    static uint8_t out[2][FX_FRAME_MAX];
    for (int i = 0; i < 2; i++) {
        fx_frames_init(&f->rx[i], FRAMES);
        tg3_host_dma_register(out[i], sizeof(out[i]));
    }
    for (unsigned k = 0; k < FRAMES; k++) {
        for (int i = 0; i < 2; i++) {
            fx_make_frame(out[i], len, i, 1 - i, k * 2 + (unsigned)i);
            struct nic_iov iov = {out[i], len};
            assert_int_equal(nic_transmit(&f->nic[i], &iov, 1), 0);
            nic_flush(&f->nic[i]);
        }
        for (int i = 0; i < 2; i++) {
            assert_int_equal(fx_pump(f, i, k + 1, 2000), k + 1);
            assert_memory_equal(f->rx[i].data + (size_t)k * FX_FRAME_MAX, out[1 - i], len);
            for (int r = 0; r < 200 && nic_tx_pending(&f->nic[1 - i]); r++)
                tg3_host_advance_us(10);
        }
    }
    for (int i = 0; i < 2; i++)
        tg3_host_dma_unregister(out[i]);
}

static bool expect_broken(void)
{
    const char *e = getenv("TG3_BOARD_EXPECT_BROKEN");
    return e && *e == '1';
}

/* The old driver's run: no assertion may stop it before the model had its say. Returns the
 * frames received. */
static unsigned lenient_run(struct fx *f, const struct tg3_model_config *mc, unsigned mtu,
                            size_t len, unsigned run_ms)
{
    static uint8_t out[2][FX_FRAME_MAX];
    struct nic_config nc = {.mtu = mtu};
    unsigned got = 0;
    memset(f, 0, sizeof(*f));
    tg3_host_reset();
    for (int i = 0; i < 2; i++)
        if (fx_probe(f, i, &mc[i]) == 0) nic_open(&f->nic[i], &nc);
    for (int i = 0; i < 2; i++) {
        fx_frames_init(&f->rx[i], FRAMES);
        tg3_host_dma_register(out[i], sizeof(out[i]));
        if (f->nic[i].is_open) fx_wait_link(&f->nic[i], 2000);
    }
    for (unsigned k = 0; k < FRAMES; k++)
        for (int i = 0; i < 2; i++) {
            if (!f->nic[i].is_open) continue;
            fx_make_frame(out[i], len, i, 1 - i, k);
            struct nic_iov iov = {out[i], len};
            if (nic_transmit(&f->nic[i], &iov, 1) == 0) nic_flush(&f->nic[i]);
        }
    for (unsigned ms = 0; ms < 100 + run_ms; ms++) {
        tg3_host_advance_us(1000);
        for (int i = 0; i < 2; i++)
            if (f->nic[i].is_open) nic_poll(&f->nic[i], fx_collect, &f->rx[i], 8);
    }
    for (int i = 0; i < 2; i++) {
        got += f->rx[i].count;
        tg3_host_dma_unregister(out[i]);
    }
    return got;
}

static void test_board_case(void **state)
{
    const struct board_case *c = *state;
    struct tg3_model_config mc[2];
    struct fx f;
    fprintf(stderr, "board: %s\n", c->name);
    for (int i = 0; i < 2; i++) {
        fx_config(&mc[i], c->device, i);
        mc[i].chip_rev_id = c->rev;
        mc[i].phy_speed = c->speed;
        mc[i].asf = c->asf;
        mc[i].lom = c->lom;
        mc[i].no_ape_fw = c->no_ape;
        mc[i].port = c->port;
        mc[i].led_mode = c->led_mode;
        mc[i].rx_err_bits = c->rx_err_bits;
    }
    if (expect_broken()) {
        unsigned got = lenient_run(&f, mc, c->mtu, c->mtu ? c->mtu + 14 : 1000, c->run_ms);
        bool all = true;
        for (unsigned r = 0; r < 3 && c->rules[r]; r++) {
            bool seen =
                tg3_model_violated(f.m[0], c->rules[r]) || tg3_model_violated(f.m[1], c->rules[r]);
            fprintf(stderr, "  rule \"%s\": %s\n", c->rules[r], seen ? "violated" : "kept");
            all = all && seen;
        }
        if (!c->rules[0]) fprintf(stderr, "  frames received: %u of %u\n", got, 2 * FRAMES);
        assert_true(c->rules[0] ? all : got < 2 * FRAMES);
        for (int i = 0; i < 2; i++)
            f.nic[i].ops = NULL; /* half-initialised: tg3_host_reset() frees the memory */
        f.pages_after_probe = 0;
        fx_down(&f);
        return;
    }
    fx_up_cfg(&f, &mc[0], &mc[1], c->mtu);
    exchange(&f, c->mtu ? c->mtu + 14 : 1000);
    for (unsigned ms = 0; ms < c->run_ms; ms += 10) {
        tg3_host_advance_us(10000);
        for (int i = 0; i < 2; i++)
            nic_poll(&f.nic[i], fx_collect, &f.rx[i], 8);
    }
    fx_assert_clean(&f);
    fx_down(&f);
}

/* Gap 11: a DMA error stops write DMA; the driver notices within its once-a-second look,
 * resets and reopens the chip, counts and logs it, and frames flow again. */
static void test_write_dma_killed_recovers(void **state)
{
    (void)state;
    struct fx f;
    fx_up(&f, 0x1648, 0);
    exchange(&f, 600);
    tg3_model_kill_wdma(f.m[1]);
    if (expect_broken()) { /* the old driver: node 1 stays deaf */
        static uint8_t b[1000];
        tg3_host_dma_register(b, sizeof(b));
        fx_frames_init(&f.rx[1], 4);
        fx_make_frame(b, sizeof(b), 0, 1, 5);
        struct nic_iov v = {b, sizeof(b)};
        nic_transmit(&f.nic[0], &v, 1);
        nic_flush(&f.nic[0]);
        for (unsigned ms = 0; ms < 3000; ms++) {
            tg3_host_advance_us(1000);
            nic_poll(&f.nic[1], fx_collect, &f.rx[1], 8);
        }
        fprintf(stderr, "  frames received after the DMA error: %u\n", f.rx[1].count);
        assert_int_equal(f.rx[1].count, 0);
        tg3_host_dma_unregister(b);
        f.pages_after_probe = 0;
        fx_down(&f);
        return;
    }
    static uint8_t buf[1000];
    tg3_host_dma_register(buf, sizeof(buf));
    fx_frames_init(&f.rx[1], 4);
    fx_make_frame(buf, sizeof(buf), 0, 1, 99);
    struct nic_iov iov = {buf, sizeof(buf)};
    assert_int_equal(nic_transmit(&f.nic[0], &iov, 1), 0);
    nic_flush(&f.nic[0]);
    /* Node 1 hears nothing while its write DMA is off; within 2 s of polling it restarts. */
    for (unsigned ms = 0; ms < 2000 && f.nic[1].stats.resets == 0; ms++) {
        tg3_host_advance_us(1000);
        nic_poll(&f.nic[1], fx_collect, &f.rx[1], 8);
    }
    assert_int_equal(f.nic[1].stats.resets, 1);
    assert_true(tg3_host_log_contains("write DMA disabled"));
    assert_true(fx_wait_link(&f.nic[1], 2000));
    exchange(&f, 800); /* and traffic flows both ways again */
    tg3_host_dma_unregister(buf);
    fx_assert_clean(&f);
    fx_down(&f);
}

int main(void)
{
    static struct CMUnitTest tests[sizeof(cases) / sizeof(cases[0]) + 1];
    size_t n = 0;
    for (; n < sizeof(cases) / sizeof(cases[0]); n++)
        tests[n] =
            (struct CMUnitTest){cases[n].name, test_board_case, NULL, NULL, (void *)&cases[n]};
    tests[n++] = (struct CMUnitTest){"11 write DMA stops: restart", test_write_dma_killed_recovers,
                                     NULL, NULL, NULL};
    return _cmocka_run_group_tests("tg3_board", tests, n, NULL, NULL);
}
