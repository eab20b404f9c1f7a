/*
 * apps/pingpong/server.c — rank 1 of the ping-pong benchmark: echoes every message on the BE
 * and FC ping-pong ports with the same size and quality of service (and checks each one's
 * payload after answering, reported to rank 0 at the end), counts what the streams
 * deliver, and obeys rank 0's commands on PP_PORT_CTL (stream reports, raw mode, done).
 * Also the command helpers both ranks use. Rank 1 prints nothing while serving: its console
 * goes to rank 0 through the engine and would disturb the measurements.
 */
#include "apps/pingpong/pingpong.h"
#include "porto.h"

#include <stdio.h>
#include <string.h>

int pp_ctl_send(struct pp_ctx *c, const struct pp_msg *m)
{
    int peer = c->rank == 0 ? 1 : 0;
    return ap_send_fc(c->ap, peer, PP_PORT_CTL, m, sizeof *m);
}

/* The next command on PP_PORT_CTL, which must be `cmd` (0: any). */
int pp_ctl_wait(struct pp_ctx *c, uint32_t cmd, uint64_t timeout_ns, struct pp_msg *out)
{
    size_t len = 0;
    int r = ap_port_wait(c->ap, PP_PORT_CTL, timeout_ns, NULL, &len);
    if (r < 0) return r;
    if (len != sizeof *out) return -AP_EMSGSIZE;
    memcpy(out, &c->ctl_in, sizeof *out);
    if (cmd && out->cmd != cmd) return -AP_EINVAL;
    return 0;
}

/* The newest delivery on `port` not yet answered: its length, or -1 if none. Older ones that
 * piled up are superseded. The delivery counter is checked first: it is a plain read, while
 * ap_port_wait reads the clock even when it returns at once. */
static long take_delivery(struct ap *ap, int port, uint64_t *seen)
{
    uint64_t d = ap_port_deliveries(ap, port);
    if (d == *seen) return -1;
    *seen = d;
    long last = -1;
    size_t len;
    while (ap_port_wait(ap, port, 0, NULL, &len) == 0)
        last = (long)len;
    return last;
}

/* Wait until no FC frame or request is outstanding and every ACK we owe is sent, so that
 * nothing the engine needs arrives or is owed while the NIC is driven raw. */
void pp_settle(struct ap *ap)
{
    uint64_t end = porto_time_ns() + 2000000000ull;
    while (!ap_quiescent(ap) && porto_time_ns() < end)
        ap_poll(ap);
    ap_flush(ap); /* ACKs held back for piggybacking: nothing will carry them now */
}

/* ap_stats_format's "name value" lines as lines of the non-zero ones, name=value, each short
 * enough to reach rank 0's console whole (the job layer forwards lines of up to 240 bytes). */
static void print_nonzero(const char *prefix, char *text)
{
    char out[200];
    size_t used = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        char *sp = strchr(line, ' ');
        if (!sp || strcmp(sp + 1, "0") == 0) continue;
        *sp = '=';
        if (used && used + strlen(line) + 2 > sizeof out) {
            printf("%s%.*s\n", prefix, (int)used, out);
            used = 0;
        }
        int n = snprintf(out + used, sizeof out - used, " %s", line);
        if (n > 0) used += (size_t)n < sizeof out - used ? (size_t)n : sizeof out - used - 1;
    }
    if (used) printf("%s%.*s\n", prefix, (int)used, out);
}

int pp_serve(struct pp_ctx *c, const struct pp_opts *o)
{
    struct ap *ap = c->ap;
    uint64_t stream_base = 0, stream_msg = 0;
    uint64_t seen[AP_MAX_PORTS] = {0}; /* deliveries already taken, per port */
    for (;;) {
        /* Answer what has arrived before polling again: a ping often arrives inside the
         * previous answer's send (its ACK rides on the ping), and the engine holds the ACK
         * it owes for one pass only, so that the answer can carry it. */
        bool answered = false;
        long len;
        for (int p = PP_PORT_BE; p < PP_PORT_BE + PP_BE_PORTS; p++) {
            if ((len = take_delivery(ap, p, &seen[p])) >= 0) {
                int r = ap_send_be(ap, 0, p, c->tx, (size_t)len);
                if (r < 0) return r;
                /* Checked after answering, so the check is not part of the round trip. */
                if (o->verify) pp_check_payload(c, c->rx_be, (size_t)len);
                answered = true;
            }
        }
        if ((len = take_delivery(ap, PP_PORT_FC, &seen[PP_PORT_FC])) >= 0) {
            int r = ap_send_fc(ap, 0, PP_PORT_FC, c->tx, (size_t)len);
            if (r < 0) return r;
            if (o->verify) pp_check_payload(c, c->rx_fc, (size_t)len);
            answered = true;
        }
        if (ap_port_deliveries(ap, PP_PORT_CTL) == seen[PP_PORT_CTL]) {
            if (!answered) ap_poll(ap);
            if (!ap_peer_alive(ap, 0)) return -AP_EPEER;
            continue;
        }
        seen[PP_PORT_CTL]++;
        struct pp_msg m;
        int r = pp_ctl_wait(c, 0, 0, &m);
        if (r < 0) return r;
        struct pp_msg reply = {0};
        switch (m.cmd) {
        case PP_CMD_STREAM_BEGIN:
            stream_base = ap_port_deliveries(ap, PP_PORT_STREAM);
            stream_msg = m.b;
            break;
        case PP_CMD_STREAM_END:
            reply.cmd = PP_CMD_STREAM_REPORT;
            reply.a = ap_port_deliveries(ap, PP_PORT_STREAM) - stream_base;
            reply.b = reply.a * stream_msg;
            if ((r = pp_ctl_send(c, &reply)) < 0) return r;
            break;
        case PP_CMD_RAW: {
            reply.cmd = PP_CMD_RAW_MAC;
            memcpy(reply.mac, c->nic_mac, 6);
            if ((r = pp_ctl_send(c, &reply)) < 0) return r;
            pp_settle(ap);
            if ((r = pp_raw_server(c, o, m.mac)) < 0) return r;
            break;
        }
        case PP_CMD_DONE: {
            /* What rank 1 received, for rank 0's payload line. */
            reply.cmd = PP_CMD_CHECKS;
            reply.a = c->checked;
            reply.b = c->mismatched;
            if ((r = pp_ctl_send(c, &reply)) < 0) return r;
            /* Rank 1's side of the engine counters, for the profile (printed on rank 0). */
            struct ap_stats st;
            static char text[2048];
            ap_stats(ap, &st);
            ap_stats_format(&st, text, sizeof text);
            print_nonzero("INFO rank1 engine", text);
            return 0;
        }
        default:
            return -AP_EINVAL;
        }
    }
}
