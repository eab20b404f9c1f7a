/* nb_pingpong.c — client side of the ping-pong tests of the Linux peer benchmark: UDP
 * datagrams and TIPC reliable datagrams (AF_TIPC, SOCK_RDM) of S bytes echoed by the server, and
 * TCP (TCP_NODELAY) frames of a 4-byte length plus S bytes, so that S = 0 is a real message on a
 * byte stream too. Per size it prints the half round trip's median/min/p99 and GAMMA's figure (best
 * of runs, each an average). */
#include "netbench.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/tipc.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* One transport: a round trip of `size` bytes returns 0, 1 when a UDP reply was lost (timed
 * out), -1 on a fatal error. */
struct transport {
    const char *name;
    int fd;
    unsigned char *tx, *rx;
    size_t rx_cap;
    uint64_t seq;
    size_t stray;    /* UDP replies of the wrong size or sequence, ignored */
    size_t min_size; /* smallest size measured (TIPC: 1, it delivers no empty datagram) */
    int (*roundtrip)(struct transport *t, size_t size);
};

/* Waits for the echo of round trip `seq`: 0 when it came, 1 on a timeout (the socket's receive
 * timeout; also an ICMP "refused" left by an earlier datagram when `refused_is_timeout`), -1
 * on an error. Replies of the wrong size or to an earlier round trip are counted as stray. */
static int await_echo(struct transport *t, size_t size, uint64_t seq, int refused_is_timeout)
{
    for (;;) {
        ssize_t r = recv(t->fd, t->rx, t->rx_cap, 0);
        if (r < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return 1;
            if (errno == ECONNREFUSED && refused_is_timeout) return 1;
            fprintf(stderr, "netbench: %s recv: %s\n", t->name, strerror(errno));
            return -1;
        }
        if ((size_t)r == size && (size < 8 || memcmp(t->rx, &seq, 8) == 0)) return 0;
        t->stray++;
    }
}

static int udp_roundtrip(struct transport *t, size_t size)
{
    /* Sizes of 8 bytes and more carry a sequence number so a late reply to a lost round
     * trip is not taken for the current one. */
    uint64_t seq = ++t->seq;
    if (size >= 8) memcpy(t->tx, &seq, 8);
    if (send(t->fd, t->tx, size, 0) < 0) {
        perror("netbench: udp send");
        return -1;
    }
    return await_echo(t, size, seq, 1);
}

/* TIPC reliable datagrams to the server's echo service: the link layer retransmits, so a
 * timeout here means the service is not (yet) reachable. A receiving TIPC socket drops empty
 * datagrams (seen on Linux 6.1: a 0-byte ping is never echoed), so TIPC sizes start at 1. */
static struct sockaddr_tipc tipc_echo;

static int tipc_roundtrip(struct transport *t, size_t size)
{
    uint64_t seq = ++t->seq;
    if (size >= 8) memcpy(t->tx, &seq, 8);
    if (sendto(t->fd, t->tx, size, 0, (struct sockaddr *)&tipc_echo, sizeof(tipc_echo)) < 0) {
        if (errno == EHOSTUNREACH || errno == EAGAIN) return 1; /* name not yet known */
        perror("netbench: tipc sendto");
        return -1;
    }
    return await_echo(t, size, seq, 0);
}

static int tcp_roundtrip(struct transport *t, size_t size)
{
    nb_put_u32le(t->tx, (uint32_t)size);
    if (nb_write_full(t->fd, t->tx, NB_FRAME_HDR + size) < 0) {
        perror("netbench: tcp send");
        return -1;
    }
    if (nb_read_full(t->fd, t->rx, NB_FRAME_HDR + size) != 0) {
        fprintf(stderr, "netbench: tcp echo of %zu bytes cut short\n", size);
        return -1;
    }
    if (nb_get_u32le(t->rx) != size) {
        fprintf(stderr, "netbench: tcp echo length %u, expected %zu\n", nb_get_u32le(t->rx), size);
        return -1;
    }
    return 0;
}

/* Timed round trips of one size into rtt[]; returns the number collected (n unless losses
 * exceeded the allowance), or -1 on a fatal error. */
