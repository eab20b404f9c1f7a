/*
 * tests/tg3/tg3_fixture.h — what the tg3 tests share: two model NICs back to back, each
 * probed and opened through the tg3 driver, plus helpers to send, pump and collect frames and
 * to assert that the model saw no violation. Used by tests/tg3/test_tg3_*.c (cmocka), run by
 * `make unit-test`.
 */
#ifndef TG3_FIXTURE_H
#define TG3_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/nic.h"
#include "tg3_host.h"
#include "tg3_model.h"

#define FX_FRAME_MAX 9100

/* Frames a receive callback collected (copies). */
struct fx_frames {
    unsigned count, cap;
    size_t *len;
    uint8_t *data; /* cap * FX_FRAME_MAX */
};

struct fx {
    struct tg3_model *m[2];
    struct nic nic[2];
    struct fx_frames rx[2];
    long pages_after_probe; /* checked by fx_down() when set */
};

extern const struct nic_driver tg3_driver;

/* Model defaults for node i: MAC 52:54:00:50:00:<i+1>, 1000 Mb/s. */
void fx_config(struct tg3_model_config *c, uint16_t device_id, int node);
/* Add node i's model (cabled to the other if present) and probe it; returns probe's code. */
int fx_probe(struct fx *f, int node, const struct tg3_model_config *c);
/* Both nodes of `device_id`, probed, opened with `mtu` (0 = default), link up; asserts. */
void fx_up(struct fx *f, uint16_t device_id, unsigned mtu);
void fx_up_cfg(struct fx *f, const struct tg3_model_config *c0, const struct tg3_model_config *c1,
               unsigned mtu);
/* Poll link() (advancing virtual time) until up or `max_ms` passed. */
bool fx_wait_link(struct nic *n, unsigned max_ms);
/* Close both NICs, check no page leaked, drop the models. */
void fx_down(struct fx *f);
/* Fail the test, listing them, if a model recorded a violation. */
void fx_assert_clean(const struct fx *f);

void fx_frames_init(struct fx_frames *fr, unsigned cap);
void fx_frames_free(struct fx_frames *fr);
void fx_collect(void *ctx, const void *frame, size_t len); /* nic_rx_fn into a fx_frames */
/* Poll node `node` until `want` frames arrived or `max_rounds` polls; returns frames now. */
unsigned fx_pump(struct fx *f, int node, unsigned want, unsigned max_rounds);

/* A frame from node `from` to node `to` (or broadcast when to < 0), `len` bytes, payload a
 * pattern seeded by `seed`. */
void fx_make_frame(uint8_t *buf, size_t len, int from, int to, uint32_t seed);
void fx_mac(int node, uint8_t mac[6]);

#endif
