/*
 * hosted/job_host.c — the job layer's platform in a Linux process (net/job_core.h): Porto
 * words, the monotonic clock, stdout/stderr as the console, exit(3) as the exit path, and a
 * socket as the job's link. Words of its own:
 *   link=udp        (default) UDP datagrams; rank r at peers[r]
 *   link=eth:IF     raw Ethernet frames on interface IF (AF_PACKET; root or CAP_NET_RAW)
 *   peers=H[:P],... one host (and port) per rank; default: Slurm's step layout under srun,
 *                   else every rank on 127.0.0.1
 *   udpport=P       port of rank 0 when peers= gives none; rank r uses P + r (default 47000;
 *                   under srun derived from the job and step id)
 *   mtu=B           bytes after the Ethernet header (UDP: at most 65000; default 65000 when
 *                   every rank is on this machine's loopback, else 1458, which crosses a
 *                   standard Ethernet path without IP fragments; eth: the interface's)
 *   idlespin=US     how long a wait spins before yielding the CPU (hosted/idle.c)
 * Ranks are always given (porto-run --host, srun, or rank=/nodes= by hand): with sockets,
 * a rank's address is what the others must know beforehand.
 */
#define _GNU_SOURCE
#include "hosted/host.h"
#include "net/job_core.h"
#include "net/job_form.h"
#include "porto.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <stdarg.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

static struct host_link *job_link;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
    char line[400];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line - 1, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n > sizeof line - 2) n = (int)sizeof line - 2;
    line[n++] = '\n';
    host_print(line, (size_t)n);
}

static bool resolve(const char *host, uint16_t port, struct sockaddr_in *out)
{
    struct addrinfo hints, *res;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_DGRAM;
    int e = getaddrinfo(host, NULL, &hints, &res);
    if (e != 0) {
        fail("job: cannot resolve host '%s': %s", host, gai_strerror(e));
        return false;
    }
    memcpy(out, res->ai_addr, sizeof *out);
    out->sin_port = htons(port);
    freeaddrinfo(res);
    return true;
}

/* The default port of rank 0: given, derived from Slurm's ids, or 47000. */
static int64_t base_port(void)
{
    const char *job = getenv("SLURM_JOB_ID"), *step = getenv("SLURM_STEP_ID");
    int64_t def = 47000;
    if (job && host_rank_from_slurm())
        def =
            20000 +
            (int64_t)((strtoull(job, NULL, 10) * 7 + strtoull(step ? step : "0", NULL, 10) * 131) %
                      30000);
    return host_arg_int("udpport", def);
}

/* peers= word: "h[:p],h[:p],..." one per rank. */
static bool peers_from_word(const char *list, unsigned nodes, int64_t base,
                            struct sockaddr_in *peers)
{
    char *copy = strdup(list), *save = NULL;
    unsigned k = 0;
    bool ok = copy != NULL;
    for (char *tok = copy ? strtok_r(copy, ",", &save) : NULL; ok && tok;
         tok = strtok_r(NULL, ",", &save), k++) {
        if (k == nodes) {
            fail("job: peers= names more than %u ranks", nodes);
            ok = false;
            break;
        }
        int64_t port = base + k;
        char *colon = strrchr(tok, ':');
        if (colon) {
            *colon = 0;
            char *end;
            port = strtol(colon + 1, &end, 10);
            if (*end || end == colon + 1) port = -1;
        }
        if (port < 1 || port > 65535) {
            fail("job: peers=: bad port for rank %u", k);
            ok = false;
        } else {
            ok = resolve(tok, (uint16_t)port, &peers[k]);
        }
    }
    if (ok && k != nodes) {
        fail("job: peers= names %u ranks, the job has %u", k, nodes);
        ok = false;
    }
    free(copy);
    return ok;
}

/* Under srun: the step's nodes, tasks per node and distribution say where each rank runs. */
static bool peers_from_slurm(unsigned nodes, int64_t base, struct sockaddr_in *peers)
{
    const char *list = getenv("SLURM_STEP_NODELIST"), *tasks = getenv("SLURM_STEP_TASKS_PER_NODE");
    const char *dist = getenv("SLURM_DISTRIBUTION"), *err = NULL;
    if (!list) list = getenv("SLURM_JOB_NODELIST");
    if (!tasks) tasks = getenv("SLURM_TASKS_PER_NODE");
    if (!list || !tasks) {
        fail("job: under srun without SLURM_STEP_NODELIST/SLURM_STEP_TASKS_PER_NODE: give peers=");
        return false;
    }
    bool cyclic = dist && strncmp(dist, "cyclic", 6) == 0;
    if (dist && !cyclic && strncmp(dist, "block", 5) != 0) {
        fail("job: Slurm distribution '%s' is neither block nor cyclic: give peers=", dist);
        return false;
    }
    static char hosts[HOST_MAX_NODES][64];
    static int counts[HOST_MAX_NODES];
    int nh = host_expand_hostlist(list, hosts, HOST_MAX_NODES, &err);
    int nc = nh < 0 ? -1 : host_expand_tasks(tasks, counts, HOST_MAX_NODES, &err);
    if (nh < 0 || nc < 0 || nc != nh) {
        fail("job: cannot read Slurm's layout (%s / %s): %s", list, tasks,
             err ? err : "host and task lists differ in length");
        return false;
    }
    for (unsigned r = 0; r < nodes; r++) {
        int k = host_node_of_rank((int)r, counts, nh, cyclic);
        if (k < 0) {
            fail("job: Slurm's layout (%s / %s) has no place for rank %u", list, tasks, r);
            return false;
        }
        if (!resolve(hosts[k], (uint16_t)(base + r), &peers[r])) return false;
    }
    return true;
}

