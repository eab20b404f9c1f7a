/* netbench.h — shared declarations of the Linux peer benchmark (bench/linux/netbench.c).
 * Wire format, timing, statistics and the per-test entry points. Built on the host with
 * `gcc -static` by scripts/linux-peer; see docs/linux-peer.md for how to run it. */
#ifndef NETBENCH_H
#define NETBENCH_H

#include <stddef.h>
#include <stdint.h>

#include "common/bench_stats.h" /* the methodology, shared with apps/pingpong */

#define NB_DEFAULT_PORT 7707

/* Every TCP connection starts with one hello from the client saying what it is for. */
#define NB_MAGIC         0x4e425031u /* "NBP1" */
#define NB_KIND_PINGPONG 1u          /* framed echo until the client closes */
#define NB_KIND_STREAM   2u          /* arg bytes one way, then the receiver's report */
#define NB_KIND_QUIT     3u          /* the client is done: the server exits */
#define NB_HELLO_BYTES   16u
#define NB_REPORT_BYTES  16u /* stream report: u64 bytes received, u64 ns taken */
#define NB_FRAME_HDR     4u  /* TCP ping-pong frames: little-endian u32 length */

/* Largest TCP ping-pong payload and largest UDP datagram payload (IPv4: 65535 - 20 - 8). */
#define NB_TCP_MAX_MSG (4u << 20)
#define NB_UDP_MAX_MSG 65507u

struct nb_hello {
    uint32_t magic;
    uint32_t kind;
    uint64_t arg;
};

/* What the client measures; filled from the command line. */
struct nb_client_opts {
    const char *peer;
    uint16_t port;
    size_t udp_max, tcp_max; /* largest ping-pong size per protocol */
    size_t samples;          /* round trips per size for median/min/p99 (small sizes) */
    uint64_t sample_budget;  /* bytes per direction that bound samples for large sizes */
    size_t gamma_runs, gamma_len;
    size_t warmup; /* untimed round trips before each size */
    int warmup_ms; /* untimed round trips before the first size of a protocol */
    size_t stream_msg;
    uint64_t stream_bytes;
    int udp_timeout_ms;
    int connect_wait_s;
};

/* nb_io.c: CLOCK_MONOTONIC in nanoseconds; the guest's TSC rate against it, in kHz. */
uint64_t nb_now_ns(void);
uint64_t nb_guest_tsc_khz(unsigned ms);

/* nb_wire.c: the little-endian wire encoding. */
#define NB_MAX_SIZES 32 /* 0, 1, 2, ... 4 MiB is 24 sizes */
void nb_put_u32le(unsigned char *p, uint32_t v);
uint32_t nb_get_u32le(const unsigned char *p);
void nb_put_u64le(unsigned char *p, uint64_t v);
uint64_t nb_get_u64le(const unsigned char *p);
void nb_encode_hello(const struct nb_hello *h, unsigned char out[NB_HELLO_BYTES]);
int nb_decode_hello(const unsigned char in[NB_HELLO_BYTES], struct nb_hello *h);

/* nb_io.c */
int nb_read_full(int fd, void *buf, size_t len);
int nb_write_full(int fd, const void *buf, size_t len);
int nb_tcp_connect(const char *host, uint16_t port, int wait_s);
int nb_set_nodelay(int fd);

/* nb_server.c */
int nb_server_run(uint16_t port);

/* nb_pingpong.c */
int nb_udp_pingpong(const struct nb_client_opts *o);
int nb_tcp_pingpong(const struct nb_client_opts *o);

/* nb_stream.c: the one-way stream over TCP or over a TIPC stream socket. */
int nb_tcp_stream(const struct nb_client_opts *o);
int nb_tipc_stream(const struct nb_client_opts *o);

/* nb_tipc.c: TIPC service addresses {NB_TIPC_TYPE, instance}; the server's services. */
#define NB_TIPC_TYPE    17707u
#define NB_TIPC_ECHO    1u
#define NB_TIPC_STREAM  2u
#define NB_TIPC_MAX_MSG 65536u /* ping-pong sizes (TIPC carries at most 66000 bytes) */
struct sockaddr_tipc;
void nb_tipc_addr(struct sockaddr_tipc *sa, uint32_t instance);
int nb_tipc_server_start(void);
int nb_tipc_connect_stream(int wait_s);
int nb_tipc_available(void);
int nb_tipc_pingpong(const struct nb_client_opts *o);
void nb_serve_stream(int fd, uint64_t bytes, unsigned char *buf, size_t cap);

#endif
