/* netbench.c — the Linux peer benchmark of Porto: UDP, TCP (TCP_NODELAY) and TIPC ping-pong
 * over S = 0, 1, 2, 4, ... (TIPC from 1) and one-way TCP and TIPC streams, between a server and
 * a client.
 *   netbench server [--port P]
 *   netbench client --peer IP [--quick] [options]    (netbench --help lists them)
 * The client prints one `RESULT ...` line per measurement, then `BENCH-DONE`. Built static by
 * scripts/linux-peer into build/linux/netbench and run inside two Linux guests; it also runs
 * on the host over loopback: `netbench server & netbench client --peer 127.0.0.1 --quick`. */
#include "netbench.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: netbench server [--port P]\n"
            "       netbench client --peer IPv4 [--port P] [--quick]\n"
            "         [--tests udp,tcp,stream,tipc,tipcstream]\n"
            "         [--udp-max BYTES] [--tcp-max BYTES] [--samples N] [--budget BYTES]\n"
            "         [--gamma RUNSxLEN] [--warmup N] [--warmup-ms MS] [--stream-msg BYTES]\n"
            "         [--stream-bytes BYTES] [--udp-timeout-ms MS] [--connect-wait S] "
            "[--no-quit]\n"
            "BYTES take a K, M or G suffix (powers of 1024). Defaults: UDP up to %u bytes (the\n"
            "largest IPv4 datagram), TCP up to 4M, 1000 samples per size bounded by 64M each\n"
            "way (at least %d), GAMMA 3x50, 20 warm-up round trips per size and 1000 ms of them\n"
            "before the first size, stream of 512M in 64K messages. --quick: UDP and TCP up to\n"
            "4K, 200 samples, 300 ms warm-up, stream 32M. By default tipc and tipcstream (TIPC\n"
            "reliable datagrams up to 64K, TIPC stream) run when the kernel has AF_TIPC.\n",
            NB_UDP_MAX_MSG, BENCH_MIN_SAMPLES);
}

static int parse_range(const char *opt, const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    if (bench_parse_bytes(s, out) == 0 && *out >= lo && *out <= hi) return 0;
    fprintf(stderr, "netbench: %s '%s': expected a number from %llu to %llu\n", opt, s,
            (unsigned long long)lo, (unsigned long long)hi);
    return -1;
}

/* The server may still be booting: a ping-pong connection that sends no frame proves it is
 * up without disturbing anything. */
static int wait_for_server(const struct nb_client_opts *o)
{
    int fd = nb_tcp_connect(o->peer, o->port, o->connect_wait_s);
    if (fd < 0) return -1;
    unsigned char hello[NB_HELLO_BYTES];
    struct nb_hello h = {.magic = NB_MAGIC, .kind = NB_KIND_PINGPONG, .arg = 0};
    nb_encode_hello(&h, hello);
    int rc = nb_write_full(fd, hello, sizeof(hello));
    close(fd);
    return rc;
}

static void send_quit(const struct nb_client_opts *o)
{
    int fd = nb_tcp_connect(o->peer, o->port, 5);
    if (fd < 0) return;
    unsigned char hello[NB_HELLO_BYTES];
    struct nb_hello h = {.magic = NB_MAGIC, .kind = NB_KIND_QUIT, .arg = 0};
    nb_encode_hello(&h, hello);
    nb_write_full(fd, hello, sizeof(hello));
    close(fd);
}

enum {
    OPT_PORT = 256,
    OPT_PEER,
    OPT_QUICK,
    OPT_TESTS,
    OPT_UDP_MAX,
    OPT_TCP_MAX,
    OPT_SAMPLES,
    OPT_BUDGET,
    OPT_GAMMA,
    OPT_WARMUP,
    OPT_STREAM_MSG,
    OPT_STREAM_BYTES,
    OPT_UDP_TIMEOUT,
    OPT_CONNECT_WAIT,
    OPT_NO_QUIT,
    OPT_WARMUP_MS,
    OPT_HELP
};

static const struct option long_opts[] = {
    {"port", required_argument, 0, OPT_PORT},
    {"peer", required_argument, 0, OPT_PEER},
    {"quick", no_argument, 0, OPT_QUICK},
    {"tests", required_argument, 0, OPT_TESTS},
    {"udp-max", required_argument, 0, OPT_UDP_MAX},
    {"tcp-max", required_argument, 0, OPT_TCP_MAX},
    {"samples", required_argument, 0, OPT_SAMPLES},
    {"budget", required_argument, 0, OPT_BUDGET},
    {"gamma", required_argument, 0, OPT_GAMMA},
    {"warmup", required_argument, 0, OPT_WARMUP},
    {"warmup-ms", required_argument, 0, OPT_WARMUP_MS},
    {"stream-msg", required_argument, 0, OPT_STREAM_MSG},
    {"stream-bytes", required_argument, 0, OPT_STREAM_BYTES},
    {"udp-timeout-ms", required_argument, 0, OPT_UDP_TIMEOUT},
    {"connect-wait", required_argument, 0, OPT_CONNECT_WAIT},
    {"no-quit", no_argument, 0, OPT_NO_QUIT},
    {"help", no_argument, 0, OPT_HELP},
    {0, 0, 0, 0},
};

