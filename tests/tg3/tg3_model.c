/*
 * tests/tg3/tg3_model.c — the tg3 device model's bus side: PCI configuration space (with the
 * indirect register window, the NIC SRAM window and the config-space mailbox aliases), the
 * register file, the core-clock reset with the bootcode handshake, and the init-order rules.
 * Every rule is stated where it is checked, with its source; docs/tg3.md lists them.
 * The engines are in tg3_model_dma.c, the PHY in tg3_model_phy.c, board firmware and state
 * in tg3_model_board.c, violation records and inspection in tg3_model_inspect.c. Run with
 * `make test`.
 */
#include "tg3_model_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define US             1000ull
#define RESET_QUIET_NS (100 * US) /* Linux waits 120 us before touching the chip again */

/* Default revision and bus per device ID: what a board of that part would report. Parts
 * from the 5761 on report ASIC 0xf in MISC_HOST_CTRL and the real ID in a product-ID
 * register. 'x': PCI-X capable, 'p': conventional PCI, 'e': PCI Express. */
static const struct {
    uint16_t dev;
    uint32_t rev;
    char bus;
} parts[] = {
    {0x1644, 0x7102, 'x'},     {0x1645, 0x0105, 'x'},     {0x1646, 0x1002, 'x'},
    {0x1647, 0x1002, 'x'},     {0x1648, 0x2003, 'x'},     {0x1653, 0x3003, 'p'},
    {0x1654, 0x3003, 'p'},     {0x165d, 0x3003, 'p'},     {0x165e, 0x3003, 'p'},
    {0x1668, 0x9002, 'x'},     {0x1678, 0x9003, 'x'},     {0x1659, 0x4201, 'e'},
    {0x165a, 0xa200, 'e'},     {0x1676, 0x4202, 'e'},     {0x1677, 0x4202, 'e'},
    {0x167d, 0x4202, 'e'},     {0x1600, 0x6001, 'e'},     {0x1601, 0x6001, 'e'},
    {0x1680, 0x05761100, 'e'}, {0x1681, 0x05761100, 'e'}, {0x1655, 0x05717200, 'e'},
    {0x1656, 0x05717200, 'e'}, {0x1657, 0x05719001, 'e'}, {0x165f, 0x05720100, 'e'},
};

uint32_t mdl_sram32(const struct tg3_model *m, uint32_t off)
{
    uint32_t v;
    memcpy(&v, m->sram + (off & (M_SRAM_BYTES - 4)), 4);
    return v;
}

static void sram_put(struct tg3_model *m, uint32_t off, uint32_t v)
{
    memcpy(m->sram + (off & (M_SRAM_BYTES - 4)), &v, 4);
}

uint32_t tg3_model_sram(const struct tg3_model *m, uint32_t off)
{
    return mdl_sram32(m, off);
}

/* ------------------------------------------------------------- config space ---- */

static uint32_t cfg32(const struct tg3_model *m, unsigned off)
{
    uint32_t v;
    memcpy(&v, m->cfgspace + (off & 0xfc), 4);
    return v;
}

static void cfg_put(struct tg3_model *m, unsigned off, uint32_t v, unsigned size)
{
    memcpy(m->cfgspace + off, &v, size);
}

bool cfg_is_pcie(const struct tg3_model *m)
{
    return cfg32(m, M_CAP_PCIE) != 0;
}
uint16_t cfg_get16(const struct tg3_model *m, unsigned off)
{
    return (uint16_t)(cfg32(m, off) >> ((off & 2) * 8));
}
void cfg_set16(struct tg3_model *m, unsigned off, uint16_t v)
{
    cfg_put(m, off, v, 2);
}
void cfg_set32(struct tg3_model *m, unsigned off, uint32_t v)
{
    cfg_put(m, off, v, 4);
}
void mdl_sram_put(struct tg3_model *m, uint32_t off, uint32_t v)
{
    sram_put(m, off, v);
}

static void classify(struct tg3_model *m)
{
    uint32_t a = m->asic = m->chip_rev_id >> 12;
    bool early = a == 0x07 || a == 0x00 || a == 0x01 || a == 0x02; /* 5700-5704 */
    m->prodid_part = a > 0xff;
    m->is_5705_plus = !early;
    m->is_5717_plus = a == 0x5717 || a == 0x5719 || a == 0x5720;
    m->has_jumbo_ring = early || (m->is_5717_plus && m->chip_rev_id != 0x05719000);
    m->jumbo_in_std_ring = a == 0x09 || a == 0x08; /* 5714/5715, 5780 */
    m->short_dma_bug = a == 0x0a || a == 0x0b || a == 0x5761 || m->is_5717_plus;
    m->needs_jmb_flag = m->is_5717_plus && m->chip_rev_id != 0x05719000;
    m->ret_ring_size = early ? 1024 : m->is_5717_plus ? 4096 : 512;
    m->max_post = (a == 0x04 || a == 0x06 || a == 0x0a) ? 8 : 0;
    m->tx_dma_limit = a == 0x5719 ? 4096 : 0;
    m->phy_addr = m->is_5717_plus ? (uint8_t)(m->pci.fn + 1) : 1;
}

