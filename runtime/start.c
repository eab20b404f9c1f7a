/*
 * runtime/start.c — the boot sequence, read top to bottom: boot/entry.S enters long mode and
 * calls kmain(), which brings up each layer in dependency order and then runs the app.
 *
 *   kernel/   machine services: console, multiboot, faults, command line, memory, clock
 *   libc/     the C library's kernel words: environment, wall clock, file bound
 *   kernel/   PCI: every function found and printed
 *   drivers/  the NIC registry binds the first NIC a built-in driver claims
 *   smp/      with cpus=C, the other cores start, each on its own copy of everything so far,
 *             and every core goes on from here as its own rank
 *   net/      the job layer forms the job when the command line says nodes=N
 *   libc/     the exit hook that prints the program's in-memory files, for the launcher
 *   app       exit(main(argc, argv)): exit runs the exit hooks, last added first: the files
 *             go out on this node's console before the job layer reports to rank 0 (so
 *             rank 0 ends the job only after every node printed its files)
 *
 * This is the one file that knows every layer; no layer calls up into another.
 */
#include "drivers/nic.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/kernel.h"
#include "kernel/pci.h"
#include "kernel/tsc.h"
#include "libc/libc.h"
#include "net/job.h"
#include "smp/smp.h"
#include <stdlib.h>
#include <stdnoreturn.h>

int main(int argc, char **argv);
void kmain(uint32_t magic, uint32_t mbi_addr);

/* What every core of the node does from here: its own rank of the job, then the app. */
static noreturn void run_rank(void)
{
    job_start();
    kernel_at_exit(libc_files_at_exit);
    uint64_t boot_ns = time_ns();
    kprintf("boot: kernel entry to main in %lu.%03lu ms (TSC)\n", boot_ns / 1000000,
            boot_ns / 1000 % 1000);
    exit(main(boot_cmdline.argc, boot_cmdline.argv));
}

void kmain(uint32_t magic, uint32_t mbi_addr)
{
    (void)magic; /* checked in boot/entry.S */
    kernel_init(mbi_addr);
    libc_init();
    pci_enumerate();
    nic_probe_all();
    smp_start(run_rank);
    run_rank();
}
