/*
 * drivers/tg3_chip.c — what the part is: chip revision and family flags, bus type, the PCI
 * setup and GPIOs the board needs, DMA read/write control, core clocks, and the MAC address
 * the bootcode left. Facts: Linux tg3_get_invariants/tg3_get_eeprom_hw_cfg/tg3_test_dma.
 */
#include "drivers/tg3_int.h"

static uint8_t tg3_find_cap(const struct pci_dev *pci, uint8_t id)
{
    uint8_t pos = pci_read8(pci, TG3_PCI_CAP_PTR) & 0xfc;
    for (int hops = 0; pos >= 0x40 && hops < 48; hops++) {
        if (pci_read8(pci, pos) == id) return pos;
        pos = pci_read8(pci, pos + 1) & 0xfc;
    }
    return 0;
}

/* Family flags by ASIC revision, as Linux tg3_get_invariants. Returns false for parts this
 * driver does not know. */
static bool tg3_classify(struct tg3 *tp)
{
    switch (tp->asic) {
    case ASIC_REV_5700:
    case ASIC_REV_5701:
    case ASIC_REV_5703:
    case ASIC_REV_5704:
        tp->jumbo_capable = true; /* separate jumbo producer ring */
        tp->ret_ring_size = TG3_RX_RET_RING_SIZE_5700;
        break;
    case ASIC_REV_5705:
        tp->is_5705_plus = true;
        break;
    case ASIC_REV_5750:
    case ASIC_REV_5752:
        tp->is_5705_plus = tp->is_5750_plus = true;
        tp->rx_std_max_post = 8; /* erratum: post at most 8 standard buffers per mailbox write */
        break;
    case ASIC_REV_5714:
    case ASIC_REV_5780:
        tp->is_5705_plus = tp->is_5750_plus = tp->is_5780_class = true;
        tp->jumbo_capable = true; /* jumbo frames in 9 KB standard-ring buffers */
        break;
    case 0x0b: /* 5787: same family as 5755 */
    case ASIC_REV_5755:
        tp->is_5705_plus = tp->is_5750_plus = tp->is_5755_plus = true;
        tp->short_dma_bug = true;
        if (tp->asic == ASIC_REV_5755) tp->rx_std_max_post = 8;
        break;
    case ASIC_REV_5761:
        tp->is_5705_plus = tp->is_5750_plus = tp->is_5755_plus = true;
        tp->short_dma_bug = tp->cpmu = true;
        break;
    case ASIC_REV_5717:
    case ASIC_REV_5719:
    case ASIC_REV_5720:
        tp->is_5705_plus = tp->is_5750_plus = tp->is_5755_plus = tp->is_5717_plus = true;
        tp->short_dma_bug = tp->cpmu = tp->lrg_prod_ring = true;
        tp->use_jumbo_bdflag = tp->jumbo_capable = tp->chip_rev_id != CHIPREV_ID_5719_A0;
        tp->ret_ring_size = TG3_RX_RET_RING_SIZE_5717;
        if (tp->asic == ASIC_REV_5719)
            tp->tx_dma_limit = 4096; /* one send descriptor must not move more than 4 KiB */
        break;
    default:
        return false;
    }
    tp->std_ring_size = tp->lrg_prod_ring ? TG3_RX_STD_RING_SIZE_5717 : TG3_RX_STD_RING_SIZE;
    tp->jmb_ring_size = tp->lrg_prod_ring ? TG3_RX_JMB_RING_SIZE_5717 : TG3_RX_JMB_RING_SIZE;
    if (!tp->rx_std_max_post) tp->rx_std_max_post = tp->std_ring_size;
    return true;
}

/* DMA read/write control, the value Linux and iPXE derive in tg3_test_dma. The 5700/5701
 * write-DMA self-test is not run: the driver takes the 16-byte write boundary that the test
 * falls back to on those parts. */