/* Power-on config space: header, capabilities (PM, then PCI-X or PCIe), vendor registers. */
static void build_config(struct tg3_model *m, char bus)
{
    memset(m->cfgspace, 0, sizeof(m->cfgspace));
    cfg_put(m, 0x00, 0x14e4, 2);
    cfg_put(m, 0x02, m->cfg.device_id, 2);
    cfg_put(m, 0x06, 0x0010, 2); /* capability list */
    cfg_put(m, 0x08, 0x02000000 | (m->chip_rev_id & 0xff), 4);
    cfg_put(m, 0x0c, 0x4010, 2); /* 64-byte cache line, latency 64 */
    cfg_put(m, 0x10, (uint32_t)m->bar | 0x4, 4);
    cfg_put(m, 0x14, (uint32_t)(m->bar >> 32), 4);
    cfg_put(m, 0x2c, 0x14e4 | (uint32_t)m->cfg.device_id << 16, 4);
    cfg_put(m, M_CFG_CAP_PTR, M_CAP_PM, 1);
    uint8_t next = bus == 'x' ? M_CAP_PCIX : bus == 'e' ? M_CAP_PCIE : 0;
    cfg_put(m, M_CAP_PM, 0x01 | (uint32_t)next << 8 | 0xc002u << 16, 4);
    if (bus == 'x') {
        cfg_put(m, M_CAP_PCIX, 0x07 | 0x0002u << 16, 4); /* command: relaxed ordering on */
    } else if (bus == 'e') {
        cfg_put(m, M_CAP_PCIE, 0x10 | 0x0001u << 16, 4);
        cfg_put(m, M_CAP_PCIE + 8, 0x2810, 4); /* DEVCTL: relaxed ordering, no-snoop on */
    }
    uint32_t chiprev_field = m->prodid_part ? 0xf000 : m->chip_rev_id;
    cfg_put(m, M_CFG_MISC_HOST_CTRL, chiprev_field << 16, 4);
    cfg_put(m, M_CFG_PCISTATE, m->pcix_bus && m->cfg.pcix_mode ? 0 : M_PCISTATE_CONV_PCI, 4);
    if (m->prodid_part)
        cfg_put(m, m->is_5717_plus ? M_CFG_GEN2_PRODID : M_CFG_PRODID, m->chip_rev_id, 4);
}

/* ------------------------------------------------------------- bootcode ---- */

/* What the bootcode leaves behind when it finishes: the signature and configuration in
 * SRAM, the MAC address in the SRAM mailbox and in MAC_ADDR_0, and (only when the driver
 * signed the mailbox before the reset) the complement of the magic in the mailbox. */
static void bootcode_finish(struct tg3_model *m)
{
    const uint8_t *a = m->cfg.mac;
    uint32_t hi = (uint32_t)a[0] << 8 | a[1];
    uint32_t lo = (uint32_t)a[2] << 24 | (uint32_t)a[3] << 16 | (uint32_t)a[4] << 8 | a[5];
    m->boot_running = false;
    if (m->boot_answers) sram_put(m, M_SRAM_FW_MBOX, ~(uint32_t)M_FW_MAGIC);
    sram_put(m, M_SRAM_DATA_SIG, M_FW_MAGIC);
    sram_put(m, M_SRAM_DATA_CFG,
             (m->cfg.fibre ? 0x20 : M_DATACFG_PHY_COPPER) | (m->cfg.asf ? M_DATACFG_ASF : 0));
    sram_put(m, M_SRAM_MAC_HI, m->cfg.no_mac_mailbox ? 0 : 0x484b0000 | hi);
    sram_put(m, M_SRAM_MAC_LO, m->cfg.no_mac_mailbox ? 0 : lo);
    mdl_set_reg(m, M_MAC_ADDR0_HI, hi);
    mdl_set_reg(m, M_MAC_ADDR0_LO, lo);
    mdl_board_bootcode(m);
}

static void reset_registers(struct tg3_model *m)
{
    memset(m->regs, 0, sizeof(m->regs));
    mdl_set_reg(m, M_MAC_RX_MTU, 1518); /* a standard frame until the driver says more */
    mdl_set_reg(m, M_MAC_MI_MODE, 0x000c0000);
}

