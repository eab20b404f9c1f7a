/*
 * net/ap.c — Active Port engine: set-up, ports, the poll loop and handler dispatch.
 * The receive path (local delivery too) is net/ap_rx.c, the send path net/ap_send.c,
 * net/ap_tx.c and net/ap_fc.c (FC streams) on the framing leaf net/ap_frame.c, collectives
 * net/ap_coll.c.
 * Tested by tests/engine/ (`make unit-test`).
 */
#include "net/ap_coll.h"
#include "net/ap_internal.h"

#include <stdlib.h>
#include <string.h>

#include "net/crc32c.h"

static const char *const err_names[] = {
    [AP_OK] = "ok",
    [AP_PENDING] = "in progress",
    [AP_EINVAL] = "invalid argument",
    [AP_ENOMEM] = "out of memory",
    [AP_EBUSY] = "busy",
    [AP_EPEER] = "peer dead (silent past the give-up time)",
    [AP_ETIMEDOUT] = "timed out",
    [AP_ECLOSED] = "port not open",
    [AP_EMSGSIZE] = "message too long",
};

const char *ap_strerror(int err)
{
    if (err < 0) err = -err;
    if ((unsigned)err < sizeof(err_names) / sizeof(err_names[0]) && err_names[err])
        return err_names[err];
    return "unknown error";
}

const char *ap_error(const struct ap *ap)
{
    return ap->error ? ap->error : "";
}

enum { ISN_FC, ISN_BE };

/* Initial sequence number of the stream from `src` to `dst` (AP_WIRE_ALL: broadcast). */
static uint32_t isn(const struct ap *ap, unsigned src, unsigned dst, int stream)
{
    struct sip_key k = {ap->cfg.seq_seed, ap->cfg.seq_seed ^ 0x9e3779b97f4a7c15ull};
    uint8_t in[5] = {(uint8_t)src, (uint8_t)(src >> 8), (uint8_t)dst, (uint8_t)(dst >> 8),
                     (uint8_t)stream};
    return (uint32_t)siphash24(&k, in, sizeof in);
}

static int init_fail(struct ap *ap, int err, const char *why)
{
    ap->error = why;
    ap_fini(ap);
    ap->error = why;
    return -err;
}

