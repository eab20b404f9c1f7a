/*
 * tests/tg3/tg3_model_dma.c — the tg3 model's engines: the send path (send ring control
 * block in SRAM, descriptors and frame data fetched from host memory), the receive path (MAC
 * filter and MTU check, a small frame FIFO standing for the on-chip mbufs, standard and jumbo
 * producer rings, the return ring), host coalescing writing the status block, and the wire.
 * Every host-memory access is checked: bus mastering on, and inside memory the host handed
 * out (tg3_host_dma_ok), so a wrong address or byte order shows up as a violation, not a
 * crash. Part of the model; `make test`.
 */
#include "tg3_model_int.h"

#include <string.h>

/* -------------------------------------------------------------------- DMA ---- */

static uint32_t cfg_command(const struct tg3_model *m)
{
    return (uint32_t)m->cfgspace[4] | (uint32_t)m->cfgspace[5] << 8;
}

/* Rule: the chip masters the bus only when allowed (PCI command bit 2), and only into
 * memory the host gave it. Sources: PCI Local Bus specification; the driver contract. */
static bool dma_ok(struct tg3_model *m, uint64_t addr, size_t len, const char *what)
{
    if (!(cfg_command(m) & M_CMD_MASTER)) {
        mdl_violation(m, "DMA (%s) with PCI bus mastering disabled", what);
        return false;
    }
    if (!tg3_host_dma_ok(addr, len)) {
        mdl_violation(m,
                      "DMA (%s) to %#llx+%zu: not memory the host gave out (wrong address "
                      "or byte order?)",
                      what, (unsigned long long)addr, len);
        return false;
    }
    return true;
}

static uint32_t bswap32(uint32_t v)
{
    return v >> 24 | (v >> 8 & 0xff00) | (v << 8 & 0xff0000) | v << 24;
}

/* Byte order of descriptors and the status block. GRC_MODE's non-frame swap bits turn the
 * chip's big-endian 64-bit words into what the host sees; on a little-endian host Linux and
 * iPXE set WSWAP_NONFRM and leave BSWAP_NONFRM clear (tg3_init_one), which is the identity
 * here. Any other setting scrambles the words as below (the same permutation both ways). */
static void swap_nonframe(const struct tg3_model *m, uint32_t *w, unsigned n)
{
    uint32_t grc = mdl_reg(m, M_GRC_MODE);
    for (unsigned i = 0; !(grc & M_GRCM_WSWAP_NONFRM) && i + 1 < n; i += 2) {
        uint32_t t = w[i];
        w[i] = w[i + 1];
        w[i + 1] = t;
    }
    for (unsigned i = 0; (grc & M_GRCM_BSWAP_NONFRM) && i < n; i++)
        w[i] = bswap32(w[i]);
}

/* Frame data: Linux and iPXE set both BSWAP_DATA and WSWAP_DATA on little-endian hosts. */
static void swap_data(const struct tg3_model *m, uint8_t *p, size_t len)
{
    uint32_t grc = mdl_reg(m, M_GRC_MODE);
    for (size_t i = 0; !(grc & M_GRCM_BSWAP_DATA) && i + 4 <= len; i += 4) {
        uint8_t t0 = p[i], t1 = p[i + 1];
        p[i] = p[i + 3];
        p[i + 1] = p[i + 2];
        p[i + 2] = t1;
        p[i + 3] = t0;
    }
    for (size_t i = 0; !(grc & M_GRCM_WSWAP_DATA) && i + 8 <= len; i += 8) {
        uint8_t t[4];
        memcpy(t, p + i, 4);
        memcpy(p + i, p + i + 4, 4);
        memcpy(p + i + 4, t, 4);
    }
}

static bool read_words(struct tg3_model *m, uint64_t addr, uint32_t *w, unsigned n,
                       const char *what)
{
    if (!dma_ok(m, addr, n * 4u, what)) return false;
    memcpy(w, (const void *)(uintptr_t)addr, n * 4u);
    swap_nonframe(m, w, n);
    return true;
}

static bool write_words(struct tg3_model *m, uint64_t addr, const uint32_t *w, unsigned n,
                        const char *what)
{
    uint32_t tmp[32];
    if (n > 32 || !dma_ok(m, addr, n * 4u, what)) return false;
    memcpy(tmp, w, n * 4u);
    swap_nonframe(m, tmp, n);
    memcpy((void *)(uintptr_t)addr, tmp, n * 4u);
    return true;
}

