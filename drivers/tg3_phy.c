/*
 * drivers/tg3_phy.c — the tg3's copper PHY behind MAC_MI_COM: clause-22 access, reset and
 * autonegotiation with the per-part PHY fixes Linux makes after a reset (DSP values,
 * jumbo-frame settings, wirespeed, auto-MDIX; the DSP channel test of 5703/5704/5705), and
 * making the MAC follow the link the PHY resolved (port mode, duplex, slot time, CLKREQ on
 * 5761 A). Slow path only. Facts: Linux
 * tg3_readphy/tg3_phy_reset/tg3_setup_copper_phy. On parts with an APE every MII access
 * holds the APE lock of this port's PHY: the management firmware uses the same PHY.
 */
#include "drivers/tg3_int.h"

static int tg3_mi_op_locked(struct tg3 *tp, uint32_t frame, uint32_t *out)
{
    tw32_f(tp, MAC_MI_COM, frame | MI_COM_BUSY);
    for (int i = 0; i < 5000; i++) {
        delay_us(10);
        uint32_t v = tr32(tp, MAC_MI_COM);
        if (!(v & MI_COM_BUSY)) {
            delay_us(5);
            v = tr32(tp, MAC_MI_COM);
            if (v & MI_COM_READ_FAILED) return -NIC_ENODEV;
            *out = v & MI_COM_DATA_MASK;
            return NIC_OK;
        }
    }
    return -NIC_ETIMEDOUT;
}

static int tg3_mi_op(struct tg3 *tp, uint32_t frame, uint32_t *out)
{
    unsigned lock = tg3_ape_phy_lock(tp);
    int err = tg3_ape_lock(tp, lock);
    if (err) return err;
    err = tg3_mi_op_locked(tp, frame, out);
    tg3_ape_unlock(tp, lock);
    return err;
}

static int tg3_readphy(struct tg3 *tp, unsigned reg, uint32_t *val)
{
    uint32_t frame = ((uint32_t)tp->phy_addr << MI_COM_PHY_ADDR_SHIFT) |
                     (reg << MI_COM_REG_ADDR_SHIFT) | MI_COM_CMD_READ;
    return tg3_mi_op(tp, frame, val);
}

static int tg3_writephy(struct tg3 *tp, unsigned reg, uint32_t val)
{
    uint32_t ignored;
    uint32_t frame = ((uint32_t)tp->phy_addr << MI_COM_PHY_ADDR_SHIFT) |
                     (reg << MI_COM_REG_ADDR_SHIFT) | (val & MI_COM_DATA_MASK) | MI_COM_CMD_WRITE;
    return tg3_mi_op(tp, frame, &ignored);
}

/* Broadcom PHY shadow registers behind MII_TG3_AUX_CTRL (Linux tg3_phy_auxctl_*). */
static int tg3_auxctl_read(struct tg3 *tp, uint32_t sel, uint32_t *val)
{
    int err = tg3_writephy(tp, MII_TG3_AUX_CTRL,
                           sel << MII_TG3_AUXCTL_MISC_RDSEL_SHIFT | MII_TG3_AUXCTL_SHDWSEL_MISC);
    return err ? err : tg3_readphy(tp, MII_TG3_AUX_CTRL, val);
}

static int tg3_auxctl_write(struct tg3 *tp, uint32_t sel, uint32_t val)
{
    if (sel == MII_TG3_AUXCTL_SHDWSEL_MISC) val |= MII_TG3_AUXCTL_MISC_WREN;
    return tg3_writephy(tp, MII_TG3_AUX_CTRL, (val & ~7u) | sel);
}

static void tg3_dsp_write(struct tg3 *tp, uint32_t reg, uint32_t val)
{
    tg3_writephy(tp, MII_TG3_DSP_ADDRESS, reg);
    tg3_writephy(tp, MII_TG3_DSP_RW_PORT, val);
}

