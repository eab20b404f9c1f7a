/*
 * hosted/idle.c — what a hosted rank does when a wait's poll pass moved nothing (the engine's
 * idle hook, also porto_idle()). A Porto node owns its CPU and spins; a process shares the
 * machine. A wait that has just begun spins (an answer from a peer running on another CPU
 * comes within microseconds, and giving the CPU away would cost more than that); one that
 * lasts gives the CPU to others (sched_yield); one that lasts long sleeps in poll(2) until a
 * frame arrives or 1 ms passes (the engine's timers are milliseconds). How long to spin
 * depends on whether the job's ranks on this machine have a CPU each: then they spin up to
 * 1 ms like an MPI library's busy polling (the peer is running, yielding would only let other
 * work in between); with more ranks than CPUs the peer is most likely waiting for this CPU, so
 * they yield at once.
 * The idlespin= word (microseconds) overrides the spin time.
 */
#define _GNU_SOURCE
#include "hosted/host.h"

#include <poll.h>
#include <sched.h>
#include <unistd.h>

void host_idle_policy(struct host_link *h, unsigned local, int64_t spin_us)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    bool dedicated = cpus > 0 && local <= (unsigned long)cpus;
    h->spin_ns = spin_us >= 0 ? (uint64_t)spin_us * 1000u : dedicated ? 1000000u : 0u;
    h->yield_ns = h->spin_ns + (dedicated ? 10000000u : 1000000u);
}

void host_link_idle(void *arg)
{
    struct host_link *h = arg;
    uint64_t now = host_now_ns();
    if (h->last_rx_ns >= h->idle_since_ns || h->idle_since_ns == 0) h->idle_since_ns = now;
    uint64_t idle = now - h->idle_since_ns;
    if (idle < h->spin_ns) return;
    if (idle < h->yield_ns) {
        sched_yield();
        return;
    }
    struct pollfd p = {.fd = h->fd, .events = POLLIN};
    poll(&p, 1, 1);
}