static uint64_t addr64(uint32_t hi, uint32_t lo)
{
    return (uint64_t)hi << 32 | lo;
}

/* ---------------------------------------------------------------- readiness ---- */

void mdl_engines_reset(struct tg3_model *m)
{
    m->tx_cons = m->std_cons = m->jmb_cons = m->ret_prod = 0;
    m->tx_stuck = false;
    m->fifo_head = m->fifo_count = 0;
    m->rx_events = m->tx_events = 0;
    m->hcc_deadline_ns = m->stats_next_ns = 0;
    m->status_tag = 0;
    m->link_attn = false;
}

static bool all_on(const struct tg3_model *m, const uint32_t *regs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!mdl_on(m, regs[i])) return false;
    return true;
}

/* The send path needs every block between the send mailbox and the MAC (the blocks Linux
 * tg3_reset_hw enables), the MAC's transmit DMA and the transmitter. */
bool mdl_tx_ready(const struct tg3_model *m)
{
    static const uint32_t blocks[] = {M_SNDBDS_MODE,   M_SNDBDI_MODE,   M_SNDBDC_MODE,
                                      M_SNDDATAI_MODE, M_SNDDATAC_MODE, M_RDMAC_MODE,
                                      M_BUFMGR_MODE,   M_MEMARB_MODE,   M_MAC_TX_MODE};
    static const uint32_t early[] = {M_DMAC_MODE, M_MBFREE_MODE};
    return all_on(m, blocks, 9) && (m->is_5705_plus || all_on(m, early, 2)) &&
           (mdl_reg(m, M_MAC_MODE) & M_MACM_TDE);
}

bool mdl_rx_ready(const struct tg3_model *m)
{
    static const uint32_t blocks[] = {M_RCVLPC_MODE, M_RCVDBDI_MODE, M_RCVDCC_MODE,
                                      M_RCVBDI_MODE, M_RCVCC_MODE,   M_WDMAC_MODE,
                                      M_BUFMGR_MODE, M_MEMARB_MODE,  M_MAC_RX_MODE};
    static const uint32_t early[] = {M_RCVLSC_MODE, M_DMAC_MODE, M_MBFREE_MODE};
    return all_on(m, blocks, 9) && (m->is_5705_plus || all_on(m, early, 3)) &&
           (mdl_reg(m, M_MAC_MODE) & M_MACM_RDE);
}

/* ---------------------------------------------------------------- the wire ---- */

static uint32_t crc32_le(const uint8_t *p, size_t len)
{
    uint32_t crc = 0xffffffff;
    for (size_t i = 0; i < len; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
    }
    return ~crc;
}

static void counter_add(struct tg3_model *m, uint32_t off, uint32_t n)
{
    mdl_set_reg(m, off, mdl_reg(m, off) + n);
}

/* Rule: the MAC's port mode matches the PHY's speed: GMII at 1000 Mb/s, MII at 10/100.
 * Source: Linux tg3_setup_copper_phy. With the wrong mode no frame passes. */
static bool port_mode_ok(struct tg3_model *m)
{
    uint32_t port = mdl_reg(m, M_MAC_MODE) & M_MACM_PORT_MASK;
    uint32_t want = mdl_link_speed(m) == 1000 ? M_MACM_PORT_GMII : M_MACM_PORT_MII;
    if (port == want) return true;
    mdl_violation(m, "frame with MAC_MODE port mode %#x while the PHY runs at %u Mb/s",
                  (unsigned)port, mdl_link_speed(m));
    return false;
}

static void wire_send(struct tg3_model *m, const uint8_t *f, size_t len)
{
    m->st.tx_frames++;
    counter_add(m, M_MAC_TX_OCTETS, (uint32_t)len);
    counter_add(m, M_MAC_TX_UCAST, 1);
    if (!m->link || !port_mode_ok(m)) {
        m->st.tx_lost_no_link++;
        return;
    }
    if (m->tap) m->tap(m->tap_ctx, f, len);
    if (m->peer) mdl_rx_from_wire(m->peer, f, len);
}

/* ---------------------------------------------------------------- send path ---- */

