/*
 * tests/nic/test_nic_tx.c — the shared transmit planner (drivers/nic_common.c, nic_tx_plan):
 * fixed cases for padding, merging and rejection, and a randomised check over many piece
 * layouts and device rules that the descriptors carry exactly the frame's bytes in order,
 * that no copied run exceeds NIC_TX_COPY_MAX, that no descriptor is longer than the device
 * allows, and that none is 8 bytes or less where the device forbids that. Run by
 * `make unit-test` (tests/mk/nic.mk).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/nic.h"
#include "kernel/pci.h"

/* Console and PCI services nic_common.c links against; the planner uses neither. */
int kvprintf(const char *fmt, va_list ap)
{
    return vprintf(fmt, ap);
}
uint32_t pci_read32(const struct pci_dev *d, uint8_t off)
{
    (void)d;
    (void)off;
    return 0;
}
uint64_t pci_bar(const struct pci_dev *d, int n, uint64_t *size)
{
    (void)d;
    (void)n;
    *size = 0;
    return 0;
}

#define FRAME_MAX 1514

/* Lay the plan out as the device would read it; returns the bytes put on the wire. */
static size_t wire(const struct nic_tx_plan *pl, uint8_t *out, const struct nic_tx_rules *r)
{
    size_t off = 0;
    uint8_t area[NIC_TX_COPY_MAX];
    for (unsigned s = 0; s < pl->nseg; s++) {
        const struct nic_tx_seg *g = &pl->seg[s];
        if (r->no_short_dma) assert_true(g->len > NIC_TX_SHORT_DMA);
        if (g->copied) {
            assert_true(g->len <= NIC_TX_COPY_MAX);
            assert_int_equal(nic_tx_copy(pl, s, area), g->len);
            memcpy(out + off, area, g->len);
        } else {
            assert_true(g->len <= (r->dma_max ? r->dma_max : 0xffff));
            assert_true(g->len > NIC_TX_COPY_MAX / 2);
            memcpy(out + off, g->addr, g->len);
        }
        off += g->len;
    }
    return off;
}

static void test_short_frame_is_padded(void **state)
{
    (void)state;
    uint8_t f[20], out[FRAME_MAX];
    memset(f, 0xab, sizeof f);
    struct nic_iov iov[2] = {{f, 14}, {f + 14, 6}};
    struct nic_tx_rules r = {.max_frame = FRAME_MAX};
    struct nic_tx_plan pl;
    assert_int_equal(nic_tx_plan(iov, 2, &r, &pl), 1);
    assert_int_equal(wire(&pl, out, &r), NIC_ETH_MIN_FRAME);
    assert_memory_equal(out, f, 20);
    for (int i = 20; i < NIC_ETH_MIN_FRAME; i++)
        assert_int_equal(out[i], 0);
}

static void test_bad_frames_rejected(void **state)
{
    (void)state;
    uint8_t f[FRAME_MAX + 1];
    struct nic_tx_rules r = {.max_frame = FRAME_MAX};
    struct nic_tx_plan pl;
    struct nic_iov tiny = {f, NIC_ETH_HLEN - 1}, big = {f, FRAME_MAX + 1}, nul = {NULL, 20};
    struct nic_iov wraps[2] = {{f, SIZE_MAX}, {f, 2}};
    struct nic_iov many[NIC_MAX_IOV + 1];
    for (int i = 0; i <= NIC_MAX_IOV; i++)
        many[i] = (struct nic_iov){f, 20};
    assert_int_equal(nic_tx_plan(&tiny, 1, &r, &pl), -NIC_EINVAL);
    assert_int_equal(nic_tx_plan(&big, 1, &r, &pl), -NIC_EINVAL);
    assert_int_equal(nic_tx_plan(&nul, 1, &r, &pl), -NIC_EINVAL);
    assert_int_equal(nic_tx_plan(wraps, 2, &r, &pl), -NIC_EINVAL);
    assert_int_equal(nic_tx_plan(many, NIC_MAX_IOV + 1, &r, &pl), -NIC_EINVAL);
    assert_int_equal(nic_tx_plan(many, 0, &r, &pl), -NIC_EINVAL);
    assert_int_equal(nic_tx_plan(NULL, 1, &r, &pl), -NIC_EINVAL);
}

