/*
 * drivers/tg3_phy.c — the tg3's copper PHY behind MAC_MI_COM: clause-22 access, reset and
 * autonegotiation, and making the MAC follow the link the PHY resolved (port mode, duplex,
 * slot time). Slow path only. Facts: Linux tg3_readphy/tg3_setup_copper_phy.
 */
#include "drivers/tg3_int.h"

static int tg3_mi_op(struct tg3 *tp, uint32_t frame, uint32_t *out)
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

/* Reset the PHY and restart autonegotiation advertising everything the part can do. */
int tg3_phy_start(struct tg3 *tp)
{
    uint32_t v = 0;
    int err = tg3_writephy(tp, MII_BMCR, BMCR_RESET);
    if (err) return err;
    for (int i = 0; i < 5000; i++) {
        if ((err = tg3_readphy(tp, MII_BMCR, &v))) return err;
        if (!(v & BMCR_RESET)) break;
        delay_us(10);
    }
    if (v & BMCR_RESET) return -NIC_ETIMEDOUT;
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
