/*
 * smp/switch.c — the node's software switch (smp/switch.h).
 *
 * Every core runs its own engine over its own link, with its own virtual MAC. The switch lives in
 * page-allocated memory, which every core sees at the same address:
 *   - port[d].rx[s]: frames from core s to core d, and port[d].rx[cores]: frames from the NIC for
 *     core d. Each ring has one producer at a time and one consumer, so head and tail need no
 *     lock: the producer publishes head after the frame's bytes (release), the consumer reads
 *     head first (acquire) and gives the slot back through tail.
 *   - port[c].tx: core c's frames for the NIC.
 *   - the NIC itself, taken with a try-lock by whichever core polls or flushes: it sends every
 *     core's queued frames and routes received frames by destination MAC into the cores' rings
 *     (a broadcast to every core). A core that finds the NIC taken goes on with its local rings:
 *     nobody ever waits for a core that the host has descheduled while it holds the NIC.
 * The NIC-side producer of rx[cores] and consumer of tx changes from one lock holder to the
 * next; the lock's acquire and release order those hand-overs.
 * A frame for a core of this node never touches the NIC. Every frame is copied once into a ring
 * slot, so send() keeps nothing of the caller's (pending() is 0) and the NIC reads only memory
 * that every core sees at its physical address. A tx slot goes back to its core only when the
 * NIC has finished with it: frames handed to the NIC are remembered in order (fifo), and the
 * oldest are released while the NIC holds fewer than that.
 */
#include "smp/switch.h"
#include "drivers/nic.h"
#include "kernel/kernel.h"
#include "kernel/mem.h"
#include "smp/smp.h"
#include <stdbool.h>
#include <string.h>

/* Ring sizes in bytes (slots: the largest power of two that fits, at least MIN_SLOTS): about
 * an FC window of full frames from one core to another, twice that from the NIC. */
#define CORE_RING_BYTES (512u << 10) /* core to core */
#define NIC_RING_BYTES  (1u << 20)   /* NIC to a core, and a core to the NIC */
#define MIN_SLOTS       32
#define FIFO            4096
#define FIFO_LOCAL      0x80 /* fifo entry: not held by the NIC (it refused the frame) */
#define SLOT_HEAD       16   /* length, then the frame at a 16-byte boundary */
#define NIC_BUDGET      64
#define ETH_HDR         14

struct ring {
    volatile uint32_t head __attribute__((aligned(64))); /* producer */
    volatile uint32_t tail __attribute__((aligned(64))); /* consumer */
    uint32_t sent; /* tx rings: frames handed to the NIC; tail <= sent <= head */
    uint32_t size; /* slots, a power of two */
    uint8_t *mem;
};

struct port {
    uint8_t mac[6];
    struct ring rx[SMP_MAX_CPUS + 1];
    struct ring tx;
};

struct sw {
    unsigned cores, mtu, slot_bytes;
    struct nic *nic;
    volatile int nic_lock;
    /* Owned by the NIC's lock holder. */
    uint8_t fifo[FIFO];
    uint32_t fifo_head, fifo_tail, fifo_held;
    struct sw_stats st; /* local and drop_full of broadcasts: summed from the cores' own */
    struct port port[SMP_MAX_CPUS];
    /* Written by core c only. */
    uint64_t local[SMP_MAX_CPUS], bdrop[SMP_MAX_CPUS], bad[SMP_MAX_CPUS];
};

static struct sw *sw; /* the same pointer in every core's copy */

static void *alloc(size_t bytes)
{
    return page_alloc((bytes + PAGE_SIZE - 1) / PAGE_SIZE);
}

static bool ring_init(struct ring *r, uint32_t bytes)
{
    uint32_t size = MIN_SLOTS;
    while (size * 2 * sw->slot_bytes <= bytes)
        size *= 2;
    r->size = size;
    r->mem = alloc((size_t)size * sw->slot_bytes);
    return r->mem != NULL;
}

int sw_create(unsigned cores, struct nic *nic, const uint8_t (*macs)[6])
{
    sw = alloc(sizeof *sw);
    if (!sw) return -1;
    sw->cores = cores;
    sw->nic = nic;
    sw->mtu = nic ? nic->mtu : NIC_MTU_DEFAULT;
    sw->slot_bytes = (SLOT_HEAD + ETH_HDR + sw->mtu + 63) & ~63u;
    for (unsigned d = 0; d < cores; d++) {
        struct port *p = &sw->port[d];
        memcpy(p->mac, macs[d], 6);
        for (unsigned s = 0; s < cores; s++)
            if (!ring_init(&p->rx[s], CORE_RING_BYTES)) return -1;
        if (nic &&
            (!ring_init(&p->rx[cores], NIC_RING_BYTES) || !ring_init(&p->tx, NIC_RING_BYTES)))
            return -1;
    }
    return 0;
}