static void tg3_dma_rwctrl(struct tg3 *tp)
{
    uint32_t v;

    if (tp->is_5717_plus) {
        tp->dma_rwctrl = DMA_RWCTRL_DIS_CACHE_ALIGNMENT;
        return;
    }
    v = (7u << DMA_RWCTRL_PCI_WRITE_CMD_SHIFT) | (6u << DMA_RWCTRL_PCI_READ_CMD_SHIFT);
    if (tp->pcie) {
        v |= 0x00180000;
    } else if (!tp->pcix_mode) {
        v |= (tp->asic == ASIC_REV_5705 || tp->asic == ASIC_REV_5750) ? 0x003f0000 : 0x003f000f;
    } else if (tp->asic == ASIC_REV_5703 || tp->asic == ASIC_REV_5704) {
        uint32_t clk = tr32(tp, TG3PCI_CLOCK_CTRL) & 0x1f;
        uint32_t read_water = tp->asic == ASIC_REV_5703 ? 4 : 7;
        if (clk == 6 || clk == 7) v |= DMA_RWCTRL_ONE_DMA;
        v |= (read_water << DMA_RWCTRL_READ_WATER_SHIFT) | (3u << DMA_RWCTRL_WRITE_WATER_SHIFT) |
             (1u << 23); /* PCI-X fix */
    } else if (tp->asic == ASIC_REV_5780) {
        v |= 0x00144000;
    } else if (tp->asic == ASIC_REV_5714) {
        v |= 0x00148000;
    } else {
        v |= 0x001b000f;
    }
    if (tp->asic == ASIC_REV_5703 || tp->asic == ASIC_REV_5704) v &= 0xfffffff0;
    if (tp->asic == ASIC_REV_5700 || tp->asic == ASIC_REV_5701) {
        v |= DMA_RWCTRL_USE_MEM_READ_MULT | DMA_RWCTRL_ASSERT_ALL_BE;
        v = (v & ~DMA_RWCTRL_WRITE_BNDRY_MASK) | DMA_RWCTRL_WRITE_BNDRY_16;
    }
    tp->dma_rwctrl = v;
}

/* Core clock selection after power-up (Linux tg3_switch_clocks). */
static void tg3_switch_clocks(struct tg3 *tp)
{
    if (tp->cpmu || tp->is_5780_class) return;
    uint32_t orig = tr32(tp, TG3PCI_CLOCK_CTRL);
    uint32_t keep = orig & (CLOCK_CTRL_FORCE_CLKRUN | CLOCK_CTRL_CLKRUN_OENABLE | 0x1f);
    tp->pci_clock_ctrl = keep;
    if (tp->is_5705_plus) {
        if (orig & CLOCK_CTRL_625_CORE)
            tw32_wait_f(tp, TG3PCI_CLOCK_CTRL, keep | CLOCK_CTRL_625_CORE, 40);
    } else if (orig & CLOCK_CTRL_44MHZ_CORE) {
        tw32_wait_f(tp, TG3PCI_CLOCK_CTRL, keep | CLOCK_CTRL_44MHZ_CORE | CLOCK_CTRL_ALTCLK, 40);
        tw32_wait_f(tp, TG3PCI_CLOCK_CTRL, keep | CLOCK_CTRL_ALTCLK, 40);
    }
    tw32_wait_f(tp, TG3PCI_CLOCK_CTRL, keep, 40);
}

/* 5701 A0/B0/B2/B5 in PCI-X mode may corrupt memory-mapped writes (the PCI-X target bug):
 * write a pattern into SRAM through the BAR window and see whether a neighbour changed. */
static bool tg3_5701_target_bug(struct tg3 *tp)
{
    uint32_t id = tp->chip_rev_id;
    if (!tp->pcix_mode || (id != CHIPREV_ID_5701_A0 && id != CHIPREV_ID_5701_B0 &&
                           id != CHIPREV_ID_5701_B2 && id != CHIPREV_ID_5701_B5))
        return false;
    uint32_t win = 0x8000 + NIC_SRAM_STATS_BLK;
    mmio_write32(tp->regs, win, 0);
    mmio_write32(tp->regs, win + 4, 0);
    mmio_write32(tp->regs, win + 4, 0xffffffff);
    return mmio_read32(tp->regs, win) != 0;
}

