/*
 * net/job.c — the job layer's bare-machine platform: the kernel's command line, clock,
 * console (prefix and tap) and exit path, the TSC as entropy, and the boot NIC as the job's
 * link (on a multi-core node, this core's port of the node's switch, smp/). Everything else
 * (formation, engine, output forwarding, exit reports, summary) is net/job_core.c, shared with the
 * hosted runtime (hosted/job_host.c). Blocking waits go idle through the kernel's idle policy
 * (kernel/idle.h) when it halts; under spin the engine gets no idle hook at all.
 */
#include "net/job.h"
#include "drivers/nic.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/idle.h"
#include "kernel/kernel.h"
#include "kernel/tsc.h"
#include "net/ap.h"
#include "net/job_core.h"
#include "net/siphash.h"
#include "porto.h"
#include "smp/smp.h"
#include <string.h>

static struct link job_nic_link;

static struct link *open_nic_link(unsigned nodes, int rank)
{
    (void)nodes, (void)rank;
    struct link *core = smp_link(); /* a multi-core node: this core's port of its switch */
    if (core) return core;
    link_from_nic(&job_nic_link, nic_require()); /* exits with a clear message without a NIC */
    return &job_nic_link;
}

/* This node's share of the run's nonce: unpredictable enough that no two runs agree on it
 * (the TSC at boot depends on firmware, device and QEMU timing, mixed with the MAC). */
static uint64_t boot_entropy(const uint8_t mac[6])
{
    uint64_t in[3] = {tsc_now(), time_ns(), 0};
    memcpy(&in[2], mac, 6);
    for (int i = 0; i < 64; i++)
        in[1] ^= tsc_now() << (i % 32); /* timing jitter of the loop itself */
    struct sip_key k = {in[0], in[1]};
    return siphash24(&k, in, sizeof in);
}

static void bare_exit(int code)
{
    kernel_exit(code);
}

/* A poll pass of a blocking wait brought nothing: the kernel's idle policy decides. Frames
 * moved since the last call start the spin period again. */
static void bare_idle(void *arg)
{
    (void)arg;
    struct ap *ap = porto_ap();
    cpu_idle(ap ? ap_activity(ap) : 0);
}

static const struct job_platform bare_platform = {
    .words = &boot_cmdline,
    .now_ns = time_ns,
    .entropy = boot_entropy,
    .print = console_write,
    .print_raw = console_write_raw,
    .set_prefix = console_set_prefix,
    .set_tap = console_set_tap,
    .exit = bare_exit,
    .at_exit = kernel_at_exit,
    .open_link = open_nic_link,
    .argc = &boot_cmdline.argc,
    .argv = boot_cmdline.argv,
    .max_args = CMDLINE_MAX_ARGS,
};

void job_start(void)
{
    static struct job_platform plat;
    plat = bare_platform;
    plat.cores = kernel_cores();
    plat.core = kernel_core();
    if (idle_policy()->halt) plat.idle = bare_idle;
    job_core_start(&plat);
}
