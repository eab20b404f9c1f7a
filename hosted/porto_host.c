/*
 * hosted/porto_host.c — include/porto.h's words and clock in a Linux process. The job part
 * (porto_rank, porto_nodes, porto_ap) is the shared job layer's (net/job_core.c).
 * porto_tsc() counts nanoseconds of CLOCK_MONOTONIC and porto_tsc_hz() says 1e9: a tick
 * counter with a known, exact rate, which is all apps rely on; a process may move between
 * CPUs, so the raw TSC is not used.
 */
#include "hosted/host.h"
#include "porto.h"

#include <time.h>

static uint64_t start_ns;

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void host_clock_init(void)
{
    start_ns = mono_ns();
}

uint64_t host_now_ns(void)
{
    return mono_ns() - start_ns;
}

const char *porto_arg(const char *key)
{
    return host_arg(key);
}
int64_t porto_arg_int(const char *key, int64_t def)
{
    return host_arg_int(key, def);
}
uint64_t porto_time_ns(void)
{
    return host_now_ns();
}
uint64_t porto_tsc(void)
{
    return mono_ns();
}
uint64_t porto_tsc_hz(void)
{
    return 1000000000ull;
}

void porto_idle(void)
{
    host_job_idle();
}