static long collect(struct transport *t, size_t size, uint64_t *rtt, size_t n, size_t *lost)
{
    size_t got = 0, allowed = n / 10 + 10;
    while (got < n) {
        uint64_t t0 = nb_now_ns();
        int rc = t->roundtrip(t, size);
        uint64_t t1 = nb_now_ns();
        if (rc < 0) return -1;
        if (rc > 0) {
            if (++*lost > allowed) break;
            continue;
        }
        rtt[got++] = t1 - t0;
    }
    return (long)got;
}

/* GAMMA's figure: `runs` runs of `len` back-to-back round trips, each timed as a whole; the
 * best run's average, halved. A run with a lost datagram is repeated (at most `runs` times). */
static int gamma_figure(struct transport *t, size_t size, size_t runs, size_t len, size_t *lost,
                        double *out_us)
{
    double best = -1;
    size_t done = 0, retries = 0;
    while (done < runs) {
        int spoiled = 0;
        uint64_t t0 = nb_now_ns();
        for (size_t i = 0; i < len; i++) {
            int rc = t->roundtrip(t, size);
            if (rc < 0) return -1;
            if (rc > 0) { /* the run is spoiled: do not wait out more timeouts in it */
                ++*lost;
                spoiled = 1;
                break;
            }
        }
        double avg_half_us = (double)(nb_now_ns() - t0) / (double)len / 2000.0;
        if (spoiled) {
            if (++retries > runs) return 1;
            continue;
        }
        if (best < 0 || avg_half_us < best) best = avg_half_us;
        done++;
    }
    *out_us = best;
    return 0;
}

static int run_sizes(struct transport *t, const struct nb_client_opts *o, size_t max_size)
{
    size_t sizes[NB_MAX_SIZES];
    /* Sizes from 0, or from 1 for a transport that delivers no empty message (TIPC). */
    size_t nsizes = bench_size_list(1, max_size, t->min_size == 0, sizes, NB_MAX_SIZES);
    if (nsizes == 0) {
        fprintf(stderr, "netbench: %s: no size up to %zu\n", t->name, max_size);
        return -1;
    }
    uint64_t *rtt = malloc(o->samples * sizeof(*rtt));
    if (!rtt) {
        fprintf(stderr, "netbench: out of memory for %zu samples\n", o->samples);
        return -1;
    }
    /* Before the first size, round trips for warmup_ms: a fresh guest's first thousand or so
     * exchanges run slower (code not yet translated by TCG, NIC interrupt moderation still
     * adapting), which would otherwise bias the smallest sizes only. */
    uint64_t until = nb_now_ns() + (uint64_t)o->warmup_ms * 1000000u;
    while (nb_now_ns() < until)
        if (t->roundtrip(t, sizes[0]) < 0) goto fatal;
    int status = 0;
    for (size_t k = 0; k < nsizes; k++) {
        size_t size = sizes[k], lost = 0;
        size_t n = bench_samples_for_size(size, o->samples, o->sample_budget, BENCH_MIN_SAMPLES);
        /* Warm-up round trips are not timed: the first ones meet ARP and cold caches. */
        for (size_t i = 0; i < o->warmup; i++)
            if (t->roundtrip(t, size) < 0) goto fatal;
        long got = collect(t, size, rtt, n, &lost);
        if (got < 0) goto fatal;
        struct bench_summary s = bench_summarize(rtt, (size_t)got, 1000000000u, 2);
        double gamma_us = 0;
        int g = gamma_figure(t, size, o->gamma_runs, o->gamma_len, &lost, &gamma_us);
        if (g < 0) goto fatal;
        if ((size_t)got < n || g > 0) {
            printf("RESULT proto=%s size=%zu error=too-many-lost n=%ld lost=%zu\n", t->name, size,
                   got, lost);
            status = 1;
        } else {
            printf("RESULT proto=%s size=%zu median_us=%.2f min_us=%.2f p99_us=%.2f "
                   "gamma_us=%.2f n=%zu gamma=%zux%zu lost=%zu\n",
                   t->name, size, s.median_us, s.min_us, s.p99_us, gamma_us, s.n, o->gamma_runs,
                   o->gamma_len, lost);
        }
        fflush(stdout);
    }
    free(rtt);
    return status;
fatal:
    fprintf(stderr, "netbench: %s ping-pong stopped by an error\n", t->name);
    free(rtt);
    return -1;
}