void mdl_tx_run(struct tg3_model *m)
{
    static uint8_t frame[M_FRAME_MAX];
    if (m->tx_stuck || !mdl_tx_ready(m)) return;
    uint32_t prod = mdl_reg(m, M_MB_SEND_PROD);
    if (prod == m->tx_cons) return;
    /* Rule: send descriptors in host memory need GRC_MODE.HOST_SENDBDS (and not the NIC-ring
     * mode). Source: the "two ways to manage the TX descriptors" comment in Linux/iPXE tg3.h. */
    uint32_t grc = mdl_reg(m, M_GRC_MODE);
    if (!(grc & M_GRCM_HOST_SENDBDS) || (grc & M_GRCM_4X_NIC_SEND)) {
        mdl_violation(m, "send producer mailbox used without GRC_MODE.HOST_SENDBDS");
        return;
    }
    uint32_t hi = mdl_sram32(m, M_SRAM_SEND_RCB), lo = mdl_sram32(m, M_SRAM_SEND_RCB + 4);
    uint32_t ml = mdl_sram32(m, M_SRAM_SEND_RCB + 8);
    if ((ml & M_RCB_FLAG_DISABLED) || !(hi | lo)) {
        mdl_violation(m, "send ring control block 0 (SRAM 0x100) not set up");
        return;
    }
    if ((ml >> 16) != 512) {
        mdl_violation(m, "send ring control block says %u entries; the ring has 512",
                      (unsigned)(ml >> 16));
        return;
    }
    uint64_t ring = addr64(hi, lo);

    while (m->tx_cons != prod) {
        uint32_t idx = m->tx_cons, first_flags = 0;
        size_t total = 0;
        unsigned nbd = 0;
        bool end = false, bad = false;
        while (idx != prod && !end) {
            uint32_t w[4];
            if (!read_words(m, ring + idx * 16u, w, 4, "send descriptor")) {
                m->tx_stuck = true; /* a real send engine stops on a fetch error */
                return;
            }
            uint32_t len = w[2] >> 16, flags = w[2] & 0xffff;
            uint64_t buf = addr64(w[0], w[1]);
            if (nbd++ == 0) first_flags = flags;
            end = flags & M_TXD_END;
            idx = (idx + 1) & 511;
            /* Rules on one descriptor's length. Sources: a zero length is meaningless;
             * Linux tg3_tx_frag_set marks lengths <= 8 as a hardware bug on SHORT_DMA_BUG
             * parts (5755 and later) and splits at 4 KiB on the 5719 (dma_limit). */
            if (len == 0) {
                mdl_violation(m, "zero-length send descriptor");
                bad = true;
                continue;
            }
            if (m->short_dma_bug && len <= 8)
                mdl_violation(m, "%u-byte send descriptor (short-DMA erratum: more than 8)",
                              (unsigned)len);
            if (m->tx_dma_limit && len > m->tx_dma_limit)
                mdl_violation(m, "%u-byte send descriptor (5719: at most %u)", (unsigned)len,
                              m->tx_dma_limit);
            if (total + len > M_FRAME_MAX) {
                mdl_violation(m, "send descriptors add up to more than %u bytes", M_FRAME_MAX);
                bad = true;
                continue;
            }
            if (!dma_ok(m, buf, len, "send buffer")) {
                bad = true;
                continue;
            }
            memcpy(frame + total, (const void *)(uintptr_t)buf, len);
            swap_data(m, frame + total, len);
            total += len;
        }
        if (!end) break; /* the rest of this frame is not posted yet */
        m->tx_cons = idx;
        m->tx_events++;
        if (bad) continue;
        /* Rule: 5717+ frames above 1518 bytes carry TXD_FLAG_JMB_PKT. Source: Linux
         * tg3_start_xmit (USE_JUMBO_BDFLAG). Parts without jumbo support send at most a
         * VLAN-tagged standard frame. */
        if (m->needs_jmb_flag && total > 1518 && !(first_flags & M_TXD_JMB_PKT))
            mdl_violation(m, "%zu-byte frame without TXD_FLAG_JMB_PKT", total);
        if (!m->has_jumbo_ring && !m->jumbo_in_std_ring && total > 1522) {
            mdl_violation(m, "%zu-byte frame on a part without jumbo frames", total);
            continue;
        }
        if (!mdl_board_tx_frame(m)) return;
        wire_send(m, frame, total); /* as given: padding runts is the driver's job */
    }
    mdl_hostcc(m, false);
}

/* ------------------------------------------------------------- receive path ---- */

