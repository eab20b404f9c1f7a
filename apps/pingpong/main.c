/*
 * apps/pingpong — Porto's ping-pong benchmark, GAMMA's methodology: message delay
 * D(S) = half the round trip for S = 0, 1, 2, 4, ... 4 MiB (median, min, p99 over up to 1000
 * round trips, fewer for huge S, and GAMMA's best of 3 averages of 50), end-to-end throughput
 * T(S) = S/D(S), asymptotic bandwidth, half-power point, and transmission throughput (a
 * one-way stream timed at the sender). Modes: engine best effort (be), engine flow controlled
 * (fc), streams (stream) and the raw NIC floor (raw, ping-pong and stream). 2 ranks: rank 0
 * measures and prints, rank 1 serves.
 *   scripts/porto-run -n 2 build/pingpong.elf --kargs mtu=9000 -- all
 *   scripts/porto-run -n 2 build/pingpong.elf --kargs mtu=9000 -- raw be samples=100 max=64K
 * Raw, BE and FC are measured interleaved, size by size (run.c). `make bench` runs it and
 * compares with Linux; tests/qemu/70-pingpong-smoke.sh is the quick
 * check. Options: see opts.c (or run with `-- help`).
 */
#include "apps/pingpong/pingpong.h"
#include "drivers/nic.h"
#include "porto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what, int err)
{
    printf("pingpong: %s: %s\n", what, ap_strerror(err));
    return 1;
}

static int setup(struct pp_ctx *c, const struct pp_opts *o)
{
    memset(c, 0, sizeof *c);
    c->ap = porto_ap();
    c->rank = porto_rank();
    /* tsc_khz= (kernel word) overrides the kernel's calibration, which can be far off under
     * TCG on a loaded host; bench/run passes the host's TSC rate (TCG and KVM guests read
     * the host's TSC). */
    int64_t khz = porto_arg_int("tsc_khz", 0);
    c->hz = khz > 0 ? (uint64_t)khz * 1000 : porto_tsc_hz();
    c->hz_source = khz > 0 ? "tsc_khz" : "kernel";
    struct nic *nic = nic_default();
    if (!c->hz) {
        printf("pingpong: the TSC frequency is unknown\n");
        return -1;
    }
    /* Raw mode drives the NIC itself; a hosted process has no NIC of its own (its link is a
     * socket), so there only the engine's modes run. */
    if (!nic && o->run_raw) {
        printf("pingpong: raw mode needs Porto's own NIC: not available here (hosted Porto has "
               "none); run be, fc and stream only\n");
        return -1;
    }
    if (nic) memcpy(c->nic_mac, nic->mac, 6);
    c->rx_cap = o->max_size > o->stream_msg ? o->max_size : o->stream_msg;
    c->stream_cap = o->stream_msg;
    c->ticks_cap = o->samples > o->gamma_len ? o->samples : o->gamma_len;
    c->tx = malloc(c->rx_cap + 1);
    c->rx_be = malloc(c->rx_cap + 1);
    c->rx_fc = malloc(c->rx_cap + 1);
    c->rx_raw = malloc(c->rx_cap + 1);
    c->rx_stream = malloc(c->stream_cap + 1);
    if (!c->tx || !c->rx_be || !c->rx_fc || !c->rx_raw || !c->rx_stream) {
        printf("pingpong: out of memory for %zu-byte buffers\n", c->rx_cap);
        return -1;
    }
    /* The same pattern on both ranks: an echo must bring back exactly what was sent. */
    for (size_t i = 0; i < c->rx_cap; i++)
        c->tx[i] = (uint8_t)(i * 131 + 7 + (i >> 12));
    int r;
    /* The BE ports share one buffer: one round trip at a time uses it. */
    for (int p = 0; p < PP_BE_PORTS; p++)
        if ((r = ap_port_open(c->ap, PP_PORT_BE + p, c->rx_be, o->max_size, NULL, NULL, 0)) < 0)
            return fail("ap_port_open", r), -1;
    if ((r = ap_port_open(c->ap, PP_PORT_FC, c->rx_fc, o->max_size, NULL, NULL, 0)) < 0 ||
        (r = ap_port_open(c->ap, PP_PORT_STREAM, c->rx_stream, c->stream_cap, NULL, NULL, 0)) < 0 ||
        (r = ap_port_open(c->ap, PP_PORT_CTL, &c->ctl_in, sizeof c->ctl_in, NULL, NULL, 0)) < 0)
        return fail("ap_port_open", r), -1;
    return 0;
}

static int run_rank0(struct pp_ctx *c, const struct pp_opts *o)
{
    struct nic *nic = nic_default();
    pp_print_opts(o);
    printf("INFO pingpong tsc_hz=%llu tsc_source=%s kernel_tsc_hz=%llu nic=%s mtu=%u\n",
           (unsigned long long)c->hz, c->hz_source, (unsigned long long)porto_tsc_hz(),
           nic ? nic->model : "none", nic ? nic->mtu : 0);
    int r = 0, e;
    if ((o->run_raw || o->run_be || o->run_fc) && (r = pp_pingpong(c, o)) < 0)
        printf("pingpong: a ping-pong stopped early: %s\n", ap_strerror(r));
    /* Streams after the ping-pongs; one failing does not stop the others. */
    if (o->run_stream && o->run_raw && (e = pp_raw_stream(c, o)) < 0 && !r) r = e;
    if (o->run_stream && (e = pp_stream(c, o, true)) < 0 && !r) r = e;
    if (o->run_stream && (e = pp_stream(c, o, false)) < 0 && !r) r = e;
    struct pp_msg done = {.cmd = PP_CMD_DONE}, checks;
    int d = pp_ctl_send(c, &done);
    if (d == 0) d = pp_ctl_wait(c, PP_CMD_CHECKS, 10000000000ull, &checks);
    if (r == 0 && d < 0) r = d;
    if (d == 0) {
        /* Every ping-pong payload either rank received, compared with the pattern sent. */
        printf("RESULT impl=porto-payload verify=%d rank0_checked=%llu rank0_mismatch=%llu "
               "rank1_checked=%llu rank1_mismatch=%llu\n",
               o->verify, (unsigned long long)c->checked, (unsigned long long)c->mismatched,
               (unsigned long long)checks.a, (unsigned long long)checks.b);
        if ((c->mismatched || checks.b) && r == 0) r = -AP_EINVAL;
    }
    printf("BENCH-DONE pingpong %s\n", r == 0 ? "ok" : "failed");
    return r;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "help") == 0) {
        pp_print_usage();
        return 0;
    }
    if (!porto_ap() || porto_nodes() != 2) {
        printf("pingpong: needs a job of exactly 2 nodes: scripts/porto-run -n 2 "
               "build/pingpong.elf [-- options]\n");
        return 2;
    }
    struct pp_opts o;
    if (pp_parse_opts(argc, argv, &o) < 0) return 2;
    static struct pp_ctx c;
    if (setup(&c, &o) < 0) return 1;
    int r = ap_barrier(c.ap);
    if (r < 0) return fail("start barrier", r);
    if (c.rank == 0)
        r = run_rank0(&c, &o);
    else
        r = pp_serve(&c, &o);
    if (r < 0 && c.rank != 0) printf("pingpong: serving rank 0 failed: %s\n", ap_strerror(r));
    return r < 0 ? 1 : 0;
}
