/*
 * drivers/tg3_fw.c — what the tg3 driver owes the firmware running on the chip.
 *
 * - APE (5717-5720, 5761; a management processor behind BAR 2 for NC-SI/DASH): the PHY and
 *   the core reset are shared with it, so the driver takes the APE lock for its port's PHY
 *   around every MII access and the GRC lock around a core reset, and tells the APE when the
 *   driver starts and unloads (host segment + driver state + event), as Linux tg3_ape_lock /
 *   tg3_ape_driver_state_change do.
 * - ASF (older management firmware in the RX CPU, 5750 and later "new handshake"): the
 *   driver-state mailbox says START/UNLOAD before a reset and *_DONE after it
 *   (tg3_write_sig_pre_reset / tg3_write_sig_post_reset), and a heartbeat
 *   (FWCMD_NICDRV_ALIVE3) at least every few seconds keeps the firmware from assuming the
 *   driver died (Linux tg3_timer). Not on APE parts: the APE tracks the driver itself.
 * - NVRAM arbitration: the bootcode and ASF firmware read NVRAM; the driver takes the
 *   arbiter before a core reset so the reset never cuts an access short (tg3_nvram_lock).
 * Checked by the device model's rules (tests/tg3/tg3_model_board.c, docs/tg3.md).
 */
#include "drivers/tg3_int.h"

#define APE_LOCK_POLLS      100  /* x 10 us: Linux waits up to 1 ms */
#define NVRAM_LOCK_POLLS    8000 /* x 20 us */
#define ASF_EVENT_POLLS     250  /* x 10 us: the firmware takes the previous command */
#define ASF_HEARTBEAT_NS    2000000000ull
#define ASF_ALIVE_TIMEOUT_S 5 /* how long the firmware may wait for the next heartbeat */

/* The bit a lock request carries: the driver's own for PHY locks; per function for the
 * GRC and MEM locks (function 0 uses the driver bit). */
static uint32_t ape_lock_bit(const struct tg3 *tp, unsigned lock)
{
    if (lock == TG3_APE_LOCK_GRC || lock == TG3_APE_LOCK_MEM)
        return tp->pci_fn ? 1u << tp->pci_fn : APE_LOCK_REQ_DRIVER;
    return APE_LOCK_REQ_DRIVER;
}

int tg3_ape_lock(struct tg3 *tp, unsigned lock)
{
    if (!tp->ape) return NIC_OK;
    bool old = tp->asic == ASIC_REV_5761;
    uint32_t req = old ? TG3_APE_LOCK_REQ : TG3_APE_PER_LOCK_REQ;
    uint32_t gnt = old ? TG3_APE_LOCK_GRANT : TG3_APE_PER_LOCK_GRANT;
    uint32_t bit = ape_lock_bit(tp, lock), off = 4 * lock;

    ape_wr(tp, req + off, bit);
    for (int i = 0; i < APE_LOCK_POLLS; i++) {
        if (ape_rd(tp, gnt + off) == bit) return NIC_OK;
        delay_us(10);
    }
    ape_wr(tp, gnt + off, bit); /* revoke the request */
    tg3_log(tp, "APE lock %u not granted: management firmware holds it", lock);
    return -NIC_EBUSY;
}

void tg3_ape_unlock(struct tg3 *tp, unsigned lock)
{
    if (!tp->ape) return;
    uint32_t gnt = tp->asic == ASIC_REV_5761 ? TG3_APE_LOCK_GRANT : TG3_APE_PER_LOCK_GRANT;
    ape_wr(tp, gnt + 4 * lock, ape_lock_bit(tp, lock));
}

unsigned tg3_ape_phy_lock(const struct tg3 *tp)
{
    static const unsigned by_port[4] = {TG3_APE_LOCK_PHY0, TG3_APE_LOCK_PHY1, TG3_APE_LOCK_PHY2,
                                        TG3_APE_LOCK_PHY3};
    return by_port[tp->pci_fn & 3];
}

/* Post an event to the APE once it has taken the previous one (Linux tg3_ape_send_event). */
static void ape_send_event(struct tg3 *tp, uint32_t event)
{
    if (ape_rd(tp, TG3_APE_SEG_SIG) != APE_SEG_SIG_MAGIC ||
        !(ape_rd(tp, TG3_APE_FW_STATUS) & APE_FW_STATUS_READY))
        return; /* no APE firmware running: nobody to tell */
    for (int i = 0; i < APE_LOCK_POLLS; i++) {
        if (tg3_ape_lock(tp, TG3_APE_LOCK_MEM)) return;
        if (!(ape_rd(tp, TG3_APE_EVENT_STATUS) & APE_EVENT_STATUS_EVENT_PENDING)) {
            ape_wr(tp, TG3_APE_EVENT_STATUS, event | APE_EVENT_STATUS_EVENT_PENDING);
            tg3_ape_unlock(tp, TG3_APE_LOCK_MEM);
            ape_wr(tp, TG3_APE_EVENT, APE_EVENT_1);
            return;
        }
        tg3_ape_unlock(tp, TG3_APE_LOCK_MEM);
        delay_us(10);
    }
    tg3_log(tp, "APE did not take the driver-state event");
}