/* A short run between two long ones, after a copied run, and at the end. */
static void test_short_runs_lengthened(void **state)
{
    (void)state;
    static uint8_t f[FRAME_MAX], out[FRAME_MAX];
    for (size_t i = 0; i < sizeof f; i++)
        f[i] = (uint8_t)(i * 7 + 3);
    struct nic_tx_rules r = {.max_frame = FRAME_MAX, .no_short_dma = true};
    struct nic_tx_plan pl;
    const size_t layouts[][4] = {
        {14, 500, 0, 0},  /* short header, large payload: borrows the payload's head */
        {500, 6, 0, 0},   /* large then a short tail: takes the large piece's tail */
        {125, 5, 0, 0},   /* copied run then a short one: moves the boundary back */
        {5, 125, 0, 0},   /* short run then a copied one: moves the boundary forward */
        {120, 4, 4, 300}, /* two short pieces merged after a copied run */
        {3, 3, 126, 200},
    };
    for (size_t k = 0; k < sizeof layouts / sizeof layouts[0]; k++) {
        struct nic_iov iov[4];
        size_t off = 0;
        unsigned n = 0;
        for (; n < 4 && layouts[k][n]; n++) {
            iov[n] = (struct nic_iov){f + off, layouts[k][n]};
            off += layouts[k][n];
        }
        assert_true(nic_tx_plan(iov, n, &r, &pl) > 0);
        assert_int_equal(wire(&pl, out, &r), off < NIC_ETH_MIN_FRAME ? NIC_ETH_MIN_FRAME : off);
        assert_memory_equal(out, f, off);
    }
}

static void test_random_layouts(void **state)
{
    (void)state;
    static uint8_t f[9014], out[9100];
    for (size_t i = 0; i < sizeof f; i++)
        f[i] = (uint8_t)(i * 13 + 1);
    srand(1);
    for (int round = 0; round < 200000; round++) {
        struct nic_tx_rules r = {
            .max_frame = sizeof f, .dma_max = (rand() & 1) ? 4096 : 0, .no_short_dma = rand() & 1};
        unsigned n = 1 + (unsigned)rand() % NIC_MAX_IOV;
        struct nic_iov iov[NIC_MAX_IOV];
        size_t off = 0;
        for (unsigned i = 0; i < n; i++) {
            int kind = rand() % 4;
            size_t len = kind == 0   ? (size_t)rand() % 9
                         : kind == 1 ? (size_t)rand() % (NIC_TX_COPY_MAX + 1)
                         : kind == 2 ? NIC_TX_COPY_MAX - 8 + (size_t)rand() % 17
                                     : (size_t)rand() % 2000;
            if (off + len > sizeof f) len = sizeof f - off;
            iov[i] = (struct nic_iov){f + off, len};
            off += len;
        }
        struct nic_tx_plan pl;
        int rc = nic_tx_plan(iov, n, &r, &pl);
        if (off < NIC_ETH_HLEN) {
            assert_int_equal(rc, -NIC_EINVAL);
            continue;
        }
        assert_true(rc > 0);
        assert_int_equal(pl.total, off);
        assert_int_equal(wire(&pl, out, &r), off < NIC_ETH_MIN_FRAME ? NIC_ETH_MIN_FRAME : off);
        assert_memory_equal(out, f, off);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_short_frame_is_padded),
        cmocka_unit_test(test_bad_frames_rejected),
        cmocka_unit_test(test_short_runs_lengthened),
        cmocka_unit_test(test_random_layouts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
