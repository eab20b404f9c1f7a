/*
 * scripts/lib/tsc-rate.c — prints this host's TSC rate in kHz, measured against
 * CLOCK_MONOTONIC. porto-run and bench/run pass it to Porto guests as the tsc_khz= kernel word:
 * under QEMU (TCG and KVM alike) a guest's RDTSC reads the host's TSC, while the kernel's PIT
 * calibration under TCG can be far off on a loaded host (seen: 2596, 3961 and 5625 MHz for one
 * 2596 MHz TSC in the same run), and nodes whose clocks disagree time out at different moments.
 * The Makefile builds it as build/tools/tsc-rate; `make install` puts it next to porto-run's
 * other helpers.
 *
 * Method: three windows of 50 ms; each end of a window reads the monotonic clock between two
 * TSC reads, five times, and keeps the narrowest bracket, so a preemption between the two
 * clocks' reads cannot skew the result. The median window is printed; windows that disagree
 * by more than 1% (a host whose TSC is not steady) print nothing and exit 1.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <x86intrin.h>

#define WINDOWS   3
#define WINDOW_NS 50000000L
#define TRIES     5

struct stamp {
    uint64_t ns, tsc;
};

static uint64_t mono_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

/* The monotonic clock and the TSC at (nearly) the same instant. */
static struct stamp stamp(void)
{
    struct stamp best = {0, 0};
    uint64_t best_width = UINT64_MAX;
    for (int i = 0; i < TRIES; i++) {
        uint64_t a = __rdtsc(), ns = mono_ns(), b = __rdtsc();
        if (b - a < best_width) {
            best_width = b - a;
            best = (struct stamp){ns, a + (b - a) / 2};
        }
    }
    return best;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(void)
{
    double khz[WINDOWS];
    for (int i = 0; i < WINDOWS; i++) {
        struct stamp s0 = stamp();
        struct timespec pause = {0, WINDOW_NS};
        nanosleep(&pause, NULL);
        struct stamp s1 = stamp();
        if (s1.ns <= s0.ns || s1.tsc <= s0.tsc) {
            fprintf(stderr, "tsc-rate: the clocks did not advance\n");
            return 1;
        }
        khz[i] = (double)(s1.tsc - s0.tsc) / ((double)(s1.ns - s0.ns) / 1e6);
    }
    qsort(khz, WINDOWS, sizeof khz[0], cmp_double);
    double spread = (khz[WINDOWS - 1] - khz[0]) / khz[WINDOWS / 2];
    if (spread > 0.01) {
        fprintf(stderr, "tsc-rate: the host's TSC is not steady (%.1f%% spread)\n", spread * 100);
        return 1;
    }
    printf("%.0f\n", khz[WINDOWS / 2]);
    return 0;
}
