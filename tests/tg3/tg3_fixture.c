/*
 * tests/tg3/tg3_fixture.c — the shared setup of the tg3 tests (see tg3_fixture.h): models
 * created through the harness, the driver probed and opened on them exactly as drivers/nic.c
 * would, and frame helpers. Built into each tg3 test program by tests/mk/tg3.mk.
 */
#include "tg3_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

void fx_mac(int node, uint8_t mac[6])
{
    static const uint8_t base[6] = {0x52, 0x54, 0x00, 0x50, 0x00, 0x00};
    memcpy(mac, base, 6);
    mac[5] = (uint8_t)(node + 1);
}

void fx_config(struct tg3_model_config *c, uint16_t device_id, int node)
{
    memset(c, 0, sizeof(*c));
    c->device_id = device_id;
    fx_mac(node, c->mac);
}

static const struct nic_pci_id *id_entry(uint16_t device)
{
    for (const struct nic_pci_id *id = tg3_driver.ids; id->vendor; id++)
        if (id->device == device) return id;
    return NULL;
}

int fx_probe(struct fx *f, int node, const struct tg3_model_config *c)
{
    f->m[node] = tg3_host_add_model(c, (unsigned)node);
    assert_non_null(f->m[node]);
    if (f->m[1 - node]) tg3_model_connect(f->m[0], f->m[1]);
    const struct nic_pci_id *id = id_entry(c->device_id);
    static const struct nic_pci_id other = {0x14e4, 0, "test part"};
    memset(&f->nic[node], 0, sizeof(f->nic[node]));
    return tg3_driver.probe(&f->nic[node], tg3_model_pci(f->m[node]), id ? id : &other);
}

bool fx_wait_link(struct nic *n, unsigned max_ms)
{
    struct nic_link l = {0};
    for (unsigned ms = 0; ms <= max_ms; ms++) {
        if (nic_link(n, &l) == 0 && l.up) return true;
        tg3_host_advance_us(1000);
    }
    return false;
}

void fx_up_cfg(struct fx *f, const struct tg3_model_config *c0, const struct tg3_model_config *c1,
               unsigned mtu)
{
    struct nic_config nc = {.mtu = mtu};
    memset(f, 0, sizeof(*f));
    tg3_host_reset();
    assert_int_equal(fx_probe(f, 0, c0), 0);
    assert_int_equal(fx_probe(f, 1, c1), 0);
    f->pages_after_probe = tg3_host_pages_outstanding();
    for (int i = 0; i < 2; i++)
        assert_int_equal(nic_open(&f->nic[i], &nc), 0);
    for (int i = 0; i < 2; i++)
        assert_true(fx_wait_link(&f->nic[i], 2000));
}

void fx_up(struct fx *f, uint16_t device_id, unsigned mtu)
{
    struct tg3_model_config c0, c1;
    fx_config(&c0, device_id, 0);
    fx_config(&c1, device_id, 1);
    fx_up_cfg(f, &c0, &c1, mtu);
}

void fx_assert_clean(const struct fx *f)
{
    unsigned bad = 0;
    for (int i = 0; i < 2; i++) {
        if (!f->m[i] || !tg3_model_violations(f->m[i])) continue;
        fprintf(stderr, "model %d: %u violation(s)\n", i, tg3_model_violations(f->m[i]));
        tg3_model_print_violations(f->m[i]);
        bad += tg3_model_violations(f->m[i]);
    }
    assert_int_equal(bad, 0);
}

void fx_down(struct fx *f)
{
    for (int i = 0; i < 2; i++) {
        if (f->nic[i].ops) nic_close(&f->nic[i]);
        fx_frames_free(&f->rx[i]);
    }
    /* close() gives back every ring and buffer; only what probe() took stays (a NIC is
     * never unbound). */
    if (f->pages_after_probe) assert_int_equal(tg3_host_pages_outstanding(), f->pages_after_probe);
    tg3_host_reset();
    memset(f, 0, sizeof(*f));
}

void fx_frames_init(struct fx_frames *fr, unsigned cap)
{
    fx_frames_free(fr); /* a collector may be set up again within one test */
    fr->count = 0;
    fr->cap = cap;
    fr->len = calloc(cap, sizeof(*fr->len));
    fr->data = malloc((size_t)cap * FX_FRAME_MAX);
    assert_non_null(fr->len);
    assert_non_null(fr->data);
}

void fx_frames_free(struct fx_frames *fr)
{
    free(fr->len);
    free(fr->data);
    memset(fr, 0, sizeof(*fr));
}

void fx_collect(void *ctx, const void *frame, size_t len)
{
    struct fx_frames *fr = ctx;
    if (fr->count < fr->cap && len <= FX_FRAME_MAX) {
        fr->len[fr->count] = len;
        memcpy(fr->data + (size_t)fr->count * FX_FRAME_MAX, frame, len);
    }
    fr->count++;
}

unsigned fx_pump(struct fx *f, int node, unsigned want, unsigned max_rounds)
{
    struct nic *n = &f->nic[node];
    for (unsigned r = 0; r < max_rounds && f->rx[node].count < want; r++) {
        if (nic_poll(n, fx_collect, &f->rx[node], 64) == 0) tg3_host_advance_us(10);
    }
    return f->rx[node].count;
}

void fx_make_frame(uint8_t *buf, size_t len, int from, int to, uint32_t seed)
{
    uint8_t hdr[14];
    if (to < 0)
        memset(hdr, 0xff, 6);
    else
        fx_mac(to, hdr);
    fx_mac(from, hdr + 6);
    hdr[12] = 0x88;
    hdr[13] = 0xb5;
    memcpy(buf, hdr, len < 14 ? len : 14);
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 14; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (uint8_t)x;
    }
}