struct parsed {
    struct nb_client_opts o;
    int do_udp, do_tcp, do_stream, do_tipc, do_tipcstream, quit;
};

static int parse_tests(const char *s, struct parsed *p)
{
    p->do_udp = p->do_tcp = p->do_stream = p->do_tipc = p->do_tipcstream = 0;
    char buf[64];
    if (strlen(s) >= sizeof(buf)) goto bad;
    strcpy(buf, s);
    for (char *save, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (strcmp(tok, "udp") == 0)
            p->do_udp = 1;
        else if (strcmp(tok, "tcp") == 0)
            p->do_tcp = 1;
        else if (strcmp(tok, "stream") == 0)
            p->do_stream = 1;
        else if (strcmp(tok, "tipc") == 0)
            p->do_tipc = 1;
        else if (strcmp(tok, "tipcstream") == 0)
            p->do_tipcstream = 1;
        else
            goto bad;
    }
    if (p->do_udp || p->do_tcp || p->do_stream || p->do_tipc || p->do_tipcstream) return 0;
bad:
    fprintf(stderr,
            "netbench: --tests '%s': expected a comma list of udp, tcp, stream, tipc, "
            "tipcstream\n",
            s);
    return -1;
}

static int parse_gamma(const char *s, struct nb_client_opts *o)
{
    unsigned runs, len;
    char tail;
    if (sscanf(s, "%ux%u%c", &runs, &len, &tail) == 2 && runs >= 1 && runs <= 100 && len >= 1 &&
        len <= 100000) {
        o->gamma_runs = runs;
        o->gamma_len = len;
        return 0;
    }
    fprintf(stderr, "netbench: --gamma '%s': expected RUNSxLEN, e.g. 3x50\n", s);
    return -1;
}

static int parse_client(int argc, char **argv, struct parsed *p)
{
    struct nb_client_opts *o = &p->o;
    *o = (struct nb_client_opts){.port = NB_DEFAULT_PORT,
                                 .udp_max = NB_UDP_MAX_MSG,
                                 .tcp_max = NB_TCP_MAX_MSG,
                                 .samples = 1000,
                                 .sample_budget = 64u << 20,
                                 .gamma_runs = 3,
                                 .gamma_len = 50,
                                 .warmup = 20,
                                 .warmup_ms = 1000,
                                 .stream_msg = 64u << 10,
                                 .stream_bytes = 512u << 20,
                                 .udp_timeout_ms = 500,
                                 .connect_wait_s = 60};
    p->do_udp = p->do_tcp = p->do_stream = p->quit = 1;
    /* TIPC by default only where the kernel has it; asked for explicitly, its absence fails. */
    p->do_tipc = p->do_tipcstream = nb_tipc_available();
    /* --quick first, so that explicit options given with it win whatever their order. */
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            o->udp_max = o->tcp_max = 4096;
            o->samples = 200;
            o->warmup_ms = 300;
            o->stream_bytes = 32u << 20;
        }
    }
    uint64_t v;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
        switch (c) {
        case OPT_PORT:
            if (parse_range("--port", optarg, 1, 65535, &v)) return -1;
            o->port = (uint16_t)v;
            break;
        case OPT_PEER:
            o->peer = optarg;
            break;
        case OPT_QUICK:
            break;
        case OPT_TESTS:
            if (parse_tests(optarg, p)) return -1;
            break;
        case OPT_UDP_MAX:
            if (parse_range("--udp-max", optarg, 0, NB_UDP_MAX_MSG, &v)) return -1;
            o->udp_max = v;
            break;
        case OPT_TCP_MAX:
            if (parse_range("--tcp-max", optarg, 0, NB_TCP_MAX_MSG, &v)) return -1;
            o->tcp_max = v;
            break;
        case OPT_SAMPLES:
            if (parse_range("--samples", optarg, 1, 1000000, &v)) return -1;
            o->samples = v;
            break;
        case OPT_BUDGET:
            if (parse_range("--budget", optarg, 1, 1ull << 40, &v)) return -1;
            o->sample_budget = v;
            break;
        case OPT_GAMMA:
            if (parse_gamma(optarg, o)) return -1;
            break;
        case OPT_WARMUP:
            if (parse_range("--warmup", optarg, 0, 100000, &v)) return -1;
            o->warmup = v;
            break;
        case OPT_WARMUP_MS:
            if (parse_range("--warmup-ms", optarg, 0, 600000, &v)) return -1;
            o->warmup_ms = (int)v;
            break;
        case OPT_STREAM_MSG:
            if (parse_range("--stream-msg", optarg, 1, NB_TCP_MAX_MSG, &v)) return -1;
            o->stream_msg = v;
            break;
        case OPT_STREAM_BYTES:
            if (parse_range("--stream-bytes", optarg, 1, 1ull << 40, &v)) return -1;
            o->stream_bytes = v;
            break;
        case OPT_UDP_TIMEOUT:
            if (parse_range("--udp-timeout-ms", optarg, 1, 60000, &v)) return -1;
            o->udp_timeout_ms = (int)v;
            break;
        case OPT_CONNECT_WAIT:
            if (parse_range("--connect-wait", optarg, 1, 3600, &v)) return -1;
            o->connect_wait_s = (int)v;
            break;
        case OPT_NO_QUIT:
            p->quit = 0;
            break;
        case OPT_HELP:
            usage(stdout);
            exit(0);
        default:
            usage(stderr);
            return -1;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "netbench: unexpected argument '%s'\n", argv[optind]);
        return -1;
    }
    if (!o->peer) {
        fprintf(stderr, "netbench client: --peer IPv4 is required\n");
        return -1;
    }
    if (o->stream_bytes < o->stream_msg) {
        fprintf(stderr, "netbench: --stream-bytes must be at least one --stream-msg\n");
        return -1;
    }
    return 0;
}

