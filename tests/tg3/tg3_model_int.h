/*
 * tests/tg3/tg3_model_int.h — the tg3 model's internal state, shared by its three parts:
 * tg3_model.c (config space, registers, reset, bootcode, rules), tg3_model_phy.c (MII PHY and
 * link) and tg3_model_dma.c (send/receive engines, host coalescing, the wire). Exercised by
 * the tg3 host tests (`make unit-test`, tests/mk/tg3.mk).
 */
#ifndef TG3_MODEL_INT_H
#define TG3_MODEL_INT_H

#include "tg3_model.h"
#include "tg3_model_regs.h"

#define M_REGS_BYTES 0x8000
#define M_SRAM_BYTES 0x20000
#define M_FRAME_MAX  9600 /* largest frame the model carries, FCS included */
#define M_VIOL_KEPT  128

struct m_frame {
    size_t len;
    uint8_t data[M_FRAME_MAX];
};

struct tg3_model {
    struct tg3_model_config cfg;
    struct pci_dev pci;
    uint64_t bar;
    uint8_t cfgspace[256];
    uint32_t regs[M_REGS_BYTES / 4];
    uint8_t sram[M_SRAM_BYTES];

    /* What this chip is (from its revision, like the driver must work it out). */
    uint32_t chip_rev_id, asic;
    bool prodid_part, is_5705_plus, is_5717_plus, has_jumbo_ring, jumbo_in_std_ring;
    bool short_dma_bug, needs_jmb_flag, pcix_bus;
    unsigned ret_ring_size, max_post, tx_dma_limit;
    uint8_t phy_addr;

    /* Reset and bootcode. */
    uint64_t reset_ns;
    bool in_reset;     /* a reset happened and the 100 us quiet time has not passed */
    bool boot_running; /* bootcode busy after a reset until boot_done_ns */
    uint64_t boot_done_ns;
    bool boot_answers; /* the driver's magic was in the firmware mailbox at reset */
    bool asf_paused;
    bool bug_probed;

    /* PHY and link. */
    uint16_t phy[32];
    bool phy_resetting;
    uint64_t an_done_ns;
    bool link, bmsr_link_latched, cable, link_attn;
    struct tg3_model *peer;
    void (*tap)(void *ctx, const void *f, size_t len);
    void *tap_ctx;

    /* Engines. */
    uint32_t tx_cons;
    bool tx_stuck; /* a descriptor fetch failed: the real send engine would hang */
    uint32_t std_cons, jmb_cons, ret_prod;
    struct m_frame *fifo;
    unsigned fifo_head, fifo_count, fifo_cap;
    unsigned rx_events, tx_events;
    uint64_t hcc_deadline_ns, stats_next_ns;
    uint32_t status_tag;

    /* Board state (tg3_model_board.c). */
    bool has_ape, ape_fw, nvram, pcie_pre5717, rdma_stale, phy_was_reset, asf_handshake;
    bool ber_bug, jitter_bug, is_5720_class, tx_enabled, boot_slow;
    uint32_t ape[0x10000 / 4];
    uint64_t ape_bar, last_alive_ns;
    uint32_t keep_oride, keep_oride_en;
    uint32_t boot_gpio, boot_dma_rw, boot_rsrvctrl, tx_frames_dma;
    uint16_t auxctl[8], aux_rdsel, dsp_addr;
    struct {
        uint16_t addr, val;
    } dsp[16];
    unsigned ndsp;
    uint16_t chan_buf[4][6]; /* 5703/4/5 DSP channel test patterns */
    unsigned chan_mode, chan_idx, chan_tested, chan_cleared;

    struct tg3_model_stats st;
    unsigned nviol, nkept; /* violations counted; distinct messages kept */
    char viol[M_VIOL_KEPT][200];
};

void mdl_violation(struct tg3_model *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline uint32_t mdl_reg(const struct tg3_model *m, uint32_t off)
{
    return m->regs[off / 4];
}
static inline void mdl_set_reg(struct tg3_model *m, uint32_t off, uint32_t v)
{
    m->regs[off / 4] = v;
}
static inline bool mdl_on(const struct tg3_model *m, uint32_t mode_reg)
{
    return (m->regs[mode_reg / 4] & M_ENABLE) != 0;
}
uint32_t mdl_sram32(const struct tg3_model *m, uint32_t off);
void mdl_sram_put(struct tg3_model *m, uint32_t off, uint32_t v);
bool cfg_is_pcie(const struct tg3_model *m);
uint16_t cfg_get16(const struct tg3_model *m, unsigned off);
void cfg_set16(struct tg3_model *m, unsigned off, uint16_t v);
void cfg_set32(struct tg3_model *m, unsigned off, uint32_t v);

/* Board features and their rules (tg3_model_board.c). */
void mdl_board_power_on(struct tg3_model *m);
void mdl_board_bootcode(struct tg3_model *m);
void mdl_board_reset(struct tg3_model *m); /* rules checked at the core reset */
void mdl_board_after_reset(struct tg3_model *m);
bool mdl_board_write(struct tg3_model *m, uint32_t off, uint32_t v); /* true: handled */
bool mdl_board_read(struct tg3_model *m, uint32_t off, uint32_t *v);
bool mdl_board_tx_frame(struct tg3_model *m); /* false: the frame stalls */
void mdl_board_link_up(struct tg3_model *m);  /* PHY settings checked at link-up */
bool mdl_board_mi_ok(struct tg3_model *m, unsigned addr);
void mdl_board_tick(struct tg3_model *m);
uint16_t mdl_dsp(const struct tg3_model *m, uint16_t addr);

/* PHY (tg3_model_phy.c). */
void mdl_phy_power_on(struct tg3_model *m);
uint32_t mdl_mi_com(struct tg3_model *m, uint32_t v);
void mdl_phy_tick(struct tg3_model *m);
unsigned mdl_link_speed(const struct tg3_model *m);

/* Engines (tg3_model_dma.c). */
void mdl_engines_reset(struct tg3_model *m);
bool mdl_tx_ready(const struct tg3_model *m);
bool mdl_rx_ready(const struct tg3_model *m);
void mdl_tx_run(struct tg3_model *m);
void mdl_rx_drain(struct tg3_model *m);
void mdl_rx_from_wire(struct tg3_model *m, const uint8_t *frame, size_t len);
void mdl_hostcc(struct tg3_model *m, bool now);
void mdl_engines_tick(struct tg3_model *m);

#endif
