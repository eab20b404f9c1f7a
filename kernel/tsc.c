/*
 * kernel/tsc.c — the TSC clock. Calibration at boot, first method that answers:
 *  1. CPUID leaf 0x15 (TSC/crystal ratio and crystal frequency), on CPUs that report both;
 *  2. the hypervisor leaf 0x40000010 (TSC kHz; QEMU/VMware publish it on some setups);
 *  3. the PIT: channel 2 counts 1.193182 MHz for 5 ms with its gate on port 0x61 while we
 *     count TSC ticks (the classic method; works on every PC and under QEMU TCG). Each TSC
 *     read is bracketed; of two runs (up to four while brackets exceed 1%) the narrowest
 *     bracket wins, since a host busy with other VMs can stall the virtual CPU mid-run.
 *     Under TCG the TSC follows the host's, which on a loaded nested host can drift from
 *     the PIT by a few percent between boots: compare timings within one run only.
 * The method used is printed at boot.
 */
#include "kernel/tsc.h"
#include "kernel/cmdline.h"
#include "kernel/kernel.h"
#include <stdint.h>

uint64_t tsc_hz = 1000000000ull; /* replaced by tsc_calibrate() */
const char *tsc_method = "none";

#define PIT_HZ    1193182u
#define PIT_CH2   0x42
#define PIT_CMD   0x43
#define PIT_GATE  0x61 /* bit 0: channel 2 gate, bit 1: speaker, bit 5: channel 2 output */
#define CAL_MS    5u
#define CAL_TRIES 4

static void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    __asm__ volatile("cpuid"
                     : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3])
                     : "a"(leaf), "c"(sub));
}

uint64_t tsc_ticks_to_ns(uint64_t ticks, uint64_t hz)
{
    /* Split to avoid overflow of ticks * 1e9 for long intervals. */
    uint64_t sec = ticks / hz, rem = ticks % hz;
    return sec * 1000000000ull + rem * 1000000000ull / hz;
}

uint64_t tsc_ns_to_ticks(uint64_t ns, uint64_t hz)
{
    uint64_t sec = ns / 1000000000ull, rem = ns % 1000000000ull;
    return sec * hz + rem * hz / 1000000000ull;
}

/* One PIT measurement of CAL_MS. Every TSC read that matters is bracketed, so a vCPU (or SMI)
 * stall between the PIT event and our read widens *uncertainty instead of skewing the result
 * silently. Returns TSC ticks per CAL_MS (the midpoint estimate), 0 when no PIT answers. */
static uint64_t pit_measure(uint64_t *uncertainty)
{
    uint32_t count = PIT_HZ * CAL_MS / 1000;
    uint8_t gate = inb(PIT_GATE);
    outb(PIT_GATE, (gate & ~0x02) | 0x01); /* speaker off, gate on */
    outb(PIT_CMD, 0xb0);                   /* channel 2, lo/hi byte, mode 0, binary */
    outb(PIT_CH2, count & 0xff);
    outb(PIT_CH2, count >> 8);
    /* Restart counting: toggle the gate, then wait for OUT2 to go high at terminal count. */
    gate = inb(PIT_GATE);
    outb(PIT_GATE, gate & ~0x01);
    uint64_t t0a = tsc_now();
    outb(PIT_GATE, gate | 0x01);
    uint64_t t0b = tsc_now(), t1a = t0b, limit = 0;
    while (!(inb(PIT_GATE) & 0x20)) {
        t1a = tsc_now();
        if (++limit > 100000000ull) /* no PIT: give up rather than hang */
            return 0;
    }
    uint64_t t1b = tsc_now();
    *uncertainty = (t0b - t0a) + (t1b - t1a);
    return ((t1a - t0b) + (t1b - t0a)) / 2;
}

static uint64_t pit_calibrate(void)
{
    /* Two measurements, more (up to CAL_TRIES) while the bracket is wider than 1%; the one
     * with the narrowest bracket wins. A stalled virtual CPU only widens the bracket. */
    uint64_t best = 0, best_unc = UINT64_MAX;
    for (int i = 0; i < CAL_TRIES && (i < 2 || best_unc * 100 > best); i++) {
        uint64_t unc, ticks = pit_measure(&unc);
        if (!ticks) return 0;
        if (unc < best_unc) {
            best = ticks;
            best_unc = unc;
        }
    }
    return best * 1000 / CAL_MS;
}

void tsc_calibrate(void)
{
    /* 0. tsc_khz=N on the command line: the launcher measured the host's TSC itself (under
     *    TCG the guest's TSC is the host's, and PIT calibration on a loaded host wanders). */
    int64_t khz = karg_int("tsc_khz", 0);
    if (khz > 0) {
        tsc_hz = (uint64_t)khz * 1000;
        tsc_method = "tsc_khz= on the command line";
        return;
    }
    uint32_t r[4];
    cpuid(0, 0, r);
    uint32_t max_leaf = r[0];
    if (max_leaf >= 0x15) {
        cpuid(0x15, 0, r);
        if (r[0] && r[1] && r[2]) {
            tsc_hz = (uint64_t)r[2] * r[1] / r[0];
            tsc_method = "cpuid-15h";
            return;
        }
    }
    cpuid(1, 0, r);
    if (r[2] & (1u << 31)) { /* running under a hypervisor */
        cpuid(0x40000000, 0, r);
        if (r[0] >= 0x40000010) {
            cpuid(0x40000010, 0, r);
            if (r[0]) {
                tsc_hz = (uint64_t)r[0] * 1000;
                tsc_method = "hypervisor-leaf";
                return;
            }
        }
    }
    uint64_t hz = pit_calibrate();
    if (hz) {
        tsc_hz = hz;
        tsc_method = "pit";
    } else
        tsc_method = "none (no PIT answered; assuming 1 GHz)";
}

uint64_t tsc_to_ns(uint64_t ticks)
{
    return tsc_ticks_to_ns(ticks, tsc_hz);
}
uint64_t ns_to_tsc(uint64_t ns)
{
    return tsc_ns_to_ticks(ns, tsc_hz);
}

/* A TSC that never goes backwards. Real PCs with an invariant TSC never need the
 * correction; a virtual CPU whose host thread moves between host CPUs with unsynchronised
 * TSCs does (seen under TCG on a nested host: time ran backwards by seconds, and every
 * "now - then" in the engine wrapped into a timeout). */
uint64_t tsc_mono(void)
{
    static uint64_t offset, last;
    uint64_t t = tsc_now() + offset;
    if (t < last) {
        offset += last - t;
        t = last;
    }
    last = t;
    return t;
}

uint64_t time_ns(void)
{
    return tsc_to_ns(tsc_mono() - tsc_boot);
}

void delay_us(uint64_t us)
{
    uint64_t end = tsc_mono() + ns_to_tsc(us * 1000);
    while (tsc_mono() < end)
        cpu_pause();
}
