/*
 * tests/engine/memswitch.c — the in-memory switch with fault injection (see memswitch.h).
 * Thread-safe: one mutex per receive queue; a node's send side is used by its own thread only.
 * Tested by tests/engine/test_memswitch.c.
 */
#define _GNU_SOURCE
#include "tests/engine/memswitch.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ETH_HLEN 14

struct entry {
    uint8_t *data;
    uint32_t len;
    uint64_t at_ns;
};

/* A frame whose large pieces are still "being read by the device" (deferred mode). */
struct staged {
    uint8_t *data; /* small pieces copied at send time, large ones filled in later */
    uint32_t len;
    unsigned rung; /* the sender's poll count when the doorbell (flush) told the device */
    unsigned nref;
    struct {
        const void *base;
        uint32_t at, len;
    } ref[LINK_MAX_IOV];
};

struct port {
    struct msw *sw;
    unsigned id;
    struct link link;
    pthread_mutex_t mu;
    struct entry *q; /* ring */
    unsigned head, count;
    uint8_t *spare; /* buffer swapped into the ring when the poller takes a frame */
    uint8_t *txbuf;
    uint64_t rng;
    atomic_int down;
    struct staged *stage; /* ring of qcap staged frames */
    unsigned st_head, st_count;
    unsigned st_queued;  /* staged since the last flush: the device has not been told yet */
    unsigned polls;      /* poll() calls of this node: the device's clock */
    uint64_t free_ns;    /* slow switch: when the port has forwarded everything queued */
    uint64_t tx_free_ns; /* tx_rate: when this node's link has sent everything given */
};

struct msw {
    unsigned nodes, mtu, qcap, slot;
    struct msw_faults faults;
    pthread_mutex_t fmu;
    int deferred;
    struct port *ports;
    atomic_uint_fast64_t c_sent, c_delivered, c_dropped, c_dup, c_reorder, c_corrupt, c_delay,
        c_refused;
};

uint64_t msw_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void msw_mac(unsigned node, uint8_t mac[6])
{
    mac[0] = 0x02;
    mac[1] = 0x50;
    mac[2] = 0x4f;
    mac[3] = 0x00;
    mac[4] = (uint8_t)(node >> 8);
    mac[5] = (uint8_t)node;
}

static uint64_t rnd(uint64_t *s)
{
    /* xorshift64*: deterministic per sender from the seed. */
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1Dull;
}

static int chance(uint64_t *s, double p)
{
    return p > 0 && (double)(rnd(s) >> 11) / 9007199254740992.0 < p;
}

/* Queue one frame for node `to`; -1 when its queue is full. */
static int enqueue(struct msw *sw, struct port *from, unsigned to, const uint8_t *frame,
                   unsigned len, uint64_t at_ns, int reorder, const struct msw_faults *f)
{
    struct port *d = &sw->ports[to];
    if (atomic_load(&d->down)) return 0;
    pthread_mutex_lock(&d->mu);
    if (d->count == sw->qcap) {
        pthread_mutex_unlock(&d->mu);
        atomic_fetch_add(&sw->c_dropped, 1);
        return -1;
    }
    if (f && f->rate) {
        /* The port's own clock: each frame leaves len/rate after the one before it. */
        uint64_t now = msw_now_ns();
        if (d->free_ns < now) d->free_ns = now;
        if ((d->free_ns - now) * f->rate / 1000000000ull > f->buffer) {
            pthread_mutex_unlock(&d->mu);
            atomic_fetch_add(&sw->c_dropped, 1);
            return 0;
        }
        d->free_ns += (uint64_t)len * 1000000000ull / f->rate;
        if (d->free_ns > at_ns) at_ns = d->free_ns;
    }
    struct entry *e = &d->q[(d->head + d->count) % sw->qcap];
    memcpy(e->data, frame, len);
    e->len = len;
    e->at_ns = at_ns;
    d->count++;
    if (reorder && d->count >= 2) {
        /* Swap with the frame queued before it: this one overtakes it. */
        struct entry *prev = &d->q[(d->head + d->count - 2) % sw->qcap];
        struct entry t = *prev;
        *prev = *e;
        *e = t;
        atomic_fetch_add(&sw->c_reorder, 1);
    }
    pthread_mutex_unlock(&d->mu);
    (void)from;
    return 0;
}

static int queue_full(struct msw *sw, unsigned to)
{
    struct port *d = &sw->ports[to];
    if (atomic_load(&d->down)) return 0;
    pthread_mutex_lock(&d->mu);
    /* Every other sender may slip in two frames (with a duplicate) between this check and
     * the enqueue: keep that much room so that a checked frame is never lost. */
    int full = d->count + 2 * sw->nodes > sw->qcap;
    pthread_mutex_unlock(&d->mu);
    return full;
}

