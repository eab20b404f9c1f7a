/*
 * net/job.c — the job layer's bare-machine platform: the kernel's command line, clock,
 * console (prefix and tap) and exit path, and the boot NIC as the job's link. Everything else
 * (formation, engine, output forwarding, exit reports, summary) is net/job_core.c, shared with
 * the hosted runtime (hosted/job_host.c).
 */
#include "net/job.h"
#include "drivers/nic.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/kernel.h"
#include "kernel/tsc.h"
#include "net/job_core.h"

static struct link nic_link;

static struct link *open_nic_link(unsigned nodes, int rank)
{
    (void)nodes, (void)rank;
    link_from_nic(&nic_link, nic_require()); /* exits with a clear message without a NIC */
    return &nic_link;
}

static noreturn void bare_exit(int code)
{
    kernel_exit(code);
}

static const struct job_platform bare_platform = {
    .arg = karg,
    .arg_int = karg_int,
    .now_ns = time_ns,
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
    job_core_start(&bare_platform);
}
