/*
 * tests/tg3/test_tg3_init.c — the tg3 driver against the tg3 model: probe and init of every
 * supported part, what open() leaves in the chip, the MAC address, link up/down and speed,
 * close/reopen, the indirect (config-space) register path, ASF, and clear refusals.
 * Run: `make unit-test` (tests/mk/tg3.mk); TG3_TEST_VERBOSE=1 / TG3_MODEL_VERBOSE=1 for logs.
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

/* One frame each way; both arrive intact. */
static void exchange_one(struct fx *f, size_t len)
{
    static uint8_t out[2][FX_FRAME_MAX];
    for (int i = 0; i < 2; i++) {
        fx_frames_init(&f->rx[i], 4);
        tg3_host_dma_register(out[i], sizeof(out[i]));
        fx_make_frame(out[i], len, i, 1 - i, (uint32_t)(len * 3 + (size_t)i));
        struct nic_iov iov = {out[i], len};
        assert_int_equal(nic_transmit(&f->nic[i], &iov, 1), 0);
        nic_flush(&f->nic[i]);
    }
    for (int i = 0; i < 2; i++) {
        assert_int_equal(fx_pump(f, i, 1, 1000), 1);
        assert_int_equal(f->rx[i].len[0], len);
        assert_memory_equal(f->rx[i].data, out[1 - i], len);
        assert_int_equal(nic_tx_pending(&f->nic[1 - i]), 0);
    }
    for (int i = 0; i < 2; i++)
        tg3_host_dma_unregister(out[i]);
}

static void test_every_supported_part_inits_and_passes_frames(void **state)
{
    (void)state;
    unsigned parts = 0;
    for (const struct nic_pci_id *id = tg3_driver.ids; id->vendor; id++, parts++) {
        struct fx f;
        fx_up(&f, id->device, 0);
        uint8_t mac[6];
        fx_mac(1, mac);
        assert_memory_equal(f.nic[1].mac, mac, 6);
        assert_string_equal(f.nic[0].model, id->model);
        assert_int_equal(f.nic[0].mtu, NIC_MTU_DEFAULT);
        exchange_one(&f, 1514);
        exchange_one(&f, 60);
        fx_assert_clean(&f);
        fx_down(&f);
    }
    assert_true(parts >= 20);
}

static void test_open_leaves_chip_polled_and_filtered(void **state)
{
    (void)state;
    struct fx f;
    fx_up(&f, 0x1648, 0); /* BCM5704 */
    struct tg3_model *m = f.m[0];
    uint32_t mhc = tg3_model_reg(m, TG3PCI_MISC_HOST_CTRL);
    assert_true(mhc & MISC_HOST_CTRL_MASK_PCI_INT);
    assert_true(mhc & MISC_HOST_CTRL_INDIR_ACCESS);
    assert_int_not_equal(tg3_model_reg(m, MAILBOX_INTERRUPT_0 + 4), 0);
    uint32_t grc = tg3_model_reg(m, GRC_MODE);
    assert_true(grc & GRC_MODE_HOST_SENDBDS);
    assert_true(grc & GRC_MODE_WSWAP_NONFRM_DATA);
    assert_false(grc & GRC_MODE_BSWAP_NONFRM_DATA);
    assert_int_equal(tg3_model_reg(m, MAC_ADDR_0_HIGH), 0x5254);
    assert_int_equal(tg3_model_reg(m, MAC_ADDR_0_LOW), 0x00500001);
    assert_int_equal(tg3_model_reg(m, MAC_RX_MTU_SIZE), 1500 + 14 + 4 + 4);
    uint32_t rx_mode = tg3_model_reg(m, MAC_RX_MODE);
    assert_true(rx_mode & RX_MODE_ENABLE);
    assert_false(rx_mode & RX_MODE_PROMISC);
    for (int r = 0; r < 4; r++)
        assert_int_equal(tg3_model_reg(m, MAC_HASH_REG_0 + r * 4), 0); /* no multicast */
    assert_true(tg3_model_reg(m, BUFMGR_MODE) & BUFMGR_MODE_ENABLE);
    assert_true(tg3_model_reg(m, HOSTCC_MODE) & HOSTCC_MODE_ENABLE);
    assert_int_equal(tg3_model_reg(m, HOSTCC_STAT_COAL_TICKS), 0);
    /* The firmware handshake happened at probe and at open. */
    assert_int_equal(tg3_model_sram(m, NIC_SRAM_FIRMWARE_MBOX),
                     (uint32_t)~NIC_SRAM_FIRMWARE_MBOX_MAGIC1);
    assert_true(tg3_model_stats(m)->resets >= 2);
    fx_assert_clean(&f);
    fx_down(&f);
}

