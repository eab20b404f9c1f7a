/*
 * apps/pingpong/stream.c — transmission throughput: rank 0 sends a long one-way stream of
 * `streambytes / streammsg` messages of `streammsg` bytes to rank 1, keeping `depth`
 * non-blocking sends in flight, and times it at the sender. Flow controlled: a send completes
 * when rank 1 has the message, so the time covers the whole delivery and nothing can be lost.
 * Best effort: the time ends when the link is done with the last message; rank 1 then reports
 * how many messages arrived (the count check), and the losses are printed with the rate.
 */
#include "apps/pingpong/pingpong.h"
#include "porto.h"

#include <stdio.h>

#define REPORT_WAIT_NS 30000000000ull

int pp_stream(struct pp_ctx *c, const struct pp_opts *o, bool fc)
{
    const char *impl = fc ? "porto-fc-stream" : "porto-be-stream";
    uint64_t count = o->stream_bytes / o->stream_msg;
    struct pp_msg m = {.cmd = PP_CMD_STREAM_BEGIN, .a = count, .b = o->stream_msg};
    int r = pp_ctl_send(c, &m);
    if (r < 0) goto fail;
    static struct ap_req reqs[64];
    bool busy[64] = {0};
    unsigned depth = o->stream_depth < 64 ? o->stream_depth : 64;
    struct ap_stats before, after;
    ap_stats(c->ap, &before);
    uint64_t issued = 0, completed = 0;
    uint64_t t0 = porto_tsc();
    while (completed < count) {
        for (unsigned d = 0; d < depth; d++) {
            if (busy[d]) {
                r = ap_test(c->ap, &reqs[d]);
                if (r > 0) continue;
                if (r < 0) goto fail;
                busy[d] = false;
                completed++;
            }
            if (issued < count) {
                r = fc ? ap_isend_fc(c->ap, &reqs[d], 1, PP_PORT_STREAM, c->tx, o->stream_msg)
                       : ap_isend_be(c->ap, &reqs[d], 1, PP_PORT_STREAM, c->tx, o->stream_msg);
                if (r < 0) goto fail;
                busy[d] = true;
                issued++;
            }
        }
    }
    uint64_t t1 = porto_tsc();
    ap_stats(c->ap, &after);
    m = (struct pp_msg){.cmd = PP_CMD_STREAM_END};
    if ((r = pp_ctl_send(c, &m)) < 0 ||
        (r = pp_ctl_wait(c, PP_CMD_STREAM_REPORT, REPORT_WAIT_NS, &m)) < 0)
        goto fail;
    uint64_t t2 = porto_tsc();
    pp_report_stream(impl, o->stream_msg, count, m.a, t1 - t0, t2 - t0, c->hz,
                     after.tx_frames - before.tx_frames);
    struct ap_stats delta = {0};
    pp_stats_accumulate(&delta, &before, &after);
    pp_report_engine_stats(impl, &delta);
    return 0;
fail:
    printf("RESULT impl=%s msg=%zu error=%s\n", impl, o->stream_msg, ap_strerror(r));
    return r;
}
