/*
 * apps/pingpong/opts.c — the ping-pong benchmark's argv: modes and key=value words, e.g.
 *   -- be fc stream max=4M samples=1000 budget=64M gamma=3x50
 * (rank 0's argv is shared with every rank by the job layer). `pp_print_opts` prints the
 * counts actually used so every result says how it was measured.
 */
#include "apps/pingpong/pingpong.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: pingpong [be] [fc] [stream] [raw] [all] [key=value ...]\n"
    "  modes (default all): be, fc = engine ping-pong best effort / flow controlled;\n"
    "  stream = one-way transmission throughput (FC, then BE with a count check; with raw\n"
    "  also raw frames); raw = ping-pong straight through the NIC (Porto's floor)\n"
    "  max=BYTES (4M)  samples=N (1000)  budget=BYTES (64M)  minsamples=N (20)\n"
    "  gamma=RUNSxLEN (3x50)  warmup=N (20)  warmup_ms=MS (1000, before the first size)\n"
    "  streammsg=BYTES (64K)  streambytes=BYTES (512M)\n"
    "  depth=N (8 sends in flight)  timeout_us=US (20000)  timeout_us_per_mb=US (100000)\n"
    "  verify=0|1 (1)  blocks=N (4: each size's samples in N blocks, transports in turn)\n"
    "  BYTES take K, M, G suffixes (powers of 1024)\n";

void pp_print_usage(void)
{
    fputs(usage, stdout);
}

static int bad(const char *word, const char *why)
{
    printf("pingpong: argument '%s': %s\n%s", word, why, usage);
    return -1;
}

/* key=value with the value a byte count in [lo, hi]. */
static int byte_arg(const char *word, const char *val, uint64_t lo, uint64_t hi, uint64_t *out)
{
    uint64_t v;
    if (bench_parse_bytes(val, &v) < 0)
        return bad(word, "expected a number (K, M, G suffixes allowed)");
    if (v < lo || v > hi) {
        char why[96];
        snprintf(why, sizeof why, "expected %llu to %llu", (unsigned long long)lo,
                 (unsigned long long)hi);
        return bad(word, why);
    }
    *out = v;
    return 0;
}

int pp_parse_opts(int argc, char **argv, struct pp_opts *o)
{
    *o = (struct pp_opts){
        .max_size = 4u << 20,
        .samples = 1000,
        .budget = 64u << 20,
        .min_samples = 20,
        .gamma_runs = 3,
        .gamma_len = 50,
        .warmup = 20,
        .warmup_ms = 1000,
        .stream_msg = 64u << 10,
        .stream_bytes = 512u << 20,
        .stream_depth = 8,
        .timeout_us = 20000,
        .timeout_us_per_mb = 100000,
        .verify = true,
        .blocks = 4,
    };
    bool any_mode = false;
    for (int i = 1; i < argc; i++) {
        const char *w = argv[i];
        const char *eq = strchr(w, '=');
        uint64_t v;
        if (!eq) {
            any_mode = true;
            if (strcmp(w, "be") == 0)
                o->run_be = true;
            else if (strcmp(w, "fc") == 0)
                o->run_fc = true;
            else if (strcmp(w, "stream") == 0)
                o->run_stream = true;
            else if (strcmp(w, "raw") == 0)
                o->run_raw = true;
            else if (strcmp(w, "all") == 0)
                o->run_be = o->run_fc = o->run_stream = o->run_raw = true;
            else
                return bad(w, "unknown mode");
            continue;
        }
        size_t klen = (size_t)(eq - w);
        const char *val = eq + 1;
#define KEY(name) (klen == sizeof(name) - 1 && strncmp(w, name, klen) == 0)
        if (KEY("max")) {
            if (byte_arg(w, val, 0, 64u << 20, &v)) return -1;
            o->max_size = (size_t)v;
        } else if (KEY("samples")) {
            if (byte_arg(w, val, 1, 1000000, &v)) return -1;
            o->samples = (size_t)v;
        } else if (KEY("budget")) {
            if (byte_arg(w, val, 1, 1ull << 40, &v)) return -1;
            o->budget = v;
        } else if (KEY("minsamples")) {
            if (byte_arg(w, val, 1, 1000000, &v)) return -1;
            o->min_samples = (size_t)v;
        } else if (KEY("gamma")) {
            unsigned long runs, len;
            char tail;
            if (sscanf(val, "%lux%lu%c", &runs, &len, &tail) != 2 || runs < 1 || len < 1 ||
                runs > 100 || len > 100000)
                return bad(w, "expected RUNSxLEN, e.g. 3x50");
            o->gamma_runs = runs;
            o->gamma_len = len;
        } else if (KEY("warmup_ms")) {
            if (byte_arg(w, val, 0, 600000, &v)) return -1;
            o->warmup_ms = v;
        } else if (KEY("warmup")) {
            if (byte_arg(w, val, 0, 100000, &v)) return -1;
            o->warmup = (size_t)v;
        } else if (KEY("streammsg")) {
            if (byte_arg(w, val, 1, 64u << 20, &v)) return -1;
            o->stream_msg = (size_t)v;
        } else if (KEY("streambytes")) {
            if (byte_arg(w, val, 1, 1ull << 40, &v)) return -1;
            o->stream_bytes = v;
        } else if (KEY("depth")) {
            if (byte_arg(w, val, 1, 64, &v)) return -1;
            o->stream_depth = (unsigned)v;
        } else if (KEY("timeout_us")) {
            if (byte_arg(w, val, 100, 60000000, &v)) return -1;
            o->timeout_us = v;
        } else if (KEY("timeout_us_per_mb")) {
            if (byte_arg(w, val, 0, 60000000, &v)) return -1;
            o->timeout_us_per_mb = v;
        } else if (KEY("blocks")) {
            if (byte_arg(w, val, 1, 1000, &v)) return -1;
            o->blocks = (unsigned)v;
        } else if (KEY("verify")) {
            if (strcmp(val, "0") && strcmp(val, "1")) return bad(w, "expected 0 or 1");
            o->verify = val[0] == '1';
        } else {
            return bad(w, "unknown key");
        }
#undef KEY
    }
    if (!any_mode) o->run_be = o->run_fc = o->run_stream = o->run_raw = true;
    if (o->stream_msg > o->stream_bytes) return bad("streammsg", "larger than streambytes");
    return 0;
}

void pp_print_opts(const struct pp_opts *o)
{
    printf("INFO pingpong modes=%s%s%s%s max=%zu samples=%zu budget=%llu minsamples=%zu "
           "gamma=%zux%zu warmup=%zu warmup_ms=%llu streammsg=%zu streambytes=%llu depth=%u "
           "timeout_us=%llu "
           "timeout_us_per_mb=%llu verify=%d blocks=%u\n",
           o->run_raw ? "raw," : "", o->run_be ? "be," : "", o->run_fc ? "fc," : "",
           o->run_stream ? "stream," : "", o->max_size, o->samples, (unsigned long long)o->budget,
           o->min_samples, o->gamma_runs, o->gamma_len, o->warmup, (unsigned long long)o->warmup_ms,
           o->stream_msg, (unsigned long long)o->stream_bytes, o->stream_depth,
           (unsigned long long)o->timeout_us, (unsigned long long)o->timeout_us_per_mb, o->verify,
           o->blocks);
}