static void test_mac_from_mac_addr_register_without_sram_mailbox(void **state)
{
    (void)state;
    struct fx f;
    struct tg3_model_config c0, c1;
    fx_config(&c0, 0x1677, 0);
    fx_config(&c1, 0x1677, 1);
    c0.no_mac_mailbox = c1.no_mac_mailbox = true;
    fx_up_cfg(&f, &c0, &c1, 0);
    uint8_t mac[6];
    fx_mac(0, mac);
    assert_memory_equal(f.nic[0].mac, mac, 6);
    exchange_one(&f, 200);
    fx_assert_clean(&f);
    fx_down(&f);
}

static void test_unsupported_chip_refused_untouched(void **state)
{
    (void)state;
    struct fx f = {0};
    struct tg3_model_config c;
    tg3_host_reset();
    fx_config(&c, 0x1644, 0);
    c.chip_rev_id = 0xc001; /* a BCM5906: another programming model */
    assert_int_equal(fx_probe(&f, 0, &c), -NIC_ENODEV);
    assert_true(tg3_host_log_contains("not supported"));
    assert_int_equal(tg3_model_stats(f.m[0])->mmio_writes, 0);
    assert_int_equal(tg3_model_stats(f.m[0])->cfg_writes, 0);
    assert_int_equal(tg3_host_pages_outstanding(), 0);
    tg3_host_reset();
}

static void test_fibre_board_refused(void **state)
{
    (void)state;
    struct fx f = {0};
    struct tg3_model_config c;
    tg3_host_reset();
    fx_config(&c, 0x1648, 0);
    c.fibre = true;
    assert_int_equal(fx_probe(&f, 0, &c), -NIC_ENODEV);
    assert_true(tg3_host_log_contains("fibre"));
    assert_int_equal(tg3_host_pages_outstanding(), 0);
    assert_int_equal(tg3_model_violations(f.m[0]), 0);
    tg3_host_reset();
}

static void test_link_follows_cable_and_sets_port_mode(void **state)
{
    (void)state;
    struct fx f;
    struct nic_link l;
    fx_up(&f, 0x1659, 0); /* BCM5721 */
    assert_int_equal(nic_link(&f.nic[0], &l), 0);
    assert_true(l.up);
    assert_int_equal(l.speed_mbps, 1000);
    assert_true(l.full_duplex);
    assert_int_equal(tg3_model_reg(f.m[0], MAC_MODE) & MAC_MODE_PORT_MODE_MASK,
                     MAC_MODE_PORT_MODE_GMII);

    /* Unplugged: the status block's LINK_CHG makes poll() look, link() says down. */
    tg3_model_set_cable(f.m[0], false);
    fx_frames_init(&f.rx[0], 4);
    nic_poll(&f.nic[0], fx_collect, &f.rx[0], 8);
    assert_true(tg3_host_log_contains("link down"));
    assert_int_equal(nic_link(&f.nic[0], &l), 0);
    assert_false(l.up);
    /* Sending on a dead wire is an error, not a silent loss. */
    static uint8_t frame[100];
    tg3_host_dma_register(frame, sizeof(frame));
    fx_make_frame(frame, sizeof(frame), 0, 1, 1);
    struct nic_iov iov = {frame, sizeof(frame)};
    assert_int_equal(nic_transmit(&f.nic[0], &iov, 1), -NIC_ELINK);
    assert_int_equal(f.nic[0].stats.tx_errors, 1);
    tg3_host_dma_unregister(frame);

    tg3_model_set_cable(f.m[0], true);
    assert_true(fx_wait_link(&f.nic[0], 100));
    assert_true(fx_wait_link(&f.nic[1], 100));
    exchange_one(&f, 1000);
    fx_assert_clean(&f);
    fx_down(&f);
}