void tg3_ape_driver_state(struct tg3 *tp, enum tg3_reset_kind kind)
{
    if (!tp->ape) return;
    uint32_t event;
    if (kind == TG3_RESET_INIT) {
        ape_wr(tp, TG3_APE_HOST_SEG_SIG, APE_HOST_SEG_SIG_MAGIC);
        ape_wr(tp, TG3_APE_HOST_SEG_LEN, APE_HOST_SEG_LEN_MAGIC);
        ape_wr(tp, TG3_APE_HOST_INIT_COUNT, ape_rd(tp, TG3_APE_HOST_INIT_COUNT) + 1);
        ape_wr(tp, TG3_APE_HOST_DRIVER_ID, 0);
        ape_wr(tp, TG3_APE_HOST_BEHAVIOR, APE_HOST_BEHAV_NO_PHYLOCK);
        ape_wr(tp, TG3_APE_HOST_HEARTBEAT_INT_MS, 0); /* no APE heartbeat expected */
        ape_wr(tp, TG3_APE_HOST_DRVR_STATE, TG3_APE_HOST_DRVR_STATE_START);
        event = APE_EVENT_STATUS_STATE_START;
    } else {
        ape_wr(tp, TG3_APE_HOST_SEG_SIG, 0); /* the APE assumes no driver */
        ape_wr(tp, TG3_APE_HOST_DRVR_STATE, TG3_APE_HOST_DRVR_STATE_UNLOAD);
        event = APE_EVENT_STATUS_STATE_UNLOAD;
    }
    ape_send_event(tp, event | APE_EVENT_STATUS_DRIVER_EVNT | APE_EVENT_STATUS_STATE_CHNGE);
}

void tg3_sig_pre_reset(struct tg3 *tp, enum tg3_reset_kind kind)
{
    tg3_write_mem(tp, NIC_SRAM_FIRMWARE_MBOX, NIC_SRAM_FIRMWARE_MBOX_MAGIC1);
    if (tp->asf_handshake)
        tg3_write_mem(tp, NIC_SRAM_FW_DRV_STATE_MBOX,
                      kind == TG3_RESET_INIT ? DRV_STATE_START : DRV_STATE_UNLOAD);
    if (kind == TG3_RESET_SHUTDOWN) tg3_ape_driver_state(tp, kind);
}

void tg3_sig_post_reset(struct tg3 *tp, enum tg3_reset_kind kind)
{
    if (tp->asf_handshake)
        tg3_write_mem(tp, NIC_SRAM_FW_DRV_STATE_MBOX,
                      kind == TG3_RESET_INIT ? DRV_STATE_START_DONE : DRV_STATE_UNLOAD_DONE);
}

/* Wait until the RX CPU took the previous command, then post a new one. */
static void asf_command(struct tg3 *tp, uint32_t cmd, uint32_t len, uint32_t data)
{
    for (int i = 0; i < ASF_EVENT_POLLS && (tr32(tp, GRC_RX_CPU_EVENT) & GRC_RX_CPU_DRIVER_EVENT);
         i++)
        delay_us(10);
    tg3_write_mem(tp, NIC_SRAM_FW_CMD_MBOX, cmd);
    tg3_write_mem(tp, NIC_SRAM_FW_CMD_LEN_MBOX, len);
    tg3_write_mem(tp, NIC_SRAM_FW_CMD_DATA_MBOX, data);
    tw32(tp, GRC_RX_CPU_EVENT, tr32(tp, GRC_RX_CPU_EVENT) | GRC_RX_CPU_DRIVER_EVENT);
}

/* Called from the liveness check (poll) and link(): at most one heartbeat per 2 s. */
void tg3_asf_heartbeat(struct tg3 *tp)
{
    if (!tp->asf || tp->ape || !tp->is_open) return;
    uint64_t now = time_ns();
    if (tp->heartbeat_ns && now - tp->heartbeat_ns < ASF_HEARTBEAT_NS) return;
    tp->heartbeat_ns = now;
    asf_command(tp, FWCMD_NICDRV_ALIVE3, 4, ASF_ALIVE_TIMEOUT_S);
}

/* Take NVRAM arbitration for the driver. The core reset releases it. */
int tg3_nvram_lock(struct tg3 *tp)
{
    if (!tp->nvram) return NIC_OK;
    tw32(tp, NVRAM_SWARB, SWARB_REQ_SET1);
    for (int i = 0; i < NVRAM_LOCK_POLLS; i++) {
        if (tr32(tp, NVRAM_SWARB) & SWARB_GNT1) return NIC_OK;
        delay_us(20);
    }
    tw32(tp, NVRAM_SWARB, SWARB_REQ_CLR1);
    tg3_log(tp, "NVRAM arbitration not granted");
    return -NIC_EBUSY;
}
