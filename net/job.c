/*
 * net/job.c — the job layer on the bare machine. job_start() (called by kmain before main)
 * opens the NIC, forms the job (net/job_form.c), starts the Active Port engine, shares rank
 * 0's argv and starts main on every rank after a barrier. While the app runs, ranks other than
 * 0 forward their console output to rank 0 line by line (reliable sends to JOB_PORT_IO); rank
 * 0 prints each line once, whole, tagged "[r] ". At exit every rank reports its code and run
 * time to rank 0 (JOB_PORT_CTL), which prints the summary, tells every node to shut down, and
 * exits with the first non-zero code. A rank exiting non-zero (a fault included) ends the job
 * at once; a rank that stops answering is declared dead after peertimeout.
 */
#include "net/job.h"
#include "drivers/nic.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/kernel.h"
#include "kernel/tsc.h"
#include "net/ap.h"
#include "net/job_argv.h"
#include "net/job_form.h"
#include "net/siphash.h"
#include "porto.h"
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

static struct ap job_ap;
static struct link job_link;
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
static char *argv_ptrs[CMDLINE_MAX_ARGS + 1];

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

static void log_line(const char *line)
{
    kprintf("%s\n", line);
}

static void on_io(struct ap *ap, int src, int port, void *data, size_t len, void *arg)
{
    (void)ap, (void)port, (void)arg;
    if (my_rank != 0) return; /* output goes to rank 0 only */
    char tag[12];
    int n = ksnprintf(tag, sizeof tag, "[%d] ", src);
    console_write_raw(tag, (size_t)n);
    console_write_raw(data, len);
    if (len == 0 || ((char *)data)[len - 1] != '\n') console_write_raw("\n", 1);
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
            kprintf("job: rank %d exited with code %d%s: ending the job\n", src, m.code,
                    m.code == PORTO_EXIT_FAULT ? " (CPU fault)" : "");
            kernel_exit(m.code); /* from a handler, inside main: the normal exit path */
        }
    } else if (m.kind == CTL_SHUTDOWN && my_rank != 0 && src == 0) {
        shutdown_seen = true;
        if (m.code != 0 && !finishing) /* the job was aborted while we still run */
            kernel_exit(PORTO_EXIT_JOB);
    }
}

/* Console tap of ranks other than 0: forward whole lines, without waiting for rank 0 while
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

static uint64_t clock_ns(void)
{
    return time_ns();
}

static void bad_arg(const char *key, const char *why)
{
    kprintf("job: bad command line: %s= %s\n", key, why);
    kernel_exit(PORTO_EXIT_PANIC);
}

/* A timeout in whole seconds, 1 s .. 1 day: 0, negative or huge values are refused, not
 * wrapped. */
static int64_t arg_seconds(const char *key, int64_t def)
{
    int64_t v;
    if (cmdline_get_range(&boot_cmdline, key, def, 1, 86400, &v) < 0)
        bad_arg(key, "must be a whole number of seconds, 1..86400");
    return v;
}

/* This node's share of the run's nonce: unpredictable enough that no two runs agree on it
 * (the TSC at boot depends on firmware, device and QEMU timing, mixed with the MAC). */
static uint64_t boot_entropy(const uint8_t mac[6])
{
    uint64_t in[3] = {tsc_now(), time_ns(), 0};
    memcpy(&in[2], mac, 6);
    for (int i = 0; i < 64; i++)
        in[1] ^= tsc_now() << (i % 32); /* timing jitter of the loop itself */
    struct sip_key k = {in[0], in[1]};
    return siphash24(&k, in, sizeof in);
}