static void test_100mbps_link_uses_mii_port_mode(void **state)
{
    (void)state;
    struct fx f;
    struct tg3_model_config c0, c1;
    struct nic_link l;
    fx_config(&c0, 0x1681, 0); /* BCM5761 */
    fx_config(&c1, 0x1681, 1);
    c0.phy_speed = c1.phy_speed = 100;
    fx_up_cfg(&f, &c0, &c1, 0);
    assert_int_equal(nic_link(&f.nic[0], &l), 0);
    assert_int_equal(l.speed_mbps, 100);
    assert_int_equal(tg3_model_reg(f.m[0], MAC_MODE) & MAC_MODE_PORT_MODE_MASK,
                     MAC_MODE_PORT_MODE_MII);
    exchange_one(&f, 1514);
    fx_assert_clean(&f);
    fx_down(&f);
}

static void test_close_and_reopen(void **state)
{
    (void)state;
    struct fx f;
    fx_up(&f, 0x1648, 0);
    exchange_one(&f, 500);
    long ring_pages = tg3_host_pages_outstanding() - f.pages_after_probe;
    assert_true(ring_pages > 0);
    for (int i = 0; i < 2; i++)
        nic_close(&f.nic[i]);
    assert_int_equal(tg3_host_pages_outstanding(), f.pages_after_probe);
    struct nic_config nc = {.mtu = 9000};
    for (int i = 0; i < 2; i++)
        assert_int_equal(nic_open(&f.nic[i], &nc), 0);
    for (int i = 0; i < 2; i++)
        assert_true(fx_wait_link(&f.nic[i], 2000));
    assert_int_equal(f.nic[0].mtu, 9000);
    exchange_one(&f, 9014);
    /* A second open without close is refused, not a re-init under running DMA. */
    assert_int_equal(nic_open(&f.nic[0], &nc), -NIC_EBUSY);
    fx_assert_clean(&f);
    fx_down(&f);
}

static void test_5701_pcix_target_bug_uses_indirect_access(void **state)
{
    (void)state;
    struct fx f;
    struct tg3_model_config c0, c1;
    fx_config(&c0, 0x1645, 0); /* BCM5701 B5 */
    fx_config(&c1, 0x1645, 1);
    c0.pcix_mode = c1.pcix_mode = true;
    c0.pcix_target_bug = c1.pcix_target_bug = true;
    fx_up_cfg(&f, &c0, &c1, 0);
    assert_true(tg3_host_log_contains("indirect register access"));
    unsigned long mmio = tg3_model_stats(f.m[0])->mmio_writes + tg3_model_stats(f.m[0])->mmio_reads;
    exchange_one(&f, 1514);
    exchange_one(&f, 64);
    /* Every access after probe went through config space, mailboxes included. */
    assert_int_equal(tg3_model_stats(f.m[0])->mmio_writes + tg3_model_stats(f.m[0])->mmio_reads,
                     mmio);
    fx_assert_clean(&f);
    fx_down(&f);
}

static void test_5700_bx_in_pcix_mode_goes_indirect(void **state)
{
    (void)state;
    struct fx f;
    struct tg3_model_config c0, c1;
    fx_config(&c0, 0x1644, 0); /* BCM5700 B2: TX mailbox written twice, PCI-X target bug */
    fx_config(&c1, 0x1644, 1);
    c0.pcix_mode = c1.pcix_mode = true;
    fx_up_cfg(&f, &c0, &c1, 0);
    assert_true(tg3_host_log_contains("indirect register access"));
    exchange_one(&f, 1514);
    fx_assert_clean(&f);
    fx_down(&f);
}