int tg3_get_invariants(struct tg3 *tp, volatile void *regs)
{
    const struct pci_dev *pci = tp->pci;
    uint32_t misc = pci_read32(pci, TG3PCI_MISC_HOST_CTRL);

    tp->chip_rev_id = misc >> MISC_HOST_CTRL_CHIPREV_SHIFT;
    if (TG3_ASIC_REV(tp->chip_rev_id) == ASIC_REV_USE_PROD_ID_REG) {
        bool gen2 = pci->device == 0x1655 || pci->device == 0x1656 || pci->device == 0x1657 ||
                    pci->device == 0x165f;
        tp->chip_rev_id =
            pci_read32(pci, gen2 ? TG3PCI_GEN2_PRODID_ASICREV : TG3PCI_PRODID_ASICREV) & 0x0fffffff;
    }
    if (tp->chip_rev_id == CHIPREV_ID_5717_C0) /* a 5720 A0 inside (Linux) */
        tp->chip_rev_id = CHIPREV_ID_5720_A0;
    tp->asic = TG3_ASIC_REV(tp->chip_rev_id);
    tp->ret_ring_size = TG3_RX_RET_RING_SIZE_5705;
    if (!tg3_classify(tp)) {
        tg3_log(tp, "chip revision %#x (ASIC %#x) is not supported", (unsigned)tp->chip_rev_id,
                (unsigned)tp->asic);
        return -NIC_ENODEV;
    }

    tp->pcie_cap = tg3_find_cap(pci, TG3_PCI_CAP_ID_PCIE);
    tp->pcix_cap = tg3_find_cap(pci, TG3_PCI_CAP_ID_PCIX);
    tp->pm_cap = tg3_find_cap(pci, TG3_PCI_CAP_ID_PM);
    tp->pcie = tp->pcie_cap != 0;
    uint32_t pcistate = pci_read32(pci, TG3PCI_PCISTATE);
    if (!tp->pcie && (!tp->is_5705_plus || tp->is_5780_class)) {
        if (!tp->pcix_cap) {
            tg3_log(tp, "no PCI-X capability on a PCI-X part, giving up");
            return -NIC_ENODEV;
        }
        tp->pcix_mode = !(pcistate & PCISTATE_CONV_PCI_MODE);
    }

    /* Parts with an APE (management processor) have its registers in BAR 2 (Linux maps it
     * by device ID). Without them the shared PHY and reset cannot be arbitrated. */
    static const uint16_t ape_ids[] = {0x1680, 0x1681, 0x1655, 0x1656, 0x1657, 0x165f};
    for (size_t i = 0; i < sizeof(ape_ids) / sizeof(ape_ids[0]); i++)
        if (pci->device == ape_ids[i]) tp->ape = true;
    if (tp->ape) {
        uint64_t size = 0, base = pci_bar(pci, 2, &size);
        if (!base || size < 0x10000) {
            tg3_log(tp, "APE registers (BAR 2) missing: cannot share the PHY with the "
                        "management firmware, refusing the device");
            return -NIC_ENODEV;
        }
        tp->aperegs = (volatile void *)(uintptr_t)base;
    }

    /* From here on the device is ours. */
    pci_enable_device(pci);
    uint16_t cmd = pci_read16(pci, PCI_COMMAND) & ~TG3_PCI_CMD_INVALIDATE;
    pci_write16(pci, PCI_COMMAND, cmd);
    tp->regs = regs;

    /* Mask the PCI interrupt and open the register windows before any register access. */
    tp->misc_host_ctrl = MISC_HOST_CTRL_MASK_PCI_INT | MISC_HOST_CTRL_WORD_SWAP |
                         MISC_HOST_CTRL_PCISTATE_RW | (misc & MISC_HOST_CTRL_CHIPREV);
    if (!TG3_FAULT(TG3_FAULT_NO_INDIRECT_ENABLE)) tp->misc_host_ctrl |= MISC_HOST_CTRL_INDIR_ACCESS;
    pci_write32(pci, TG3PCI_MISC_HOST_CTRL, tp->misc_host_ctrl);

    uint16_t cl = pci_read16(pci, TG3_PCI_CACHELINE_LAT);
    tp->cacheline = cl & 0xff;
    tp->latency = cl >> 8;
    if (tp->asic == ASIC_REV_5703 && tp->latency < 64) {
        tp->latency = 64;
        pci_write8(pci, TG3_PCI_CACHELINE_LAT + 1, tp->latency);
    }
    if (TG3_CHIP_REV(tp->chip_rev_id) == CHIPREV_5700_BX) {
        tp->txd_mbox_hwbug = true;
        if (tp->pcix_mode) {
            tp->indirect = true;
            if (tp->pm_cap) { /* the bug can clobber the power state: force D0 */
                uint32_t pm = pci_read32(pci, tp->pm_cap + TG3_PM_CTRL);
                pci_write32(pci, tp->pm_cap + TG3_PM_CTRL, (pm & ~3u) | 0x100);
            }
            pci_write16(pci, PCI_COMMAND, pci_read16(pci, PCI_COMMAND) | TG3_PCI_CMD_PARITY_SERR);
        }
    }
    if (tp->chip_rev_id == CHIPREV_ID_5704_A0 && !(pcistate & PCISTATE_RETRY_SAME_DMA))
        pci_write32(pci, TG3PCI_PCISTATE, pcistate | PCISTATE_RETRY_SAME_DMA);

    /* D0, then the memory arbiter so SRAM can be read (Linux tg3_get_eeprom_hw_cfg). */
    if (tp->pm_cap) {
        uint16_t pmcsr = pci_read16(pci, tp->pm_cap + TG3_PM_CTRL);
        pci_write16(pci, tp->pm_cap + TG3_PM_CTRL, pmcsr & ~3u);
        delay_us(1000);
    }
    tw32(tp, MEMARB_MODE, tr32(tp, MEMARB_MODE) | MEMARB_MODE_ENABLE);

    tp->eeprom_wp = true;
    if (tg3_read_mem(tp, NIC_SRAM_DATA_SIG) == NIC_SRAM_DATA_SIG_MAGIC) {
        uint32_t cfg = tg3_read_mem(tp, NIC_SRAM_DATA_CFG);
        if ((cfg & NIC_SRAM_DATA_CFG_PHY_TYPE_MASK) == NIC_SRAM_DATA_CFG_PHY_TYPE_FIBER) {
            tg3_log(tp, "fibre (SerDes) boards are not supported");
            return -NIC_ENODEV;
        }
        tp->eeprom_wp = (cfg & NIC_SRAM_DATA_CFG_EEPROM_WP) != 0;
        tp->is_nic = !tp->eeprom_wp;
        tp->asf = (cfg & NIC_SRAM_DATA_CFG_ASF_ENABLE) != 0;
        switch (cfg & NIC_SRAM_DATA_CFG_LED_MODE_MASK) { /* what the board wires the LEDs to */
        case NIC_SRAM_DATA_CFG_LED_MODE_MAC:
            tp->led_ctrl = LED_CTRL_MODE_MAC;
            break;
        case NIC_SRAM_DATA_CFG_LED_MODE_PHY_2:
            tp->led_ctrl = LED_CTRL_MODE_PHY_2;
            break;
        default:
            tp->led_ctrl = LED_CTRL_MODE_PHY_1;
            break;
        }
    } else {
        tp->led_ctrl = LED_CTRL_MODE_PHY_1;
    }
    tp->asf_handshake = tp->asf && tp->is_5750_plus;
    tp->nvram = tp->asic != ASIC_REV_5700 && tp->asic != ASIC_REV_5701;

    /* The port number decides the PHY address and the APE PHY lock. On 5717/5719/5720 the
     * PCI function need not be the port: the bootcode's CPMU status says (Linux). */
    tp->pci_fn = pci->fn;
    if (tp->is_5717_plus) {
        uint32_t st = tg3_read_mem(tp, NIC_SRAM_CPMU_STATUS);
        if ((st & NIC_SRAM_CPMUSTAT_SIG_MSK) != NIC_SRAM_CPMUSTAT_SIG)
            st = tr32(tp, TG3_CPMU_STATUS);
        tp->pci_fn =
            tp->asic == ASIC_REV_5717
                ? (st & TG3_CPMU_STATUS_FMSK_5717 ? 1 : 0)
                : (uint8_t)((st & TG3_CPMU_STATUS_FMSK_5719) >> TG3_CPMU_STATUS_FSHFT_5719);
    }

    /* GPIOs: 5700 and write-protected EEPROMs drive GPIO1 high; 5752 has no pull-up on
     * GPIO3; 5755 and 5761 switch the debug UART off (Linux tg3_get_invariants). */
    tp->grc_local_ctrl = GRC_LCLCTRL_INT_ON_ATTN | GRC_LCLCTRL_AUTO_SEEPROM;
    if (tp->asic == ASIC_REV_5700 || tp->eeprom_wp)
        tp->grc_local_ctrl |= GRC_LCLCTRL_GPIO_OE1 | GRC_LCLCTRL_GPIO_OUTPUT1;
    else if (tp->asic == ASIC_REV_5752)
        tp->grc_local_ctrl |= GRC_LCLCTRL_GPIO_OE3;
    if (tp->asic == ASIC_REV_5755 || tp->asic == ASIC_REV_5761)
        tp->grc_local_ctrl |= GRC_LCLCTRL_GPIO_UART_SEL;
    if (tp->asic == ASIC_REV_5761 && !tp->eeprom_wp)
        tp->grc_local_ctrl |= GRC_LCLCTRL_GPIO_OE0 | GRC_LCLCTRL_GPIO_OUTPUT0;
    pci_write32(pci, TG3PCI_MISC_HOST_CTRL, tp->misc_host_ctrl);
    /* Only an add-in card's GPIOs are the driver's: on a LAN-on-motherboard design the
     * bootcode drives them (power switching), and tg3_reset_hw keeps its settings. */
    if (tp->is_nic) tw32_wait_f(tp, GRC_LOCAL_CTRL, tp->grc_local_ctrl, 100);

    tp->mi_mode = tp->cpmu ? MAC_MI_MODE_500KHZ_CONST : MAC_MI_MODE_BASE;
    if (TG3_CHIP_REV(tp->chip_rev_id) != CHIPREV_5700_AX &&
        TG3_CHIP_REV(tp->chip_rev_id) != CHIPREV_5700_BX)
        tp->coalesce_mode = HOSTCC_MODE_32BYTE;
    tp->phy_addr = tp->is_5717_plus ? (uint8_t)(tp->pci_fn + 1) : TG3_PHY_ADDR;
    /* 5761 A-steps corrupt send descriptors with CLKREQ on at 10/100 Mb/s (Linux). */
    tp->clkreq_bug = tp->pcie && TG3_CHIP_REV(tp->chip_rev_id) == 0x57610;

    /* Byte order of DMA: frame data and descriptors as a little-endian host lays them out. */
    tp->grc_mode = GRC_MODE_WSWAP_DATA | GRC_MODE_BSWAP_DATA;
    if (!TG3_FAULT(TG3_FAULT_NO_DESC_WORD_SWAP)) tp->grc_mode |= GRC_MODE_WSWAP_NONFRM_DATA;
    if (tp->asic == ASIC_REV_5720) /* bootcode settings of the 5720's extra DMA paths */
        tp->grc_mode |=
            tr32(tp, GRC_MODE) & (GRC_MODE_BSWAP_B2HRX_DATA | GRC_MODE_WSWAP_B2HRX_DATA |
                                  GRC_MODE_B2HRX_ENABLE | GRC_MODE_HTX2B_ENABLE);
    tw32(tp, GRC_MODE, (tr32(tp, GRC_MODE) & GRC_MODE_HOST_STACKUP) | tp->grc_mode);
    tg3_switch_clocks(tp);
    tw32(tp, TG3PCI_MEM_WIN_BASE_ADDR, 0);
    if (!tp->indirect && tg3_5701_target_bug(tp)) {
        tg3_log(tp, "PCI-X target bug: using indirect register access");
        tp->indirect = true;
    }
    delay_us(50);
    tg3_dma_rwctrl(tp);
    /* 5717 and later keep the bootcode's value; tg3_reset_hw adjusts two bits of it. */
    if (!tp->is_5717_plus) tw32(tp, TG3PCI_DMA_RW_CTRL, tp->dma_rwctrl);
    return NIC_OK;
}

