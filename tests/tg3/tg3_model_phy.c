/*
 * tests/tg3/tg3_model_phy.c — the tg3 model's copper PHY (a Broadcom BCM54xx seen through
 * MAC_MI_COM) and the link: autonegotiation takes cfg.autoneg_us of virtual time after a PHY
 * reset or restart; the link is up when both ends are cabled, powered and done negotiating.
 * A change raises the MAC's link attention (MAC_STATUS, the status block's LINK_CHG) when the
 * driver armed it. Register semantics from IEEE 802.3 clause 22 and the Broadcom registers
 * the Linux tg3 driver reads (AUX_STAT speed codes). Part of the model; `make test`.
 */
#include "tg3_model_int.h"

#include <string.h>

#define BMCR           0x00
#define BMSR           0x01
#define LPA            0x05
#define STAT1000       0x0a
#define CTRL1000       0x09
#define AUX_STAT       0x19
#define ISTAT          0x1a
#define AUX_CTRL       0x18
#define DSP_ADDR       0x17
#define DSP_RW         0x15
#define DSP_CTRL       0x16
#define BMCR_RESET     0x8000
#define BMCR_ANENABLE  0x1000
#define BMCR_PDOWN     0x0800
#define BMCR_ANRESTART 0x0200
#define ADV_1000FULL   0x0200
#define ADV_100FULL    0x0100

static void phy_defaults(struct tg3_model *m)
{
    for (unsigned i = 0; i < 32; i++)
        m->phy[i] = 0;
    m->phy[BMCR] = 0x1140; /* autonegotiation on, 1000 Mb/s full duplex */
    m->phy[0x02] = 0x0020; /* Broadcom OUI */
    m->phy[0x03] = 0x60c1;
    m->phy[0x04] = 0x01e1; /* advertise 10/100 half and full */
    m->phy[CTRL1000] = 0x0300;
}

void mdl_phy_power_on(struct tg3_model *m)
{
    phy_defaults(m);
    m->an_done_ns = 0; /* negotiated before the driver ever looked */
    m->link = false;
    m->bmsr_link_latched = false;
    mdl_phy_tick(m);
}

static void restart_autoneg(struct tg3_model *m)
{
    unsigned us = m->cfg.autoneg_us ? m->cfg.autoneg_us : 50000;
    m->an_done_ns = tg3_host_now_ns() + (uint64_t)us * 1000;
    mdl_phy_tick(m);
}

/* The speed both ends settle on: the configured line speed, lowered to what this PHY
 * advertises. */
unsigned mdl_link_speed(const struct tg3_model *m)
{
    unsigned speed = m->cfg.phy_speed ? m->cfg.phy_speed : 1000;
    if (speed == 1000 && !(m->phy[CTRL1000] & ADV_1000FULL)) speed = 100;
    if (speed == 100 && !(m->phy[0x04] & ADV_100FULL)) speed = 10;
    return speed;
}

static uint16_t aux_stat(const struct tg3_model *m)
{
    if (!m->link) return 0;
    switch (mdl_link_speed(m)) {
    case 1000:
        return 0x0700 | 0x0004; /* 1000 full, link pass */
    case 100:
        return 0x0500 | 0x0008 | 0x0004;
    default:
        return 0x0200 | 0x0004;
    }
}

static uint16_t phy_read(struct tg3_model *m, unsigned reg)
{
    uint16_t v;
    switch (reg) {
    case BMSR:
        /* Link status is latched low: a drop shows until read, then the current state. */
        v = 0x7949 | (tg3_host_now_ns() >= m->an_done_ns ? 0x0020 : 0) |
            (m->bmsr_link_latched ? 0x0004 : 0);
        m->bmsr_link_latched = m->link;
        return v;
    case LPA:
        return m->link ? 0x45e1 : 0;
    case STAT1000:
        return m->link && mdl_link_speed(m) == 1000 ? 0x3c00 : 0;
    case AUX_STAT:
        return aux_stat(m);
    case AUX_CTRL:
        return m->auxctl[m->aux_rdsel & 7];
    case DSP_RW:
        if (m->chan_mode == 2) {
            unsigned i = m->chan_idx < 5 ? m->chan_idx++ : 5;
            return m->chan_buf[(m->dsp_addr >> 13) & 3][i];
        }
        return mdl_dsp(m, m->dsp_addr);
    case DSP_CTRL:
        return m->phy[DSP_CTRL] & ~0x1000; /* macros finish at once */
    case ISTAT:
        v = m->phy[ISTAT];
        m->phy[ISTAT] = 0; /* clear on read */
        return v;
    default:
        return m->phy[reg & 31];
    }
}

