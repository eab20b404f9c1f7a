/* nb_tipc.c — the TIPC transport of the Linux peer benchmark (AF_TIPC sockets, the cluster
 * protocol the study Porto answers found strongest): the server's two TIPC services and the
 * client's stream. Service addresses, not IP: the server binds {NB_TIPC_TYPE, NB_TIPC_ECHO}
 * (a reliable-datagram echo) and {NB_TIPC_TYPE, NB_TIPC_STREAM} (a SOCK_STREAM sink that
 * speaks the TCP stream test's hello and report). The ping-pong itself is in nb_pingpong.c. */
#include "netbench.h"

#include <errno.h>
#include <linux/tipc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

void nb_tipc_addr(struct sockaddr_tipc *sa, uint32_t instance)
{
    memset(sa, 0, sizeof(*sa));
    sa->family = AF_TIPC;
    sa->addrtype = TIPC_SERVICE_ADDR;
    sa->scope = TIPC_CLUSTER_SCOPE;
    sa->addr.name.name.type = NB_TIPC_TYPE;
    sa->addr.name.name.instance = instance;
    sa->addr.name.domain = 0; /* look the service up anywhere in the cluster */
}

static int tipc_bind(int type, uint32_t instance)
{
    int fd = socket(AF_TIPC, type, 0);
    if (fd < 0) return -1;
    struct sockaddr_tipc sa;
    memset(&sa, 0, sizeof(sa));
    sa.family = AF_TIPC;
    sa.addrtype = TIPC_SERVICE_RANGE;
    sa.scope = TIPC_CLUSTER_SCOPE;
    sa.addr.nameseq.type = NB_TIPC_TYPE;
    sa.addr.nameseq.lower = sa.addr.nameseq.upper = instance;
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        fprintf(stderr, "netbench server: tipc bind {%u,%u}: %s\n", NB_TIPC_TYPE, instance,
                strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static void *tipc_echo_thread(void *arg)
{
    int fd = *(int *)arg;
    static unsigned char buf[TIPC_MAX_USER_MSG_SIZE];
    for (;;) {
        struct sockaddr_tipc from;
        socklen_t fromlen = sizeof(from);
        ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fromlen);
        if (n < 0) {
            if (errno == EINTR) continue;
            perror("netbench server: tipc recvfrom");
            return NULL;
        }
        if (sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, fromlen) < 0)
            perror("netbench server: tipc sendto");
    }
}

static void *tipc_stream_thread(void *arg)
{
    int lst = *(int *)arg;
    size_t cap = 1u << 20;
    unsigned char *buf = malloc(cap);
    if (!buf) {
        fprintf(stderr, "netbench server: out of memory for the TIPC stream buffer\n");
        return NULL;
    }
    for (;;) {
        int fd = accept(lst, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR) continue;
            perror("netbench server: tipc accept");
            free(buf);
            return NULL;
        }
        unsigned char raw[NB_HELLO_BYTES];
        struct nb_hello h;
        if (nb_read_full(fd, raw, sizeof(raw)) != 0 || nb_decode_hello(raw, &h) != 0 ||
            h.kind != NB_KIND_STREAM)
            fprintf(stderr, "netbench server: tipc stream without a valid hello, closed\n");
        else
            nb_serve_stream(fd, h.arg, buf, cap);
        close(fd);
    }
}

int nb_tipc_server_start(void)
{
    static int echo_fd, lst_fd;
    echo_fd = tipc_bind(SOCK_RDM, NB_TIPC_ECHO);
    if (echo_fd < 0) return -1;
    lst_fd = tipc_bind(SOCK_STREAM, NB_TIPC_STREAM);
    if (lst_fd < 0 || listen(lst_fd, 4) < 0) {
        close(echo_fd);
        return -1;
    }
    pthread_t a, b;
    if (pthread_create(&a, NULL, tipc_echo_thread, &echo_fd) != 0 ||
        pthread_create(&b, NULL, tipc_stream_thread, &lst_fd) != 0) {
        fprintf(stderr, "netbench server: cannot start the TIPC threads\n");
        return -1;
    }
    return 0;
}

/* The server's stream service, retried until published: TIPC's neighbour discovery and the
 * name table's update reach the client a moment after the server has bound. */
int nb_tipc_connect_stream(int wait_s)
{
    struct sockaddr_tipc sa;
    nb_tipc_addr(&sa, NB_TIPC_STREAM);
    uint64_t deadline = nb_now_ns() + (uint64_t)wait_s * 1000000000u;
    for (;;) {
        int fd = socket(AF_TIPC, SOCK_STREAM, 0);
        if (fd < 0) {
            perror("netbench: tipc socket");
            return -1;
        }
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) return fd;
        int err = errno;
        close(fd);
        if (nb_now_ns() >= deadline) {
            fprintf(stderr, "netbench: tipc connect {%u,%u}: %s (gave up after %d s)\n",
                    NB_TIPC_TYPE, NB_TIPC_STREAM, strerror(err), wait_s);
            return -1;
        }
        usleep(200000);
    }
}

/* 1 when this kernel has AF_TIPC (the module is loaded), else 0. */
int nb_tipc_available(void)
{
    int fd = socket(AF_TIPC, SOCK_RDM, 0);
    if (fd < 0) return 0;
    close(fd);
    return 1;
}
