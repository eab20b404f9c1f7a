/* smp/cpus.h — the machine's processors, from firmware tables (smp/cpus.c). */
#ifndef PORTO_SMP_CPUS_H
#define PORTO_SMP_CPUS_H
#include <stdint.h>

/* The local APIC IDs of the enabled CPUs, in table order (at most max), from ACPI's MADT or
 * else the MP tables; *how names the source. Returns how many (0: no table found). */
int smp_find_cpus(uint8_t *ids, int max, const char **how);
#endif