static size_t iov_len(const struct link_iov *iov, unsigned niov)
{
    size_t len = 0;
    for (unsigned k = 0; k < niov; k++)
        len += iov[k].len;
    return len;
}

static void iov_copy(uint8_t *to, const struct link_iov *iov, unsigned niov)
{
    for (unsigned k = 0; k < niov; k++) {
        memcpy(to, iov[k].base, iov[k].len);
        to += iov[k].len;
    }
}

static uint8_t *slot(const struct ring *r, uint32_t i)
{
    return r->mem + (size_t)(i & (r->size - 1)) * sw->slot_bytes;
}

/* Producer side: copy one frame in, or false when the ring is full. */
static bool ring_put(struct ring *r, const struct link_iov *iov, unsigned niov, uint32_t len)
{
    uint32_t h = r->head;
    if (h - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE) >= r->size) return false;
    uint8_t *s = slot(r, h);
    memcpy(s, &len, sizeof len);
    iov_copy(s + SLOT_HEAD, iov, niov);
    __atomic_store_n(&r->head, h + 1, __ATOMIC_RELEASE);
    return true;
}

static int find_core(const uint8_t *mac)
{
    for (unsigned d = 0; d < sw->cores; d++)
        if (memcmp(sw->port[d].mac, mac, 6) == 0) return (int)d;
    return -1;
}

/* ---- The NIC, with its lock held ---- */

static void release_done(void)
{
    unsigned pending = nic_tx_pending(sw->nic);
    while (sw->fifo_tail != sw->fifo_head) {
        uint8_t e = sw->fifo[sw->fifo_tail % FIFO];
        if (!(e & FIFO_LOCAL)) {
            if (sw->fifo_held <= pending) break;
            sw->fifo_held--;
        }
        sw->fifo_tail++;
        struct ring *r = &sw->port[e & ~FIFO_LOCAL].tx;
        __atomic_store_n(&r->tail, r->tail + 1, __ATOMIC_RELEASE);
    }
}

static void nic_send_queued(void)
{
    bool any = false, busy = false;
    for (unsigned c = 0; c < sw->cores && !busy; c++) {
        struct ring *r = &sw->port[c].tx;
        while (r->sent != __atomic_load_n(&r->head, __ATOMIC_ACQUIRE)) {
            if (sw->fifo_head - sw->fifo_tail == FIFO) {
                busy = true;
                break;
            }
            uint8_t *s = slot(r, r->sent);
            uint32_t len;
            memcpy(&len, s, sizeof len);
            struct nic_iov v = {s + SLOT_HEAD, len};
            int rc = nic_transmit(sw->nic, &v, 1);
            if (rc == -NIC_EBUSY) {
                busy = true;
                break;
            }
            uint8_t e = (uint8_t)c;
            if (rc < 0) {
                sw->st.nic_error++;
                e |= FIFO_LOCAL;
            } else {
                sw->st.to_nic++;
                sw->fifo_held++;
                any = true;
            }
            sw->fifo[sw->fifo_head++ % FIFO] = e;
            r->sent++;
        }
    }
    if (any) nic_flush(sw->nic);
    release_done();
}

static void nic_route(void *ctx, const void *frame, size_t len)
{
    (void)ctx;
    sw->st.from_nic++;
    const uint8_t *f = frame;
    if (len < ETH_HDR || len > ETH_HDR + sw->mtu) {
        sw->st.drop_bad++;
        return;
    }
    if (find_core(f + 6) >= 0) {
        sw->st.drop_own++;
        return;
    }
    struct link_iov v = {frame, len};
    if (f[0] & 1) { /* broadcast or multicast: every core */
        for (unsigned d = 0; d < sw->cores; d++)
            if (!ring_put(&sw->port[d].rx[sw->cores], &v, 1, (uint32_t)len))
                sw->st.drop_full++;
            else
                smp_kick(d);
        return;
    }
    int d = find_core(f);
    if (d < 0)
        sw->st.drop_unknown++;
    else if (!ring_put(&sw->port[d].rx[sw->cores], &v, 1, (uint32_t)len))
        sw->st.drop_full++;
    else
        smp_kick((unsigned)d);
}

/* Take the NIC if nobody has it: send what the cores queued, and with `rx`, route what it
 * received. */