/* GRC_MISC_CFG.CORECLK_RESET: the whole core restarts and the bootcode runs again. */
static void core_reset(struct tg3_model *m)
{
    uint64_t now = tg3_host_now_ns();
    m->st.resets++;
    /* Rule: stop DMA before a reset. Source: Linux tg3_halt/tg3_reset_hw call tg3_abort_hw
     * (every engine stopped) before tg3_chip_reset; a reset mid-transfer can hang the bus. */
    if (mdl_on(m, M_RDMAC_MODE) || mdl_on(m, M_WDMAC_MODE))
        mdl_violation(m, "core-clock reset while the read/write DMA engines run "
                         "(Linux stops every block first: tg3_abort_hw)");
    /* Rule: pause ASF firmware first. Source: Linux tg3_stop_fw (FWCMD_NICDRV_PAUSE_FW). */
    if (m->cfg.asf && !m->ape_fw && !m->asf_paused)
        mdl_violation(m, "core-clock reset while ASF firmware runs (Linux pauses it: tg3_stop_fw)");
    /* Rule: sign the firmware mailbox before a reset. Source: Linux/iPXE
     * tg3_write_sig_pre_reset; the bootcode answers with the complement (tg3_poll_fw). */
    m->boot_answers = mdl_sram32(m, M_SRAM_FW_MBOX) == M_FW_MAGIC;
    if (!m->boot_answers)
        mdl_violation(m,
                      "core-clock reset without the magic 0x%08x in the firmware mailbox "
                      "(tg3_write_sig_pre_reset): the bootcode will not signal completion",
                      (unsigned)M_FW_MAGIC);

    mdl_board_reset(m);
    reset_registers(m);
    /* The reset clears memory enable and bus mastering in the command register and the
     * host-control word (Linux tg3_chip_reset: "GRC_MISC_CFG core clock reset will clear the
     * memory enable bit in PCI register 4"). */
    uint32_t cmd = cfg32(m, M_CFG_COMMAND) & ~(uint32_t)(M_CMD_MEMORY | M_CMD_MASTER);
    cfg_put(m, M_CFG_COMMAND, cmd & 0xffff, 2);
    uint32_t mhc = cfg32(m, M_CFG_MISC_HOST_CTRL) & 0xffff0000;
    cfg_put(m, M_CFG_MISC_HOST_CTRL, mhc, 4);
    cfg_put(m, M_CFG_PCISTATE, m->pcix_bus && m->cfg.pcix_mode ? 0 : M_PCISTATE_CONV_PCI, 4);
    mdl_engines_reset(m);
    m->reset_ns = now;
    m->in_reset = true;
    m->boot_running = true;
    m->boot_done_ns = now + (m->cfg.fw_boot_us ? m->cfg.fw_boot_us : 2000) * US;
    m->asf_paused = false;
    mdl_board_after_reset(m);
}

/* ------------------------------------------------------------------ rules ---- */

static const char *block_name(uint32_t reg)
{
    switch (reg) {
    case M_SNDDATAI_MODE:
        return "send data initiator";
    case M_SNDDATAC_MODE:
        return "send data completion";
    case M_SNDBDS_MODE:
        return "send BD selector";
    case M_SNDBDI_MODE:
        return "send BD initiator";
    case M_SNDBDC_MODE:
        return "send BD completion";
    case M_RCVLPC_MODE:
        return "receive list placement";
    case M_RCVDBDI_MODE:
        return "receive data/BD initiator";
    case M_RCVDCC_MODE:
        return "receive data completion";
    case M_RCVBDI_MODE:
        return "receive BD initiator";
    case M_RCVCC_MODE:
        return "receive BD completion";
    case M_RCVLSC_MODE:
        return "receive list selector";
    case M_MBFREE_MODE:
        return "mbuf free";
    case M_HOSTCC_MODE:
        return "host coalescing";
    case M_MEMARB_MODE:
        return "memory arbiter";
    case M_BUFMGR_MODE:
        return "buffer manager";
    case M_RDMAC_MODE:
        return "read DMA";
    case M_WDMAC_MODE:
        return "write DMA";
    case M_DMAC_MODE:
        return "DMA completion";
    case M_MAC_TX_MODE:
        return "MAC transmitter";
    case M_MAC_RX_MODE:
        return "MAC receiver";
    default:
        return NULL;
    }
}

/* Checks when a block's ENABLE goes from 0 to 1. Returns false when the chip would not
 * let the bit stick. */
