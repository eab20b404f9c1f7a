/*
 * tests/tg3/tg3_model_board.c — what a real board adds to the tg3 model: state the bootcode
 * restores after every reset (GPIOs, CPMU, DMA_RW_CTRL, the 5720's extra DMA bits, the read-DMA
 * FIFO), a bootcode that runs slowly while the MAC clock is low, the APE management processor
 * with its locks (BAR 2), ASF's driver-state handshake and heartbeat, NVRAM arbitration, the
 * PCIe 1.1 test mode, stale read-DMA lengths after power-on, the port number in CPMU status,
 * PHY DSP settings, CLKREQ on 5761 A, the LED wiring, and undocumented receive error bits.
 * Each rule says where it comes from (Linux tg3.c of the v3.13x era unless noted) and
 * records a violation the way the other model rules do; docs/tg3.md lists them with the
 * gap each one checks. Exercised by tests/tg3/test_tg3_board.c (`make unit-test`).
 */
#include "tg3_model_int.h"

#include <string.h>

/* clang-format off */
#define B_DMA_RW_CTRL          0x6c
#define B_CAP_PCIE_LNKCTL      (M_CAP_PCIE + 0x10)
#define  B_LNKCTL_CLKREQ       0x0100
#define B_MAC_MODE_APE         0x18000000 /* APE_RX_EN | APE_TX_EN */
#define B_MAC_LED_CTRL         0x040c
#define  B_LED_MODE_MASK       0x00001800
#define B_MAC_TX_LENGTHS       0x0464
#define  B_TXLEN_5720_BITS     0xffff0000 /* jumbo frame length, count-down value */
#define B_TXMODE_5720_BITS     0x00c00000
#define  B_RXM_KEEP_VLAN       0x00000400
#define B_CPMU_D0_POLICY       0x3614
#define B_CPMU_CLCK_ORIDE      0x3624
#define  B_ORIDE_MAC           0x80000000
#define B_CPMU_CLCK_ORIDE_EN   0x3628
#define  B_ORIDE_EN_MAC        0x00002000
#define B_CPMU_STATUS          0x362c
#define B_RDMA_RSRVCTRL        0x4900
#define  B_RSRV_FIFO_FIELDS    0xffeffff0 /* TX margin, FIFO high and low watermarks */
#define B_LSO_RD_DMA_CTRL      0x4910
#define B_RDMA_LENGTH          0x4be0
#define B_GRC_5720_BITS        0x000480c0 /* B2HRX byte/word swap, B2HRX, HTX2B */
#define B_GRC_LOCAL_CTRL       0x6808
#define  B_GPIO_BITS           0x0001f8c0 /* OE0-3, OUTPUT0-3 */
#define B_NVRAM_SWARB          0x7020
#define  B_SWARB_SET1          0x00000002
#define  B_SWARB_CLR1          0x00000020
#define  B_SWARB_GNT1          0x00000200
#define B_PCIE_TSTCTL          0x7e2c
#define  B_TSTCTL_PCIE10       0x00000040
#define  B_TSTCTL_PSCRAM       0x00000020
#define B_SRAM_DRV_STATE       0x0c04
#define B_FWCMD_ALIVE3         0x0000000e
/* APE (BAR 2). */
#define B_APE_LOCK_GRANT_5761  0x004c
#define B_APE_LOCK_REQ_5761    0x002c
#define B_APE_PER_LOCK_REQ     0x8400
#define B_APE_PER_LOCK_GRANT   0x8420
#define B_APE_SEG_SIG          0x4000
#define B_APE_FW_STATUS        0x400c
#define B_APE_HOST_SEG_SIG     0x4200
#define B_APE_HOST_DRVR_STATE  0x421c
#define B_APE_EVENT_STATUS     0x4300
#define  B_APE_EVENT_PENDING   0x80000000
#define B_APE_LOCK_GRC         1
/* clang-format on */

