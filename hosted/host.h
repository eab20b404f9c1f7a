/*
 * hosted/host.h — the hosted runtime's parts (a Porto app as a Linux process):
 *   start.c     main(): Porto words, output, signals, the job, then the app's main
 *   args.c      Porto words (`key=value ... -- app args`) and what Slurm's srun sets
 *   slurm.c     Slurm's host list and task layout, expanded (pure logic, unit tested)
 *   output.c    stdout/stderr as line streams with the job's prefix and tap
 *   exit.c      exit codes through the job's exit hook; faults and signals reported
 *   job_host.c  the job layer's platform (net/job_core.h) and its link choice
 *   link_udp.c  the engine's link over UDP datagrams (any Linux machines, no root)
 *   link_eth.c  the engine's link over raw Ethernet on a named interface (AF_PACKET, root)
 *   idle.c      what a rank does while it waits: spin, yield the CPU, sleep on the socket
 *   porto_host.c, nic_none.c   include/porto.h's clock and words; bare-metal-only calls refuse
 * docs/hosted.md describes it for users.
 */
#ifndef PORTO_HOSTED_HOST_H
#define PORTO_HOSTED_HOST_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>

#include "net/link.h"

#define HOST_MAX_ARGS  64
#define HOST_MAX_NODES 256

/* args.c: take the Porto words out of argv (everything before `--`; without `--` every word
 * is the app's), fill rank/nodes from Slurm when absent. Exits 101 on bad words. */
void host_args_init(int argc, char **argv);
struct cmdline;
const struct cmdline *host_words(void); /* the Porto words as kernel/cmdline.h's table */
const char *host_arg(const char *key);
int64_t host_arg_int(const char *key, int64_t def);
int host_app_argc(void);
char **host_app_argv(void); /* room for HOST_MAX_ARGS + NULL */
int *host_app_argc_ptr(void);
bool host_rank_from_slurm(void); /* rank= and nodes= came from srun */

/* porto_host.c */
void host_clock_init(void);
uint64_t host_now_ns(void); /* since host_clock_init */

/* output.c */
void host_output_init(void);
void host_print(const char *s, size_t n);     /* like the app's stdout (prefix, tap) */
void host_print_raw(const char *s, size_t n); /* straight to fd 1 */
void host_set_prefix(const char *prefix);
void host_set_tap(void (*tap)(const char *s, size_t n));

/* exit.c */
void host_exit_init(void);
noreturn void host_exit(int code); /* exit(3): the app's atexit handlers, then the job hook */
void host_at_exit(int (*hook)(int code));

/* job_host.c */
void host_job_start(void);
void host_job_idle(void);   /* porto_idle(): the job link's idle policy; nothing outside a job */
void host_job_report(void); /* the link's counted drops, if any, to this rank's output */

/* Links. Rank r's MAC is 02:50:4f:00:(r >> 8):(r & 0xff) (locally administered). */
void host_rank_mac(unsigned rank, uint8_t mac[6]);
int host_mac_rank(const uint8_t mac[6], unsigned nodes); /* -1: not one of ours */
struct host_link {
    struct link link;
    int fd;                     /* what idle waits on */
    uint64_t last_rx_ns;        /* when a poll last received something */
    uint64_t idle_since_ns;     /* when the current run of idle calls began */
    uint64_t spin_ns, yield_ns; /* idle policy (idle.c): spin this long, then yield until */
    uint64_t drop_foreign;      /* datagrams or frames from outside the job's peers */
    uint64_t drop_short;
};
struct sockaddr_in;
struct host_link *host_udp_open(unsigned nodes, unsigned rank, const struct sockaddr_in *peers,
                                unsigned mtu, char *err, size_t errlen);
struct host_link *host_eth_open(const char *ifname, unsigned nodes, unsigned rank, unsigned mtu,
                                char *err, size_t errlen);
/* idle.c: the engine's idle hook, arg = struct host_link *; and its policy for `local` ranks
 * of the job on this machine (spin_us: the idlespin= word, -1 if absent). */
void host_link_idle(void *arg);
void host_idle_policy(struct host_link *h, unsigned local, int64_t spin_us);

/* slurm.c: expand "pre[01-03,7]suf,other" into hosts (each < 64 bytes); returns how many,
 * or -1 (with *err) on a malformed list or more than max. */
int host_expand_hostlist(const char *list, char (*out)[64], int max, const char **err);
/* "2(x3),1" -> counts per node; returns nodes, or -1 on bad input / more than max. */
int host_expand_tasks(const char *spec, int *counts, int max, const char **err);
/* Which node (index into the host list) runs `rank` under block or cyclic distribution;
 * -1 when it cannot tell. */
int host_node_of_rank(int rank, const int *counts, int nnodes, bool cyclic);
#endif