/* DSP writes need the DSP clock on (Linux tg3_phy_toggle_auxctl_smdsp). */
static int tg3_smdsp(struct tg3 *tp, bool on)
{
    uint32_t v;
    int err = tg3_auxctl_read(tp, MII_TG3_AUXCTL_SHDWSEL_AUXCTL, &v);
    if (err) return err;
    v = on ? v | MII_TG3_AUXCTL_ACTL_SMDSP_ENA : v & ~MII_TG3_AUXCTL_ACTL_SMDSP_ENA;
    return tg3_auxctl_write(tp, MII_TG3_AUXCTL_SHDWSEL_AUXCTL, v | MII_TG3_AUXCTL_ACTL_TX_6DB);
}

static int tg3_bmcr_reset(struct tg3 *tp)
{
    uint32_t v = 0;
    int err = tg3_writephy(tp, MII_BMCR, BMCR_RESET);
    if (err) return err;
    for (int i = 0; i < 5000; i++) {
        if ((err = tg3_readphy(tp, MII_BMCR, &v))) return err;
        if (!(v & BMCR_RESET)) return NIC_OK;
        delay_us(10);
    }
    return -NIC_ETIMEDOUT;
}

static int tg3_wait_macro_done(struct tg3 *tp)
{
    uint32_t v;
    for (int i = 0; i < 100; i++)
        if (tg3_readphy(tp, MII_TG3_DSP_CONTROL, &v) == NIC_OK && !(v & MII_TG3_DSP_CONTROL_BUSY))
            return NIC_OK;
    return -NIC_EBUSY;
}

/* The 5703/5704/5705 PHY comes out of reset with its four DSP channels untrusted: write a
 * test pattern into each, read it back, retry with a fresh reset if one fails, then clear
 * the patterns (Linux tg3_phy_reset_5703_4_5 and helpers; the patterns are Broadcom's). */
static const uint16_t tg3_chan_pat[4][6] = {
    {0x5555, 0x0005, 0x2aaa, 0x000a, 0x3456, 0x0003},
    {0x2aaa, 0x000a, 0x3333, 0x0003, 0x789a, 0x0005},
    {0x5a5a, 0x0005, 0x2a6a, 0x000a, 0x1bcd, 0x0003},
    {0x2a5a, 0x000a, 0x33c3, 0x0003, 0x2ef1, 0x0005},
};

static int tg3_chan_write(struct tg3 *tp, unsigned chan, const uint16_t *pat)
{
    tg3_writephy(tp, MII_TG3_DSP_ADDRESS, chan * 0x2000 | 0x0200);
    tg3_writephy(tp, MII_TG3_DSP_CONTROL, 0x0002);
    for (int i = 0; i < 6; i++)
        tg3_writephy(tp, MII_TG3_DSP_RW_PORT, pat ? pat[i] : 0);
    tg3_writephy(tp, MII_TG3_DSP_CONTROL, 0x0202);
    return tg3_wait_macro_done(tp);
}

/* Returns 0 when every channel reads back its pattern; *reset asks for a new PHY reset. */
static int tg3_chan_test(struct tg3 *tp, bool *reset)
{
    for (unsigned chan = 0; chan < 4; chan++) {
        *reset = true;
        if (tg3_chan_write(tp, chan, tg3_chan_pat[chan])) return -NIC_EBUSY;
        tg3_writephy(tp, MII_TG3_DSP_ADDRESS, chan * 0x2000 | 0x0200);
        tg3_writephy(tp, MII_TG3_DSP_CONTROL, 0x0082);
        if (tg3_wait_macro_done(tp)) return -NIC_EBUSY;
        tg3_writephy(tp, MII_TG3_DSP_CONTROL, 0x0802);
        if (tg3_wait_macro_done(tp)) return -NIC_EBUSY;
        for (int i = 0; i < 6; i += 2) {
            uint32_t lo, hi;
            if (tg3_readphy(tp, MII_TG3_DSP_RW_PORT, &lo) ||
                tg3_readphy(tp, MII_TG3_DSP_RW_PORT, &hi) || tg3_wait_macro_done(tp))
                return -NIC_EBUSY;
            if ((lo & 0x7fff) != tg3_chan_pat[chan][i] ||
                (hi & 0x000f) != tg3_chan_pat[chan][i + 1]) {
                *reset = false;
                tg3_dsp_write(tp, 0x000b, 0x4001);
                tg3_writephy(tp, MII_TG3_DSP_RW_PORT, 0x4005);
                return -NIC_EBUSY;
            }
        }
    }
    *reset = false;
    return NIC_OK;
}

