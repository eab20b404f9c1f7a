/* kernel/fault.h — CPU exception reporting (see fault.c). */
#ifndef PORTO_FAULT_H
#define PORTO_FAULT_H
#include <stdint.h>
void fault_init(void);
/* Load the exception table on another core of a multi-core node (smp/). */
void fault_init_secondary(void);
/* Install an interrupt gate for a vector above the exceptions (kernel/idle.c's APIC timer). */
void idt_set_gate(uint8_t vector, void (*handler)(void));
#endif