/* Faults, then delivery to the addressed node(s). -1 = refused (a queue is full). */
static int deliver(struct msw *sw, struct port *p, uint8_t *frame, unsigned len)
{
    static const uint8_t bcast[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    int is_bcast = memcmp(frame, bcast, 6) == 0;
    unsigned to = ((unsigned)frame[4] << 8) | frame[5];
    uint8_t mac[6];
    if (!is_bcast) {
        msw_mac(to < sw->nodes ? to : 0, mac);
        if (to >= sw->nodes || memcmp(frame, mac, 6) != 0) {
            atomic_fetch_add(&sw->c_dropped, 1); /* nobody has that MAC */
            return 0;
        }
    }
    for (unsigned k = 0; k < sw->nodes; k++)
        if ((is_bcast ? k != p->id : k == to) && queue_full(sw, k)) {
            atomic_fetch_add(&sw->c_refused, 1);
            return -1;
        }
    atomic_fetch_add(&sw->c_sent, 1);
    pthread_mutex_lock(&sw->fmu);
    struct msw_faults f = sw->faults;
    pthread_mutex_unlock(&sw->fmu);
    if (chance(&p->rng, f.drop)) {
        atomic_fetch_add(&sw->c_dropped, 1);
        return 0;
    }
    if (chance(&p->rng, f.corrupt)) {
        unsigned flips = 1 + (unsigned)(rnd(&p->rng) % 3);
        for (unsigned i = 0; i < flips; i++) {
            uint64_t bit = rnd(&p->rng) % ((uint64_t)len * 8);
            frame[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        }
        atomic_fetch_add(&sw->c_corrupt, 1);
    }
    uint64_t at = 0;
    if (chance(&p->rng, f.delay)) {
        at = msw_now_ns() + f.delay_ns;
        atomic_fetch_add(&sw->c_delay, 1);
    }
    int copies = chance(&p->rng, f.dup) ? 2 : 1;
    if (copies == 2) atomic_fetch_add(&sw->c_dup, 1);
    int reorder = chance(&p->rng, f.reorder);
    for (int c = 0; c < copies; c++)
        for (unsigned k = 0; k < sw->nodes; k++)
            if (is_bcast ? k != p->id : k == to)
                enqueue(sw, p, k, frame, len, at, reorder && c == 0, &f);
    return 0;
}

/* Deferred mode: the device finishes reading the oldest staged frame it was told about. */
static int stage_complete_one(struct port *p)
{
    struct msw *sw = p->sw;
    if (p->st_count == p->st_queued) return 0;
    struct staged *s = &p->stage[p->st_head];
    /* The device reads a frame during the sender's next full poll pass after the doorbell,
     * not at once: a send acknowledged meanwhile finds the link still busy with it. */
    if (p->polls - s->rung < 2) return 0;
    for (unsigned k = 0; k < s->nref; k++)
        memcpy(s->data + s->ref[k].at, s->ref[k].base, s->ref[k].len);
    if (deliver(sw, p, s->data, s->len) < 0) return -1;
    p->st_head = (p->st_head + 1) % sw->qcap;
    p->st_count--;
    return 1;
}

static int l_send(void *ctx, const struct link_iov *iov, unsigned niov)
{
    struct port *p = ctx;
    struct msw *sw = p->sw;
    if (niov == 0 || niov > LINK_MAX_IOV) return -1;
    size_t len = 0;
    for (unsigned k = 0; k < niov; k++)
        len += iov[k].len;
    if (len < ETH_HLEN || len > sw->slot) return -1;
    if (atomic_load(&p->down)) return 0;
    if (sw->deferred) {
        if (p->st_count == sw->qcap) return -1;
        struct staged *s = &p->stage[(p->st_head + p->st_count) % sw->qcap];
        s->len = (uint32_t)len;
        s->nref = 0;
        uint32_t at = 0;
        for (unsigned k = 0; k < niov; k++) {
            if (iov[k].len > LINK_COPY_MAX) {
                s->ref[s->nref].base = iov[k].base;
                s->ref[s->nref].at = at;
                s->ref[s->nref].len = (uint32_t)iov[k].len;
                s->nref++;
                memset(s->data + at, 0xEE, iov[k].len); /* not read yet */
            } else {
                memcpy(s->data + at, iov[k].base, iov[k].len);
            }
            at += (uint32_t)iov[k].len;
        }
        p->st_count++;
        p->st_queued++;
        return 0;
    }
    pthread_mutex_lock(&sw->fmu);
    uint64_t tx_rate = sw->faults.tx_rate;
    pthread_mutex_unlock(&sw->fmu);
    if (tx_rate) {
        uint64_t now = msw_now_ns(), wire_ns = (uint64_t)len * 1000000000ull / tx_rate;
        if (p->tx_free_ns < now) p->tx_free_ns = now;
        if (p->tx_free_ns - now > 64 * wire_ns) return -1; /* the ring is full */
        p->tx_free_ns += wire_ns;
    }
    size_t at = 0;
    for (unsigned k = 0; k < niov; k++) {
        memcpy(p->txbuf + at, iov[k].base, iov[k].len);
        at += iov[k].len;
    }
    return deliver(sw, p, p->txbuf, (unsigned)len);
}

static void l_flush(void *ctx)
{
    struct port *p = ctx;
    for (unsigned k = p->st_count - p->st_queued; k < p->st_count; k++)
        p->stage[(p->st_head + k) % p->sw->qcap].rung = p->polls;
    p->st_queued = 0; /* the doorbell: the device may read them now */
}

static int l_poll(void *ctx, link_rx_fn fn, void *arg, unsigned budget)
{
    struct port *p = ctx;
    struct msw *sw = p->sw;
    p->polls++;
    while (stage_complete_one(p) > 0) {
    }
    int n = 0;
    uint64_t now = 0;
    while ((unsigned)n < budget) {
        pthread_mutex_lock(&p->mu);
        if (!p->count) {
            pthread_mutex_unlock(&p->mu);
            break;
        }
        struct entry *e = &p->q[p->head];
        if (e->at_ns) {
            if (!now) now = msw_now_ns();
            if (e->at_ns > now) {
                pthread_mutex_unlock(&p->mu);
                break;
            }
        }
        uint8_t *data = e->data;
        uint32_t len = e->len;
        e->data = p->spare;
        p->spare = data;
        p->head = (p->head + 1) % sw->qcap;
        p->count--;
        pthread_mutex_unlock(&p->mu);
        atomic_fetch_add(&sw->c_delivered, 1);
        fn(arg, data, len);
        n++;
    }
    return n;
}

static unsigned l_pending(void *ctx)
{
    struct port *p = ctx;
    stage_complete_one(p);
    return p->st_count;
}

struct msw *msw_create(const struct msw_opts *o)
{
    struct msw *sw = calloc(1, sizeof(*sw));
    if (!sw) return NULL;
    sw->nodes = o->nodes;
    sw->mtu = o->mtu ? o->mtu : 1500;
    sw->qcap = o->qcap ? o->qcap : 512;
    if (sw->qcap < 4 * o->nodes) sw->qcap = 4 * o->nodes;
    sw->slot = ETH_HLEN + sw->mtu;
    sw->faults = o->faults;
    sw->deferred = o->deferred;
    pthread_mutex_init(&sw->fmu, NULL);
    sw->ports = calloc(o->nodes, sizeof(*sw->ports));
    if (!sw->ports) {
        free(sw);
        return NULL;
    }
    for (unsigned k = 0; k < o->nodes; k++) {
        struct port *p = &sw->ports[k];
        p->sw = sw;
        p->id = k;
        pthread_mutex_init(&p->mu, NULL);
        p->q = calloc(sw->qcap, sizeof(*p->q));
        for (unsigned i = 0; p->q && i < sw->qcap; i++)
            p->q[i].data = malloc(sw->slot);
        p->spare = malloc(sw->slot);
        p->txbuf = malloc(sw->slot);
        if (sw->deferred) {
            p->stage = calloc(sw->qcap, sizeof(*p->stage));
            for (unsigned i = 0; p->stage && i < sw->qcap; i++)
                p->stage[i].data = malloc(sw->slot);
        }
        p->rng = (o->seed + 1) * 0x9E3779B97F4A7C15ull ^ (k + 1) * 0xD1B54A32D192ED03ull;
        if (!p->rng) p->rng = 1;
        p->link.ctx = p;
        msw_mac(k, p->link.mac);
        p->link.mtu = sw->mtu;
        p->link.send = l_send;
        p->link.flush = l_flush;
        p->link.poll = l_poll;
        p->link.pending = l_pending;
    }
    return sw;
}

void msw_destroy(struct msw *sw)
{
    if (!sw) return;
    for (unsigned k = 0; k < sw->nodes; k++) {
        struct port *p = &sw->ports[k];
        for (unsigned i = 0; p->q && i < sw->qcap; i++)
            free(p->q[i].data);
        free(p->q);
        for (unsigned i = 0; p->stage && i < sw->qcap; i++)
            free(p->stage[i].data);
        free(p->stage);
        free(p->spare);
        free(p->txbuf);
        pthread_mutex_destroy(&p->mu);
    }
    pthread_mutex_destroy(&sw->fmu);
    free(sw->ports);
    free(sw);
}

struct link *msw_link(struct msw *sw, unsigned node)
{
    return &sw->ports[node].link;
}

void msw_set_down(struct msw *sw, unsigned node, int down)
{
    atomic_store(&sw->ports[node].down, down);
}

void msw_set_faults(struct msw *sw, const struct msw_faults *f)
{
    pthread_mutex_lock(&sw->fmu);
    sw->faults = *f;
    pthread_mutex_unlock(&sw->fmu);
}

void msw_counters(struct msw *sw, struct msw_counters *out)
{
    out->sent = atomic_load(&sw->c_sent);
    out->delivered = atomic_load(&sw->c_delivered);
    out->dropped = atomic_load(&sw->c_dropped);
    out->duplicated = atomic_load(&sw->c_dup);
    out->reordered = atomic_load(&sw->c_reorder);
    out->corrupted = atomic_load(&sw->c_corrupt);
    out->delayed = atomic_load(&sw->c_delay);
    out->refused = atomic_load(&sw->c_refused);
}

void msw_inject(struct msw *sw, unsigned node, const void *frame, unsigned len)
{
    if (len > sw->slot) len = sw->slot;
    enqueue(sw, NULL, node, frame, len, 0, 0, NULL);
}