static int tg3_phy_reset_5703_4_5(struct tg3 *tp)
{
    uint32_t ext = 0, ctrl1000 = 0;
    bool reset = true;
    int err;
    for (int tries = 0; tries < 10; tries++) {
        if (reset && (err = tg3_bmcr_reset(tp))) return err;
        reset = false;
        if (tg3_readphy(tp, MII_TG3_EXT_CTRL, &ext)) continue;
        tg3_writephy(tp, MII_TG3_EXT_CTRL, ext | 0x3000); /* transmitter and interrupt off */
        tg3_writephy(tp, MII_BMCR, BMCR_FULLDPLX | BMCR_SPEED1000);
        if (tg3_readphy(tp, MII_TG3_CTRL, &ctrl1000)) continue;
        tg3_writephy(tp, MII_TG3_CTRL, MII_TG3_CTRL_AS_MASTER | MII_TG3_CTRL_ENABLE_AS_MASTER);
        if ((err = tg3_smdsp(tp, true))) return err;
        tg3_dsp_write(tp, 0x8005, 0x0800); /* block PHY control access */
        if ((err = tg3_chan_test(tp, &reset)) == NIC_OK) break;
    }
    for (unsigned chan = 0; chan < 4; chan++)
        if (tg3_chan_write(tp, chan, NULL)) return -NIC_EBUSY;
    tg3_dsp_write(tp, 0x8005, 0x0000);
    tg3_writephy(tp, MII_TG3_DSP_ADDRESS, 0x8200);
    tg3_writephy(tp, MII_TG3_DSP_CONTROL, 0x0000);
    tg3_smdsp(tp, false);
    tg3_writephy(tp, MII_TG3_CTRL, ctrl1000);
    if (tg3_readphy(tp, MII_TG3_EXT_CTRL, &ext)) return -NIC_EBUSY;
    tg3_writephy(tp, MII_TG3_EXT_CTRL, ext & ~0x3000u);
    return NIC_OK; /* a channel still failing after ten tries is left as Linux leaves it */
}

/* The PHY settings Linux tg3_phy_reset makes after every PHY reset, per part:
 * - ADC fix (5703/5704 A steps) and BER fix (5705, 5750/5721/5751, 5752, 5714/5715): DSP
 *   values against CRC errors at 1000 Mb/s; jitter fix (5761); all with the DSP clock on;
 * - 5704 A0: a shadow register written twice;
 * - jumbo frames (parts that take them): extended packet length and FIFO elasticity;
 * - auto-MDIX (5705 and later) and wirespeed (fall back to 100 Mb/s on a two-pair cable; not
 *   on 5700 and 5705 after A1, which Linux leaves without it). */