static bool enable_allowed(struct tg3_model *m, uint32_t reg, uint32_t v)
{
    const char *name = block_name(reg);
    /* Rule: nothing but the memory arbiter starts while the bootcode still runs. Source:
     * Linux tg3_chip_reset enables MEMARB (so the mailbox can be read), then polls the
     * firmware mailbox (tg3_poll_fw) before it programs anything else. */
    if (m->boot_running && reg != M_MEMARB_MODE)
        mdl_violation(m,
                      "%s enabled while the bootcode still runs after reset "
                      "(tg3_poll_fw waits for the firmware mailbox first)",
                      name);
    /* Rule: the memory arbiter first. Source: Linux tg3_chip_reset enables MEMARB right after
     * the reset; every engine reaches NIC memory through it. */
    if (reg != M_MEMARB_MODE && !mdl_on(m, M_MEMARB_MODE))
        mdl_violation(m, "%s enabled while the memory arbiter is off", name);
    if (reg == M_BUFMGR_MODE) {
        if (!mdl_on(m, M_MEMARB_MODE)) return false; /* its pool is NIC memory */
        /* Rule: 5700-5704 need their mbuf and descriptor pools before the buffer manager
         * starts. Source: Linux tg3_reset_hw "Initialize MBUF/DESC pool" (5705+ skip it). */
        if (!m->is_5705_plus &&
            (!mdl_reg(m, M_BUFMGR_POOL_ADDR) || !mdl_reg(m, M_BUFMGR_POOL_SIZE) ||
             !mdl_reg(m, M_BUFMGR_DESC_ADDR) || !mdl_reg(m, M_BUFMGR_DESC_SIZE))) {
            mdl_violation(m, "buffer manager enabled before its mbuf/descriptor pools were set "
                             "(5700-5704: BUFMGR_MB_POOL_*, BUFMGR_DMA_DESC_POOL_*)");
            return false;
        }
    }
    /* Rule: frames live in mbufs, so nothing that moves frames may run without the buffer
     * manager. Source: Linux tg3_reset_hw enables BUFMGR (and waits for it) before any DMA
     * engine or the MAC. */
    bool mover = reg == M_RDMAC_MODE || reg == M_WDMAC_MODE || reg == M_SNDDATAI_MODE ||
                 reg == M_RCVLPC_MODE || reg == M_MAC_TX_MODE || reg == M_MAC_RX_MODE;
    if (mover && !mdl_on(m, M_BUFMGR_MODE))
        mdl_violation(m, "%s enabled while the buffer manager is off (frames need its mbufs)",
                      name);
    if (reg == M_HOSTCC_MODE) {
        /* Rule: host coalescing needs a status block address. Source: Linux tg3_rings_reset
         * programs HOSTCC_STATUS_BLK_HOST_ADDR before tg3_reset_hw enables HOSTCC. */
        if (!mdl_reg(m, M_HOSTCC_STATUS_ADDR) && !mdl_reg(m, M_HOSTCC_STATUS_ADDR + 4))
            mdl_violation(m, "host coalescing enabled without a status block address");
        /* Rule: ticks and frames may not both be 0, or no status update ever comes.
         * Source: Linux tg3_set_coalesce rejects that combination. */
        if (!mdl_reg(m, M_HOSTCC_RX_TICKS) && !mdl_reg(m, M_HOSTCC_RX_FRAMES))
            mdl_violation(m, "host coalescing enabled with receive ticks and frames both 0");
        if (!mdl_reg(m, M_HOSTCC_TX_TICKS) && !mdl_reg(m, M_HOSTCC_TX_FRAMES))
            mdl_violation(m, "host coalescing enabled with send ticks and frames both 0");
    }
    if (reg == M_RCVDBDI_MODE) {
        if (!mdl_reg(m, M_RCVDBDI_STD_RCB) && !mdl_reg(m, M_RCVDBDI_STD_RCB + 4))
            mdl_violation(m, "receive BD initiator enabled without a standard ring address");
        /* Rule: 5717-class standard ring has 2048 entries. Source: Linux tg3_reset_hw sets
         * RCVDBDI_MODE_LRG_RING_SZ when LRG_PROD_RING_CAP. */
        if (m->is_5717_plus && !(v & M_RCVDBDI_LRG_RING))
            mdl_violation(m, "5717-class chip: RCVDBDI_MODE without LRG_RING_SZ");
    }
    return true;
}

/* Engine mode registers: enabling runs the rules; 5705 and later cannot stop five of them
 * (Linux tg3_stop_block: "We can't enable/disable these bits of the 5705/5750"). */
static void write_mode(struct tg3_model *m, uint32_t reg, uint32_t v)
{
    uint32_t old = mdl_reg(m, reg);
    bool en_old = old & M_ENABLE, en_new = v & M_ENABLE;
    if (reg == M_MAC_TX_MODE || reg == M_MAC_RX_MODE) v &= ~1u; /* reset bits self-clear */
    if (!en_old && en_new && !enable_allowed(m, reg, v)) v &= ~M_ENABLE;
    bool sticky = reg == M_BUFMGR_MODE || reg == M_MEMARB_MODE || reg == M_RCVLSC_MODE ||
                  reg == M_DMAC_MODE || reg == M_MBFREE_MODE;
    if (m->is_5705_plus && sticky && en_old && !en_new) v |= M_ENABLE;
    if (reg == M_HOSTCC_MODE) {
        bool now = v & M_HCC_NOW;
        mdl_set_reg(m, reg, v & ~M_HCC_NOW);
        if (now) mdl_hostcc(m, true);
    } else {
        mdl_set_reg(m, reg, v);
    }
    if (!en_old && en_new) {
        mdl_tx_run(m);
        mdl_rx_drain(m);
    }
}