#define SLOW_BOOT_US 1500000 /* bootcode with the MAC clock slowed: beyond the 1 s poll */
#define ALIVE_NS     5500000000ull
#define STALE_LEN    0x4000 /* read-DMA length left from before power-on */
#define BOOT_DMA_RW  0x000f0001
#define BOOT_RSRV    0x10080800
#define BOOT_GPIO    0x00012000 /* GPIO2 driven high: power switching on the board */

static bool asic_is(const struct tg3_model *m, uint32_t a)
{
    return m->asic == a;
}

/* A 5717 before C0; a C0 is programmed as a 5720 A0. */
static bool real_5717(const struct tg3_model *m)
{
    return asic_is(m, 0x5717) && !m->is_5720_class;
}

static unsigned port(const struct tg3_model *m)
{
    return m->is_5717_plus ? m->cfg.port : m->pci.fn;
}

/* ------------------------------------------------------------------- set-up ---- */

void mdl_board_power_on(struct tg3_model *m)
{
    uint16_t d = m->cfg.device_id;
    m->has_ape = d == 0x1680 || d == 0x1681 || m->is_5717_plus;
    m->ape_fw = m->has_ape && !m->cfg.no_ape_fw;
    m->ape_bar = m->has_ape ? m->bar + 0x10000 : 0;
    m->nvram = !asic_is(m, 0x07) && !asic_is(m, 0x00);
    m->pcie_pre5717 = cfg_is_pcie(m) && !m->is_5717_plus;
    m->asf_handshake = m->cfg.asf && m->is_5705_plus && !asic_is(m, 0x03);
    /* Which PHY fixes apply (Linux tg3_get_invariants: BER_BUG on 5705-class parts before the
     * 5755 family, JITTER_BUG on 5761; 5722 has neither). */
    m->ber_bug = m->is_5705_plus && !m->is_5717_plus && !asic_is(m, 0x0a) && !asic_is(m, 0x0b) &&
                 !asic_is(m, 0x5761);
    m->jitter_bug = asic_is(m, 0x5761);
    /* A 5717 C0 is a 5720 A0 inside. */
    m->is_5720_class = asic_is(m, 0x5720) || m->chip_rev_id == 0x05717200;
    m->phy_addr = m->is_5717_plus ? (uint8_t)(m->cfg.port + 1) : 1;
    m->rdma_stale = asic_is(m, 0x5719) || asic_is(m, 0x5720);
    if (m->ape_fw) {
        m->ape[B_APE_SEG_SIG / 4] = 0x41504521;
        m->ape[B_APE_FW_STATUS / 4] = 0x100;
    }
    if (m->pcie_pre5717) mdl_set_reg(m, B_PCIE_TSTCTL, B_TSTCTL_PCIE10 | B_TSTCTL_PSCRAM);
    if (m->jitter_bug && cfg_is_pcie(m)) cfg_set16(m, B_CAP_PCIE_LNKCTL, B_LNKCTL_CLKREQ);
}

/* What the bootcode sets after each reset (and at power-on). */
void mdl_board_bootcode(struct tg3_model *m)
{
    static const uint32_t led[] = {0x4, 0x0, 0x8};
    uint32_t cfg = mdl_sram32(m, M_SRAM_DATA_CFG) & ~0x10cu;
    cfg |= led[m->cfg.led_mode % 3] | (m->cfg.lom ? 0x100 : 0);
    mdl_sram_put(m, M_SRAM_DATA_CFG, cfg);
    if (m->cfg.lom) mdl_set_reg(m, B_GRC_LOCAL_CTRL, BOOT_GPIO);
    m->boot_gpio = m->cfg.lom ? BOOT_GPIO : 0;
    if (m->is_5717_plus) {
        cfg_set32(m, B_DMA_RW_CTRL, BOOT_DMA_RW);
        uint32_t st = real_5717(m) ? (m->cfg.port & 1u) << 29 : (uint32_t)m->cfg.port << 30;
        mdl_set_reg(m, B_CPMU_STATUS, st);
    }
    if (asic_is(m, 0x5719) || asic_is(m, 0x5720) || m->is_5720_class)
        mdl_set_reg(m, B_RDMA_RSRVCTRL, BOOT_RSRV);
    if (m->is_5720_class) {
        mdl_set_reg(m, B_MAC_TX_LENGTHS, 0x20240000);
        mdl_set_reg(m, M_MAC_TX_MODE, B_TXMODE_5720_BITS);
        mdl_set_reg(m, M_GRC_MODE, B_GRC_5720_BITS);
    }
    if (m->rdma_stale)
        for (unsigned c = 0; c < 4; c++)
            mdl_set_reg(m, B_RDMA_LENGTH + c * 4, STALE_LEN);
    if (m->pcie_pre5717) mdl_set_reg(m, B_PCIE_TSTCTL, B_TSTCTL_PCIE10 | B_TSTCTL_PSCRAM);
}

