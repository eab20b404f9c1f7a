/*
 * net/job_form.c — job formation protocol. Every node broadcasts HELLO frames (EtherType
 * 0x88B5, Porto header version 1, type JOB_T_HELLO) every hello_ns:
 *
 *   off size  field
 *     0  1    version (1)            12  2  members known
 *     1  1    type (0x80)            14  1  ready (0/1)
 *     2  2    flags (1: tag valid)   16  4  hash of the member list (MACs and contributions)
 *     4  4    job id, low 32 bits    20  4  job id, high 32 bits
 *     8  2    nodes                  24  8  contribution: the sender's random share of the nonce
 *    10  2    rank claim (0xFFFF: auto)  32  8  tag: SipHash-2-4 under the job's key over the
 *                                              Ethernet source MAC, then bytes 0..31
 *
 * A node knows the member list once it has N members: with explicit ranks, the lowest MAC that
 * claims each rank; with automatic ranks, the N lowest MACs seen (so every node computes the
 * same list). It is *ready* when every member reports the same list (same hash, N known), and
 * starts when every member reports ready. The run's nonce is a hash of the members' MACs and
 * contributions: every run gets its own, so its engine refuses frames of an earlier run.
 * A node that starts sends one last ready HELLO, and answers HELLOs from members still forming
 * (job_form_answer), so nobody waits for a node that has moved on.
 * With a key, HELLOs without a valid tag are dropped and counted: nobody without the key can
 * join, take a rank or stall the job. Without one, the table of nodes seen cannot be filled
 * for good: entries not heard for a while expire, and a full table evicts its stalest
 * non-member. Frames of other jobs, other job sizes, out-of-range or conflicting rank claims
 * are counted and ignored.
 */
#include "net/job_form.h"
#include "net/siphash.h"
#include "net/wire.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define HELLO_LEN      40
#define HELLO_TAG_OFF  32
#define HELLO_F_TAG    1
#define CLAIM_AUTO     0xFFFFu
#define MAX_SEEN       (JOB_MAX_NODES + 16)
#define EXPIRE_PERIODS 25 /* HELLO periods without news before a node is forgotten */

struct seen {
    uint8_t mac[6];
    uint16_t claim, known;
    uint8_t ready;
    uint32_t hash;
    uint64_t contrib;
    uint64_t last_ns;
    uint32_t heard; /* HELLOs received from it */
};

struct form {
    const struct job_form_config *cfg;
    struct job_form_result *res;
    struct seen seen[MAX_SEEN];
    unsigned nseen;
    int member[JOB_MAX_NODES]; /* index into seen[] by rank, -1 unknown */
    unsigned known;
    uint32_t hash;
    bool warned_conflict, warned_nodes, warned_full;
};