static bool hostcc_param(uint32_t off)
{
    return (off >= M_HOSTCC_RX_TICKS && off <= M_HOSTCC_STAT_TICKS) ||
           off == M_HOSTCC_STATUS_ADDR || off == M_HOSTCC_STATUS_ADDR + 4;
}

static unsigned std_ring_size(const struct tg3_model *m)
{
    return m->is_5717_plus ? 2048 : 512;
}
static unsigned jmb_ring_size(const struct tg3_model *m)
{
    return m->is_5717_plus ? 1024 : 256;
}

/* Low halves of the mailboxes (high halves are stored and ignored). */
static void mbox_write(struct tg3_model *m, uint32_t off, uint32_t v)
{
    uint32_t old = mdl_reg(m, off);
    mdl_set_reg(m, off, v);
    switch (off) {
    case M_MB_SEND_PROD:
        if (v >= 512) {
            mdl_violation(m, "send producer index %u outside the 512-entry ring", (unsigned)v);
            return;
        }
        mdl_tx_run(m);
        break;
    case M_MB_STD_PROD: {
        unsigned size = std_ring_size(m);
        if (v >= size) {
            mdl_violation(m, "standard producer index %u outside the %u-entry ring", (unsigned)v,
                          size);
            return;
        }
        /* Rule: 5750/5752/5755 erratum, at most 8 new buffers per mailbox write once the
         * receive engines run. Source: Linux tg3_get_invariants rx_std_max_post = 8. */
        unsigned added = (v - old) & (size - 1);
        if (m->max_post && mdl_on(m, M_RCVBDI_MODE) && added > m->max_post)
            mdl_violation(m, "standard producer moved by %u in one write (erratum: at most %u)",
                          added, m->max_post);
        mdl_rx_drain(m);
        break;
    }
    case M_MB_JMB_PROD:
        if (v >= jmb_ring_size(m)) {
            mdl_violation(m, "jumbo producer index %u outside the ring", (unsigned)v);
            return;
        }
        mdl_rx_drain(m);
        break;
    case M_MB_RET_CONS: {
        unsigned size = m->ret_ring_size;
        if (v >= size || ((v - old) & (size - 1)) > ((m->ret_prod - old) & (size - 1))) {
            mdl_violation(m, "return ring consumer %u is not between %u and the producer %u",
                          (unsigned)v, (unsigned)old, (unsigned)m->ret_prod);
            return;
        }
        mdl_rx_drain(m);
        break;
    }
    default:
        break;
    }
}

static bool is_mailbox(uint32_t off)
{
    return off >= 0x200 && off < 0x400;
}

/* ------------------------------------------------------------ SRAM window ---- */

/* Rule: NIC SRAM is reachable only through a running memory arbiter. Source: Linux
 * tg3_get_eeprom_hw_cfg ("The memory arbiter has to be enabled in order for SRAM accesses
 * to succeed"). */
static bool sram_ok(struct tg3_model *m, uint32_t addr)
{
    if (!mdl_on(m, M_MEMARB_MODE)) {
        mdl_violation(m, "NIC SRAM accessed while the memory arbiter is off");
        return false;
    }
    if (addr & 3 || addr >= M_SRAM_BYTES) {
        mdl_violation(m, "NIC SRAM access at %#x outside the SRAM", (unsigned)addr);
        return false;
    }
    return true;
}

static uint32_t sram_read(struct tg3_model *m, uint32_t addr)
{
    return sram_ok(m, addr) ? mdl_sram32(m, addr) : 0;
}

static void sram_write(struct tg3_model *m, uint32_t addr, uint32_t v)
{
    if (sram_ok(m, addr)) sram_put(m, addr, v);
}

/* ------------------------------------------------------------- registers ---- */

static void cfg_store(struct tg3_model *m, unsigned off, uint32_t v, unsigned size);

/* Rule: registers are reachable (memory-mapped or through the indirect window) only once
 * MISC_HOST_CTRL.INDIR_ACCESS is set. Source: Linux tg3_get_invariants ("It is absolutely
 * critical that TG3PCI_MISC_HOST_CTRL has the register indirect write enable bit set before
 * we try to access any of the MMIO registers"). */
static bool reg_access_ok(struct tg3_model *m, uint32_t off)
{
    if (!(cfg32(m, M_CFG_MISC_HOST_CTRL) & M_MHC_INDIR_ACCESS)) {
        mdl_violation(m, "register %#x accessed before MISC_HOST_CTRL.INDIR_ACCESS was set",
                      (unsigned)off);
        return false;
    }
    if (off & 3) {
        mdl_violation(m, "unaligned register access at %#x", (unsigned)off);
        return false;
    }
    return true;
}