static struct link *open_host_link(unsigned nodes, int rank)
{
    if (rank < 0) {
        fail("job: hosted Porto needs rank=R with nodes=N (scripts/porto-run --host and srun "
             "give them)");
        return NULL;
    }
    const char *kind = host_arg("link");
    char err[300] = "";
    int64_t mtu = host_arg_int("mtu", 0);
    if (mtu < 0 || mtu > 65000 || (mtu && mtu < 128)) {
        fail("job: mtu=%ld: 128..65000", (long)mtu);
        return NULL;
    }
    if (kind && strncmp(kind, "eth:", 4) == 0) {
        job_link = host_eth_open(kind + 4, nodes, (unsigned)rank, (unsigned)mtu, err, sizeof err);
        if (!job_link) fail("job: link=%s: %s", kind, err);
        /* Which ranks share this machine is unknown on a segment: assume all (the safe side). */
        if (job_link) host_idle_policy(job_link, nodes, host_arg_int("idlespin", -1));
    } else if (!kind || strcmp(kind, "udp") == 0) {
        int64_t base = base_port();
        if (base < 1 || base + nodes > 65536) {
            fail("job: udpport=%ld leaves no room for %u ranks", (long)base, nodes);
            return NULL;
        }
        struct sockaddr_in *peers = calloc(nodes, sizeof *peers);
        const char *list = host_arg("peers");
        bool ok = peers != NULL;
        if (ok && list)
            ok = peers_from_word(list, nodes, base, peers);
        else if (ok && host_rank_from_slurm())
            ok = peers_from_slurm(nodes, base, peers);
        else
            for (unsigned r = 0; ok && r < nodes; r++)
                ok = resolve("127.0.0.1", (uint16_t)(base + r), &peers[r]);
        bool loopback = true; /* every rank on 127.0.0.0/8 */
        for (unsigned r = 0; ok && r < nodes; r++)
            loopback = loopback && (ntohl(peers[r].sin_addr.s_addr) >> 24) == 127;
        if (ok && mtu == 0) mtu = loopback ? 65000 : 1500 - 20 - 8 - 14;
        if (ok) {
            job_link = host_udp_open(nodes, (unsigned)rank, peers, (unsigned)mtu, err, sizeof err);
            if (!job_link) fail("job: link=udp: %s", err);
        }
        unsigned local = 0; /* ranks at this rank's address: on this machine */
        for (unsigned r = 0; ok && r < nodes; r++)
            local += peers[r].sin_addr.s_addr == peers[rank].sin_addr.s_addr;
        if (job_link) host_idle_policy(job_link, local, host_arg_int("idlespin", -1));
        free(peers);
    } else {
        fail("job: link=%s: want udp or eth:INTERFACE", kind);
    }
    return job_link ? &job_link->link : NULL;
}

void host_job_report(void)
{
    if (!job_link || (job_link->drop_foreign == 0 && job_link->drop_short == 0)) return;
    char line[160];
    int n = snprintf(line, sizeof line,
                     "job: link dropped %llu frames from outside the job, %llu too short or long\n",
                     (unsigned long long)job_link->drop_foreign,
                     (unsigned long long)job_link->drop_short);
    if (n > 0) host_print_raw(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

void host_job_idle(void)
{
    if (job_link) host_link_idle(job_link);
}

static void host_idle(void *arg)
{
    (void)arg;
    host_job_idle();
}

/* This process's share of the run's nonce: the kernel's random numbers. */
static uint64_t host_entropy(const uint8_t mac[6])
{
    (void)mac;
    uint64_t v = 0;
    if (getrandom(&v, sizeof v, 0) != sizeof v) v ^= host_now_ns() ^ (uint64_t)getpid() << 32;
    return v;
}

static struct job_platform host_platform = {
    .now_ns = host_now_ns,
    .entropy = host_entropy,
    .print = host_print,
    .print_raw = host_print_raw,
    .set_prefix = host_set_prefix,
    .set_tap = host_set_tap,
    .exit = host_exit,
    .at_exit = host_at_exit,
    .open_link = open_host_link,
    .idle = host_idle,
    .max_args = HOST_MAX_ARGS,
};

void host_job_start(void)
{
    host_platform.words = host_words();
    host_platform.argc = host_app_argc_ptr();
    host_platform.argv = host_app_argv();
    job_core_start(&host_platform);
}