int ap_init(struct ap *ap, const struct ap_config *cfg)
{
    memset(ap, 0, sizeof(*ap));
    if (!cfg || !cfg->link || !cfg->now_ns || !cfg->macs)
        return init_fail(ap, AP_EINVAL, "ap_init: link, now_ns and macs are required");
    if (cfg->nodes < 1 || cfg->nodes > AP_WIRE_MAX_NODES)
        return init_fail(ap, AP_EINVAL, "ap_init: nodes must be 1..65534");
    if (cfg->rank >= cfg->nodes)
        return init_fail(ap, AP_EINVAL, "ap_init: rank must be below nodes");
    if (cfg->window > 4096)
        return init_fail(ap, AP_EINVAL, "ap_init: window must be at most 4096 frames");
    ap->cfg = *cfg;
    ap->link = cfg->link;
    ap->nodes = cfg->nodes;
    ap->rank = cfg->rank;
    /* Blocks that tile the job exactly, or none. */
    ap->node_ranks = cfg->node_ranks > 1 && cfg->nodes % cfg->node_ranks == 0 &&
                             cfg->node_ranks <= AP_COLL_MAX_SENDS
                         ? cfg->node_ranks
                         : 1;
    ap->job = cfg->job_id;
    ap->mtu = cfg->mtu && cfg->mtu < cfg->link->mtu ? cfg->mtu : cfg->link->mtu;
    if (ap->mtu < AP_HDR_LEN + 64)
        return init_fail(ap, AP_EINVAL, "ap_init: MTU too small (need 108 bytes)");
    if (cfg->key) {
        ap->auth = 1;
        sip_key_load(&ap->key, cfg->key);
        ap->cfg.key = NULL; /* copied: the caller's buffer need not outlive ap_init */
    }
    ap->maxpay = ap->mtu - AP_HDR_LEN - (ap->auth ? AP_TAG_LEN : 0);
    if (ap->maxpay > 0xFFFF) ap->maxpay = 0xFFFF; /* frag_len is 16 bits */
    ap->window = 1;
    while (ap->window < (cfg->window ? cfg->window : 64))
        ap->window <<= 1;
    ap->ack_every = cfg->ack_every ? cfg->ack_every : (ap->window >= 4 ? ap->window / 4 : 1);
    if (!ap->cfg.rto_init_ns) ap->cfg.rto_init_ns = 20000000ull;
    if (!ap->cfg.rto_min_ns) ap->cfg.rto_min_ns = 2000000ull;
    if (!ap->cfg.rto_max_ns) ap->cfg.rto_max_ns = 1000000000ull;
    if (ap->cfg.rto_min_ns > ap->cfg.rto_max_ns) ap->cfg.rto_min_ns = ap->cfg.rto_max_ns;
    if (!ap->cfg.giveup_ns) ap->cfg.giveup_ns = 10000000000ull;
    if (!ap->cfg.stall_ns) ap->cfg.stall_ns = 6 * ap->cfg.giveup_ns;
    if (!ap->cfg.coll_timeout_ns) ap->cfg.coll_timeout_ns = 60000000000ull;

    unsigned n = ap->nodes;
    ap->macs = malloc(n * sizeof(*ap->macs));
    ap->peers = calloc(n, sizeof(*ap->peers));
    ap->slots = calloc((size_t)(n + 1) * ap->window, sizeof(*ap->slots));
    ap->coll = calloc(n, sizeof(*ap->coll));
    ap->coll_eager_mem = malloc((size_t)n * AP_COLL_EAGER);
    ap->ack_list = malloc(n * sizeof(*ap->ack_list));
    ap->rnr_list = malloc(n * sizeof(*ap->rnr_list));
    if (!ap->macs || !ap->peers || !ap->slots || !ap->coll || !ap->coll_eager_mem ||
        !ap->ack_list || !ap->rnr_list)
        return init_fail(ap, AP_ENOMEM, "ap_init: out of memory for per-peer state");
    memcpy(ap->macs, cfg->macs, n * sizeof(*ap->macs));
    static const uint8_t bcast_mac[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
    ap_eth_write(ap->bcast_eth, bcast_mac, ap->link->mac);
    uint64_t now = cfg->now_ns();
    ap->now = now;
    unsigned me = ap->rank;
    for (unsigned i = 0; i < n; i++) {
        struct ap_peer *p = &ap->peers[i];
        ap_eth_write(p->eth, ap->macs[i], ap->link->mac);
        p->fc.win = ap->slots + (size_t)i * ap->window;
        p->fc.rto = ap->cfg.rto_init_ns;
        p->fc.cwnd = ap->window;
        p->act_prev = p->act_next = -1;
        p->last_heard_ns = now;
        /* Every stream starts where both ends compute it to start, and nowhere a stranger
         * could guess without the seed. */
        p->fc.una = p->fc.nxt = p->fc.rtx = isn(ap, me, i, ISN_FC);
        p->be_msg_seq = isn(ap, me, i, ISN_BE);
        p->rx_expect[0] = isn(ap, i, me, ISN_FC);
        p->rx_expect[1] = isn(ap, i, AP_WIRE_ALL, ISN_FC);
        p->be_last[0] = isn(ap, i, me, ISN_BE) - 1;
        p->be_last[1] = isn(ap, i, AP_WIRE_ALL, ISN_BE) - 1;
        p->be_seen[0] = p->be_seen[1] = 1;
        p->back = isn(ap, me, AP_WIRE_ALL, ISN_FC);
    }
    ap->bfc.win = ap->slots + (size_t)n * ap->window;
    ap->bfc.rto = ap->cfg.rto_init_ns;
    ap->bfc.cwnd = ap->window;
    ap->bfc.una = ap->bfc.nxt = ap->bfc.rtx = isn(ap, me, AP_WIRE_ALL, ISN_FC);
    ap->be_bc_seq = isn(ap, me, AP_WIRE_ALL, ISN_BE);
    ap->blive = n - 1;
    ap->act_head = -1;
    if (apx_held_init(ap) < 0)
        return init_fail(ap, AP_ENOMEM, "ap_init: out of memory for the frames held past gaps");
    apx_coll_init(ap);
    /* Decide the CRC implementation now, not on the first frame. */
    (void)crc32c_have_hw();
    return 0;
}

void ap_fini(struct ap *ap)
{
    for (int i = 0; i < AP_MAX_PORTS; i++)
        if (ap->ports[i].open) ap_port_close(ap, i);
    free(ap->macs);
    free(ap->peers);
    free(ap->slots);
    free(ap->coll);
    free(ap->coll_eager_mem);
    free(ap->ack_list);
    free(ap->rnr_list);
    apx_held_fini(ap);
    free(ap->scratch);
    memset(ap, 0, sizeof(*ap));
}

int ap_rank(const struct ap *ap)
{
    return (int)ap->rank;
}
int ap_nodes(const struct ap *ap)
{
    return (int)ap->nodes;
}

bool ap_peer_alive(const struct ap *ap, int rank)
{
    return rank >= 0 && (unsigned)rank < ap->nodes && !ap->peers[rank].dead;
}

uint64_t ap_activity(const struct ap *ap)
{
    return ap->st.rx_frames + ap->st.tx_frames;
}

bool ap_quiescent(const struct ap *ap)
{
    return ap->act_head < 0 && !ap->bfc.head && !ap->beq_head && !ap->selfq_head;
}

void ap_set_foreign(struct ap *ap, ap_foreign_fn fn, void *arg)
{
    ap->foreign = fn;
    ap->foreign_arg = arg;
}

/* ---- lists: active peers (FC work queued), peers owed an ACK, peers refused (RNR) ---- */

void apx_active_add(struct ap *ap, unsigned i)
{
    struct ap_peer *p = &ap->peers[i];
    if (p->active) return;
    p->active = 1;
    ap->nactive++;
    if (ap->act_head < 0) {
        p->act_prev = p->act_next = (int32_t)i;
        ap->act_head = (int32_t)i;
        return;
    }
    struct ap_peer *h = &ap->peers[ap->act_head];
    p->act_next = ap->act_head;
    p->act_prev = h->act_prev;
    ap->peers[h->act_prev].act_next = (int32_t)i;
    h->act_prev = (int32_t)i;
}

void apx_active_del(struct ap *ap, unsigned i)
{
    struct ap_peer *p = &ap->peers[i];
    if (!p->active) return;
    p->active = 0;
    ap->nactive--;
    if (p->act_next == (int32_t)i) {
        ap->act_head = -1;
    } else {
        ap->peers[p->act_prev].act_next = p->act_next;
        ap->peers[p->act_next].act_prev = p->act_prev;
        if (ap->act_head == (int32_t)i) ap->act_head = p->act_next;
    }
    p->act_prev = p->act_next = -1;
}

void apx_ack_queue(struct ap *ap, unsigned i)
{
    struct ap_peer *p = &ap->peers[i];
    if (!p->ack_listed) {
        p->ack_listed = 1;
        ap->ack_list[ap->nack++] = i;
    }
}

/* Something was freed (a port opened or re-armed, a claim released, an eager buffer emptied):
 * tell every peer we refused that it may try again, so it need not wait for its timer. */
void apx_resume(struct ap *ap)
{
    for (unsigned k = 0; k < ap->nrnr; k++) {
        struct ap_peer *p = &ap->peers[ap->rnr_list[k]];
        p->rnr_listed = 0;
        if (p->rx_rnr[0] || p->rx_rnr[1]) {
            p->rx_rnr[0] = p->rx_rnr[1] = 0;
            p->reack = 1;
            apx_ack_queue(ap, ap->rnr_list[k]);
        }
    }
    ap->nrnr = 0;
}

/* ---- handler dispatch ---- */

void apx_event_push(struct ap *ap, uint16_t port, uint16_t src, void *data, size_t len,
                    struct ap_unit *unit)
{
    /* Space was reserved when the message claimed its unit (net/ap_rx.c). */
    struct ap_event *e = &ap->ev[ap->ev_tail % AP_EVQ];
    e->port = port;
    e->src = src;
    e->gen = ap->ports[port].gen;
    e->data = data;
    e->len = len;
    e->unit = unit;
    ap->ev_tail++;
}

static void run_events(struct ap *ap)
{
    while (ap->ev_head != ap->ev_tail) {
        struct ap_event e = ap->ev[ap->ev_head % AP_EVQ];
        ap->ev_head++;
        struct ap_port *P = &ap->ports[e.port];
        if (P->open && P->gen == e.gen && P->handler)
            P->handler(ap, e.src, e.port, e.data, e.len, P->arg);
        if (e.unit && P->gen == e.gen && e.unit->claimed && e.unit->claim_stream == AP_ST_HANDLER) {
            e.unit->claimed = 0; /* the handler is done with the buffer: take messages again */
            if (ap->nrnr) apx_resume(ap);
        }
    }
}

/* ---- the poll loop ---- */

static void rx_frame(void *arg, const void *frame, size_t len)
{
    ap_input(arg, frame, len);
}

int ap_poll(struct ap *ap)
{
    int work = 0, received = 0;
    apx_clock(ap);
    ap->depth++;
    for (int b = 0; b < AP_RX_BATCHES; b++) {
        int n = ap->link->poll(ap->link->ctx, rx_frame, ap, AP_RX_BATCH);
        if (n <= 0) break;
        work += n;
        received += n;
        /* Handlers run between batches: a port held for its handler is free again for the
         * next batch. ACKs the window needs go out too; the rest wait for piggybacking. */
        if (ap->depth <= AP_MAX_NEST) run_events(ap);
        apx_flush_acks(ap, 1);
        if (n < AP_RX_BATCH) break;
    }
    if (ap->depth <= AP_MAX_NEST) run_events(ap);
    apx_tx_progress(ap, &work);
    if (ap->now >= ap->next_timer_ns) {
        apx_timers(ap);
        ap->next_timer_ns = ap->now + ap->cfg.rto_min_ns / 4;
    }
    /* Coalesced ACKs go out once a pass finds nothing more to receive. A pass that did
     * receive keeps them one more pass: the app usually answers right after this poll
     * returns, and the answer carries the ACK (a ping-pong then sends no pure ACK at all).
     * Not for messages that went to a handler (ack_now): the handler already ran, and its
     * answer, if any, already carried the ACK. */
    apx_flush_acks(ap, received > 0);
    ap->link->flush(ap->link->ctx);
    ap->depth--;
    return work;
}

void ap_flush(struct ap *ap)
{
    apx_flush_acks(ap, 0);
    ap->link->flush(ap->link->ctx);
}

/* One wait step for blocking calls: poll, and let the host breathe when nothing moved. */
void apx_wait_step(struct ap *ap)
{
    if (ap_poll(ap) == 0 && ap->cfg.idle) ap->cfg.idle(ap->cfg.idle_arg);
}

int apx_req_check(struct ap *ap, struct ap_req *req)
{
    if (req->status == AP_PENDING && req->phase == AP_PH_DRAIN &&
        ap->link->pending(ap->link->ctx) == 0) {
        req->phase = AP_PH_DONE;
        req->status = req->result;
    }
    return req->status;
}

int ap_test(struct ap *ap, struct ap_req *req)
{
    if (req->status != AP_PENDING) return req->status;
    ap_poll(ap);
    return apx_req_check(ap, req);
}

int ap_wait(struct ap *ap, struct ap_req *req)
{
    for (;;) {
        int r = apx_req_check(ap, req);
        if (r != AP_PENDING) return r;
        if (req->phase == AP_PH_DRAIN)
            ap_poll(ap); /* the link reclaims while we poll */
        else
            apx_wait_step(ap);
    }
}

/* ---- ports ---- */

static void port_layout(struct ap *ap, struct ap_port *P)
{
    if (P->flags & AP_PORT_SLOTS) {
        uint64_t slot = P->size / ap->nodes;
        for (unsigned s = 0; s < P->nunits; s++) {
            P->units[s].buf = P->buf ? P->buf + s * slot : NULL;
            P->units[s].size = slot;
        }
    } else {
        P->single.buf = P->buf;
        P->single.size = P->size;
    }
}

int ap_port_open(struct ap *ap, int port, void *buf, size_t size, ap_handler_fn handler, void *arg,
                 unsigned flags)
{
    if (port < 0 || port >= AP_MAX_PORTS ||
        (flags & ~(unsigned)(AP_PORT_ONESHOT | AP_PORT_SLOTS | AP_PORT_FC_ONLY | AP_PORT_LAZYACK)))
        return -AP_EINVAL;
    if (!buf && size) return -AP_EINVAL;
    struct ap_port *P = &ap->ports[port];
    if (P->open) return -AP_EBUSY;
    uint32_t gen = P->gen;
    memset(P, 0, sizeof(*P));
    P->gen = gen + 1;
    P->flags = (uint8_t)flags;
    P->handler = handler;
    P->arg = arg;
    P->buf = buf;
    P->size = size;
    if (flags & AP_PORT_SLOTS) {
        P->units = calloc(ap->nodes, sizeof(*P->units));
        if (!P->units) return -AP_ENOMEM;
        P->nunits = ap->nodes;
    } else {
        P->units = &P->single;
        P->nunits = 1;
    }
    for (unsigned s = 0; s < P->nunits; s++) {
        P->units[s].kind = AP_UNIT_PORT;
        P->units[s].port = (uint16_t)port;
        P->units[s].armed = 1;
    }
    port_layout(ap, P);
    P->last_src = -1;
    P->open = 1;
    apx_resume(ap);
    return 0;
}

int ap_port_close(struct ap *ap, int port)
{
    if (port < 0 || port >= AP_MAX_PORTS) return -AP_EINVAL;
    struct ap_port *P = &ap->ports[port];
    if (!P->open) return -AP_ECLOSED;
    /* Messages half-assembled into this port: BE ones are abandoned, FC ones keep being
     * consumed (their sender already counts the delivered part as acknowledged). */
    for (unsigned s = 0; s < ap->nodes; s++)
        for (int st = 0; st < AP_NSTREAMS; st++) {
            struct ap_asm *as = &ap->peers[s].as[st];
            if (as->active && as->unit && as->unit->kind == AP_UNIT_PORT && as->unit->port == port)
                apx_abort_asm(ap, s, st, AP_DROP_PORT);
        }
    if (P->units != &P->single) free(P->units);
    P->units = NULL;
    P->nunits = 0;
    P->open = 0;
    P->gen++;
    return 0;
}

int ap_port_post(struct ap *ap, int port, void *buf, size_t size)
{
    if (port < 0 || port >= AP_MAX_PORTS || (!buf && size)) return -AP_EINVAL;
    struct ap_port *P = &ap->ports[port];
    if (!P->open) return -AP_ECLOSED;
    if (buf) {
        /* A unit held for its handler does not count: that handler may be the caller, and
         * the message it reads stays where it is. */
        for (unsigned s = 0; s < P->nunits; s++)
            if (P->units[s].claimed && P->units[s].claim_stream != AP_ST_HANDLER) return -AP_EBUSY;
        P->buf = buf;
        P->size = size;
        port_layout(ap, P);
    }
    for (unsigned s = 0; s < P->nunits; s++)
        P->units[s].armed = 1;
    apx_resume(ap);
    return 0;
}

int ap_port_post_slot(struct ap *ap, int port, int slot)
{
    if (port < 0 || port >= AP_MAX_PORTS) return -AP_EINVAL;
    struct ap_port *P = &ap->ports[port];
    if (!P->open) return -AP_ECLOSED;
    if (!(P->flags & AP_PORT_SLOTS) || slot < 0 || (unsigned)slot >= P->nunits) return -AP_EINVAL;
    P->units[slot].armed = 1;
    apx_resume(ap);
    return 0;
}

uint64_t ap_port_deliveries(const struct ap *ap, int port)
{
    if (port < 0 || port >= AP_MAX_PORTS) return 0;
    return ap->ports[port].deliveries;
}

int ap_port_wait(struct ap *ap, int port, uint64_t timeout_ns, int *src, size_t *len)
{
    if (port < 0 || port >= AP_MAX_PORTS) return -AP_EINVAL;
    struct ap_port *P = &ap->ports[port];
    uint64_t start = apx_clock(ap);
    for (;;) {
        if (!P->open) return -AP_ECLOSED;
        if (P->deliveries > P->waited) {
            P->waited++;
            if (src) *src = P->last_src;
            if (len) *len = P->last_len;
            return 0;
        }
        if (timeout_ns != AP_FOREVER && apx_clock(ap) - start >= timeout_ns) return -AP_ETIMEDOUT;
        apx_wait_step(ap);
    }
}