static uint32_t reg_read(struct tg3_model *m, uint32_t off, bool mmio)
{
    if (!reg_access_ok(m, off)) return 0xffffffff;
    if (off < 0x100) return cfg32(m, off); /* the config-space mirror */
    if (off >= 0x5800 && off < 0x5a00) off -= M_GRCMB_DELTA;
    if (off >= 0x8000) {
        if (!mmio) {
            mdl_violation(m, "indirect register read at %#x beyond the registers", (unsigned)off);
            return 0;
        }
        return sram_read(m, (cfg32(m, M_CFG_MEMWIN_BASE) & ~0x7fffu) + (off - 0x8000));
    }
    uint32_t v = mdl_reg(m, off);
    if (mdl_board_read(m, off, &v)) return v;
    switch (off) {
    case M_RCVLPC_NO_BD:
    case M_RCVLPC_DISCARDS:
    case M_RCVLPC_ERRORS:
    case M_MAC_TX_OCTETS:
    case M_MAC_TX_UCAST:
    case M_MAC_RX_OCTETS:
    case M_MAC_RX_UCAST:
    case M_MAC_RX_BCAST:
    case M_MAC_RX_TOO_LONG:
        mdl_set_reg(m, off, 0); /* statistics clear on read (Linux TG3_STAT_ADD32) */
        break;
    default:
        break;
    }
    return v;
}

static void reg_write(struct tg3_model *m, uint32_t off, uint32_t v, bool mmio)
{
    if (!reg_access_ok(m, off)) return;
    if (off >= 0x5800 && off < 0x5a00) off -= M_GRCMB_DELTA;
    /* Rule: on a 5700 BX / 5701 with the PCI-X target bug, memory-mapped writes other than
     * mailboxes are unreliable once the driver knows (it probes by writing the SRAM window).
     * Source: Linux tg3_get_invariants (PCIX_TARGET_HWBUG: "use indirect register accesses
     * for all chip writes not to mailbox registers"). The model makes them clobber their
     * 8-byte neighbour, which is what the driver's probe detects. */
    if (mmio && m->cfg.pcix_target_bug && !is_mailbox(off)) {
        if (off >= 0x8000) {
            m->bug_probed = true; /* the probe happened */
            uint32_t base = (cfg32(m, M_CFG_MEMWIN_BASE) & ~0x7fffu) + ((off - 0x8000) & ~7u);
            sram_write(m, base, v);
        } else if (m->bug_probed) {
            mdl_violation(m,
                          "memory-mapped write to register %#x on a part with the PCI-X "
                          "target bug (must use the indirect window)",
                          (unsigned)off);
        }
    }
    if (off < 0x100) {
        mdl_board_write(m, off, v);
        cfg_store(m, off, v, 4);
        return;
    }
    if (is_mailbox(off)) {
        mbox_write(m, off, v);
        return;
    }
    if (off >= 0x8000) {
        if (!mmio) {
            mdl_violation(m, "indirect register write at %#x beyond the registers", (unsigned)off);
            return;
        }
        sram_write(m, (cfg32(m, M_CFG_MEMWIN_BASE) & ~0x7fffu) + (off - 0x8000), v);
        return;
    }
    /* Rule: host coalescing is programmed while stopped. Source: Linux tg3_reset_hw clears
     * HOSTCC_MODE and waits for ENABLE to drop before writing its parameters. */
    if (mdl_board_write(m, off, v)) return;
    if (hostcc_param(off) && mdl_on(m, M_HOSTCC_MODE))
        mdl_violation(m, "host coalescing register %#x written while the engine runs",
                      (unsigned)off);
    if (block_name(off)) {
        write_mode(m, off, v);
        return;
    }
    switch (off) {
    case M_GRC_MISC_CFG:
        if (v & M_GRCMISC_CORECLK_RESET)
            core_reset(m);
        else
            mdl_set_reg(m, off, v);
        return;
    case M_MAC_MODE:
        mdl_set_reg(m, off, v & ~(uint32_t)(M_MACM_RXSTAT_CLEAR | M_MACM_TXSTAT_CLEAR));
        mdl_tx_run(m);
        mdl_rx_drain(m);
        return;
    case M_MAC_STATUS:
        mdl_set_reg(m, off, mdl_reg(m, off) & ~v); /* change bits: write 1 to clear */
        return;
    case M_MAC_MI_COM:
        mdl_set_reg(m, off, mdl_mi_com(m, v));
        return;
    case M_GRC_RX_CPU_EVENT:
        /* The RX CPU firmware takes the driver's command and acknowledges at once. */
        if ((v & M_RXCPU_DRIVER_EVENT) && mdl_sram32(m, M_SRAM_FW_CMD) == M_FWCMD_PAUSE)
            m->asf_paused = true;
        mdl_set_reg(m, off, v & ~M_RXCPU_DRIVER_EVENT);
        return;
    case M_RCVLPC_NO_BD:
    case M_RCVLPC_DISCARDS:
    case M_RCVLPC_ERRORS:
        return; /* counters */
    default:
        mdl_set_reg(m, off, v);
        return;
    }
}

