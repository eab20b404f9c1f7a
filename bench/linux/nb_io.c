/* nb_io.c — clock and socket helpers of the Linux peer benchmark: exact-length reads and
 * writes that survive short transfers and EINTR, and a TCP connect that waits for a peer that
 * is still booting. Part of build/linux/netbench (scripts/linux-peer builds it). */
#include "netbench.h"

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

uint64_t nb_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* 0 when all `len` bytes arrived, 1 on a clean EOF before the first byte, -1 otherwise. */
int nb_read_full(int fd, void *buf, size_t len)
{
    unsigned char *p = buf;
    size_t got = 0;
    while (got < len) {
        ssize_t r = recv(fd, p + got, len - got, 0);
        if (r > 0) {
            got += (size_t)r;
        } else if (r == 0) {
            return got == 0 ? 1 : -1;
        } else if (errno != EINTR) {
            return -1;
        }
    }
    return 0;
}

int nb_write_full(int fd, const void *buf, size_t len)
{
    const unsigned char *p = buf;
    while (len > 0) {
        ssize_t w = send(fd, p, len, MSG_NOSIGNAL);
        if (w > 0) {
            p += w;
            len -= (size_t)w;
        } else if (w < 0 && errno != EINTR) {
            return -1;
        }
    }
    return 0;
}

int nb_set_nodelay(int fd)
{
    int one = 1;
    return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* The server guest boots in parallel with the client: retry refused/unreachable connects
 * every 200 ms for up to wait_s seconds. */
int nb_tcp_connect(const char *host, uint16_t port, int wait_s)
{
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
        fprintf(stderr, "netbench: peer '%s' is not an IPv4 address\n", host);
        return -1;
    }
    uint64_t deadline = nb_now_ns() + (uint64_t)wait_s * 1000000000u;
    for (;;) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (fd < 0) {
            perror("netbench: socket");
            return -1;
        }
        if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) return fd;
        int err = errno;
        close(fd);
        if (nb_now_ns() >= deadline) {
            fprintf(stderr, "netbench: connect %s:%u: %s (gave up after %d s)\n", host, port,
                    strerror(err), wait_s);
            return -1;
        }
        usleep(200000);
    }
}

/* The guest's TSC rate as its own clock sees it: TSC ticks per CLOCK_MONOTONIC second over
 * `ms` milliseconds, in kHz. Under QEMU the TSC is the host's, so this differs from the
 * host's TSC rate exactly by how far the guest kernel's clock (which times every Linux
 * measurement) is off. 0 where there is no TSC. */
uint64_t nb_guest_tsc_khz(unsigned ms)
{
#if defined(__x86_64__) || defined(__i386__)
    uint64_t t0 = nb_now_ns(), c0 = __rdtsc();
    while (nb_now_ns() - t0 < (uint64_t)ms * 1000000u)
        ;
    uint64_t t1 = nb_now_ns(), c1 = __rdtsc();
    return (c1 - c0) * 1000000u / (t1 - t0);
#else
    (void)ms;
    return 0;
#endif
}