static void test_asf_firmware_paused_before_reset(void **state)
{
    (void)state;
    struct fx f;
    struct tg3_model_config c0, c1;
    fx_config(&c0, 0x1659, 0);
    fx_config(&c1, 0x1659, 1);
    c0.asf = c1.asf = true;
    fx_up_cfg(&f, &c0, &c1, 0);
    exchange_one(&f, 300);
    fx_assert_clean(&f); /* a reset with ASF running would be a violation */
    fx_down(&f);
}

static void test_jumbo_mtu_refused_where_the_part_has_none(void **state)
{
    (void)state;
    const uint16_t no_jumbo[] = {0x1653, 0x1659, 0x1677, 0x1600, 0x165a, 0x1681};
    for (size_t k = 0; k < sizeof(no_jumbo) / sizeof(no_jumbo[0]); k++) {
        struct fx f = {0};
        struct tg3_model_config c;
        tg3_host_reset();
        fx_config(&c, no_jumbo[k], 0);
        assert_int_equal(fx_probe(&f, 0, &c), 0);
        long pages = tg3_host_pages_outstanding();
        struct nic_config nc = {.mtu = 9000};
        assert_int_equal(nic_open(&f.nic[0], &nc), -NIC_EINVAL);
        assert_true(tg3_host_log_contains("mtu 9000 rejected"));
        assert_int_equal(tg3_host_pages_outstanding(), pages);
        nc.mtu = 9001;
        fx_config(&c, 0x1648, 1);
        assert_int_equal(fx_probe(&f, 1, &c), 0);
        assert_int_equal(nic_open(&f.nic[1], &nc), -NIC_EINVAL); /* above 9000 */
        tg3_host_reset();
    }
}

/* A multi-core node needs the NIC to receive on every core's MAC (smp/); tg3 filters on its
 * own address only: it says so (multi_unicast false, nic_require_macs stops the node) and an
 * open that asks anyway fails cleanly, taking nothing. */
static void test_extra_unicast_addresses_refused(void **state)
{
    (void)state;
    struct fx f = {0};
    struct tg3_model_config c;
    tg3_host_reset();
    fx_config(&c, 0x1648, 1);
    assert_int_equal(fx_probe(&f, 0, &c), 0);
    assert_false(tg3_driver.multi_unicast);
    long pages = tg3_host_pages_outstanding();
    const uint8_t macs[1][6] = {{0x02, 0, 0, 0, 0, 1}};
    struct nic_config nc = {.extra_macs = macs, .n_extra_macs = 1};
    assert_int_equal(nic_open(&f.nic[0], &nc), -NIC_EINVAL);
    assert_true(tg3_host_log_contains("extra unicast addresses are not supported"));
    assert_int_equal(tg3_host_pages_outstanding(), pages);
    nc.n_extra_macs = 0;
    assert_int_equal(nic_open(&f.nic[0], &nc), 0); /* one address: as always */
    nic_close(&f.nic[0]);
    tg3_host_reset();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_supported_part_inits_and_passes_frames),
        cmocka_unit_test(test_open_leaves_chip_polled_and_filtered),
        cmocka_unit_test(test_mac_from_mac_addr_register_without_sram_mailbox),
        cmocka_unit_test(test_unsupported_chip_refused_untouched),
        cmocka_unit_test(test_fibre_board_refused),
        cmocka_unit_test(test_link_follows_cable_and_sets_port_mode),
        cmocka_unit_test(test_100mbps_link_uses_mii_port_mode),
        cmocka_unit_test(test_close_and_reopen),
        cmocka_unit_test(test_5701_pcix_target_bug_uses_indirect_access),
        cmocka_unit_test(test_5700_bx_in_pcix_mode_goes_indirect),
        cmocka_unit_test(test_asf_firmware_paused_before_reset),
        cmocka_unit_test(test_jumbo_mtu_refused_where_the_part_has_none),
        cmocka_unit_test(test_extra_unicast_addresses_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
