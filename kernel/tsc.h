/* kernel/tsc.h — the TSC clock: raw ticks, calibration at boot, conversions. */
#ifndef PORTO_TSC_H
#define PORTO_TSC_H
#include <stdint.h>

static inline uint64_t tsc_now(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

extern uint64_t tsc_hz;        /* ticks per second, set by tsc_calibrate() */
extern const char *tsc_method; /* how tsc_hz was found: "cpuid-15h", "hypervisor", "pit" */
extern uint64_t tsc_boot;      /* TSC at kernel entry (boot/entry.S) */

void tsc_calibrate(void);
uint64_t tsc_to_ns(uint64_t ticks);
uint64_t ns_to_tsc(uint64_t ns);
uint64_t time_ns(void);  /* nanoseconds since kernel entry, never decreasing */
uint64_t tsc_mono(void); /* tsc_now() corrected so that it never goes backwards */
void delay_us(uint64_t us);

/* Pure arithmetic, also unit tested on the host: ticks * 1e9 / hz without overflow. */
uint64_t tsc_ticks_to_ns(uint64_t ticks, uint64_t hz);
uint64_t tsc_ns_to_ticks(uint64_t ns, uint64_t hz);
#endif
