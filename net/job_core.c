/*
 * net/job_core.c — the SPMD job layer of both runtimes (net/job_core.h). job_core_start()
 * opens the platform's link, forms the job (net/job_form.c), starts the Active Port engine,
 * shares rank 0's argv and starts main on every rank after a barrier. While the app runs,
 * ranks other than 0 forward their output to rank 0 line by line (reliable sends to
 * JOB_PORT_IO); rank 0 prints each line once, whole, tagged "[r] ". At exit every rank reports its
 * code and run time to rank 0 (JOB_PORT_CTL), which prints the summary, tells every node to shut
 * down, and exits with the first non-zero code. A rank exiting non-zero (a fault included) ends the
 * job at once; a rank that stops answering is declared dead after peertimeout.
 */
#include "net/job_core.h"
#include "kernel/cmdline.h"
#include "net/ap.h"
#include "net/job.h"
#include "net/job_argv.h"
#include "net/job_form.h"
#include "net/siphash.h"
#include "porto.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum ctl_kind { CTL_EXIT = 1, CTL_SHUTDOWN = 2, CTL_PING = 3 };
struct ctl_msg {
    uint32_t kind;
    int32_t code;
    uint64_t run_ns;
};

#define LINE_MAX_BYTES 240
#define ARGV_BYTES     1024
#define NO_CODE        (-1000)

static const struct job_platform *plat;
static struct ap job_ap;
static struct link *job_link;
static struct job_form_config form_cfg;
static struct job_form_result form_res;
static bool in_job;
static int my_rank, n_ranks;
static uint64_t main_start_ns;
static char line_buf[LINE_MAX_BYTES];
static size_t line_len;
static char prefix[12];
static char argv_buf[ARGV_BYTES];
static uint8_t job_key[JOB_KEY_LEN];
static int64_t peer_s, coll_s;

/* Rank 0's view of the others. */
static int exit_code[JOB_MAX_NODES];
static uint64_t run_ns[JOB_MAX_NODES];
static bool shutdown_seen;
static bool finishing; /* inside the exit hook: handlers must not start another exit */
static uint8_t ctl_slots[JOB_MAX_NODES][sizeof(struct ctl_msg)];
#define IO_SLOT_BYTES (LINE_MAX_BYTES + 16)
static uint8_t io_slots[JOB_MAX_NODES * IO_SLOT_BYTES];