/* Writable bits per config dword; everything else is read-only. */
static uint32_t cfg_writable(const struct tg3_model *m, unsigned dword)
{
    switch (dword) {
    case M_CFG_COMMAND:
        return 0x00000547;
    case M_CFG_CACHELINE:
        return 0x0000ffff;
    case M_CFG_MISC_HOST_CTRL:
        return 0x0000ffff;
    case M_CFG_DMA_RW_CTRL:
    case M_CFG_CLOCK_CTRL:
    case M_CFG_REG_BASE:
    case M_CFG_MEMWIN_BASE:
    case 0x64: /* MSI data / chip fix bits */
        return 0xffffffff;
    case M_CFG_PCISTATE:
        return ~0x0000001cu; /* bus mode, speed and width are read-only */
    case M_CAP_PM + 4:
        return 0x0000ffff;
    case M_CAP_PCIX:
        return m->pcix_bus ? 0xffff0000 : 0;
    case M_CAP_PCIE + 8:
        return cfg32(m, M_CAP_PCIE) ? 0x0000ffff : 0;
    case M_CAP_PCIE + 0x10: /* link control */
        return cfg32(m, M_CAP_PCIE) ? 0x0000ffff : 0;
    default:
        return 0;
    }
}

static void cfg_store(struct tg3_model *m, unsigned off, uint32_t v, unsigned size)
{
    unsigned dword = off & 0xfc, shift = (off & 3) * 8;
    uint32_t lanes = (size == 4 ? 0xffffffffu : ((1u << (size * 8)) - 1)) << shift;
    uint32_t mask = cfg_writable(m, dword) & lanes;
    uint32_t cur = cfg32(m, dword);
    if (dword == M_CAP_PCIE + 8 && (lanes & 0xffff0000))
        cur &= ~((v << shift) & 0x000f0000); /* DEVSTA: write 1 to clear */
    cur = (cur & ~mask) | ((v << shift) & mask);
    cfg_put(m, dword, cur, 4);
}

/* ------------------------------------------------------------- bus entry ---- */

static void access_checks(struct tg3_model *m, bool mmio)
{
    tg3_model_tick(m);
    /* Rule: leave the chip alone for 100 us after the core-clock reset. Source: Linux
     * tg3_chip_reset ("Some 575X chips even will not respond to a PCI cfg access when the
     * reset command is given"; it waits 120 us before its flushing config read). */
    if (m->in_reset)
        mdl_violation(m, "%s access within 100 us of the core-clock reset",
                      mmio ? "memory-mapped" : "config-space");
}

uint32_t tg3_model_cfg_read(struct tg3_model *m, unsigned off, unsigned size)
{
    access_checks(m, false);
    m->st.cfg_reads++;
    unsigned dword = off & 0xfc, shift = (off & 3) * 8;
    uint32_t v;
    if (dword == M_CFG_REG_DATA || dword == M_CFG_MEMWIN_DATA || dword == M_CFG_STD_PROD_ALIAS ||
        dword == M_CFG_RET_CONS_ALIAS) {
        if (size != 4) mdl_violation(m, "%u-byte config read of window register %#x", size, dword);
        if (dword == M_CFG_REG_DATA)
            v = reg_read(m, cfg32(m, M_CFG_REG_BASE), false);
        else if (dword == M_CFG_MEMWIN_DATA)
            v = sram_read(m, cfg32(m, M_CFG_MEMWIN_BASE));
        else
            v = mdl_reg(m, dword == M_CFG_STD_PROD_ALIAS ? M_MB_STD_PROD : M_MB_RET_CONS);
    } else {
        v = cfg32(m, dword);
    }
    v >>= shift;
    return size == 4 ? v : v & ((1u << (size * 8)) - 1);
}

void tg3_model_cfg_write(struct tg3_model *m, unsigned off, uint32_t v, unsigned size)
{
    access_checks(m, false);
    m->st.cfg_writes++;
    unsigned dword = off & 0xfc;
    if (dword == M_CFG_REG_DATA || dword == M_CFG_MEMWIN_DATA || dword == M_CFG_STD_PROD_ALIAS ||
        dword == M_CFG_RET_CONS_ALIAS) {
        if (size != 4) {
            mdl_violation(m, "%u-byte config write to window register %#x", size, dword);
            return;
        }
        if (dword == M_CFG_REG_DATA)
            reg_write(m, cfg32(m, M_CFG_REG_BASE), v, false);
        else if (dword == M_CFG_MEMWIN_DATA)
            sram_write(m, cfg32(m, M_CFG_MEMWIN_BASE), v);
        else
            mbox_write(m, dword == M_CFG_STD_PROD_ALIAS ? M_MB_STD_PROD : M_MB_RET_CONS, v);
        return;
    }
    if ((off & 0xfc) == M_CFG_DMA_RW_CTRL && size == 4) mdl_board_write(m, off, v);
    cfg_store(m, off, v, size);
}