/* -------------------------------------------------------------- reset rules ---- */

static bool ape_holds(const struct tg3_model *m, unsigned lock)
{
    bool old = asic_is(m, 0x5761);
    uint32_t g = m->ape[((old ? B_APE_LOCK_GRANT_5761 : B_APE_PER_LOCK_GRANT) + 4 * lock) / 4];
    return g != 0;
}

void mdl_board_reset(struct tg3_model *m)
{
    /* Rule 1b: the core reset is shared with the APE; take its GRC lock (Linux
     * tg3_chip_reset: tg3_ape_lock(tp, TG3_APE_LOCK_GRC)). */
    if (m->ape_fw && !ape_holds(m, B_APE_LOCK_GRC))
        mdl_violation(m, "core reset without the APE GRC lock: the management firmware's "
                         "side-band traffic is cut mid-frame");
    /* Rule 10a: PCIe parts before the 5717 reset in PCIe 1.0a mode (Linux tg3_chip_reset:
     * "Force PCIe 1.0a mode"). */
    if (m->pcie_pre5717 && (mdl_reg(m, B_PCIE_TSTCTL) & B_TSTCTL_PCIE10))
        mdl_violation(m, "core reset with the PCIe PHY in 1.1 test mode (Linux forces 1.0a)");
    /* Rule 10b: hold NVRAM arbitration across the reset (Linux tg3_chip_reset:
     * tg3_nvram_lock) or the bootcode's NVRAM read is cut short. */
    if (m->nvram && !(mdl_reg(m, B_NVRAM_SWARB) & B_SWARB_GNT1))
        mdl_violation(m, "core reset without the NVRAM arbitration lock");
    /* Rule 8a: ASF firmware of 5750 and later reads the driver-state mailbox
     * (tg3_write_sig_pre_reset: DRV_STATE_START or DRV_STATE_UNLOAD). */
    uint32_t st = mdl_sram32(m, B_SRAM_DRV_STATE);
    if (m->asf_handshake && st != 1 && st != 2)
        mdl_violation(m, "core reset without an ASF driver-state (START/UNLOAD) signature");
    /* Rule 2a: 5717/5719/5720 with the MAC clock slowed by link-aware power saving need the
     * clock override across the reset, or the bootcode overruns the driver's 1 s wait (Linux
     * tg3_override_clk). */
    bool ovr = real_5717(m) ? (mdl_reg(m, B_CPMU_CLCK_ORIDE_EN) & B_ORIDE_EN_MAC)
                            : (mdl_reg(m, B_CPMU_CLCK_ORIDE) & B_ORIDE_MAC);
    m->boot_slow = m->is_5717_plus && !ovr;
    uint32_t keep_oride = mdl_reg(m, B_CPMU_CLCK_ORIDE), keep_en = mdl_reg(m, B_CPMU_CLCK_ORIDE_EN);
    m->tx_enabled = false;
    /* CPMU registers live outside the core reset: kept across it (mdl_board_after_reset). */
    m->keep_oride = keep_oride;
    m->keep_oride_en = keep_en;
}

/* After reset_registers(): CPMU survives, arbitration is released, the bootcode's run time
 * is set. */
