/*
 * kernel/idle.c — the idle policy of blocking waits (see kernel/idle.h): spin, or spin for a
 * while and then halt until a one-shot local-APIC timer fires.
 *
 * Why a timer and not the NIC: Porto's drivers poll, and a frame that arrives while the CPU
 * halts simply waits in the ring until the next poll. The APIC timer bounds that wait to one
 * halt period, and is the only interrupt the machine ever takes: the legacy PIC is masked,
 * no device interrupt is unmasked, and interrupts are enabled only across the HLT itself
 * ("sti; hlt" cannot lose a wake-up: STI takes effect after the next instruction, so a timer
 * that already expired is taken right at the HLT). Under QEMU a halted vCPU's host thread
 * sleeps, which is the point: more virtual nodes than host CPUs stop competing for them.
 */
#include "kernel/idle.h"
#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/fault.h"
#include "kernel/kernel.h"
#include "kernel/tsc.h"

#define MSR_APIC_BASE   0x1B
#define APIC_BASE_EN    (1u << 11)
#define LAPIC_TPR       0x080
#define LAPIC_EOI       0x0B0
#define LAPIC_SVR       0x0F0
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_ICR_LO    0x300
#define LAPIC_ICR_HI    0x310
#define ICR_FIXED       0x4000u /* fixed delivery, physical destination, assert */
#define LAPIC_TIMER_ICR 0x380   /* initial count: writing it starts the one-shot count */
#define LAPIC_TIMER_CCR 0x390
#define LAPIC_TIMER_DCR 0x3E0
#define LVT_MASKED      (1u << 16)
#define SVR_ENABLE      (1u << 8)
#define DCR_DIV1        0xB

#define VEC_TIMER    0x20
#define VEC_SPURIOUS 0xFF

/* Used by the timer's interrupt entry code (boot/isr.S) to acknowledge it. */
volatile uint32_t *lapic_eoi_reg;
void isr_apic_timer(void);
void isr_apic_spurious(void);

static struct idle_policy policy = {false, IDLE_SPIN_US_DEFAULT, IDLE_HALT_US_DEFAULT};
static volatile uint8_t *lapic;
static uint64_t apic_hz;
static uint32_t halt_max;   /* APIC timer ticks of the longest halt */
static uint32_t halt_min;   /* ... of the first halt after progress */
static uint32_t halt_next;  /* ... of the next halt: doubles while nothing happens */
static uint64_t spin_ticks; /* TSC ticks of spinning before a halt */
static uint64_t last_progress, spin_start, last_call;
static uint64_t halts;
static char description[48];
static volatile uint32_t *sleep_flag; /* set while halted: another core may wake this one */

static uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return (uint64_t)hi << 32 | lo;
}

static void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static uint32_t lapic_read(uint32_t reg)
{
    return mmio_read32(lapic, reg);
}
static void lapic_write(uint32_t reg, uint32_t v)
{
    mmio_write32(lapic, reg, v);
}

/* APIC timer ticks per second, counted against the TSC for 2 ms. */
static uint64_t apic_calibrate(void)
{
    lapic_write(LAPIC_TIMER_DCR, DCR_DIV1);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
    lapic_write(LAPIC_TIMER_ICR, 0xFFFFFFFFu);
    uint64_t t0 = tsc_mono();
    delay_us(2000);
    uint32_t left = lapic_read(LAPIC_TIMER_CCR);
    uint64_t t1 = tsc_mono();
    lapic_write(LAPIC_TIMER_ICR, 0);
    uint64_t ns = tsc_to_ns(t1 - t0);
    uint64_t ticks = 0xFFFFFFFFu - (uint64_t)left;
    return ns ? ticks * 1000000000ull / ns : 0;
}

/* This core's local APIC: enabled, nothing but the timer (masked until armed). */
static void apic_program(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE);
    if (!(base & APIC_BASE_EN)) wrmsr(MSR_APIC_BASE, base | APIC_BASE_EN);
    lapic_write(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
    lapic_write(LAPIC_TPR, 0);
    lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
    lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
}