/* Rule: memory space must be enabled for MMIO. Source: PCI Local Bus specification, command
 * register bit 1; the device does not claim the cycle (reads float to all ones). */
uint32_t tg3_model_mmio_read(struct tg3_model *m, uint32_t off)
{
    access_checks(m, true);
    m->st.mmio_reads++;
    if (!(cfg32(m, M_CFG_COMMAND) & M_CMD_MEMORY)) {
        mdl_violation(m, "memory-mapped read of %#x with PCI memory space disabled", (unsigned)off);
        return 0xffffffff;
    }
    return reg_read(m, off, true);
}

void tg3_model_mmio_write(struct tg3_model *m, uint32_t off, uint32_t v)
{
    access_checks(m, true);
    m->st.mmio_writes++;
    if (!(cfg32(m, M_CFG_COMMAND) & M_CMD_MEMORY)) {
        mdl_violation(m, "memory-mapped write of %#x with PCI memory space disabled",
                      (unsigned)off);
        return;
    }
    reg_write(m, off, v, true);
}

uint32_t tg3_model_reg(const struct tg3_model *m, uint32_t off)
{
    off &= ~3u;
    return off < 0x100 ? cfg32(m, off) : off < M_REGS_BYTES ? mdl_reg(m, off) : 0;
}

/* --------------------------------------------------------------- lifecycle ---- */

void tg3_model_tick(struct tg3_model *m)
{
    uint64_t now = tg3_host_now_ns();
    if (m->in_reset && now >= m->reset_ns + RESET_QUIET_NS) m->in_reset = false;
    if (m->boot_running && now >= m->boot_done_ns) bootcode_finish(m);
    mdl_board_tick(m);
    mdl_phy_tick(m);
    mdl_engines_tick(m);
}

struct tg3_model *tg3_model_create(const struct tg3_model_config *cfg, uint8_t pci_dev_no)
{
    struct tg3_model *m = calloc(1, sizeof(*m));
    if (!m) return NULL;
    m->cfg = *cfg;
    char bus = 'e';
    m->chip_rev_id = cfg->chip_rev_id;
    for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
        if (parts[i].dev == cfg->device_id) {
            bus = parts[i].bus;
            if (!m->chip_rev_id) m->chip_rev_id = parts[i].rev;
        }
    }
    m->pci = (struct pci_dev){.bus = 0,
                              .dev = pci_dev_no,
                              .fn = 0,
                              .vendor = 0x14e4,
                              .device = cfg->device_id,
                              .class_code = 0x020000};
    m->bar = 0xf0000000ull + (uint64_t)pci_dev_no * 0x100000;
    classify(m);
    m->pcix_bus = bus == 'x';
    build_config(m, bus);
    m->fifo_cap = cfg->rx_fifo_frames ? cfg->rx_fifo_frames : 8;
    m->fifo = calloc(m->fifo_cap, sizeof(*m->fifo));
    if (!m->fifo) {
        free(m);
        return NULL;
    }
    /* Power-on: bootcode done (its answer from that boot still in the mailbox), the memory
     * arbiter on, PHY linked up as soon as a cable and a peer are there. */
    reset_registers(m);
    mdl_board_power_on(m);
    m->boot_answers = true;
    bootcode_finish(m);
    mdl_set_reg(m, M_MEMARB_MODE, M_ENABLE);
    m->cable = true;
    mdl_phy_power_on(m);
    return m;
}

void tg3_model_destroy(struct tg3_model *m)
{
    if (!m) return;
    if (m->peer && m->peer->peer == m) m->peer->peer = NULL;
    free(m->fifo);
    free(m);
}

void tg3_model_connect(struct tg3_model *a, struct tg3_model *b)
{
    a->peer = b;
    b->peer = a;
    tg3_model_tick(a);
    tg3_model_tick(b);
}

void tg3_model_set_cable(struct tg3_model *m, bool plugged)
{
    m->cable = plugged;
    if (m->peer) m->peer->cable = plugged;
    tg3_model_tick(m);
    if (m->peer) tg3_model_tick(m->peer);
}

void tg3_model_inject(struct tg3_model *m, const void *frame, size_t len)
{
    tg3_model_tick(m);
    mdl_rx_from_wire(m, frame, len);
}

void tg3_model_set_tap(struct tg3_model *m, void (*tap)(void *, const void *, size_t), void *ctx)
{
    m->tap = tap;
    m->tap_ctx = ctx;
}