void mdl_board_after_reset(struct tg3_model *m)
{
    mdl_set_reg(m, B_CPMU_CLCK_ORIDE, m->keep_oride);
    mdl_set_reg(m, B_CPMU_CLCK_ORIDE_EN, m->keep_oride_en);
    if (m->boot_slow) m->boot_done_ns = m->reset_ns + SLOW_BOOT_US * 1000ull;
}

/* -------------------------------------------------------- register rules ---- */

bool mdl_board_read(struct tg3_model *m, uint32_t off, uint32_t *v)
{
    switch (off) {
    case B_RDMA_LENGTH:
    case B_RDMA_LENGTH + 4:
    case B_RDMA_LENGTH + 8:
    case B_RDMA_LENGTH + 12:
        *v = m->rdma_stale ? STALE_LEN : 0;
        return true;
    default:
        return false;
    }
}

static void keep_bits(struct tg3_model *m, uint32_t off, uint32_t v, uint32_t want, uint32_t mask,
                      const char *what)
{
    if ((v & mask) != (want & mask))
        mdl_violation(m, "%s: register %#x written %#x, dropping the bootcode's %#x", what,
                      (unsigned)off, (unsigned)v, (unsigned)(want & mask));
}

bool mdl_board_write(struct tg3_model *m, uint32_t off, uint32_t v)
{
    /* Rule 2a, consequence: nothing but the SRAM window and the arbiter may be touched
     * before the bootcode finished (Linux tg3_poll_fw waits for it). */
    if (m->boot_running && off != M_MEMARB_MODE && off != B_NVRAM_SWARB)
        mdl_violation(m, "registers written while the bootcode still runs (%s)",
                      m->boot_slow ? "slow MAC clock: no clock override across the reset"
                                   : "the driver stopped waiting");
    switch (off) {
    case B_NVRAM_SWARB: {
        uint32_t cur = mdl_reg(m, off);
        if (v & B_SWARB_SET1) cur |= B_SWARB_GNT1; /* the firmware is idle: granted at once */
        if (v & B_SWARB_CLR1) cur &= ~B_SWARB_GNT1;
        mdl_set_reg(m, off, cur);
        return true;
    }
    case B_CPMU_D0_POLICY:
        /* Rule 2c: Linux never writes it; the bootcode owns the CPMU clock policy. */
        mdl_violation(m, "CPMU D0 clock policy (0x3614) written: a register the bootcode owns");
        break;
    case B_CPMU_CLCK_ORIDE_EN:
        if (!real_5717(m)) /* Rule 2c: only the 5717's override lives here */
            mdl_violation(m, "CPMU clock override enable (0x3628) written on a non-5717 part");
        break;
    case B_DMA_RW_CTRL:
        /* Rule 5: 5717 and later keep the bootcode's DMA_RW_CTRL; Linux changes only the
         * cache-alignment and tagged-status bits (tg3_test_dma skips these parts). */
        if (m->is_5717_plus) keep_bits(m, off, v, BOOT_DMA_RW, ~0x81u, "DMA_RW_CTRL");
        break;
    case B_GRC_LOCAL_CTRL:
        /* Rule 6: on LAN-on-motherboard designs the bootcode's GPIOs stay (Linux
         * tg3_reset_hw keeps them when the board is not a NIC). */
        if (m->cfg.lom && (m->boot_gpio & ~v & B_GPIO_BITS))
            mdl_violation(m, "GRC_LOCAL_CTRL written %#x: releases GPIOs %#x the bootcode set",
                          (unsigned)v, (unsigned)(m->boot_gpio & ~v & B_GPIO_BITS));
        break;
    case B_RDMA_RSRVCTRL:
        /* Rule 4: the FIFO tuning is for 5719 A0 only (Linux tg3_reset_hw). */
        if ((asic_is(m, 0x5719) || asic_is(m, 0x5720) || m->is_5720_class) &&
            m->chip_rev_id != 0x05719000)
            keep_bits(m, off, v, BOOT_RSRV, B_RSRV_FIFO_FIELDS, "read-DMA FIFO tuning");
        break;
    case B_MAC_TX_LENGTHS:
        /* Rule 13/14: 5720 (and 5717 C0, a 5720 A0) keep the bootcode's jumbo-length and
         * count-down fields (Linux tg3_reset_hw / tg3_setup_phy for 5720). */
        if (m->is_5720_class)
            keep_bits(m, off, v, 0x20240000, B_TXLEN_5720_BITS, "5720 TX lengths");
        break;
    case M_MAC_TX_MODE:
        if (m->is_5720_class && (v & M_TXM_ENABLE))
            keep_bits(m, off, v, B_TXMODE_5720_BITS, B_TXMODE_5720_BITS, "5720 TX mode");
        if (v & M_TXM_ENABLE) {
            m->tx_enabled = true;
            m->last_alive_ns = tg3_host_now_ns();
            /* Rule 2b: the clock override is restored after the reset (tg3_restore_clk). */
            if ((real_5717(m) && (mdl_reg(m, B_CPMU_CLCK_ORIDE_EN) & B_ORIDE_EN_MAC)) ||
                (m->is_5717_plus && (mdl_reg(m, B_CPMU_CLCK_ORIDE) & B_ORIDE_MAC)))
                mdl_violation(m, "MAC clock override left on after the reset");
        }
        break;
    case M_GRC_MODE:
        if (m->is_5720_class)
            keep_bits(m, off, v, B_GRC_5720_BITS, B_GRC_5720_BITS, "5720 GRC_MODE B2HRX/HTX2B");
        break;
    case M_MAC_MODE:
        /* Rule 1c: with APE firmware the MAC keeps its side-band paths (Linux tg3_reset_hw:
         * MAC_MODE_APE_TX_EN | MAC_MODE_APE_RX_EN). */
        if (m->ape_fw && (v & (M_MACM_TDE | M_MACM_RDE)) && (v & B_MAC_MODE_APE) != B_MAC_MODE_APE)
            mdl_violation(m, "MAC_MODE enables DMA without the APE TX/RX paths: side-band "
                             "(NC-SI) traffic cut");
        break;
    case M_MAC_RX_MODE:
        /* Rule 14b: ASF firmware needs VLAN tags stripped (Linux __tg3_set_rx_mode). */
        if (m->cfg.asf && (v & M_RXM_ENABLE) && (v & B_RXM_KEEP_VLAN))
            mdl_violation(m, "RX_MODE keeps VLAN tags while ASF firmware runs");
        break;
    case B_MAC_LED_CTRL: {
        /* Rule 14a: LED mode as the board's SRAM configuration says (tg3_get_eeprom_hw_cfg). */
        static const uint32_t want[] = {0x0800, 0x0000, 0x1000};
        if ((v & B_LED_MODE_MASK) != want[m->cfg.led_mode % 3])
            mdl_violation(m, "MAC_LED_CTRL mode %#x; the board's SRAM configuration says %#x",
                          (unsigned)(v & B_LED_MODE_MASK), (unsigned)want[m->cfg.led_mode % 3]);
        break;
    }
    case M_GRC_RX_CPU_EVENT:
        if (v & M_RXCPU_DRIVER_EVENT) {
            uint32_t cmd = mdl_sram32(m, M_SRAM_FW_CMD);
            if (cmd == B_FWCMD_ALIVE3) m->last_alive_ns = tg3_host_now_ns();
            /* Rule 1e: the pause command is for ASF firmware, not the APE (tg3_stop_fw). */
            if (cmd == M_FWCMD_PAUSE && m->ape_fw)
                mdl_violation(m, "firmware pause command sent on a part whose firmware is "
                                 "the APE");
        }
        break;
    default:
        break;
    }
    return false;
}