static void apic_setup(void)
{
    /* The legacy PIC stays silent: mask all 16 lines. */
    outb(0x21, 0xFF);
    outb(0xA1, 0xFF);
    uint64_t base = rdmsr(MSR_APIC_BASE);
    if (!(base & APIC_BASE_EN)) wrmsr(MSR_APIC_BASE, base | APIC_BASE_EN);
    lapic = (volatile uint8_t *)(uintptr_t)(base & 0xFFFFF000u);
    lapic_eoi_reg = (volatile uint32_t *)(lapic + LAPIC_EOI);
    idt_set_gate(VEC_TIMER, isr_apic_timer);
    idt_set_gate(VEC_SPURIOUS, isr_apic_spurious);
    apic_program();
    apic_hz = apic_calibrate();
    /* One-shot, unmasked: from now on each ICR write arms one wake-up. */
    lapic_write(LAPIC_LVT_TIMER, VEC_TIMER);
}

void idle_init(void)
{
    const char *why = idle_parse(karg("idle"), karg("idlehalt"), &policy);
    if (why) {
        kprintf("Porto: bad command line: %s\n", why);
        kernel_exit(PORTO_EXIT_PANIC);
    }
    if (!policy.halt) {
        ksnprintf(description, sizeof description, "spin");
        kprintf("idle: spin\n");
        return;
    }
    apic_setup();
    uint64_t count = apic_hz * policy.halt_us / 1000000;
    if (apic_hz == 0 || count == 0 || count > 0xFFFFFFFFu) {
        kprintf("idle: the local APIC timer does not count (%lu Hz): spinning instead\n", apic_hz);
        policy.halt = false;
        ksnprintf(description, sizeof description, "spin");
        return;
    }
    halt_max = (uint32_t)count;
    uint64_t first = apic_hz * IDLE_HALT_MIN_US / 1000000;
    halt_min = first && first < halt_max ? (uint32_t)first : halt_max;
    halt_next = halt_min;
    spin_ticks = ns_to_tsc((uint64_t)policy.spin_us * 1000);
    ksnprintf(description, sizeof description, "halt:%u", policy.spin_us);
    kprintf("idle: halt after %u us without progress, halts of %u us doubling up to %u us "
            "(APIC timer %lu.%03lu MHz)\n",
            policy.spin_us, IDLE_HALT_MIN_US, policy.halt_us, apic_hz / 1000000,
            apic_hz / 1000 % 1000);
}

/* Another core of a multi-core node: same policy, same timer rate (the copy of this file's
 * data says so), its own local APIC to program. Every core halts and wakes on its own. */
void idle_init_secondary(void)
{
    if (!policy.halt) return;
    apic_program();
    lapic_write(LAPIC_TIMER_DCR, DCR_DIV1);
    lapic_write(LAPIC_LVT_TIMER, VEC_TIMER);
}

void idle_share_sleep_flag(volatile uint32_t *flag)
{
    sleep_flag = flag;
}

void idle_wake(uint8_t apic_id)
{
    if (!lapic) return;
    /* A fixed interrupt on the timer's vector: its handler only acknowledges it, and the
     * HLT it interrupts returns. */
    lapic_write(LAPIC_ICR_HI, (uint32_t)apic_id << 24);
    lapic_write(LAPIC_ICR_LO, ICR_FIXED | VEC_TIMER);
}

const struct idle_policy *idle_policy(void)
{
    return &policy;
}
const char *idle_describe(void)
{
    return description[0] ? description : "spin";
}
uint64_t idle_halts(void)
{
    return halts;
}

void cpu_idle(uint64_t progress)
{
    if (!policy.halt) {
        cpu_pause();
        return;
    }
    uint64_t now = tsc_now();
    /* Progress, or a caller that was away longer than a spin period (it was working, or
     * the host did not run us): spin first again. */
    if (progress != last_progress || now - last_call > spin_ticks) {
        last_progress = progress;
        spin_start = now;
        halt_next = halt_min;
    }
    last_call = now;
    if (now - spin_start < spin_ticks) {
        cpu_pause();
        return;
    }
    /* Each wake-up costs the host a thread switch or two: a node that stays idle halts
     * longer and longer (up to halt_us), one that just had work comes back soon. */
    lapic_write(LAPIC_TIMER_ICR, halt_next);
    halt_next = halt_next > halt_max / 2 ? halt_max : halt_next * 2;
    if (sleep_flag) __atomic_store_n(sleep_flag, 1, __ATOMIC_SEQ_CST);
    __asm__ volatile("sti; hlt; cli" ::: "memory");
    if (sleep_flag) __atomic_store_n(sleep_flag, 0, __ATOMIC_RELEASE);
    lapic_write(LAPIC_TIMER_ICR, 0); /* woken early (an NMI): disarm */
    halts++;
    last_call = tsc_now();
}