static void tg3_phy_fixups(struct tg3 *tp)
{
    uint32_t v = 0, rev = TG3_CHIP_REV(tp->chip_rev_id);
    if ((rev == 0x10 || rev == 0x20) && !tg3_smdsp(tp, true)) {
        tg3_dsp_write(tp, 0x201f, 0x2aaa);
        tg3_dsp_write(tp, 0x000a, 0x0323);
        tg3_smdsp(tp, false);
    }
    if (tp->chip_rev_id == CHIPREV_ID_5704_A0) {
        tg3_writephy(tp, MII_TG3_MISC_SHDW, 0x8d68);
        tg3_writephy(tp, MII_TG3_MISC_SHDW, 0x8d68);
    }
    if (tp->is_5705_plus && !tp->is_5755_plus && !tg3_smdsp(tp, true)) {
        tg3_dsp_write(tp, 0x000a, 0x310b);
        tg3_dsp_write(tp, 0x201f, 0x9506);
        tg3_dsp_write(tp, 0x401f, 0x14e2);
        tg3_smdsp(tp, false);
    } else if (tp->asic == ASIC_REV_5761 && !tg3_smdsp(tp, true)) {
        tg3_dsp_write(tp, 0x000a, 0x010b);
        tg3_smdsp(tp, false);
    }
    if (tp->jumbo_capable) {
        if (tg3_auxctl_read(tp, MII_TG3_AUXCTL_SHDWSEL_AUXCTL, &v) == NIC_OK)
            tg3_auxctl_write(tp, MII_TG3_AUXCTL_SHDWSEL_AUXCTL, v | MII_TG3_AUXCTL_ACTL_EXTPKTLEN);
        if (tg3_readphy(tp, MII_TG3_EXT_CTRL, &v) == NIC_OK)
            tg3_writephy(tp, MII_TG3_EXT_CTRL, v | MII_TG3_EXT_CTRL_FIFO_ELASTIC);
    }
    bool wirespeed = tp->asic != ASIC_REV_5700 &&
                     !(tp->asic == ASIC_REV_5705 && tp->chip_rev_id != CHIPREV_ID_5705_A0 &&
                       tp->chip_rev_id != CHIPREV_ID_5705_A0 + 1);
    uint32_t misc = (tp->is_5705_plus ? MII_TG3_AUXCTL_MISC_FORCE_AMDIX : 0) |
                    (wirespeed ? MII_TG3_AUXCTL_MISC_WIRESPD_EN : 0);
    if (misc && tg3_auxctl_read(tp, MII_TG3_AUXCTL_SHDWSEL_MISC, &v) == NIC_OK)
        tg3_auxctl_write(tp, MII_TG3_AUXCTL_SHDWSEL_MISC, v | misc);
}

/* Reset the PHY and restart autonegotiation advertising everything the part can do. */
int tg3_phy_start(struct tg3 *tp)
{
    uint32_t v = 0;
    bool dsp_reset =
        tp->asic == ASIC_REV_5703 || tp->asic == ASIC_REV_5704 || tp->asic == ASIC_REV_5705;
    int err = dsp_reset ? tg3_phy_reset_5703_4_5(tp) : tg3_bmcr_reset(tp);
    if (err) return err;
    tg3_phy_fixups(tp);
    (void)tg3_readphy(tp, MII_TG3_ISTAT, &v); /* clear latched PHY events */
    tg3_writephy(tp, MII_TG3_IMASK, 0xffff);  /* and never raise one: we poll */
    tg3_writephy(tp, MII_ADVERTISE,
                 ADVERTISE_CSMA | ADVERTISE_10HALF | ADVERTISE_10FULL | ADVERTISE_100HALF |
                     ADVERTISE_100FULL);
    tg3_writephy(tp, MII_TG3_CTRL, MII_TG3_CTRL_ADV_1000_HALF | MII_TG3_CTRL_ADV_1000_FULL);
    return tg3_writephy(tp, MII_BMCR, BMCR_ANENABLE | BMCR_ANRESTART);
}

/* Read link state from the PHY and make the MAC match it (port mode: GMII at 1000 Mb/s, MII
 * below; duplex), as Linux tg3_setup_copper_phy. Slow path. */