/* ------------------------------------------------------------- data path ---- */

/* Before each frame leaves: rules about state the send path depends on. */
bool mdl_board_tx_frame(struct tg3_model *m)
{
    /* Rule 3: stale read-DMA lengths after power-on stall the first frames unless the
     * workaround bit is on (Linux tg3_reset_hw, 5719_5720_RDMA_BUG). */
    if (m->rdma_stale) {
        uint32_t wa = asic_is(m, 0x5719) ? 0x02000000 : 0x00200000;
        if (!(mdl_reg(m, B_LSO_RD_DMA_CTRL) & wa)) {
            mdl_violation(m, "frame read with stale read-DMA lengths and no workaround bit: "
                             "the send engine stalls");
            m->tx_stuck = true;
            return false;
        }
        if (++m->tx_frames_dma > 4) m->rdma_stale = false; /* real lengths from now on */
    }
    /* Rule 1d: the APE must have been told the driver runs (tg3_ape_driver_state_change). */
    if (m->ape_fw &&
        (m->ape[B_APE_HOST_SEG_SIG / 4] != 0x484f5354 || m->ape[B_APE_HOST_DRVR_STATE / 4] != 1))
        mdl_violation(m, "frame sent but the APE was never told a driver runs");
    /* Rule 9: 5761 A at 10/100 Mb/s with CLKREQ on corrupts send descriptors (Linux
     * tg3_setup_copper_phy: "Prevent send BD corruption"). */
    if (m->jitter_bug && m->chip_rev_id >> 8 == 0x57610 && mdl_link_speed(m) < 1000 &&
        (cfg_get16(m, B_CAP_PCIE_LNKCTL) & B_LNKCTL_CLKREQ))
        mdl_violation(m, "frame sent at %u Mb/s with PCIe CLKREQ on (5761 A: send BD corruption)",
                      mdl_link_speed(m));
    return true;
}