static bool mac_accepts(const struct tg3_model *m, const uint8_t *dst)
{
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    if (mdl_reg(m, M_MAC_RX_MODE) & M_RXM_PROMISC) return true;
    if (memcmp(dst, bcast, 6) == 0) return true;
    if (dst[0] & 1) { /* multicast: the 128-bit hash (Linux __tg3_set_rx_mode) */
        uint32_t bit = ~crc32_le(dst, 6) & 0x7f;
        return mdl_reg(m, M_MAC_HASH0 + ((bit >> 5) & 3) * 4) & (1u << (bit & 31));
    }
    uint32_t hi = (uint32_t)dst[0] << 8 | dst[1];
    uint32_t lo = (uint32_t)dst[2] << 24 | (uint32_t)dst[3] << 16 | (uint32_t)dst[4] << 8 | dst[5];
    for (unsigned i = 0; i < 4; i++)
        if (mdl_reg(m, M_MAC_ADDR0_HI + i * 8) == hi && mdl_reg(m, M_MAC_ADDR0_LO + i * 8) == lo)
            return true;
    return false;
}

void mdl_rx_from_wire(struct tg3_model *m, const uint8_t *frame, size_t len)
{
    if (!m->link) {
        m->st.rx_no_link++;
        return;
    }
    /* A frame under the Ethernet minimum (60 bytes + FCS) is a runt: the MAC drops it unless
     * MAC_RX_MODE.ACCEPT_RUNTS (IEEE 802.3 minimum frame size; Linux never sets the bit). */
    if (len < 60) {
        m->st.rx_runts++;
        return;
    }
    if (!port_mode_ok(m)) {
        m->st.rx_no_link++;
        return;
    }
    if (!(mdl_reg(m, M_MAC_RX_MODE) & M_RXM_ENABLE)) {
        m->st.rx_disabled++;
        return;
    }
    if (!mac_accepts(m, frame)) {
        m->st.rx_filtered++;
        return;
    }
    size_t flen = len + 4;
    if (flen > mdl_reg(m, M_MAC_RX_MTU) || flen > M_FRAME_MAX) {
        m->st.rx_too_long++;
        counter_add(m, M_MAC_RX_TOO_LONG, 1);
        return;
    }
    if (!mdl_on(m, M_BUFMGR_MODE)) {
        mdl_violation(m, "frame arrived while the buffer manager is off: dropped");
        m->st.rx_overrun++;
        return;
    }
    if (m->fifo_count == m->fifo_cap) {
        m->st.rx_overrun++;
        counter_add(m, M_RCVLPC_NO_BD, 1);
        counter_add(m, M_RCVLPC_DISCARDS, 1);
        return;
    }
    struct m_frame *f = &m->fifo[(m->fifo_head + m->fifo_count++) % m->fifo_cap];
    memcpy(f->data, frame, len);
    uint32_t fcs = crc32_le(frame, len);
    for (int i = 0; i < 4; i++)
        f->data[len + i] = (uint8_t)(fcs >> (8 * i));
    f->len = flen;
    counter_add(m, M_MAC_RX_OCTETS, (uint32_t)flen);
    counter_add(m, frame[0] & 1 ? M_MAC_RX_BCAST : M_MAC_RX_UCAST, 1);
    mdl_rx_drain(m);
}

static void fifo_pop(struct tg3_model *m)
{
    m->fifo_head = (m->fifo_head + 1) % m->fifo_cap;
    m->fifo_count--;
}

/* Largest buffer the standard ring takes, from its control block: 5700-5704 keep the buffer
 * size in MAXLEN, 5717+ in bits 15:2; elsewhere MAXLEN is the ring size and the descriptor
 * alone says (Linux tg3_reset_hw, RCVDBDI_STD_BD). */
static uint32_t std_rcb_limit(const struct tg3_model *m)
{
    uint32_t ml = mdl_reg(m, M_RCVDBDI_STD_RCB + 8);
    if (!m->is_5705_plus) return ml >> 16;
    if (m->is_5717_plus) return (ml >> 2) & 0x3fff;
    return 0xffff;
}

