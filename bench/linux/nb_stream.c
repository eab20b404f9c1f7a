/* nb_stream.c — client side of the TCP and TIPC stream tests of the Linux peer benchmark: a one-way
 * stream of fixed-size messages. The sender's rate counts until its last send returned; the
 * receiver's rate (what was delivered) comes back from the server in its report. */
#include "netbench.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static double mbytes_per_s(uint64_t bytes, uint64_t ns)
{
    return ns ? (double)bytes * 1e3 / (double)ns : 0.0; /* 10^6 bytes per second */
}

/* The stream over a connected socket fd (closed here); `proto` names the RESULT line. */
static int stream_over(int fd, const char *proto, const struct nb_client_opts *o)
{
    unsigned char *msg = calloc(1, o->stream_msg);
    if (!msg) {
        fprintf(stderr, "netbench: out of memory for a %zu-byte message\n", o->stream_msg);
        close(fd);
        return -1;
    }
    /* Whole messages only, so the receiver's byte count is exact. */
    uint64_t count = o->stream_bytes / o->stream_msg;
    uint64_t bytes = count * o->stream_msg;
    unsigned char hello[NB_HELLO_BYTES];
    struct nb_hello h = {.magic = NB_MAGIC, .kind = NB_KIND_STREAM, .arg = bytes};
    nb_encode_hello(&h, hello);
    int rc = -1;
    if (nb_write_full(fd, hello, sizeof(hello)) < 0) {
        perror("netbench: stream hello");
        goto out;
    }
    uint64_t t0 = nb_now_ns();
    for (uint64_t i = 0; i < count; i++) {
        if (nb_write_full(fd, msg, o->stream_msg) < 0) {
            perror("netbench: stream send");
            goto out;
        }
    }
    uint64_t tx_ns = nb_now_ns() - t0;
    unsigned char rep[NB_REPORT_BYTES];
    if (nb_read_full(fd, rep, sizeof(rep)) != 0) {
        fprintf(stderr, "netbench: no stream report from the server\n");
        goto out;
    }
    uint64_t rx_bytes = nb_get_u64le(rep), rx_ns = nb_get_u64le(rep + 8);
    if (rx_bytes != bytes) {
        printf("RESULT proto=%s msg=%zu error=short bytes=%llu rx_bytes=%llu\n", proto,
               o->stream_msg, (unsigned long long)bytes, (unsigned long long)rx_bytes);
        goto out;
    }
    printf("RESULT proto=%s msg=%zu bytes=%llu mbps=%.1f tx_mbps=%.1f rx_mbps=%.1f\n", proto,
           o->stream_msg, (unsigned long long)bytes, mbytes_per_s(rx_bytes, rx_ns),
           mbytes_per_s(bytes, tx_ns), mbytes_per_s(rx_bytes, rx_ns));
    fflush(stdout);
    rc = 0;
out:
    free(msg);
    close(fd);
    return rc;
}

int nb_tcp_stream(const struct nb_client_opts *o)
{
    int fd = nb_tcp_connect(o->peer, o->port, o->connect_wait_s);
    return fd < 0 ? -1 : stream_over(fd, "tcpstream", o);
}

int nb_tipc_stream(const struct nb_client_opts *o)
{
    int fd = nb_tipc_connect_stream(o->connect_wait_s);
    return fd < 0 ? -1 : stream_over(fd, "tipcstream", o);
}