uint16_t mdl_dsp(const struct tg3_model *m, uint16_t addr)
{
    for (unsigned i = 0; i < m->ndsp; i++)
        if (m->dsp[i].addr == addr) return m->dsp[i].val;
    return 0;
}

/* PHY settings Linux tg3_phy_reset makes after each PHY reset, checked when the link comes
 * up after one. */
void mdl_board_link_up(struct tg3_model *m)
{
    if (!m->phy_was_reset) return;
    m->phy_was_reset = false;
    /* Rule 7a: BER fix (CRC errors at gigabit; Linux TG3_PHYFLG_BER_BUG). */
    if (m->ber_bug && (mdl_dsp(m, 0x000a) != 0x310b || mdl_dsp(m, 0x201f) != 0x9506 ||
                       mdl_dsp(m, 0x401f) != 0x14e2))
        mdl_violation(m, "link up without the PHY BER DSP fix (0x000a, 0x201f, 0x401f)");
    /* Rule 7a': ADC fix on 5703/5704 A steps (TG3_PHYFLG_ADC_BUG). */
    unsigned rev = m->chip_rev_id >> 8;
    if ((rev == 0x10 || rev == 0x20) &&
        (mdl_dsp(m, 0x201f) != 0x2aaa || mdl_dsp(m, 0x000a) != 0x0323))
        mdl_violation(m, "link up without the PHY ADC DSP fix (0x201f=0x2aaa, 0x000a=0x0323)");
    /* Rule 7e: 5703/5704/5705: the DSP channel test after the reset, patterns cleared and
     * PHY control access unblocked (tg3_phy_reset_5703_4_5). */
    if ((asic_is(m, 0x01) || asic_is(m, 0x02) || asic_is(m, 0x03)) &&
        (m->chan_tested != 0xf || m->chan_cleared != 0xf || mdl_dsp(m, 0x8005) != 0))
        mdl_violation(m, "link up without the 5703/5704/5705 DSP channel test after the PHY reset");
    /* Rule 7b: jitter fix (5761). */
    if (m->jitter_bug && mdl_dsp(m, 0x000a) != 0x010b)
        mdl_violation(m, "link up without the PHY jitter DSP fix (0x000a=0x010b)");
    /* Rule 7c: jumbo-capable parts: extended packet length and FIFO elasticity. */
    if ((m->has_jumbo_ring || m->jumbo_in_std_ring) &&
        (!(m->auxctl[0] & 0x4000) || !(m->phy[0x10] & 0x0001)))
        mdl_violation(m, "link up without the PHY jumbo-frame settings");
    /* Rule 7d: auto-MDIX on 5705 and later; wirespeed except on 5700 and 5705 after A1
     * (Linux TG3_PHYFLG_NO_ETH_WIRE_SPEED). */
    bool wirespeed = !asic_is(m, 0x07) && !(asic_is(m, 0x03) && m->chip_rev_id > 0x3001);
    uint16_t want = (m->is_5705_plus ? 0x0200 : 0) | (wirespeed ? 0x0010 : 0);
    if ((m->auxctl[7] & want) != want)
        mdl_violation(m, "link up without PHY wirespeed and auto-MDIX");
}