int nb_udp_pingpong(const struct nb_client_opts *o)
{
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons(o->port);
    if (inet_pton(AF_INET, o->peer, &sa.sin_addr) != 1) {
        fprintf(stderr, "netbench: peer '%s' is not an IPv4 address\n", o->peer);
        return -1;
    }
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        perror("netbench: udp socket");
        return -1;
    }
    /* A receive timeout instead of poll(): no extra system call per round trip. */
    struct timeval tv = {.tv_sec = o->udp_timeout_ms / 1000,
                         .tv_usec = (o->udp_timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    struct transport t = {.name = "udp", .fd = fd, .roundtrip = udp_roundtrip};
    t.rx_cap = NB_UDP_MAX_MSG + 1;
    t.tx = calloc(1, NB_UDP_MAX_MSG);
    t.rx = malloc(t.rx_cap);
    int rc = -1;
    if (t.tx && t.rx)
        rc = run_sizes(&t, o, o->udp_max);
    else
        fprintf(stderr, "netbench: out of memory for UDP buffers\n");
    if (t.stray) printf("INFO udp stray_replies=%zu\n", t.stray);
    free(t.tx);
    free(t.rx);
    close(fd);
    return rc;
}

int nb_tcp_pingpong(const struct nb_client_opts *o)
{
    int fd = nb_tcp_connect(o->peer, o->port, o->connect_wait_s);
    if (fd < 0) return -1;
    unsigned char hello[NB_HELLO_BYTES];
    struct nb_hello h = {.magic = NB_MAGIC, .kind = NB_KIND_PINGPONG, .arg = 0};
    nb_encode_hello(&h, hello);
    if (nb_set_nodelay(fd) < 0 || nb_write_full(fd, hello, sizeof(hello)) < 0) {
        perror("netbench: tcp ping-pong setup");
        close(fd);
        return -1;
    }
    struct transport t = {.name = "tcp", .fd = fd, .roundtrip = tcp_roundtrip};
    t.rx_cap = NB_FRAME_HDR + o->tcp_max;
    t.tx = calloc(1, t.rx_cap);
    t.rx = malloc(t.rx_cap);
    int rc = -1;
    if (t.tx && t.rx)
        rc = run_sizes(&t, o, o->tcp_max);
    else
        fprintf(stderr, "netbench: out of memory for TCP buffers\n");
    free(t.tx);
    free(t.rx);
    close(fd);
    return rc;
}

int nb_tipc_pingpong(const struct nb_client_opts *o)
{
    nb_tipc_addr(&tipc_echo, NB_TIPC_ECHO);
    int fd = socket(AF_TIPC, SOCK_RDM, 0);
    if (fd < 0) {
        perror("netbench: tipc socket (is the tipc module loaded?)");
        return -1;
    }
    struct timeval tv = {.tv_sec = o->udp_timeout_ms / 1000,
                         .tv_usec = (o->udp_timeout_ms % 1000) * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    struct transport t = {.name = "tipc", .fd = fd, .roundtrip = tipc_roundtrip, .min_size = 1};
    t.rx_cap = NB_TIPC_MAX_MSG + 1;
    t.tx = calloc(1, NB_TIPC_MAX_MSG);
    t.rx = malloc(t.rx_cap);
    int rc = -1;
    /* The server's service becomes visible once the TIPC link is up: wait for one echo. */
    uint64_t deadline = nb_now_ns() + (uint64_t)o->connect_wait_s * 1000000000u;
    int up = 0;
    while (t.tx && t.rx && !up && nb_now_ns() < deadline) {
        int r = tipc_roundtrip(&t, 1);
        if (r < 0) break;
        if (r == 0)
            up = 1;
        else
            usleep(100000);
    }
    if (!t.tx || !t.rx)
        fprintf(stderr, "netbench: out of memory for TIPC buffers\n");
    else if (!up)
        fprintf(stderr, "netbench: the TIPC echo service {%u,%u} never answered\n", NB_TIPC_TYPE,
                NB_TIPC_ECHO);
    else
        rc = run_sizes(&t, o, o->udp_max < NB_TIPC_MAX_MSG ? o->udp_max : NB_TIPC_MAX_MSG);
    if (t.stray) printf("INFO tipc stray_replies=%zu\n", t.stray);
    free(t.tx);
    free(t.rx);
    close(fd);
    return rc;
}