static void logf_(struct form *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void logf_(struct form *f, const char *fmt, ...)
{
    if (!f->cfg->log) return;
    char line[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    f->cfg->log(line);
}

static void mac_str(const uint8_t m[6], char out[18])
{
    snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static uint32_t fnv1a(const void *p, size_t n, uint32_t h)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 16777619u;
    return h;
}

static bool is_member(const struct form *f, unsigned i)
{
    for (unsigned r = 0; r < f->cfg->nodes; r++)
        if (f->member[r] == (int)i) return true;
    return false;
}

static void forget(struct form *f, unsigned i)
{
    memmove(&f->seen[i], &f->seen[i + 1], (f->nseen - i - 1) * sizeof f->seen[0]);
    f->nseen--;
    for (unsigned r = 0; r < f->cfg->nodes; r++)
        if (f->member[r] == (int)i)
            f->member[r] = -1;
        else if (f->member[r] > (int)i)
            f->member[r]--;
}

/* Entry 0 is this node and stays. A full table makes room by forgetting a non-member heard
 * the fewest times (then the stalest): real nodes repeat their HELLOs, so a burst of junk
 * cannot push them out. */
static struct seen *lookup(struct form *f, const uint8_t mac[6], bool add)
{
    for (unsigned i = 0; i < f->nseen; i++)
        if (memcmp(f->seen[i].mac, mac, 6) == 0) return &f->seen[i];
    if (!add) return NULL;
    if (f->nseen == MAX_SEEN) {
        int victim = -1;
        for (unsigned i = 1; i < f->nseen; i++)
            if (!is_member(f, i) && (victim < 0 || f->seen[i].heard < f->seen[victim].heard ||
                                     (f->seen[i].heard == f->seen[victim].heard &&
                                      f->seen[i].last_ns < f->seen[victim].last_ns)))
                victim = (int)i;
        if (victim < 0) return NULL;
        forget(f, (unsigned)victim);
        f->res->entries_expired++;
    }
    struct seen *s = &f->seen[f->nseen++];
    memset(s, 0, sizeof *s);
    memcpy(s->mac, mac, 6);
    return s;
}

static void expire(struct form *f, uint64_t now, uint64_t hello_ns)
{
    for (unsigned i = f->nseen; i-- > 1;)
        if (now - f->seen[i].last_ns > EXPIRE_PERIODS * hello_ns) {
            forget(f, i);
            f->res->entries_expired++;
        }
}

/* The agreement hash covers every member's MAC and contribution, in rank order. */
static uint32_t list_hash(const uint8_t (*macs)[6], const uint64_t *contribs, unsigned n)
{
    uint32_t h = 2166136261u;
    for (unsigned r = 0; r < n; r++) {
        h = fnv1a(macs[r], 6, h);
        h = fnv1a(&contribs[r], 8, h);
    }
    return h;
}

/* Recompute the member list from everything seen so far. */
static void compute_members(struct form *f)
{
    unsigned n = f->cfg->nodes;
    for (unsigned r = 0; r < n; r++)
        f->member[r] = -1;
    if (f->cfg->rank != JOB_RANK_AUTO) {
        /* Two nodes claiming one rank: the lower MAC keeps it, so every node that has seen
         * both decides the same way whatever order their HELLOs arrived in. */
        for (unsigned i = 0; i < f->nseen; i++) {
            unsigned c = f->seen[i].claim;
            if (c == CLAIM_AUTO || c >= n)
                continue; /* not part of an explicit-rank job of this size */
            int held = f->member[c];
            if (held >= 0 && !f->warned_conflict) {
                char a[18];
                mac_str(f->seen[i].mac, a);
                logf_(f, "job: %s and another node claim rank %u: the lower MAC keeps it", a, c);
                f->warned_conflict = true;
            }
            if (held < 0 || memcmp(f->seen[i].mac, f->seen[held].mac, 6) < 0) f->member[c] = (int)i;
        }
    } else {
        /* The n lowest MACs among the automatic claimants, in order. */
        bool taken[MAX_SEEN] = {0};
        for (unsigned r = 0; r < n; r++) {
            int best = -1;
            for (unsigned i = 0; i < f->nseen; i++) {
                if (taken[i] || f->seen[i].claim != CLAIM_AUTO) continue;
                if (best < 0 || memcmp(f->seen[i].mac, f->seen[best].mac, 6) < 0) best = (int)i;
            }
            if (best < 0) break;
            taken[best] = true;
            f->member[r] = best;
        }
        unsigned autos = 0;
        for (unsigned i = 0; i < f->nseen; i++)
            autos += f->seen[i].claim == CLAIM_AUTO;
        if (autos > n && !f->warned_full) {
            logf_(f, "job: %u nodes answered for a job of %u: the lowest MACs take part", autos, n);
            f->warned_full = true;
        }
    }
    f->known = 0;
    f->hash = 2166136261u;
    for (unsigned r = 0; r < n; r++) {
        if (f->member[r] >= 0) {
            f->known++;
            f->hash = fnv1a(f->seen[f->member[r]].mac, 6, f->hash);
            f->hash = fnv1a(&f->seen[f->member[r]].contrib, 8, f->hash);
        }
    }
    if (f->known < n) f->hash = 0;
}

static uint64_t hello_tag(const uint8_t key[JOB_KEY_LEN], const uint8_t mac[6], const uint8_t *h)
{
    struct sip_key k;
    struct sip_state st;
    sip_key_load(&k, key);
    sip_init(&st, &k);
    sip_update(&st, mac, 6);
    sip_update(&st, h, HELLO_TAG_OFF);
    return sip_final(&st);
}

static void send_hello(const struct job_form_config *cfg, uint16_t known, uint8_t ready,
                       uint32_t hash, const uint8_t *dst)
{
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    uint8_t frame[AP_ETH_HLEN + HELLO_LEN];
    memset(frame, 0, sizeof frame);
    ap_eth_write(frame, dst ? dst : bcast, cfg->link->mac);
    uint8_t *h = frame + AP_ETH_HLEN;
    uint16_t claim = cfg->rank == JOB_RANK_AUTO ? CLAIM_AUTO : (uint16_t)cfg->rank;
    uint16_t nodes = (uint16_t)cfg->nodes;
    uint32_t job_lo = (uint32_t)cfg->job_id, job_hi = (uint32_t)(cfg->job_id >> 32);
    h[0] = AP_WIRE_VERSION;
    h[1] = JOB_T_HELLO;
    h[2] = cfg->key ? HELLO_F_TAG : 0;
    memcpy(h + 4, &job_lo, 4);
    memcpy(h + 8, &nodes, 2);
    memcpy(h + 10, &claim, 2);
    memcpy(h + 12, &known, 2);
    h[14] = ready;
    memcpy(h + 16, &hash, 4);
    memcpy(h + 20, &job_hi, 4);
    memcpy(h + 24, &cfg->contrib, 8);
    if (cfg->key) {
        uint64_t t = hello_tag(cfg->key, cfg->link->mac, h);
        memcpy(h + HELLO_TAG_OFF, &t, 8);
    }
    struct link_iov iov = {frame, sizeof frame};
    if (cfg->link->send(cfg->link->ctx, &iov, 1) == 0) cfg->link->flush(cfg->link->ctx);
}

/* Parse a HELLO; returns false (and counts why) when it is not one of this job's. */
static bool parse_hello(const struct job_form_config *cfg, struct job_form_result *res,
                        const uint8_t *frame, size_t len, struct seen *out)
{
    if (len < AP_ETH_HLEN + HELLO_LEN || frame[12] != (AP_ETHERTYPE >> 8) ||
        frame[13] != (AP_ETHERTYPE & 0xff)) {
        res->frames_ignored++;
        return false;
    }
    const uint8_t *h = frame + AP_ETH_HLEN;
    uint32_t job_lo, job_hi;
    uint16_t nodes;
    memcpy(&job_lo, h + 4, 4);
    memcpy(&job_hi, h + 20, 4);
    if (h[0] != AP_WIRE_VERSION || h[1] != JOB_T_HELLO) {
        res->frames_ignored++;
        return false;
    }
    if (((uint64_t)job_hi << 32 | job_lo) != cfg->job_id || !(h[2] & HELLO_F_TAG) != !cfg->key) {
        res->frames_other_job++; /* another job, or the same id with and without a key */
        return false;
    }
    if (cfg->key) {
        uint64_t want = hello_tag(cfg->key, frame + 6, h), got;
        memcpy(&got, h + HELLO_TAG_OFF, 8);
        if (want != got) {
            res->frames_bad_auth++;
            return false;
        }
    }
    memcpy(&nodes, h + 8, 2);
    memcpy(out->mac, frame + 6, 6);
    memcpy(&out->claim, h + 10, 2);
    memcpy(&out->known, h + 12, 2);
    out->ready = h[14];
    memcpy(&out->hash, h + 16, 4);
    memcpy(&out->contrib, h + 24, 8);
    if (nodes != cfg->nodes) {
        res->frames_ignored++;
        return false;
    }
    return true;
}

struct rx_ctx {
    struct form *f;
};

static void on_frame(void *arg, const void *frame, size_t len)
{
    struct form *f = ((struct rx_ctx *)arg)->f;
    struct seen h;
    if (!parse_hello(f->cfg, f->res, frame, len, &h)) return;
    if (!memcmp(h.mac, f->cfg->link->mac, 6))
        return; /* our own broadcast, if the switch reflects it */
    struct seen *s = lookup(f, h.mac, true);
    if (!s) return;
    uint32_t heard = s->heard;
    *s = h;
    s->last_ns = f->cfg->now_ns();
    s->heard = heard + 1;
}

int job_form(const struct job_form_config *cfg, struct job_form_result *res)
{
    struct form f; /* ~6 KiB: fine on the boot stack, and per call for threaded host tests */
    memset(&f, 0, sizeof f);
    memset(res, 0, sizeof *res);
    f.cfg = cfg;
    f.res = res;
    if (cfg->nodes < 1 || cfg->nodes > JOB_MAX_NODES ||
        (cfg->rank != JOB_RANK_AUTO && (cfg->rank < 0 || (unsigned)cfg->rank >= cfg->nodes))) {
        snprintf(res->error, sizeof res->error, "bad job: rank %d of %u nodes (1..%d nodes)",
                 cfg->rank, cfg->nodes, JOB_MAX_NODES);
        return -1;
    }
    for (unsigned r = 0; r < JOB_MAX_NODES; r++)
        f.member[r] = -1;
    struct seen *me = lookup(&f, cfg->link->mac, true);
    me->claim = cfg->rank == JOB_RANK_AUTO ? CLAIM_AUTO : (uint16_t)cfg->rank;
    me->contrib = cfg->contrib;
    uint64_t hello_ns = cfg->hello_ns ? cfg->hello_ns : 20000000ull;
    uint64_t start = cfg->now_ns(), next_hello = start;
    /* Spread HELLOs of nodes that booted together over the period. */
    uint64_t jitter = (uint64_t)(cfg->link->mac[5] * 37u % 100u) * hello_ns / 100u;
    struct rx_ctx rx = {&f};
    for (;;) {
        int got = 0, n;
        while ((n = cfg->link->poll(cfg->link->ctx, on_frame, &rx, 32)) > 0)
            got += n;
        if (got == 0 && cfg->idle) cfg->idle(cfg->idle_arg);
        expire(&f, cfg->now_ns(), hello_ns);
        compute_members(&f);
        me->known = (uint16_t)f.known;
        me->hash = f.hash;
        bool self_in = false;
        for (unsigned r = 0; r < cfg->nodes; r++)
            if (f.member[r] == (int)(me - f.seen)) self_in = true;
        /* Left out: give up only once the members agree without us (a burst of forged or
         * stray HELLOs with lower MACs expires, and we are back in). */
        bool formed_without_us = f.known == cfg->nodes && !self_in;
        for (unsigned r = 0; formed_without_us && r < cfg->nodes; r++) {
            struct seen *s = &f.seen[f.member[r]];
            if (!s->ready || s->hash != f.hash) formed_without_us = false;
        }
        if (formed_without_us) {
            if (cfg->rank != JOB_RANK_AUTO)
                snprintf(res->error, sizeof res->error,
                         "this node is not part of the job: rank %d is held by a node with a "
                         "lower MAC",
                         cfg->rank);
            else
                snprintf(res->error, sizeof res->error,
                         "this node is not part of the job: %u other nodes with lower MACs "
                         "hold every rank",
                         cfg->nodes);
            return -1;
        }
        bool agreed = f.known == cfg->nodes;
        for (unsigned r = 0; agreed && r < cfg->nodes; r++) {
            struct seen *s = &f.seen[f.member[r]];
            if (s != me && (s->known != cfg->nodes || s->hash != f.hash)) agreed = false;
        }
        me->ready = agreed;
        bool all_ready = agreed;
        for (unsigned r = 0; all_ready && r < cfg->nodes; r++)
            if (!f.seen[f.member[r]].ready) all_ready = false;
        uint64_t now = cfg->now_ns();
        if (all_ready || now >= next_hello) {
            send_hello(cfg, me->known, me->ready, me->hash, NULL);
            next_hello = now + hello_ns + (next_hello == start ? jitter : 0);
        }
        if (all_ready) break;
        if (now - start > cfg->timeout_ns) {
            int n = snprintf(res->error, sizeof res->error, "formation timed out: %u of %u nodes",
                             f.known, cfg->nodes);
            if (cfg->rank != JOB_RANK_AUTO) {
                n += snprintf(res->error + n, sizeof res->error - (size_t)n, "; missing ranks:");
                for (unsigned r = 0; r < cfg->nodes && n < (int)sizeof res->error - 8; r++)
                    if (f.member[r] < 0)
                        n += snprintf(res->error + n, sizeof res->error - (size_t)n, " %u", r);
            } else {
                n += snprintf(res->error + n, sizeof res->error - (size_t)n, "; present:");
                for (unsigned r = 0; r < cfg->nodes && n < (int)sizeof res->error - 20; r++)
                    if (f.member[r] >= 0) {
                        char m[18];
                        mac_str(f.seen[f.member[r]].mac, m);
                        n += snprintf(res->error + n, sizeof res->error - (size_t)n, " %s", m);
                    }
            }
            if (f.known == cfg->nodes && n < (int)sizeof res->error - 40) {
                n += snprintf(res->error + n, sizeof res->error - (size_t)n, "; not confirmed by:");
                for (unsigned r = 0; r < cfg->nodes && n < (int)sizeof res->error - 8; r++) {
                    struct seen *s = &f.seen[f.member[r]];
                    if (s != me && !s->ready)
                        n += snprintf(res->error + n, sizeof res->error - (size_t)n, " %u", r);
                }
            }
            return -1;
        }
    }
    res->nodes = cfg->nodes;
    struct sip_key nk = {0x706f72746f2d6e6full, cfg->job_id}; /* a public hash, not a MAC */
    struct sip_state ns;
    sip_init(&ns, &nk);
    for (unsigned r = 0; r < cfg->nodes; r++) {
        memcpy(res->macs[r], f.seen[f.member[r]].mac, 6);
        res->contribs[r] = f.seen[f.member[r]].contrib;
        sip_update(&ns, res->macs[r], 6);
        sip_update(&ns, &res->contribs[r], 8);
        if (f.member[r] == (int)(me - f.seen)) res->rank = (int)r;
    }
    res->nonce = sip_final(&ns);
    return 0;
}

void job_form_answer(const struct job_form_config *cfg, const struct job_form_result *res,
                     const void *frame, size_t len)
{
    struct job_form_result scratch;
    struct seen h;
    memset(&scratch, 0, sizeof scratch);
    if (!parse_hello(cfg, &scratch, frame, len, &h)) return;
    /* A member still forming: ready or not, it may have missed our last ready HELLO. */
    for (unsigned r = 0; r < res->nodes; r++) {
        if (!memcmp(res->macs[r], h.mac, 6)) {
            uint32_t hash = list_hash((const uint8_t(*)[6])res->macs, res->contribs, res->nodes);
            if (h.ready && h.hash == hash && h.known == res->nodes)
                return; /* it knows everything; it is waiting for others, not for us */
            send_hello(cfg, (uint16_t)res->nodes, 1, hash, h.mac);
            return;
        }
    }
}

void job_identity(const struct job_form_config *cfg, const struct job_form_result *res,
                  struct job_identity *id)
{
    /* Without a key everything here is computable by whoever saw the HELLOs: it separates
     * runs and jobs, and defeats blind guesses, not an attacker on the segment. */
    struct sip_key k = {cfg->job_id, res->nonce};
    uint8_t label[8] = {'p', 'o', 'r', 't', 'o', '-', 'i', 0};
    id->wire_job = (uint32_t)siphash24(&k, label, 8);
    label[7] = 1;
    id->seq_seed = siphash24(&k, label, 8);
    id->keyed = cfg->key != NULL;
    memset(id->session_key, 0, sizeof id->session_key);
    if (cfg->key) {
        /* The session key: the job's key bound to this job id and this run's nonce. */
        struct sip_key jk;
        sip_key_load(&jk, cfg->key);
        uint8_t in[24];
        memcpy(in, &cfg->job_id, 8);
        memcpy(in + 8, &res->nonce, 8);
        for (int half = 0; half < 2; half++) {
            memcpy(in + 16, "porto-s", 7);
            in[23] = (uint8_t)half;
            uint64_t w = siphash24(&jk, in, sizeof in);
            memcpy(id->session_key + 8 * half, &w, 8);
        }
    }
}
