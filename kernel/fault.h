/* kernel/fault.h — CPU exception reporting (see fault.c). */
#ifndef PORTO_FAULT_H
#define PORTO_FAULT_H
void fault_init(void);
#endif
