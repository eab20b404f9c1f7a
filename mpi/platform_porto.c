/*
 * mpi/platform_porto.c — libmpi on the bare machine: one rank per node, the job layer's engine
 * (porto_ap), the kernel's clock, exit() to end the job. A program started outside a job (a
 * single node) gets a private one-rank engine on a link that carries nothing: every message
 * is to itself and the engine delivers those locally.
 */
#include <stdio.h>
#include <stdlib.h>

#include "mpi/mpi_impl.h"
#include "porto.h"

static struct mpi_proc the_proc;

struct mpi_proc *mpi_proc(void)
{
    return &the_proc;
}

static int null_send(void *ctx, const struct link_iov *iov, unsigned niov)
{
    (void)ctx, (void)iov, (void)niov;
    return 0;
}
static void null_flush(void *ctx)
{
    (void)ctx;
}
static int null_poll(void *ctx, link_rx_fn fn, void *arg, unsigned budget)
{
    (void)ctx, (void)fn, (void)arg, (void)budget;
    return 0;
}
static unsigned null_pending(void *ctx)
{
    (void)ctx;
    return 0;
}

static struct link solo_link = {.mtu = 1500,
                                .send = null_send,
                                .flush = null_flush,
                                .poll = null_poll,
                                .pending = null_pending};
static struct ap solo_ap;

struct ap *mpi_platform_ap(void)
{
    struct ap *ap = porto_ap();
    if (ap) return ap;
    static const uint8_t mac[1][6] = {{0x02, 0, 0, 0, 0, 1}};
    struct ap_config cfg = {
        .nodes = 1, .rank = 0, .macs = mac, .link = &solo_link, .now_ns = porto_time_ns};
    if (ap_init(&solo_ap, &cfg) < 0) {
        fprintf(stderr, "libmpi: one-rank engine: %s\n", ap_error(&solo_ap));
        return NULL;
    }
    return &solo_ap;
}

uint64_t mpi_platform_now_ns(void)
{
    return porto_time_ns();
}

/* The engine's idle hook: under idle=halt (more nodes than host CPUs) a wait that brings
 * nothing halts the CPU as the engine's own waits do, instead of spinning on a CPU the
 * other nodes need; under idle=spin it returns at once. */
void mpi_platform_idle(void)
{
    struct mpi_proc *p = mpi_proc();
    if (p->ap) ap_idle(p->ap);
}

void mpi_platform_name(char *buf, size_t size)
{
    snprintf(buf, size, "porto-node%d", porto_rank());
}

_Noreturn void mpi_platform_exit(int code)
{
    exit(code); /* a rank exiting non-zero ends the whole job (net/job.c) */
}
