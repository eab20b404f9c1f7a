/*
 * runtime/start.c — the boot sequence, read top to bottom: boot/entry.S enters long mode and
 * calls kmain(), which brings up each layer in dependency order and then runs the app.
 *
 *   kernel/   machine services: console, multiboot, faults, command line, memory, clock
 *   kernel/   PCI: every function found and printed
 *   drivers/  the NIC registry binds the first NIC a built-in driver claims
 *   net/      the job layer forms the job when the command line says nodes=N
 *   app       exit(main(argc, argv)): exit runs the job layer's exit hook (reports to rank 0)
 *
 * This is the one file that knows every layer; no layer calls up into another.
 */
#include "drivers/nic.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/kernel.h"
#include "kernel/pci.h"
#include "kernel/tsc.h"
#include "net/job.h"
#include <stdlib.h>

int main(int argc, char **argv);
void kmain(uint32_t magic, uint32_t mbi_addr);

void kmain(uint32_t magic, uint32_t mbi_addr)
{
    (void)magic; /* checked in boot/entry.S */
    kernel_init(mbi_addr);
    pci_enumerate();
    nic_probe_all();
    job_start();
    uint64_t boot_ns = time_ns();
    kprintf("boot: kernel entry to main in %lu.%03lu ms (TSC)\n", boot_ns / 1000000,
            boot_ns / 1000 % 1000);
    exit(main(boot_cmdline.argc, boot_cmdline.argv));
}
