/*
 * net/ap_stats.c — the engine's per-node counters: copy, format, print.
 * Formatting uses only snprintf (newlib and glibc both have it). Tested by
 * tests/engine/test_malformed.c (every drop reason named and counted).
 */
#include "net/ap_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *const drop_names[AP_DROP_NREASONS] = {
    [AP_DROP_NOT_PORTO] = "not_porto", [AP_DROP_TRUNCATED] = "truncated",
    [AP_DROP_VERSION] = "version",     [AP_DROP_CRC] = "bad_crc",
    [AP_DROP_NO_CRC] = "no_crc",       [AP_DROP_JOB] = "other_job",
    [AP_DROP_SRC] = "bad_src",         [AP_DROP_DST] = "bad_dst",
    [AP_DROP_TYPE] = "bad_type",       [AP_DROP_FOREIGN] = "foreign",
    [AP_DROP_PORT] = "closed_port",    [AP_DROP_BOUNDS] = "bounds",
    [AP_DROP_FRAG] = "bad_frag",       [AP_DROP_NOT_READY] = "not_ready",
    [AP_DROP_DUP] = "duplicate",       [AP_DROP_OOO] = "out_of_order",
    [AP_DROP_STALE] = "stale",         [AP_DROP_BE_GAP] = "be_gap",
    [AP_DROP_ACK] = "bad_ack",         [AP_DROP_AUTH] = "bad_auth",
    [AP_DROP_ETH_SRC] = "eth_src",     [AP_DROP_NOT_FC] = "not_fc",
    [AP_DROP_SEQ] = "seq_jump",        [AP_DROP_DEAD] = "dead_peer",
};

const char *ap_drop_name(int reason)
{
    if (reason < 0 || reason >= AP_DROP_NREASONS || !drop_names[reason]) return "unknown";
    return drop_names[reason];
}

void ap_stats(const struct ap *ap, struct ap_stats *out)
{
    *out = ap->st;
}

/* Appends to buf like snprintf would; returns the length the whole text needs. */
static size_t put(char *buf, size_t size, size_t used, const char *name, uint64_t v)
{
    char *at = used < size ? buf + used : NULL;
    size_t room = used < size ? size - used : 0;
    int n = snprintf(at, room, "%s %" PRIu64 "\n", name, v);
    return used + (n > 0 ? (size_t)n : 0);
}

int ap_stats_format(const struct ap_stats *s, char *buf, size_t size)
{
    size_t u = 0;
    if (size) buf[0] = 0;
    u = put(buf, size, u, "tx_frames", s->tx_frames);
    u = put(buf, size, u, "tx_bytes", s->tx_bytes);
    u = put(buf, size, u, "rx_frames", s->rx_frames);
    u = put(buf, size, u, "rx_bytes", s->rx_bytes);
    u = put(buf, size, u, "tx_msgs", s->tx_msgs);
    u = put(buf, size, u, "rx_msgs", s->rx_msgs);
    u = put(buf, size, u, "tx_msg_bytes", s->tx_msg_bytes);
    u = put(buf, size, u, "rx_msg_bytes", s->rx_msg_bytes);
    u = put(buf, size, u, "acks_sent", s->acks_sent);
    u = put(buf, size, u, "acks_rcvd", s->acks_rcvd);
    u = put(buf, size, u, "retransmits", s->retransmits);
    u = put(buf, size, u, "timeouts", s->timeouts);
    u = put(buf, size, u, "fast_retransmits", s->fast_retransmits);
    u = put(buf, size, u, "rnr_sent", s->rnr_sent);
    u = put(buf, size, u, "rnr_rcvd", s->rnr_rcvd);
    u = put(buf, size, u, "be_aborted", s->be_aborted);
    u = put(buf, size, u, "link_busy", s->link_busy);
    u = put(buf, size, u, "peers_dead", s->peers_dead);
    u = put(buf, size, u, "foreign_frames", s->foreign_frames);
    u = put(buf, size, u, "sack_held", s->sack_held);
    u = put(buf, size, u, "sack_skipped", s->sack_skipped);
    u = put(buf, size, u, "be_loss_reports", s->be_loss_reports);
    u = put(buf, size, u, "be_paced", s->be_paced);
    u = put(buf, size, u, "be_pace_cuts", s->be_pace_cuts);
    for (int r = 0; r < AP_DROP_NREASONS; r++) {
        char name[32];
        snprintf(name, sizeof(name), "drop_%s", drop_names[r]);
        u = put(buf, size, u, name, s->drop[r]);
    }
    return (int)u;
}

void ap_stats_print(const struct ap *ap, void (*print)(void *arg, const char *line), void *arg)
{
    char text[2048];
    ap_stats_format(&ap->st, text, sizeof(text));
    char *line = text;
    for (char *p = text; *p; p++) {
        if (*p == '\n') {
            *p = 0;
            print(arg, line);
            line = p + 1;
        }
    }
}