static void share_argv(void)
{
    /* Rank 0's argv wins: every rank gets the same argument vector. */
    uint32_t len = 0;
    if (my_rank == 0) {
        for (int i = 1; i < boot_cmdline.argc; i++) {
            size_t l = strlen(boot_cmdline.argv[i]) + 1;
            if (len + l > ARGV_BYTES) break;
            memcpy(argv_buf + len, boot_cmdline.argv[i], l);
            len += (uint32_t)l;
        }
    }
    int r = job_argv_share(&job_ap, argv_buf, ARGV_BYTES, &len);
    if (r < 0) {
        kprintf("job: could not receive argv from rank 0: %s\n", ap_strerror(r));
        kernel_exit(PORTO_EXIT_JOB);
    }
    if (my_rank == 0) return;
    int argc = 0;
    argv_ptrs[argc++] = boot_cmdline.argv[0];
    for (uint32_t off = 0; off < len && argc < CMDLINE_MAX_ARGS;) {
        argv_ptrs[argc++] = argv_buf + off;
        off += (uint32_t)strnlen(argv_buf + off, len - off) + 1;
    }
    argv_ptrs[argc] = NULL;
    boot_cmdline.argc = argc;
    for (int i = 0; i <= argc; i++)
        boot_cmdline.argv[i] = argv_ptrs[i];
}

static void send_shutdown(int code)
{
    struct ctl_msg m = {CTL_SHUTDOWN, code, 0};
    for (int r = 1; r < n_ranks; r++)
        if (ap_peer_alive(&job_ap, r)) ap_send_fc(&job_ap, r, JOB_PORT_CTL, &m, sizeof m);
}

static void print_summary(int job_code)
{
    console_set_prefix(NULL);
    kprintf("job: summary, %d ranks, job id 0x%016lx\n", n_ranks, (unsigned long)form_cfg.job_id);
    kprintf("job:  rank  exit  run time\n");
    for (int r = 0; r < n_ranks; r++) {
        if (exit_code[r] == NO_CODE)
            kprintf("job: %5d     -  stopped answering (no exit report)\n", r);
        else
            kprintf("job: %5d %5d  %lu.%06lu s%s\n", r, exit_code[r], run_ns[r] / 1000000000u,
                    run_ns[r] / 1000 % 1000000,
                    exit_code[r] == PORTO_EXIT_FAULT ? "  (CPU fault)" : "");
    }
    kprintf("job: exit code %d\n", job_code);
}

/* Rank 0: wait for every report (peers are pinged so a dead one is found), then summary. */
static int rank0_finish(int code, bool abort)
{
    exit_code[0] = code;
    run_ns[0] = time_ns() - main_start_ns;
    if (abort) send_shutdown(code);
    uint64_t deadline = abort ? time_ns() + 2000000000ull : UINT64_MAX;
    struct ap_req pings[JOB_MAX_NODES];
    bool ping_busy[JOB_MAX_NODES] = {0};
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
        if (all || time_ns() > deadline) break;
        ap_poll(&job_ap);
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
    uint64_t ran = main_start_ns ? time_ns() - main_start_ns : 0;
    main_start_ns = main_start_ns ? main_start_ns : time_ns();
    if (my_rank == 0) return rank0_finish(code, code != 0);
    drain_output();
    console_set_tap(NULL);
    struct ctl_msg m = {CTL_EXIT, code, ran};
    if (ap_send_fc(&job_ap, 0, JOB_PORT_CTL, &m, sizeof m) < 0) {
        kprintf("job: rank 0 does not answer; stopping\n");
        return code;
    }
    /* Keep serving the engine (acks, retransmissions) until rank 0 says we are done. */
    uint64_t deadline = time_ns() + 60000000000ull;
    while (!shutdown_seen && ap_peer_alive(&job_ap, 0) && time_ns() < deadline)
        ap_poll(&job_ap);
    return code;
}

