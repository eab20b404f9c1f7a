/*
 * apps/pingpong/report.c — what the ping-pong benchmark prints: per implementation a human
 * table (D(S) median/min/p99/GAMMA, T(S) = S/D(S)) and machine-readable lines that bench/run
 * collects:
 *   RESULT impl=porto-be size=S median_us=.. min_us=.. p99_us=.. gamma_us=.. n=.. gamma=RxL lost=..
 *          mismatch=.. (echoes whose payload differed; corrupt=1 too when any did)
 *   RESULT impl=porto-payload rank0_checked=.. rank0_mismatch=.. rank1_checked=.. rank1_mismatch=..
 *   RESULT impl=porto-be metric=derived latency_us=.. bw_mbps=.. bw_fit_mbps=.. half_power=..
 *   RESULT impl=porto-fc-stream msg=.. count=.. bytes=.. mbps=.. rx_mbps=.. lost=.. frames=..
 * Rates are MB/s (10^6 bytes per second), like the Linux peer's.
 */
#include "apps/pingpong/pingpong.h"

#include <stdio.h>

void pp_report_point(const char *impl, const struct pp_opts *o, const struct pp_point *p)
{
    printf("RESULT impl=%s size=%zu median_us=%.2f min_us=%.2f p99_us=%.2f gamma_us=%.2f "
           "n=%zu gamma=%zux%zu lost=%zu mismatch=%zu%s\n",
           impl, p->size, p->s.median_us, p->s.min_us, p->s.p99_us, p->gamma_us, p->s.n,
           o->gamma_runs, o->gamma_len, p->lost, p->mismatched, p->mismatched ? " corrupt=1" : "");
}

void pp_report_table(const char *impl, const struct pp_point *pts, size_t n)
{
    printf("\n%s: message delay D(S) = half round trip (us), T(S) = S / D(S) from the median\n",
           impl);
    printf("%9s %10s %10s %10s %10s %10s %6s %5s\n", "size", "median", "min", "p99", "gamma",
           "T MB/s", "n", "lost");
    size_t sizes[PP_MAX_SIZES];
    double delay[PP_MAX_SIZES];
    size_t nd = 0;
    for (size_t i = 0; i < n && i < PP_MAX_SIZES; i++) {
        const struct pp_point *p = &pts[i];
        printf("%9zu %10.2f %10.2f %10.2f %10.2f %10.1f %6zu %5zu%s\n", p->size, p->s.median_us,
               p->s.min_us, p->s.p99_us, p->gamma_us, bench_mbps(p->size, p->s.median_us), p->s.n,
               p->lost, p->mismatched ? "  PAYLOAD CORRUPT" : "");
        if (!p->mismatched) {
            sizes[nd] = p->size;
            delay[nd++] = p->s.median_us;
        }
    }
    if (nd == 0) return;
    struct bench_derived d = bench_derive(sizes, delay, nd);
    printf("%s: latency D(%zu) %.2f us, asymptotic bandwidth B = T(%zu) %.1f MB/s (fit %.1f "
           "MB/s), half-power point %zu bytes\n",
           impl, sizes[0], d.latency_us, sizes[nd - 1], d.bw_mbps, d.bw_fit_mbps, d.half_power);
    printf("RESULT impl=%s metric=derived latency_us=%.2f bw_mbps=%.1f bw_fit_mbps=%.1f "
           "half_power=%zu max_size=%zu\n",
           impl, d.latency_us, d.bw_mbps, d.bw_fit_mbps, d.half_power, sizes[nd - 1]);
}

void pp_report_stream(const char *impl, size_t msg, uint64_t count, uint64_t delivered,
                      uint64_t ticks, uint64_t report_ticks, uint64_t hz, uint64_t frames)
{
    double us = (double)ticks * 1e6 / (double)hz;
    double report_us = (double)report_ticks * 1e6 / (double)hz;
    uint64_t bytes = count * msg, rx_bytes = delivered * msg;
    double mbps = us > 0 ? (double)bytes / us : 0;
    double rx_mbps = report_us > 0 ? (double)rx_bytes / report_us : 0;
    uint64_t lost = count > delivered ? count - delivered : 0;
    printf("\n%s: %llu messages of %zu bytes in %.1f ms at the sender: %.1f MB/s; delivered "
           "%llu (%.1f MB/s to the report), lost %llu, %llu frames\n",
           impl, (unsigned long long)count, msg, us / 1e3, mbps, (unsigned long long)delivered,
           rx_mbps, (unsigned long long)lost, (unsigned long long)frames);
    printf("RESULT impl=%s msg=%zu count=%llu bytes=%llu mbps=%.1f rx_mbps=%.1f lost=%llu "
           "frames=%llu\n",
           impl, msg, (unsigned long long)count, (unsigned long long)bytes, mbps, rx_mbps,
           (unsigned long long)lost, (unsigned long long)frames);
}

void pp_stats_accumulate(struct ap_stats *acc, const struct ap_stats *before,
                         const struct ap_stats *after)
{
    /* Every field is a uint64_t counter: add them up as an array. */
    _Static_assert(sizeof(struct ap_stats) % sizeof(uint64_t) == 0, "counters only");
    uint64_t *sum = (uint64_t *)acc;
    const uint64_t *a = (const uint64_t *)before, *b = (const uint64_t *)after;
    for (size_t i = 0; i < sizeof(struct ap_stats) / sizeof(uint64_t); i++)
        sum[i] += b[i] - a[i];
}

/* Frames per message and acknowledgement traffic: where the engine's time goes when it is
 * slower than the raw floor (each frame sent is one doorbell or shares one). */
void pp_report_engine_stats(const char *impl, const struct ap_stats *d)
{
    printf("INFO %s engine tx_frames=%llu rx_frames=%llu tx_msgs=%llu rx_msgs=%llu "
           "acks_sent=%llu acks_rcvd=%llu\n",
           impl, (unsigned long long)d->tx_frames, (unsigned long long)d->rx_frames,
           (unsigned long long)d->tx_msgs, (unsigned long long)d->rx_msgs,
           (unsigned long long)d->acks_sent, (unsigned long long)d->acks_rcvd);
    printf("INFO %s engine retransmits=%llu timeouts=%llu fast_retransmits=%llu be_aborted=%llu "
           "link_busy=%llu\n",
           impl, (unsigned long long)d->retransmits, (unsigned long long)d->timeouts,
           (unsigned long long)d->fast_retransmits, (unsigned long long)d->be_aborted,
           (unsigned long long)d->link_busy);
    if (d->be_loss_reports)
        printf("INFO %s engine be_loss_reports=%llu be_pace_cuts=%llu be_paced=%llu\n", impl,
               (unsigned long long)d->be_loss_reports, (unsigned long long)d->be_pace_cuts,
               (unsigned long long)d->be_paced);
    for (int i = 0; i < AP_DROP_NREASONS; i++)
        if (d->drop[i])
            printf("INFO %s engine drop %s=%llu\n", impl, ap_drop_name(i),
                   (unsigned long long)d->drop[i]);
}
