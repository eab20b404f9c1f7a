/* nb_server.c — server side of the Linux peer benchmark (`netbench server`): a UDP echo
 * thread, TIPC services when the kernel has AF_TIPC (nb_tipc.c), and a TCP accept loop
 * serving one client connection at a time: framed echo for
 * ping-pong, a counted sink for the stream test, and QUIT to end. Malformed input ends that
 * connection with a message; the server keeps running. */
#include "netbench.h"

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int bind_socket(int type, uint16_t port)
{
    int fd = socket(AF_INET, type, 0);
    if (fd < 0) {
        perror("netbench server: socket");
        return -1;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_ANY);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        fprintf(stderr, "netbench server: bind port %u: %s\n", port, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

/* Echo every datagram to its sender; blocking calls only, so one recvfrom and one sendto
 * per round trip, as an application would do it. */
static void *udp_echo_thread(void *arg)
{
    int fd = *(int *)arg;
    static unsigned char buf[65536];
    for (;;) {
        struct sockaddr_in from;
        socklen_t fromlen = sizeof(from);
        ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fromlen);
        if (n < 0) {
            if (errno == EINTR) continue;
            perror("netbench server: udp recvfrom");
            return NULL;
        }
        if (sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, fromlen) < 0)
            perror("netbench server: udp sendto");
    }
}

/* Echo length-prefixed frames until the client closes. Reads as much as is available so a
 * small frame costs one recv and one send. */
static void serve_pingpong(int fd, unsigned char *buf, size_t cap)
{
    size_t have = 0;
    nb_set_nodelay(fd);
    for (;;) {
        while (have >= NB_FRAME_HDR) {
            uint32_t len = nb_get_u32le(buf);
            if (len > NB_TCP_MAX_MSG) {
                fprintf(stderr, "netbench server: frame of %u bytes exceeds %u, dropping client\n",
                        len, NB_TCP_MAX_MSG);
                return;
            }
            size_t frame = NB_FRAME_HDR + len;
            if (have < frame) break;
            if (nb_write_full(fd, buf, frame) < 0) {
                perror("netbench server: tcp send");
                return;
            }
            memmove(buf, buf + frame, have - frame);
            have -= frame;
        }
        ssize_t r = recv(fd, buf + have, cap - have, 0);
        if (r == 0) {
            if (have != 0)
                fprintf(stderr, "netbench server: client closed mid-frame (%zu bytes)\n", have);
            return;
        }
        if (r < 0) {
            if (errno == EINTR) continue;
            perror("netbench server: tcp recv");
            return;
        }
        have += (size_t)r;
    }
}

/* Swallow exactly `bytes`, then report how many arrived and over how long. */
void nb_serve_stream(int fd, uint64_t bytes, unsigned char *buf, size_t cap)
{
    uint64_t got = 0, t0 = nb_now_ns();
    while (got < bytes) {
        size_t want = bytes - got < cap ? (size_t)(bytes - got) : cap;
        ssize_t r = recv(fd, buf, want, 0);
        if (r == 0) {
            fprintf(stderr, "netbench server: stream ended after %llu of %llu bytes\n",
                    (unsigned long long)got, (unsigned long long)bytes);
            return;
        }
        if (r < 0) {
            if (errno == EINTR) continue;
            perror("netbench server: stream recv");
            return;
        }
        got += (uint64_t)r;
    }
    uint64_t ns = nb_now_ns() - t0;
    unsigned char rep[NB_REPORT_BYTES];
    nb_put_u64le(rep, got);
    nb_put_u64le(rep + 8, ns);
    if (nb_write_full(fd, rep, sizeof(rep)) < 0) perror("netbench server: stream report");
}

int nb_server_run(uint16_t port)
{
    int udp = bind_socket(SOCK_DGRAM, port);
    int lst = bind_socket(SOCK_STREAM, port);
    if (udp < 0 || lst < 0 || listen(lst, 4) < 0) {
        perror("netbench server: listen");
        return 1;
    }
    pthread_t tid;
    if (pthread_create(&tid, NULL, udp_echo_thread, &udp) != 0) {
        fprintf(stderr, "netbench server: cannot start the UDP echo thread\n");
        return 1;
    }
    size_t cap = NB_FRAME_HDR + NB_TCP_MAX_MSG + 65536;
    unsigned char *buf = malloc(cap);
    if (!buf) {
        fprintf(stderr, "netbench server: out of memory for a %zu-byte buffer\n", cap);
        return 1;
    }
    /* TIPC when the kernel has it (the Linux peer's guests load the module). */
    int tipc = nb_tipc_available() && nb_tipc_server_start() == 0;
    printf("netbench server: listening on UDP and TCP port %u", port);
    if (tipc)
        printf(" and TIPC services {%u,%u} {%u,%u}\n", NB_TIPC_TYPE, NB_TIPC_ECHO, NB_TIPC_TYPE,
               NB_TIPC_STREAM);
    else
        printf(" (no TIPC in this kernel)\n");
    fflush(stdout);
    for (;;) {
        int fd = accept(lst, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR) continue;
            perror("netbench server: accept");
            return 1;
        }
        unsigned char raw[NB_HELLO_BYTES];
        struct nb_hello h;
        int rc = nb_read_full(fd, raw, sizeof(raw));
        if (rc != 0 || nb_decode_hello(raw, &h) != 0) {
            fprintf(stderr, "netbench server: connection without a valid hello, closed\n");
        } else if (h.kind == NB_KIND_PINGPONG) {
            serve_pingpong(fd, buf, cap);
        } else if (h.kind == NB_KIND_STREAM) {
            nb_serve_stream(fd, h.arg, buf, cap);
        } else {
            close(fd);
            printf("netbench server: quit\n");
            free(buf);
            return 0;
        }
        close(fd);
    }
}
