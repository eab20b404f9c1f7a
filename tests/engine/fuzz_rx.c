/*
 * tests/engine/fuzz_rx.c — libFuzzer harness on the engine's frame receive path (ap_input),
 * built with clang -fsanitize=fuzzer,address,undefined.
 *   make fuzz                       fuzz for FUZZ_SECONDS (default 60), corpus in build/fuzz/
 *   build/host/fuzz/fuzz_rx -runs=N a fixed number of inputs (the `make test` smoke run)
 *
 * An input is a script of records, so the fuzzer reaches deep states quickly instead of
 * having to guess CRCs and headers: raw frames, well-formed frames with fuzzed fields (CRC
 * made right or not), clock advances with polls, and API calls between frames (re-arming,
 * closing and reopening ports, sends that need ACKs). Each frame is handed over in a heap
 * block of exactly its length (ASan sees overreads); port buffers sit between guard bytes
 * that are checked after every record; ASan/UBSan catch the rest.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/ap.h"
#include "net/siphash.h"
#include "net/crc32c.h"
#include "net/wire.h"

#define NODES 4
#define ME    1
#define JOB   0x77
#define GUARD 32
#define PSIZE 3000

static uint64_t clock_ns;
static uint64_t now_fn(void)
{
    return clock_ns;
}

static int l_send(void *ctx, const struct link_iov *iov, unsigned n)
{
    /* Touch every byte so ASan sees what the engine hands over. */
    volatile uint8_t sink = 0;
    (void)ctx;
    for (unsigned k = 0; k < n; k++)
        for (size_t i = 0; i < iov[k].len; i++)
            sink ^= ((const uint8_t *)iov[k].base)[i];
    (void)sink;
    return 0;
}
static void l_flush(void *ctx)
{
    (void)ctx;
}
static int l_poll(void *ctx, link_rx_fn fn, void *arg, unsigned budget)
{
    (void)ctx, (void)fn, (void)arg, (void)budget;
    return 0;
}
static unsigned l_pending(void *ctx)
{
    (void)ctx;
    return 0;
}

struct cursor {
    const uint8_t *p;
    size_t left;
};

static uint32_t take(struct cursor *c, unsigned bytes)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < bytes; i++) {
        v = v << 8 | (c->left ? *c->p : 0);
        if (c->left) {
            c->p++;
            c->left--;
        }
    }
    return v;
}

static uint8_t mem[4][GUARD + PSIZE + GUARD];
static int handler_runs;

static void on_msg(struct ap *ap, int src, int port, void *data, size_t len, void *arg)
{
    (void)src, (void)arg;
    /* Read all of it (ASan checks the bounds), sometimes re-arm or re-post from here. */
    volatile uint8_t s = 0;
    for (size_t i = 0; i < len; i++)
        s ^= ((uint8_t *)data)[i];
    (void)s;
    if (handler_runs++ % 3 == 0) ap_port_post(ap, port, NULL, 0);
}

static void check_guards(void)
{
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < GUARD; i++)
            if (mem[k][i] != 0xA5 || mem[k][GUARD + PSIZE + i] != 0xA5)
                abort(); /* an out-of-bounds write into a guard */
}

static void open_ports(struct ap *ap)
{
    ap_port_open(ap, 1, mem[0] + GUARD, PSIZE, on_msg, NULL, 0);
    ap_port_open(ap, 2, mem[1] + GUARD, PSIZE, NULL, NULL, AP_PORT_ONESHOT);
    ap_port_open(ap, 3, mem[2] + GUARD, PSIZE, on_msg, NULL, AP_PORT_SLOTS | AP_PORT_ONESHOT);
    ap_port_open(ap, 4, mem[3] + GUARD, PSIZE, NULL, NULL, AP_PORT_SLOTS);
}

static const uint8_t fuzz_key[16] = {7, 6, 5, 4, 3, 2, 1};

