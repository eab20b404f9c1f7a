/* kernel/porto.c — include/porto.h's kernel part: command line, clock and idle for apps. The
 * job part (porto_rank, porto_nodes, porto_ap) is the job layer's: net/job_core.c. */
#include "porto.h"
#include "kernel/cmdline.h"
#include "kernel/idle.h"
#include "kernel/kernel.h"
#include "kernel/tsc.h"

const char *porto_arg(const char *key)
{
    return karg(key);
}
int64_t porto_arg_int(const char *key, int64_t def)
{
    return karg_int(key, def);
}
uint64_t porto_time_ns(void)
{
    return time_ns();
}
uint64_t porto_tsc(void)
{
    return tsc_mono();
}
uint64_t porto_tsc_hz(void)
{
    return tsc_hz;
}

const char *porto_idle_policy(void)
{
    return idle_describe();
}
uint64_t porto_idle_halts(void)
{
    return idle_halts();
}
void porto_idle(void)
{
    cpu_pause();
}