static void phy_write(struct tg3_model *m, unsigned reg, uint16_t v)
{
    if (reg == BMCR) {
        if (v & BMCR_RESET) {
            phy_defaults(m); /* the reset bit clears itself when done */
            m->phy_was_reset = true;
            memset(m->auxctl, 0, sizeof(m->auxctl));
            m->ndsp = 0;
            m->chan_mode = m->chan_tested = m->chan_cleared = 0;
            restart_autoneg(m);
            return;
        }
        uint16_t old = m->phy[BMCR];
        m->phy[BMCR] = v & ~BMCR_ANRESTART;
        if ((v & BMCR_ANRESTART) || ((v & BMCR_ANENABLE) && !(old & BMCR_ANENABLE)) ||
            ((old & BMCR_PDOWN) && !(v & BMCR_PDOWN)))
            restart_autoneg(m);
        mdl_phy_tick(m);
        return;
    }
    if (reg == ISTAT || reg == BMSR || reg == AUX_STAT) return; /* read-only */
    if (reg == AUX_CTRL) { /* shadowed by the low 3 bits (Linux tg3_phy_auxctl_*) */
        unsigned sel = v & 7;
        if (sel == 7 && !(v & 0x8000)) {
            m->aux_rdsel = (v >> 12) & 7; /* a read select */
            return;
        }
        m->auxctl[sel] = v & ~0x8007u;
        return;
    }
    if (reg == DSP_ADDR) {
        m->dsp_addr = v;
        if ((v & 0x1fff) != 0x0200) m->chan_mode = 0;
        return;
    }
    if (reg == DSP_CTRL) {
        /* The 5703/4/5 channel test (Linux tg3_phy_write_and_check_testpat): 0x0002 starts
         * writing a channel's pattern, 0x0202 commits it, 0x0802 starts reading it back. */
        unsigned chan = (m->dsp_addr >> 13) & 3, bit = 1u << chan;
        bool chan_addr = (m->dsp_addr & 0x1fff) == 0x0200;
        m->phy[DSP_CTRL] = v;
        if (chan_addr && v == 0x0002) {
            m->chan_mode = 1;
            m->chan_idx = 0;
        } else if (chan_addr && v == 0x0202 && m->chan_mode == 1) {
            bool zero = true;
            for (unsigned i = 0; i < 6; i++)
                zero = zero && !m->chan_buf[chan][i];
            if (!zero) m->chan_tested |= bit;
            if (zero && (m->chan_tested & bit)) m->chan_cleared |= bit;
            m->chan_mode = 0;
        } else if (chan_addr && v == 0x0802) {
            m->chan_mode = 2;
            m->chan_idx = 0;
        }
        return;
    }
    if (reg == DSP_RW && m->chan_mode == 1) {
        if (!(m->auxctl[0] & 0x0800)) {
            mdl_violation(m, "PHY DSP write with the DSP clock off: lost");
            return;
        }
        if (m->chan_idx < 6) m->chan_buf[(m->dsp_addr >> 13) & 3][m->chan_idx++] = v;
        return;
    }
    if (reg == DSP_RW) {
        /* Rule: DSP writes need the DSP clock (AUX_CTRL SMDSP_ENA); Linux turns it on around
         * them (tg3_phy_toggle_auxctl_smdsp). Without it the write is lost. */
        if (!(m->auxctl[0] & 0x0800)) {
            mdl_violation(m, "PHY DSP write with the DSP clock off: lost");
            return;
        }
        unsigned i = 0;
        while (i < m->ndsp && m->dsp[i].addr != m->dsp_addr)
            i++;
        if (i == sizeof(m->dsp) / sizeof(m->dsp[0])) return;
        if (i == m->ndsp) m->ndsp++;
        m->dsp[i].addr = m->dsp_addr;
        m->dsp[i].val = v;
        return;
    }
    m->phy[reg & 31] = v;
}

uint32_t mdl_mi_com(struct tg3_model *m, uint32_t v)
{
    if (!(v & M_MI_START_BUSY)) return v;
    /* Rule: no MI_COM frame while the MAC auto-polls the PHY. Source: Linux tg3_readphy /
     * tg3_writephy turn MAC_MI_MODE_AUTO_POLL off around every access. */
    if (mdl_reg(m, M_MAC_MI_MODE) & M_MIMODE_AUTO_POLL)
        mdl_violation(m, "MAC_MI_COM used while the MAC auto-polls the PHY");
    unsigned addr = (v >> 21) & 0x1f, reg = (v >> 16) & 0x1f;
    uint32_t out = v & ~(uint32_t)(M_MI_START_BUSY | 0xffff);
    if (!mdl_board_mi_ok(m, addr) || addr != m->phy_addr)
        return out | M_MI_READ_FAILED | 0xffff; /* nobody answers: the bus floats high */
    if (v & M_MI_CMD_READ) return out | phy_read(m, reg);
    if (v & M_MI_CMD_WRITE) phy_write(m, reg, (uint16_t)v);
    return out | (v & 0xffff);
}

static bool phy_ready(const struct tg3_model *m, uint64_t now)
{
    return !(m->phy[BMCR] & BMCR_PDOWN) && now >= m->an_done_ns;
}

void mdl_phy_tick(struct tg3_model *m)
{
    uint64_t now = tg3_host_now_ns();
    bool up = m->cable && m->peer && m->peer->cable && phy_ready(m, now) && phy_ready(m->peer, now);
    if (up == m->link) return;
    m->link = up;
    if (up) mdl_board_link_up(m);
    if (!up) m->bmsr_link_latched = false;
    m->phy[ISTAT] |= 0x0002; /* link changed */
    /* The MAC notices through its MI status attention, then raises the link event the
     * driver armed in MAC_EVENT; host coalescing reports it in the status block. */
    if (mdl_reg(m, M_MAC_MI_STAT) & M_MIST_LNK_ATTN) {
        mdl_set_reg(m, M_MAC_STATUS,
                    mdl_reg(m, M_MAC_STATUS) | M_MACS_LNKSTATE_CHANGED | M_MACS_MI_INTERRUPT);
        if (mdl_reg(m, M_MAC_EVENT) & M_MACE_LNKSTATE_CHANGED) {
            m->link_attn = true;
            mdl_hostcc(m, true);
        }
    }
    if (m->peer) mdl_phy_tick(m->peer);
}