int porto_rank(void)
{
    return in_job ? my_rank : 0;
}
int porto_nodes(void)
{
    return in_job ? n_ranks : 1;
}
struct ap *porto_ap(void)
{
    return in_job ? &job_ap : NULL;
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
    char line[320];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    plat->print(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

static void log_line(const char *line)
{
    say("%s\n", line);
}

/* One pass of the engine in the job layer's own loops; idle when nothing moved. */
static void poll_step(void)
{
    if (ap_poll(&job_ap) == 0 && plat->idle) plat->idle(plat->idle_arg);
}

static void on_io(struct ap *ap, int src, int port, void *data, size_t len, void *arg)
{
    (void)ap, (void)port, (void)arg;
    if (my_rank != 0) return; /* output goes to rank 0 only */
    char tag[12];
    int n = snprintf(tag, sizeof tag, "[%d] ", src);
    plat->print_raw(tag, (size_t)n);
    plat->print_raw(data, len);
    if (len == 0 || ((char *)data)[len - 1] != '\n') plat->print_raw("\n", 1);
}

static void on_ctl(struct ap *ap, int src, int port, void *data, size_t len, void *arg)
{
    (void)ap, (void)port, (void)arg;
    struct ctl_msg m;
    if (len != sizeof m) return;
    memcpy(&m, data, sizeof m);
    /* Exit reports go to rank 0 from the others; only rank 0 says shut down. */
    if (m.kind == CTL_EXIT && my_rank == 0 && src != 0) {
        exit_code[src] = m.code;
        run_ns[src] = m.run_ns;
        if (m.code != 0 && !finishing) {
            say("job: rank %d exited with code %d%s: ending the job\n", src, (int)m.code,
                m.code == PORTO_EXIT_FAULT ? " (CPU fault)" : "");
            plat->exit(m.code); /* from a handler, inside main: the normal exit path */
        }
    } else if (m.kind == CTL_SHUTDOWN && my_rank != 0 && src == 0) {
        shutdown_seen = true;
        if (m.code != 0 && !finishing) /* the job was aborted while we still run */
            plat->exit(PORTO_EXIT_JOB);
    }
}

/* Output tap of ranks other than 0: forward whole lines, without waiting for rank 0 while
 * fewer than OUT_SLOTS lines are in flight (rank 0 acknowledges only when it polls). */
#define OUT_SLOTS 32
static struct out_slot {
    struct ap_req req;
    bool busy;
    char text[LINE_MAX_BYTES];
} out_slots[OUT_SLOTS];
static unsigned out_next;
static bool out_dead; /* rank 0 gone: print locally only */

static void forward_line(void)
{
    if (line_len == 0 || out_dead) {
        line_len = 0;
        return;
    }
    struct out_slot *o = &out_slots[out_next++ % OUT_SLOTS];
    if (o->busy && ap_wait(&job_ap, &o->req) < 0) out_dead = true;
    o->busy = false;
    memcpy(o->text, line_buf, line_len);
    if (!out_dead && ap_isend_fc(&job_ap, &o->req, 0, JOB_PORT_IO, o->text, line_len) == 0)
        o->busy = true;
    line_len = 0;
}

/* Wait until rank 0 has every forwarded line. */
static void drain_output(void)
{
    forward_line();
    for (unsigned i = 0; i < OUT_SLOTS; i++)
        if (out_slots[i].busy) {
            ap_wait(&job_ap, &out_slots[i].req);
            out_slots[i].busy = false;
        }
}

static void io_tap(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        line_buf[line_len++] = s[i];
        if (s[i] == '\n' || line_len == LINE_MAX_BYTES) forward_line();
    }
}

static void on_foreign(void *arg, const void *frame, size_t len)
{
    (void)arg;
    job_form_answer(&form_cfg, &form_res, frame, len);
}

static void bad_arg(const char *key, const char *why)
{
    say("job: bad command line: %s= %s\n", key, why);
    plat->exit(PORTO_EXIT_PANIC);
}

static const char *arg(const char *key)
{
    return cmdline_get(plat->words, key);
}

static int64_t arg_int(const char *key, int64_t def)
{
    bool ok = true;
    int64_t v = cmdline_get_int(plat->words, key, def, &ok);
    if (!ok) bad_arg(key, "is not a number");
    return v;
}

/* A timeout in whole seconds, 1 s .. 1 day: 0, negative or huge values are refused, not
 * wrapped. */
static int64_t arg_seconds(const char *key, int64_t def)
{
    int64_t v;
    if (cmdline_get_range(plat->words, key, def, 1, 86400, &v) < 0)
        bad_arg(key, "must be a whole number of seconds, 1..86400");
    return v;
}

static void share_argv(void)
{
    /* Rank 0's argv wins: every rank gets the same argument vector. */
    uint32_t len = 0;
    if (my_rank == 0) {
        for (int i = 1; i < *plat->argc; i++) {
            size_t l = strlen(plat->argv[i]) + 1;
            if (len + l > ARGV_BYTES) break;
            memcpy(argv_buf + len, plat->argv[i], l);
            len += (uint32_t)l;
        }
    }
    int r = job_argv_share(&job_ap, argv_buf, ARGV_BYTES, &len);
    if (r < 0) {
        say("job: could not receive argv from rank 0: %s\n", ap_strerror(r));
        plat->exit(PORTO_EXIT_JOB);
    }
    if (my_rank == 0) return;
    int argc = 1; /* argv[0] stays this node's own */
    for (uint32_t off = 0; off < len && argc < plat->max_args;) {
        plat->argv[argc++] = argv_buf + off;
        off += (uint32_t)strnlen(argv_buf + off, len - off) + 1;
    }
    plat->argv[argc] = NULL;
    *plat->argc = argc;
}

static void send_shutdown(int code)
{
    struct ctl_msg m = {CTL_SHUTDOWN, code, 0};
    for (int r = 1; r < n_ranks; r++)
        if (ap_peer_alive(&job_ap, r)) ap_send_fc(&job_ap, r, JOB_PORT_CTL, &m, sizeof m);
}

static void print_summary(int job_code)
{
    plat->set_prefix(NULL);
    say("job: summary, %d ranks, job id 0x%016llx\n", n_ranks, (unsigned long long)form_cfg.job_id);
    say("job:  rank  exit  run time\n");
    for (int r = 0; r < n_ranks; r++) {
        if (exit_code[r] == NO_CODE)
            say("job: %5d     -  stopped answering (no exit report)\n", r);
        else
            say("job: %5d %5d  %lu.%06lu s%s\n", r, exit_code[r],
                (unsigned long)(run_ns[r] / 1000000000u),
                (unsigned long)(run_ns[r] / 1000 % 1000000),
                exit_code[r] == PORTO_EXIT_FAULT ? "  (CPU fault)" : "");
    }
    say("job: exit code %d\n", job_code);
}

/* Rank 0: wait for every report (peers are pinged so a dead one is found), then summary. */
static int rank0_finish(int code, bool abort)
{
    exit_code[0] = code;
    run_ns[0] = plat->now_ns() - main_start_ns;
    if (abort) send_shutdown(code);
    uint64_t deadline = abort ? plat->now_ns() + 2000000000ull : UINT64_MAX;
    static struct ap_req pings[JOB_MAX_NODES];
    static bool ping_busy[JOB_MAX_NODES];
    struct ctl_msg ping = {CTL_PING, 0, 0};
    for (;;) {
        bool all = true;
        for (int r = 1; r < n_ranks; r++) {
            if (exit_code[r] != NO_CODE) continue;
            if (!ap_peer_alive(&job_ap, r)) continue;
            all = false;
            /* A 0-byte-ish reliable ping keeps frames outstanding, so a silent peer is
             * declared dead after peertimeout instead of being waited for forever. */
            if (ping_busy[r] && ap_test(&job_ap, &pings[r]) <= 0) ping_busy[r] = false;
            if (!ping_busy[r] &&
                ap_isend_fc(&job_ap, &pings[r], r, JOB_PORT_CTL, &ping, sizeof ping) == 0)
                ping_busy[r] = true;
        }
        if (all || plat->now_ns() > deadline) break;
        poll_step();
    }
    for (int r = 1; r < n_ranks; r++)
        if (ping_busy[r]) ap_wait(&job_ap, &pings[r]);
    int job_code = 0;
    for (int r = 0; r < n_ranks && !job_code; r++)
        job_code = exit_code[r] == NO_CODE ? PORTO_EXIT_JOB : exit_code[r];
    if (!abort) send_shutdown(job_code);
    print_summary(job_code);
    return job_code;
}

static int job_exit_hook(int code)
{
    if (!in_job || finishing) return code;
    finishing = true;
    uint64_t ran = main_start_ns ? plat->now_ns() - main_start_ns : 0;
    main_start_ns = main_start_ns ? main_start_ns : plat->now_ns();
    if (my_rank == 0) return rank0_finish(code, code != 0);
    drain_output();
    plat->set_tap(NULL);
    struct ctl_msg m = {CTL_EXIT, code, ran};
    if (ap_send_fc(&job_ap, 0, JOB_PORT_CTL, &m, sizeof m) < 0) {
        say("job: rank 0 does not answer; stopping\n");
        return code;
    }
    /* Keep serving the engine (acks, retransmissions) until rank 0 says we are done. */
    uint64_t deadline = plat->now_ns() + 60000000000ull;
    while (!shutdown_seen && ap_peer_alive(&job_ap, 0) && plat->now_ns() < deadline)
        poll_step();
    ap_flush(&job_ap);
    return code;
}

void job_core_start(const struct job_platform *p)
{
    plat = p;
    int64_t nodes = arg_int("nodes", 1);
    int64_t cores = plat->cores > 1 ? plat->cores : 1;
    if (nodes <= 1 && cores == 1 && !arg("rank")) return;
    if (nodes < 1 || nodes * cores > JOB_MAX_NODES) {
        say("job: bad command line: nodes=%ld with %ld cores each (1..%d ranks)\n", (long)nodes,
            (long)cores, JOB_MAX_NODES);
        plat->exit(PORTO_EXIT_PANIC);
    }
    int64_t rank = arg("rank") ? arg_int("rank", 0) : JOB_RANK_AUTO;
    if (rank != JOB_RANK_AUTO && (rank < 0 || rank >= nodes)) {
        say("job: bad command line: rank=%ld with nodes=%ld\n", (long)rank, (long)nodes);
        plat->exit(PORTO_EXIT_PANIC);
    }
    if (rank != JOB_RANK_AUTO) rank = rank * cores + plat->core;
    nodes *= cores;
    int kr = cmdline_get_hex(plat->words, "key", job_key, sizeof job_key);
    if (kr < 0) bad_arg("key", "must be 32 hex digits (a 128-bit key)");
    uint64_t job_id = 0;
    int jr = cmdline_get_u64(plat->words, "job", &job_id);
    if (jr < 0) bad_arg("job", "must be a number below 2^64 (decimal or 0x hex)");
    if (jr == 0 && kr > 0) {
        /* A key alone names the job: only holders of the key can take part anyway. */
        struct sip_key k;
        sip_key_load(&k, job_key);
        job_id = siphash24(&k, "porto-job", 9);
    }
    if (kr == 0)
        say("job: WARNING: no key= on the command line: frames are NOT authenticated; "
            "anyone on this Ethernet segment can read, forge or replay them\n");
    int64_t join_s = arg_seconds("jointimeout", 60);
    peer_s = arg_seconds("peertimeout", 10);
    coll_s = arg_seconds("colltimeout", 60);
    job_link = plat->open_link((unsigned)nodes, (int)rank); /* no NIC: reported first */
    if (!job_link) plat->exit(PORTO_EXIT_JOB);
    if (jr == 0 && kr == 0)
        bad_arg("job", "is required for a job without a key (every run needs its own id)");
    form_cfg = (struct job_form_config){
        .link = job_link,
        .now_ns = plat->now_ns,
        .job_id = job_id,
        .key = kr > 0 ? job_key : NULL,
        .contrib = plat->entropy(job_link->mac),
        .nodes = (unsigned)nodes,
        .rank = (int)rank,
        .timeout_ns = (uint64_t)join_s * 1000000000ull,
        .log = log_line,
        .idle = plat->idle,
        .idle_arg = plat->idle_arg,
    };
    say("job: forming job 0x%016llx of %ld ranks (%s ranks, %s)\n", (unsigned long long)job_id,
        (long)nodes, rank == JOB_RANK_AUTO ? "automatic" : "given",
        kr > 0 ? "frames authenticated (SipHash-2-4)" : "no key");
    uint64_t t0 = plat->now_ns();
    if (job_form(&form_cfg, &form_res) < 0) {
        say("job: %s\n", form_res.error);
        plat->exit(PORTO_EXIT_JOB);
    }
    my_rank = form_res.rank;
    n_ranks = (int)form_res.nodes;
    say("job: formed in %lu ms: rank %d of %d\n", (unsigned long)((plat->now_ns() - t0) / 1000000),
        my_rank, n_ranks);
    if (kr > 0) {
        /* What the per-frame tag costs on this CPU (twice per frame: sender and receiver). */
        struct sip_key k;
        sip_key_load(&k, job_key);
        uint64_t c0 = plat->now_ns();
        volatile uint64_t sink = siphash24(&k, io_slots, sizeof io_slots);
        (void)sink;
        say("job: frames authenticated with SipHash-2-4: %lu ns/KB on this CPU\n",
            (unsigned long)((plat->now_ns() - c0) * 1024 / sizeof io_slots));
    }
    for (int r = 0; r < n_ranks; r++) {
        const uint8_t *m = form_res.macs[r];
        say("job:   rank %d  %02x:%02x:%02x:%02x:%02x:%02x\n", r, m[0], m[1], m[2], m[3], m[4],
            m[5]);
    }
    struct job_identity id;
    job_identity(&form_cfg, &form_res, &id);
    struct ap_config cfg = {
        .nodes = (unsigned)n_ranks,
        .rank = (unsigned)my_rank,
        .job_id = id.wire_job,
        .key = id.keyed ? id.session_key : NULL,
        .seq_seed = id.seq_seed,
        .macs = (const uint8_t(*)[6])form_res.macs,
        .link = job_link,
        .now_ns = plat->now_ns,
        .idle = plat->idle,
        .idle_arg = plat->idle_arg,
        .crc = arg_int("crc", 0) != 0,
        .window = (unsigned)arg_int("window", 0),
        .giveup_ns = (uint64_t)peer_s * 1000000000ull,
        .rto_min_ns = (uint64_t)arg_int("rtomin", 0) * 1000000ull, /* ms; 0: engine's */
        .coll_timeout_ns = (uint64_t)coll_s * 1000000000ull,
        /* Given ranks put a machine's cores in one block; automatic ones follow MAC order. */
        .node_ranks = plat->cores > 1 && arg("rank") ? plat->cores : 1,
    };
    int ir = ap_init(&job_ap, &cfg);
    memset(&id, 0, sizeof id); /* the engine keeps its own copy of the session key */
    if (ir < 0) {
        say("job: engine: %s\n", ap_error(&job_ap));
        plat->exit(PORTO_EXIT_JOB);
    }
    ap_set_foreign(&job_ap, on_foreign, NULL);
    in_job = true;
    for (int r = 0; r < JOB_MAX_NODES; r++)
        exit_code[r] = NO_CODE;
    size_t io_size = (size_t)n_ranks * IO_SLOT_BYTES;
    /* FC only: a best-effort frame has no sequence number to check, so it could come from
     * anyone on the segment (without a key). */
    if (ap_port_open(&job_ap, JOB_PORT_CTL, ctl_slots, (size_t)n_ranks * sizeof(struct ctl_msg),
                     on_ctl, NULL, AP_PORT_SLOTS | AP_PORT_FC_ONLY) < 0 ||
        ap_port_open(&job_ap, JOB_PORT_IO, io_slots, io_size, on_io, NULL,
                     AP_PORT_SLOTS | AP_PORT_FC_ONLY) < 0) {
        say("job: could not open the job ports\n");
        plat->exit(PORTO_EXIT_JOB);
    }
    plat->at_exit(job_exit_hook);
    share_argv();
    if (ap_barrier(&job_ap) < 0) {
        say("job: the start barrier failed\n");
        plat->exit(PORTO_EXIT_JOB);
    }
    main_start_ns = plat->now_ns();
    snprintf(prefix, sizeof prefix, "[%d] ", my_rank);
    if (my_rank == 0)
        plat->set_prefix(prefix);
    else
        plat->set_tap(io_tap);
}