/* Move frames from the FIFO into host buffers while buffers and return slots last. */
void mdl_rx_drain(struct tg3_model *m)
{
    while (m->fifo_count && mdl_rx_ready(m)) {
        struct m_frame *f = &m->fifo[m->fifo_head];
        uint64_t std_ring =
            addr64(mdl_reg(m, M_RCVDBDI_STD_RCB), mdl_reg(m, M_RCVDBDI_STD_RCB + 4));
        uint32_t jml = mdl_reg(m, M_RCVDBDI_JMB_RCB + 8);
        bool jumbo_on = m->has_jumbo_ring && !(jml & M_RCB_FLAG_DISABLED) && (jml >> 16);
        if (!std_ring) {
            mdl_violation(m, "receive path running without a standard ring address");
            return;
        }
        if (jumbo_on && !(jml & M_RCB_FLAG_EXT)) {
            mdl_violation(m, "jumbo ring enabled without BDINFO_FLAGS_USE_EXT_RECV");
            return;
        }
        bool jumbo = jumbo_on && f->len > std_rcb_limit(m);
        uint32_t w[16];
        uint32_t *bd = jumbo ? w + 8 : w;
        if (jumbo) {
            uint64_t ring =
                addr64(mdl_reg(m, M_RCVDBDI_JMB_RCB), mdl_reg(m, M_RCVDBDI_JMB_RCB + 4));
            if (m->jmb_cons == mdl_reg(m, M_MB_JMB_PROD))
                return; /* no jumbo buffer posted: the frame waits */
            if (!read_words(m, ring + m->jmb_cons * 64u, w, 16, "jumbo producer descriptor"))
                return;
        } else {
            if (m->std_cons == mdl_reg(m, M_MB_STD_PROD)) return;
            if (!read_words(m, std_ring + m->std_cons * 32u, w, 8, "standard producer descriptor"))
                return;
        }
        uint32_t cap = bd[2] & 0xffff;
        if (!jumbo && cap > std_rcb_limit(m)) cap = std_rcb_limit(m);

        uint32_t rhi = mdl_sram32(m, M_SRAM_RET_RCB), rlo = mdl_sram32(m, M_SRAM_RET_RCB + 4);
        uint32_t rml = mdl_sram32(m, M_SRAM_RET_RCB + 8);
        if ((rml & M_RCB_FLAG_DISABLED) || !(rhi | rlo)) {
            mdl_violation(m, "return ring control block 0 (SRAM 0x200) not set up");
            return;
        }
        /* Rule: the return ring size is fixed per chip. Source: Linux tg3_rx_ret_ring_size
         * (1024 on 5700-5704, 4096 on 5717+, 512 otherwise). */
        if ((rml >> 16) != m->ret_ring_size) {
            mdl_violation(m, "return ring control block says %u entries; this chip has %u",
                          (unsigned)(rml >> 16), m->ret_ring_size);
            return;
        }
        if (((m->ret_prod + 1) & (m->ret_ring_size - 1)) == mdl_reg(m, M_MB_RET_CONS))
            return; /* return ring full: wait for the driver */

        uint32_t index = jumbo ? m->jmb_cons : m->std_cons;
        if (jumbo)
            m->jmb_cons = (m->jmb_cons + 1) & (m->is_5717_plus ? 1023 : 255);
        else
            m->std_cons = (m->std_cons + 1) & (m->is_5717_plus ? 2047 : 511);
        if (f->len > cap) {
            /* The MTU register let it in but no posted buffer holds it. */
            mdl_violation(m, "%zu-byte frame passed MAC_RX_MTU_SIZE but the %s buffer holds %u",
                          f->len, jumbo ? "jumbo" : "standard", (unsigned)cap);
            m->st.rx_no_buffer_fit++;
            counter_add(m, M_RCVLPC_ERRORS, 1);
            fifo_pop(m);
            continue;
        }
        uint64_t buf = addr64(bd[0], bd[1]);
        if (dma_ok(m, buf, f->len, "receive buffer")) {
            uint8_t *dst = (uint8_t *)(uintptr_t)buf;
            memcpy(dst, f->data, f->len);
            swap_data(m, dst, f->len);
        }
        uint32_t ret[8] = {bd[0],
                           bd[1],
                           index << 16 | (uint32_t)f->len,
                           M_RXD_END | (jumbo ? M_RXD_JUMBO : 0),
                           0,
                           m->cfg.rx_err_bits,
                           0,
                           bd[7]};
        uint64_t rring = addr64(rhi, rlo);
        write_words(m, rring + m->ret_prod * 32u, ret, 8, "return descriptor");
        m->ret_prod = (m->ret_prod + 1) & (m->ret_ring_size - 1);
        m->rx_events++;
        m->st.rx_frames++;
        fifo_pop(m);
    }
    mdl_hostcc(m, false);
}