void job_start(void)
{
    int64_t nodes = karg_int("nodes", 1);
    if (nodes <= 1 && !karg("rank")) return;
    if (nodes < 1 || nodes > JOB_MAX_NODES) {
        kprintf("job: bad command line: nodes=%ld (1..%d)\n", nodes, JOB_MAX_NODES);
        kernel_exit(PORTO_EXIT_PANIC);
    }
    int64_t rank = karg("rank") ? karg_int("rank", 0) : JOB_RANK_AUTO;
    if (rank != JOB_RANK_AUTO && (rank < 0 || rank >= nodes)) {
        kprintf("job: bad command line: rank=%ld with nodes=%ld\n", rank, nodes);
        kernel_exit(PORTO_EXIT_PANIC);
    }
    int kr = cmdline_get_hex(&boot_cmdline, "key", job_key, sizeof job_key);
    if (kr < 0) bad_arg("key", "must be 32 hex digits (a 128-bit key)");
    uint64_t job_id = 0;
    int jr = cmdline_get_u64(&boot_cmdline, "job", &job_id);
    if (jr < 0) bad_arg("job", "must be a number below 2^64 (decimal or 0x hex)");
    if (jr == 0 && kr == 0)
        bad_arg("job", "is required for a job without a key (every run needs its own id)");
    if (jr == 0) {
        /* A key alone names the job: only holders of the key can take part anyway. */
        struct sip_key k;
        sip_key_load(&k, job_key);
        job_id = siphash24(&k, "porto-job", 9);
    }
    if (kr == 0)
        kprintf("job: WARNING: no key= on the command line: frames are NOT authenticated; "
                "anyone on this Ethernet segment can read, forge or replay them\n");
    int64_t join_s = arg_seconds("jointimeout", 60);
    peer_s = arg_seconds("peertimeout", 10);
    coll_s = arg_seconds("colltimeout", 60);
    struct nic *nic = nic_require();
    link_from_nic(&job_link, nic);
    form_cfg = (struct job_form_config){
        .link = &job_link,
        .now_ns = clock_ns,
        .job_id = job_id,
        .key = kr > 0 ? job_key : NULL,
        .contrib = boot_entropy(job_link.mac),
        .nodes = (unsigned)nodes,
        .rank = (int)rank,
        .timeout_ns = (uint64_t)join_s * 1000000000ull,
        .log = log_line,
    };
    kprintf("job: forming job 0x%016lx of %ld nodes (%s ranks, %s)\n", (unsigned long)job_id, nodes,
            rank == JOB_RANK_AUTO ? "automatic" : "given",
            kr > 0 ? "frames authenticated (SipHash-2-4)" : "no key");
    uint64_t t0 = time_ns();
    if (job_form(&form_cfg, &form_res) < 0) {
        kprintf("job: %s\n", form_res.error);
        kernel_exit(PORTO_EXIT_JOB);
    }
    my_rank = form_res.rank;
    n_ranks = (int)form_res.nodes;
    kprintf("job: formed in %lu ms: rank %d of %d\n", (time_ns() - t0) / 1000000, my_rank, n_ranks);
    if (kr > 0) {
        /* What the per-frame tag costs on this CPU (twice per frame: sender and receiver). */
        struct sip_key k;
        sip_key_load(&k, job_key);
        uint64_t c0 = time_ns();
        volatile uint64_t sink = siphash24(&k, io_slots, sizeof io_slots);
        (void)sink;
        kprintf("job: frames authenticated with SipHash-2-4: %lu ns/KB on this CPU\n",
                (unsigned long)((time_ns() - c0) * 1024 / sizeof io_slots));
    }
    for (int r = 0; r < n_ranks; r++) {
        const uint8_t *m = form_res.macs[r];
        kprintf("job:   rank %d  %02x:%02x:%02x:%02x:%02x:%02x\n", r, m[0], m[1], m[2], m[3], m[4],
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
        .link = &job_link,
        .now_ns = clock_ns,
        .crc = karg_int("crc", 0) != 0,
        .window = (unsigned)karg_int("window", 0),
        .giveup_ns = (uint64_t)peer_s * 1000000000ull,
        .rto_min_ns = (uint64_t)karg_int("rtomin", 0) * 1000000ull, /* ms; 0: engine's */
        .coll_timeout_ns = (uint64_t)coll_s * 1000000000ull,
    };
    int ir = ap_init(&job_ap, &cfg);
    memset(&id, 0, sizeof id); /* the engine keeps its own copy of the session key */
    if (ir < 0) {
        kprintf("job: engine: %s\n", ap_error(&job_ap));
        kernel_exit(PORTO_EXIT_JOB);
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
        kprintf("job: could not open the job ports\n");
        kernel_exit(PORTO_EXIT_JOB);
    }
    kernel_at_exit(job_exit_hook);
    share_argv();
    if (ap_barrier(&job_ap) < 0) {
        kprintf("job: the start barrier failed\n");
        kernel_exit(PORTO_EXIT_JOB);
    }
    main_start_ns = time_ns();
    ksnprintf(prefix, sizeof prefix, "[%d] ", my_rank);
    if (my_rank == 0)
        console_set_prefix(prefix);
    else
        console_set_tap(io_tap);
}