static void nic_service(bool rx)
{
    if (!sw->nic || __atomic_exchange_n(&sw->nic_lock, 1, __ATOMIC_ACQUIRE) != 0) return;
    nic_send_queued();
    /* Take no more frames than every core's ring has room for (a broadcast needs them all):
     * the rest wait in the NIC's own ring instead of being dropped here. */
    unsigned budget = NIC_BUDGET;
    for (unsigned d = 0; d < sw->cores; d++) {
        const struct ring *r = &sw->port[d].rx[sw->cores];
        unsigned room = r->size - (r->head - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE));
        if (room < budget) budget = room;
    }
    if (rx && budget && nic_poll(sw->nic, nic_route, NULL, budget) > 0) nic_send_queued();
    __atomic_store_n(&sw->nic_lock, 0, __ATOMIC_RELEASE);
}

/* ---- One core's link ---- */

struct swlink {
    unsigned core, next; /* next: the ring a poll starts with (round robin) */
};
/* Each core uses its own entry (and on the bare machine its own copy of the array); the host
 * test runs several cores in one process. */
static struct swlink links[SMP_MAX_CPUS];

static int sw_send(void *ctx, const struct link_iov *iov, unsigned niov)
{
    struct swlink *l = ctx;
    size_t len = iov_len(iov, niov);
    uint8_t dst[6];
    if (len < ETH_HDR || len > ETH_HDR + sw->mtu || niov == 0 || iov[0].len < 6) {
        sw->bad[l->core]++; /* the engine never builds one; counted, not queued */
        return 0;
    }
    memcpy(dst, iov[0].base, 6);
    if (dst[0] & 1) { /* every other core, and the network */
        for (unsigned d = 0; d < sw->cores; d++) {
            if (d == l->core) continue;
            if (ring_put(&sw->port[d].rx[l->core], iov, niov, (uint32_t)len)) {
                sw->local[l->core]++;
                smp_kick(d);
            } else
                sw->bdrop[l->core]++;
        }
        if (!sw->nic) return 0;
        if (!ring_put(&sw->port[l->core].tx, iov, niov, (uint32_t)len)) {
            nic_service(false);
            if (!ring_put(&sw->port[l->core].tx, iov, niov, (uint32_t)len)) sw->bdrop[l->core]++;
        }
        return 0;
    }
    int d = find_core(dst);
    if (d >= 0) {
        if (!ring_put(&sw->port[d].rx[l->core], iov, niov, (uint32_t)len)) return -1;
        sw->local[l->core]++;
        smp_kick((unsigned)d);
        return 0;
    }
    if (!sw->nic) return 0; /* nowhere to go: like a frame for an absent station */
    if (ring_put(&sw->port[l->core].tx, iov, niov, (uint32_t)len)) return 0;
    nic_service(false);
    return ring_put(&sw->port[l->core].tx, iov, niov, (uint32_t)len) ? 0 : -1;
}

static void sw_flush(void *ctx)
{
    (void)ctx;
    nic_service(false);
}

static int sw_poll(void *ctx, link_rx_fn fn, void *arg, unsigned budget)
{
    struct swlink *l = ctx;
    nic_service(true);
    struct port *p = &sw->port[l->core];
    unsigned nrings = sw->cores + (sw->nic ? 1 : 0), got = 0, idle = 0;
    while (got < budget && idle < nrings) {
        struct ring *r = &p->rx[l->next];
        l->next = (l->next + 1) % nrings;
        uint32_t t = r->tail;
        if (t == __atomic_load_n(&r->head, __ATOMIC_ACQUIRE)) {
            idle++;
            continue;
        }
        idle = 0;
        const uint8_t *s = slot(r, t);
        uint32_t len;
        memcpy(&len, s, sizeof len);
        fn(arg, s + SLOT_HEAD, len);
        __atomic_store_n(&r->tail, t + 1, __ATOMIC_RELEASE);
        got++;
    }
    return (int)got;
}

static unsigned sw_pending(void *ctx)
{
    (void)ctx;
    return 0; /* every frame was copied into a ring by send() */
}

void sw_link(struct link *l, unsigned core)
{
    links[core] = (struct swlink){core, 0};
    l->ctx = &links[core];
    memcpy(l->mac, sw->port[core].mac, 6);
    l->mtu = sw->mtu;
    l->send = sw_send;
    l->flush = sw_flush;
    l->poll = sw_poll;
    l->pending = sw_pending;
}

void sw_stats(struct sw_stats *out)
{
    *out = sw->st;
    for (unsigned c = 0; c < sw->cores; c++) {
        out->local += sw->local[c];
        out->drop_full += sw->bdrop[c];
        out->drop_bad += sw->bad[c];
    }
}
