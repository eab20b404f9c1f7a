/*
 * tests/tg3/tg3_host.h — the host-side harness the tg3 driver runs on in tests: the kernel
 * services it calls (kernel/pci.h, kernel/kernel.h MMIO, kernel/mem.h, kernel/tsc.h,
 * kernel/console.h) routed to tg3 models, a virtual clock that delay_us() advances, and a
 * registry of memory the device may DMA to. Implemented in tg3_host.c; `make test`.
 */
#ifndef TG3_HOST_H
#define TG3_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tg3_model.h"

#define TG3_HOST_MAX_MODELS 4

/* Forget every model, memory region, log line; the clock keeps running. */
void tg3_host_reset(void);
/* Create a model as PCI device `slot` (0..3), owned by the harness. */
struct tg3_model *tg3_host_add_model(const struct tg3_model_config *cfg, unsigned slot);
void tg3_host_remove_models(void);

/* Memory the device may DMA to besides what page_alloc() handed out (test buffers). */
void tg3_host_dma_register(const void *p, size_t len);
void tg3_host_dma_unregister(const void *p);
long tg3_host_pages_outstanding(void);

/* Virtual time: advances only through delay_us() or this. */
void tg3_host_advance_us(uint64_t us);

/* Everything kprintf() printed since the last reset (also echoed when TG3_TEST_VERBOSE). */
const char *tg3_host_log(void);
bool tg3_host_log_contains(const char *s);

#endif