static int run_client(int argc, char **argv)
{
    struct parsed p;
    if (parse_client(argc, argv, &p)) return 2;
    const struct nb_client_opts *o = &p.o;
    printf("INFO netbench client peer=%s port=%u udp_max=%zu tcp_max=%zu samples=%zu "
           "budget=%llu gamma=%zux%zu warmup=%zu warmup_ms=%d stream_msg=%zu stream_bytes=%llu\n",
           o->peer, o->port, o->udp_max, o->tcp_max, o->samples,
           (unsigned long long)o->sample_budget, o->gamma_runs, o->gamma_len, o->warmup,
           o->warmup_ms, o->stream_msg, (unsigned long long)o->stream_bytes);
    fflush(stdout);
    if (wait_for_server(o) < 0) {
        printf("BENCH-FAILED server %s unreachable\n", o->peer);
        return 1;
    }
    /* The clock every Linux figure is timed with, recorded with the results (bench/run
     * compares it with the host's TSC rate). */
    char cs[64] = "unknown";
    FILE *fcs = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r");
    if (fcs) {
        if (fscanf(fcs, "%63s", cs) != 1) strcpy(cs, "unknown");
        fclose(fcs);
    }
    printf("INFO netbench guest_tsc_khz=%llu clocksource=%s\n",
           (unsigned long long)nb_guest_tsc_khz(200), cs);
    fflush(stdout);
    int failed = 0;
    if (p.do_udp && nb_udp_pingpong(o) != 0) failed |= 1;
    if (p.do_tcp && nb_tcp_pingpong(o) != 0) failed |= 2;
    if (p.do_stream && nb_tcp_stream(o) != 0) failed |= 4;
    if (p.do_tipc && nb_tipc_pingpong(o) != 0) failed |= 8;
    if (p.do_tipcstream && nb_tipc_stream(o) != 0) failed |= 16;
    if (p.quit) send_quit(o);
    if (failed) {
        printf("BENCH-FAILED%s%s%s%s%s\n", failed & 1 ? " udp" : "", failed & 2 ? " tcp" : "",
               failed & 4 ? " stream" : "", failed & 8 ? " tipc" : "",
               failed & 16 ? " tipcstream" : "");
        return 1;
    }
    printf("BENCH-DONE\n");
    return 0;
}

static int run_server(int argc, char **argv)
{
    uint64_t port = NB_DEFAULT_PORT;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
        if (c == OPT_PORT) {
            if (parse_range("--port", optarg, 1, 65535, &port)) return 2;
        } else if (c == OPT_HELP) {
            usage(stdout);
            return 0;
        } else {
            fprintf(stderr, "netbench server: only --port is accepted\n");
            return 2;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "netbench server: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    return nb_server_run((uint16_t)port);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc >= 2 && strcmp(argv[1], "server") == 0) return run_server(argc - 1, argv + 1);
    if (argc >= 2 && strcmp(argv[1], "client") == 0) return run_client(argc - 1, argv + 1);
    usage(argc >= 2 && strcmp(argv[1], "--help") == 0 ? stdout : stderr);
    return 2;
}