/* ---------------------------------------------------------- host coalescing ---- */

static void write_status(struct tg3_model *m)
{
    uint64_t addr = addr64(mdl_reg(m, M_HOSTCC_STATUS_ADDR), mdl_reg(m, M_HOSTCC_STATUS_ADDR + 4));
    if (!addr) {
        mdl_violation(m, "status block update with no status block address");
        return;
    }
    uint32_t mode = mdl_reg(m, M_HOSTCC_MODE);
    unsigned words = (mode & M_HCC_32BYTE) ? 8 : (mode & M_HCC_64BYTE) ? 16 : 20;
    uint32_t w[20] = {0};
    bool link_chg = (mdl_reg(m, M_MAC_STATUS) & M_MACS_LNKSTATE_CHANGED) &&
                    (mdl_reg(m, M_MAC_EVENT) & M_MACE_LNKSTATE_CHANGED);
    w[0] = M_STATUS_UPDATED | (link_chg ? M_STATUS_LINK_CHG : 0);
    w[1] = ++m->status_tag;
    w[2] = m->jmb_cons | m->std_cons << 16;
    w[4] = m->ret_prod | m->tx_cons << 16;
    if (!write_words(m, addr, w, words, "status block")) return;
    m->st.status_updates++;
    /* Rule (Porto): the driver polls, so the PCI interrupt stays masked in MISC_HOST_CTRL. */
    uint32_t mhc = (uint32_t)m->cfgspace[0x68] | (uint32_t)m->cfgspace[0x69] << 8;
    if (!(mhc & M_MHC_MASK_PCI_INT))
        mdl_violation(m, "status block update with the PCI interrupt unmasked");
}

/* Write the status block when a frame threshold is reached, a tick timer expires, the link
 * changed, or `now` (HOSTCC_MODE_NOW). Nothing is written unless host coalescing and write
 * DMA run; the events wait. */
void mdl_hostcc(struct tg3_model *m, bool now)
{
    if (!mdl_on(m, M_HOSTCC_MODE) || !mdl_on(m, M_WDMAC_MODE)) return;
    uint64_t t = tg3_host_now_ns();
    uint32_t rxf = mdl_reg(m, M_HOSTCC_RX_FRAMES), txf = mdl_reg(m, M_HOSTCC_TX_FRAMES);
    bool due = now || m->link_attn;
    if (m->rx_events && rxf && m->rx_events >= rxf) due = true;
    if (m->tx_events && txf && m->tx_events >= txf) due = true;
    if (!due && (m->rx_events || m->tx_events)) {
        uint32_t ticks =
            m->rx_events ? mdl_reg(m, M_HOSTCC_RX_TICKS) : mdl_reg(m, M_HOSTCC_TX_TICKS);
        if (ticks && !m->hcc_deadline_ns) m->hcc_deadline_ns = t + ticks * 1000ull;
        due = m->hcc_deadline_ns && t >= m->hcc_deadline_ns;
    }
    if (!due) return;
    write_status(m);
    m->rx_events = m->tx_events = 0;
    m->hcc_deadline_ns = 0;
    m->link_attn = false;
}

void mdl_engines_tick(struct tg3_model *m)
{
    if (m->rx_events || m->tx_events || m->link_attn) mdl_hostcc(m, false);
    /* 5700-5704 DMA a statistics block every STAT_COAL_TICKS microseconds when non-zero. */
    uint32_t st = mdl_reg(m, M_HOSTCC_STAT_TICKS);
    uint64_t now = tg3_host_now_ns();
    if (!m->is_5705_plus && st && mdl_on(m, M_HOSTCC_MODE) && mdl_on(m, M_WDMAC_MODE) &&
        now >= m->stats_next_ns) {
        uint64_t addr =
            addr64(mdl_reg(m, M_HOSTCC_STATS_ADDR), mdl_reg(m, M_HOSTCC_STATS_ADDR + 4));
        if (dma_ok(m, addr, 0x800, "statistics block")) memset((void *)(uintptr_t)addr, 0, 0x800);
        m->stats_next_ns = now + st * 1000ull;
    }
}