/* Rules on a management frame to the PHY. */
bool mdl_board_mi_ok(struct tg3_model *m, unsigned addr)
{
    /* Rule 12: 5717 and later: the PHY sits at port + 1, the port from CPMU status. */
    if (m->is_5717_plus && addr != m->phy_addr) {
        mdl_violation(m, "MI frame to PHY address %u; this port's PHY is at %u (CPMU status)", addr,
                      m->phy_addr);
        return false;
    }
    /* Rule 1a: the PHY is shared with the APE firmware: hold this port's PHY lock. */
    static const unsigned lock_of_port[4] = {0, 2, 3, 5};
    if (m->ape_fw && !ape_holds(m, lock_of_port[port(m) & 3])) {
        mdl_violation(m, "PHY access without the APE PHY lock: collides with the firmware");
        return false;
    }
    return true;
}

void mdl_board_tick(struct tg3_model *m)
{
    /* Rule 8b: ASF firmware (not APE) wants a heartbeat (FWCMD_NICDRV_ALIVE3) while the
     * driver runs, or it takes over (Linux tg3_timer, every 2 s). */
    uint64_t now = tg3_host_now_ns();
    if (m->cfg.asf && !m->ape_fw && m->tx_enabled && now - m->last_alive_ns > ALIVE_NS) {
        mdl_violation(m, "no ASF heartbeat for more than 5 s while the driver runs");
        m->last_alive_ns = now;
    }
}

/* ---------------------------------------------------------------- the APE ---- */

uint64_t tg3_model_ape_bar(const struct tg3_model *m)
{
    return m->ape_bar;
}

uint32_t tg3_model_ape_read(struct tg3_model *m, uint32_t off)
{
    tg3_model_tick(m);
    if (off >= sizeof(m->ape) || (off & 3)) return 0xffffffff;
    return m->ape[off / 4];
}

/* Locks: a request is granted at once (the firmware is idle in the model); writing the grant
 * register releases. Event status: the firmware takes an event at once. */
void tg3_model_ape_write(struct tg3_model *m, uint32_t off, uint32_t v)
{
    tg3_model_tick(m);
    if (off >= sizeof(m->ape) || (off & 3)) return;
    bool old = asic_is(m, 0x5761);
    uint32_t req = old ? B_APE_LOCK_REQ_5761 : B_APE_PER_LOCK_REQ;
    uint32_t gnt = old ? B_APE_LOCK_GRANT_5761 : B_APE_PER_LOCK_GRANT;
    if (off >= req && off < req + 32) {
        m->ape[(gnt + (off - req)) / 4] = v;
        return;
    }
    if (off >= gnt && off < gnt + 32) {
        if (m->ape[off / 4] == v) m->ape[off / 4] = 0;
        return;
    }
    if (off == B_APE_EVENT_STATUS) v &= ~B_APE_EVENT_PENDING;
    m->ape[off / 4] = v;
}

void tg3_model_kill_wdma(struct tg3_model *m)
{
    mdl_set_reg(m, M_WDMAC_MODE, mdl_reg(m, M_WDMAC_MODE) & ~M_ENABLE);
}