static bool tg3_valid_mac(const uint8_t *m)
{
    return !(m[0] & 1) && (m[0] | m[1] | m[2] | m[3] | m[4] | m[5]);
}

/* MAC address: the bootcode's SRAM mailbox, else what it left in MAC_ADDR_0. */
bool tg3_read_mac(struct tg3 *tp, uint8_t *mac)
{
    uint32_t hi = tg3_read_mem(tp, NIC_SRAM_MAC_ADDR_HIGH_MBOX);
    if ((hi >> 16) == NIC_SRAM_MAC_ADDR_SIG) {
        uint32_t lo = tg3_read_mem(tp, NIC_SRAM_MAC_ADDR_LOW_MBOX);
        uint8_t m[6] = {(uint8_t)(hi >> 8),  (uint8_t)hi,        (uint8_t)(lo >> 24),
                        (uint8_t)(lo >> 16), (uint8_t)(lo >> 8), (uint8_t)lo};
        if (tg3_valid_mac(m)) {
            memcpy(mac, m, 6);
            return true;
        }
    }
    hi = tr32(tp, MAC_ADDR_0_HIGH);
    uint32_t lo = tr32(tp, MAC_ADDR_0_LOW);
    uint8_t m[6] = {(uint8_t)(hi >> 8),  (uint8_t)hi,        (uint8_t)(lo >> 24),
                    (uint8_t)(lo >> 16), (uint8_t)(lo >> 8), (uint8_t)lo};
    if (!tg3_valid_mac(m)) return false;
    memcpy(mac, m, 6);
    return true;
}