void tg3_link_update(struct tg3 *tp)
{
    uint32_t bmsr = 0, aux = 0;
    struct nic_link now = {false, 0, false};

    (void)tg3_readphy(tp, MII_BMSR, &bmsr); /* latched-low: the second read is current */
    if (tg3_readphy(tp, MII_BMSR, &bmsr) == NIC_OK && (bmsr & BMSR_LSTATUS)) {
        for (int i = 0; i < 200 && !(aux & MII_TG3_AUX_STAT_SPDMASK); i++) {
            if (tg3_readphy(tp, MII_TG3_AUX_STAT, &aux)) break;
            if (!(aux & MII_TG3_AUX_STAT_SPDMASK)) delay_us(10);
        }
        switch (aux & MII_TG3_AUX_STAT_SPDMASK) {
        case MII_TG3_AUX_STAT_10HALF:
            now = (struct nic_link){true, 10, false};
            break;
        case MII_TG3_AUX_STAT_10FULL:
            now = (struct nic_link){true, 10, true};
            break;
        case MII_TG3_AUX_STAT_100HALF:
            now = (struct nic_link){true, 100, false};
            break;
        case MII_TG3_AUX_STAT_100FULL:
            now = (struct nic_link){true, 100, true};
            break;
        case MII_TG3_AUX_STAT_1000HALF:
            now = (struct nic_link){true, 1000, false};
            break;
        case MII_TG3_AUX_STAT_1000FULL:
            now = (struct nic_link){true, 1000, true};
            break;
        default:
            break; /* link bit without a resolved speed: not up yet */
        }
    }

    uint32_t mode = tp->mac_mode & ~(MAC_MODE_PORT_MODE_MASK | MAC_MODE_HALF_DUPLEX);
    mode |= (now.up && now.speed_mbps < 1000) ? MAC_MODE_PORT_MODE_MII : MAC_MODE_PORT_MODE_GMII;
    if (now.up && !now.full_duplex) mode |= MAC_MODE_HALF_DUPLEX;
    if (TG3_FAULT(TG3_FAULT_SKIP_PORT_MODE)) mode = tp->mac_mode;
    if (mode != tp->mac_mode) {
        tp->mac_mode = mode;
        tw32_f(tp, MAC_MODE, mode);
        delay_us(40);
    }
    /* Gigabit half duplex needs the long slot time. */
    uint32_t lengths = (2u << TX_LENGTHS_IPG_CRS_SHIFT) | (6u << TX_LENGTHS_IPG_SHIFT);
    if (tp->asic == ASIC_REV_5720)
        lengths |=
            tr32(tp, MAC_TX_LENGTHS) & (TX_LENGTHS_JMB_FRM_LEN_MSK | TX_LENGTHS_CNT_DWN_VAL_MSK);
    lengths |= (now.up && now.speed_mbps == 1000 && !now.full_duplex ? 0xffu : 32u)
               << TX_LENGTHS_SLOT_TIME_SHIFT;
    tw32(tp, MAC_TX_LENGTHS, lengths);

    /* Acknowledge the change and keep the link attention armed for the status block. */
    tw32_f(tp, MAC_STATUS,
           MAC_STATUS_SYNC_CHANGED | MAC_STATUS_CFG_CHANGED | MAC_STATUS_MI_COMPLETION |
               MAC_STATUS_LNKSTATE_CHANGED);
    tw32_f(tp, MAC_EVENT, MAC_EVENT_LNKSTATE_CHANGED);

    if (tp->clkreq_bug && tp->pcie_cap) { /* "prevent send BD corruption" (Linux) */
        uint16_t lnk = pci_read16(tp->pci, tp->pcie_cap + TG3_PCIE_LNKCTL);
        uint16_t want = (now.up && now.speed_mbps < 1000) ? lnk & ~TG3_PCIE_LNKCTL_CLKREQ_EN
                                                          : lnk | TG3_PCIE_LNKCTL_CLKREQ_EN;
        if (want != lnk) pci_write16(tp->pci, tp->pcie_cap + TG3_PCIE_LNKCTL, want);
    }
    if (now.up != tp->link.up || now.speed_mbps != tp->link.speed_mbps ||
        now.full_duplex != tp->link.full_duplex) {
        if (now.up)
            tg3_log(tp, "link up, %u Mb/s %s duplex", now.speed_mbps,
                    now.full_duplex ? "full" : "half");
        else
            tg3_log(tp, "link down");
    }
    tp->link = now;
}
