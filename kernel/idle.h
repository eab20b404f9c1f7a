/*
 * kernel/idle.h — what a blocking wait does when nothing arrives (kernel/idle.c).
 * Kernel word idle=spin|halt[:US]:
 *   spin      keep polling (the default: on a real cluster every node owns its CPU)
 *   halt:US   poll for US microseconds without progress, then halt the CPU until a one-shot
 *             local-APIC timer fires and poll again; the first halt lasts IDLE_HALT_MIN_US,
 *             each further one without progress twice as long, up to idlehalt=US. The timer
 *             is the only interrupt ever enabled: NICs stay polled. Gives the host CPU back
 *             when more virtual nodes than host CPUs share a machine.
 *   halt      halt with the default spin period (IDLE_SPIN_US_DEFAULT).
 * Kernel word idlehalt=US: the longest halt (default IDLE_HALT_US_DEFAULT).
 */
#ifndef PORTO_IDLE_H
#define PORTO_IDLE_H
#include <stdbool.h>
#include <stdint.h>

#define IDLE_SPIN_US_DEFAULT 50
#define IDLE_HALT_US_DEFAULT 1000
#define IDLE_HALT_MIN_US     10
#define IDLE_US_MAX          1000000

struct idle_policy {
    bool halt;
    uint32_t spin_us; /* poll this long without progress before the first halt */
    uint32_t halt_us; /* the longest halt */
};

/* Parse the values of idle= and idlehalt= (either may be NULL: absent). NULL on success,
 * else why the words are wrong. Pure: unit tested on the host. */
const char *idle_parse(const char *idle, const char *idlehalt, struct idle_policy *out);

/* Read the kernel words and, for halt, set up the local APIC timer and its vector (the
 * legacy PIC is masked). A bad word stops the boot with a clear message. */
void idle_init(void);
/* The same policy on another core of a multi-core node (smp/): programs its local APIC. */
void idle_init_secondary(void);
/* Multi-core node: while this core halts, *flag is 1 (in memory the other cores see), and
 * idle_wake(its APIC ID) from another core ends the halt early. A wake-up that races with
 * the decision to halt is lost; the halt's timer bounds what that costs. No-ops under spin. */
void idle_share_sleep_flag(volatile uint32_t *flag);
void idle_wake(uint8_t apic_id);
const struct idle_policy *idle_policy(void);
/* The policy in force as one word: "spin" or "halt:US" (the spin period). */
const char *idle_describe(void);

/* Called by a wait loop when a poll pass brought nothing. `progress` is any counter that
 * moves when work happens (e.g. frames seen): when it moved since the last call, the spin
 * period starts again. Spins (returns at once) under idle=spin. */
void cpu_idle(uint64_t progress);

/* Halts taken so far (0 under spin). */
uint64_t idle_halts(void);
#endif
