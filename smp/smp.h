/*
 * smp/smp.h — every core of a node runs a rank.
 *
 * With the kernel word cpus=C (C > 1; cpus=all: every CPU the firmware lists, up to
 * SMP_MAX_CPUS) the first core finds the others (ACPI MADT, else the MP
 * tables), gives each one its own copy of the node's private memory (low memory, the image, the
 * heap: everything below a 2 MiB-aligned limit, mapped by that core's page tables at the same
 * addresses), starts them (INIT-SIPI-SIPI through a real-mode trampoline) and every core then
 * runs the same program as its own rank, over its own link to the node's software switch
 * (smp/switch.h). Memory above the limit (the NIC, the switch's rings) is the same for every
 * core. docs/smp.md explains the design and its limits.
 */
#ifndef PORTO_SMP_H
#define PORTO_SMP_H
#include <stdbool.h>

#define SMP_MAX_CPUS 16

struct link;

/* On the first core, after the NIC was probed: read cpus=, start the other cores, each of
 * which runs `secondary` (never returning) on its own copy; returns the number of cores (1:
 * nothing was done). Bad words, too few CPUs, a NIC that cannot serve several cores or too
 * little memory stop the machine with a clear message. */
unsigned smp_start(void (*secondary)(void));
/* This core's link to the node's switch; NULL on a one-core node. */
struct link *smp_link(void);
/* The switch put a frame in `core`'s ring: wake it if its idle policy halted it. */
void smp_kick(unsigned core);
#endif
