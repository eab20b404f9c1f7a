/*
 * bench/tsc_rate.c — prints the host's TSC rate in kHz, measured against CLOCK_MONOTONIC
 * (median of 5 windows of 100 ms). bench/run builds it (build/bench/tsc_rate) and passes
 * the rate to Porto guests as the tsc_khz= kernel word: under QEMU (TCG and KVM alike) a
 * guest's RDTSC reads the host's TSC, while the kernel's PIT calibration under TCG can be
 * off by up to 2x on a loaded host (seen: 2609 and 4866 MHz for a 2596 MHz TSC).
 *   gcc -O2 -o tsc_rate bench/tsc_rate.c && ./tsc_rate
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <x86intrin.h>

#define WINDOWS 5

static uint64_t mono_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
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
        uint64_t n0 = mono_ns(), t0 = __rdtsc();
        struct timespec pause = {0, 100000000};
        nanosleep(&pause, NULL);
        uint64_t n1 = mono_ns(), t1 = __rdtsc();
        if (n1 <= n0 || t1 <= t0) {
            fprintf(stderr, "tsc_rate: the clocks did not advance\n");
            return 1;
        }
        khz[i] = (double)(t1 - t0) / ((double)(n1 - n0) / 1e6);
    }
    qsort(khz, WINDOWS, sizeof khz[0], cmp_double);
    double spread = (khz[WINDOWS - 1] - khz[0]) / khz[WINDOWS / 2];
    if (spread > 0.01) {
        fprintf(stderr, "tsc_rate: the host's TSC is not steady (%.1f%% spread)\n", spread * 100);
        return 1;
    }
    printf("%.0f\n", khz[WINDOWS / 2]);
    return 0;
}