static size_t structured_frame(const struct ap *ap, struct cursor *c, uint8_t *fr,
                               const uint8_t (*macs)[6])
{
    struct ap_hdr h;
    memset(&h, 0, sizeof(h));
    uint32_t sel = take(c, 1);
    h.version = (sel & 0x80) ? (uint8_t)take(c, 1) : AP_WIRE_VERSION;
    h.type = (sel & 0x40) ? (uint8_t)take(c, 1) : (uint8_t)(1 + (sel & 1));
    h.flags = (uint16_t)take(c, 2);
    h.job = (sel & 0x20) ? take(c, 4) : JOB;
    h.src = (uint16_t)(take(c, 1) % (NODES + 2));
    h.dst = (sel & 0x10) ? AP_WIRE_ALL : ME;
    uint32_t port = take(c, 1);
    h.port = (uint16_t)(port < 200 ? port % 6 : port == 255 ? AP_MAX_PORTS : port);
    /* Sequence numbers near where the engine's streams are (they start at random values). */
    const struct ap_peer *pp = &ap->peers[h.src % NODES];
    int bc = h.dst == AP_WIRE_ALL;
    h.msg_seq = pp->be_last[bc] + take(c, 1) - 8;
    h.seq = pp->rx_expect[bc] + take(c, 1) - 8;
    h.ack = pp->fc.una + take(c, 1) - 8;
    h.msg_len = (sel & 0x08) ? take(c, 4) : take(c, 2) % (PSIZE + 200);
    h.base = (sel & 0x04) ? take(c, 4) : take(c, 2) % PSIZE;
    h.frag_off = (sel & 0x02) ? take(c, 4) : take(c, 2) % (PSIZE + 200);
    h.frag_len = (uint16_t)(take(c, 2) % 1500);
    uint8_t *pay = fr + AP_FRAME_HLEN;
    for (unsigned i = 0; i < h.frag_len; i++)
        pay[i] = (uint8_t)(i + h.msg_seq);
    if (take(c, 1) & 1) {
        h.flags |= AP_F_CRC;
        ap_hdr_write(fr + AP_ETH_HLEN, &h);
        uint32_t st = crc32c_update(CRC32C_INIT, pay, h.frag_len);
        h.crc = crc32c_final(crc32c_update(st, fr + AP_ETH_HLEN, AP_HDR_CRC_OFF));
    }
    ap_eth_write(fr, macs[ME], macs[h.src % NODES]);
    int sign = ap->auth && (take(c, 1) & 1); /* a keyed engine: mostly frames it can verify */
    if (sign) h.flags |= AP_F_AUTH;
    ap_hdr_write(fr + AP_ETH_HLEN, &h);
    size_t len = AP_FRAME_HLEN + h.frag_len;
    if (sign) {
        struct sip_key k;
        struct sip_state st;
        sip_key_load(&k, fuzz_key);
        sip_init(&st, &k);
        sip_update(&st, fr + AP_ETH_HLEN, AP_HDR_CRC_OFF);
        sip_update(&st, pay, h.frag_len);
        uint64_t t = sip_final(&st);
        memcpy(fr + len, &t, 8);
        len += 8;
    }
    uint32_t cut = take(c, 1);
    if (cut >= 250) /* sometimes truncated */
        len = len * (cut - 249) / 7;
    return len;
}

/* Hand a frame to the engine in a heap block of exactly its length, so that AddressSanitizer
 * sees any read past the frame's end (a static buffer would hide it). */
static void feed(struct ap *ap, const uint8_t *frame, size_t len)
{
    uint8_t *exact = malloc(len ? len : 1);
    if (!exact) abort();
    memcpy(exact, frame, len);
    ap_input(ap, exact, len);
    free(exact);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t frame[2048];
    static struct ap ap;
    static struct ap_req reqs[8];
    static uint8_t out[4000];
    uint8_t macs[NODES][6];
    struct link link = {
        .mtu = 1500, .send = l_send, .flush = l_flush, .poll = l_poll, .pending = l_pending};
    for (int k = 0; k < NODES; k++) {
        memset(macs[k], 0, 6);
        macs[k][0] = 2;
        macs[k][5] = (uint8_t)k;
    }
    memcpy(link.mac, macs[ME], 6);
    struct cursor c = {data, size};
    clock_ns = 1000000000ull;
    handler_runs = 0;
    memset(mem, 0xA5, sizeof(mem));
    struct ap_config cfg = {.nodes = NODES,
                            .rank = ME,
                            .job_id = JOB,
                            .macs = (const uint8_t(*)[6])macs,
                            .link = &link,
                            .now_ns = now_fn,
                            .crc = take(&c, 1) & 1,
                            .key = take(&c, 1) & 1 ? fuzz_key : NULL,
                            .window = 8,
                            .giveup_ns = 50000000};
    if (ap_init(&ap, &cfg) != 0) abort();
    open_ports(&ap);
    for (int k = 0; k < 4000; k++)
        out[k] = (uint8_t)k;
    int nreq = 0;
    while (c.left) {
        uint32_t op = take(&c, 1);
        switch (op % 5) {
        case 0: { /* raw bytes */
            size_t len = take(&c, 1) * 8u;
            if (len > c.left) len = c.left;
            memcpy(frame, c.p, len);
            c.p += len;
            c.left -= len;
            feed(&ap, frame, len);
            break;
        }
        case 1:
        case 2: /* well-formed frames are the common case */
            feed(&ap, frame, structured_frame(&ap, &c, frame, (const uint8_t(*)[6])macs));
            break;
        case 3: /* time passes */
            clock_ns += (uint64_t)take(&c, 1) * 1000000ull;
            ap_poll(&ap);
            break;
        case 4: { /* the application does something */
            uint32_t a = take(&c, 1), port = 1 + a % 4;
            switch ((a >> 2) % 6) {
            case 0:
                ap_port_post(&ap, (int)port, NULL, 0);
                break;
            case 1:
                ap_port_post_slot(&ap, (int)port, (int)(a >> 5) % NODES);
                break;
            case 2:
                ap_port_close(&ap, (int)port);
                break;
            case 3:
                ap_port_close(&ap, (int)port);
                open_ports(&ap);
                break;
            case 4:
            case 5:
                if (nreq < 8) {
                    int dst = (a >> 5) % 5 == 4 ? AP_ALL : (int)((a >> 5) % NODES);
                    size_t len = take(&c, 2) % sizeof(out);
                    if ((a >> 4) & 1)
                        ap_isend_fc(&ap, &reqs[nreq++], dst, (int)port, out, len);
                    else
                        ap_isend_be(&ap, &reqs[nreq++], dst, (int)port, out, len);
                }
                break;
            }
            break;
        }
        }
        check_guards();
    }
    ap_fini(&ap);
    return 0;
}
