/*
 * drivers/nic.c — the NIC registry declared at the end of drivers/nic.h.
 *
 * nic_probe_all() (called once at boot by runtime/start.c) matches every PCI function against
 * every driver built in (drivers/registry.c) and binds the first that probes successfully.
 * nic_require() opens that NIC with the command-line settings mtu=, rxring=, txring=, waits
 * up to linkwait= ms for the link, and stops the machine with PORTO_EXIT_NONIC and a clear
 * message when any of this fails. Tested by tests/qemu/31-nonic.sh (no NIC at all) and
 * tests/qemu/30-linktest.sh (a 4-node cluster).
 */
#include "drivers/nic.h"

#include <stdbool.h>
#include <string.h>

#include "kernel/cmdline.h"
#include "kernel/console.h"
#include "kernel/kernel.h"
#include "kernel/mem.h"
#include "kernel/pci.h"
#include "kernel/tsc.h"

#define LINKWAIT_DEFAULT_MS 3000
#define RING_ARG_MAX        65536

/* The bound NIC lives in page-allocated memory, not in the image's data: on a multi-core node
 * every core has its own copy of the image's data (smp/), and the NIC must be one. */
static struct nic *boot_nic;
static struct nic *found;
static bool probed, opened;
static bool
    shared_by_cores; /* opened for several cores' MACs (smp/): only their switch drives it */

static const char *nic_strerror(int rc)
{
    switch (-rc) {
    case NIC_OK:
        return "ok";
    case NIC_EINVAL:
        return "invalid argument";
    case NIC_EBUSY:
        return "transmit ring full";
    case NIC_ENODEV:
        return "device absent or not answering";
    case NIC_ENOMEM:
        return "out of memory";
    case NIC_ETIMEDOUT:
        return "timed out";
    case NIC_ELINK:
        return "link down";
    default:
        return "unknown error";
    }
}

static const struct nic_pci_id *match_id(const struct nic_driver *drv, const struct pci_dev *d)
{
    for (const struct nic_pci_id *id = drv->ids; id && id->vendor; id++)
        if (id->vendor == d->vendor && id->device == d->device) return id;
    return NULL;
}

static void print_built_drivers(void)
{
    kprintf("nic: drivers built in:");
    for (unsigned i = 0; i < nic_ndrivers; i++)
        kprintf(" %s", nic_drivers[i]->name);
    kprintf("\n");
}

struct nic *nic_probe_all(void)
{
    if (probed) return found;
    probed = true;
    for (int i = 0; i < pci_ndevs; i++) {
        const struct pci_dev *d = &pci_devs[i];
        bool claimed = false;
        for (unsigned k = 0; k < nic_ndrivers && !claimed; k++) {
            const struct nic_driver *drv = nic_drivers[k];
            const struct nic_pci_id *id = match_id(drv, d);
            if (!id) continue;
            claimed = true;
            if (!boot_nic) boot_nic = page_alloc((sizeof *boot_nic + PAGE_SIZE - 1) / PAGE_SIZE);
            if (!boot_nic) {
                kprintf("nic: out of memory\n");
                return NULL;
            }
            memset(boot_nic, 0, sizeof(*boot_nic));
            int rc = drv->probe(boot_nic, d, id);
            if (rc != 0) {
                kprintf("nic: %s %s (%04x:%04x) at %02x:%02x.%x: probe failed: %s\n", drv->name,
                        id->model, d->vendor, d->device, d->bus, d->dev, d->fn, nic_strerror(rc));
                continue;
            }
            boot_nic->drv = drv;
            const uint8_t *m = boot_nic->mac;
            kprintf("nic: %s %s at %02x:%02x.%x, MAC %02x:%02x:%02x:%02x:%02x:%02x\n", drv->name,
                    boot_nic->model, d->bus, d->dev, d->fn, m[0], m[1], m[2], m[3], m[4], m[5]);
            found = boot_nic;
            return found;
        }
        if (!claimed && (d->class_code >> 16) == 0x02) /* a network controller we cannot drive */
            kprintf("nic: network device %04x:%04x at %02x:%02x.%x is not supported\n", d->vendor,
                    d->device, d->bus, d->dev, d->fn);
    }
    kprintf("nic: no supported NIC found (%d PCI functions scanned)\n", pci_ndevs);
    print_built_drivers();
    return NULL;
}

struct nic *nic_default(void)
{
    return nic_probe_all();
}

static noreturn void fail(const char *what)
{
    kprintf("nic: error: %s\n", what);
    kernel_exit(PORTO_EXIT_NONIC);
}

static unsigned ring_arg(const char *key)
{
    int64_t v = karg_int(key, 0);
    if (v < 0 || v > RING_ARG_MAX) {
        kprintf("nic: error: %s=%lld out of range (0 = default, up to %d)\n", key, (long long)v,
                RING_ARG_MAX);
        kernel_exit(PORTO_EXIT_NONIC);
    }
    return (unsigned)v;
}

struct nic *nic_require(void)
{
    if (shared_by_cores)
        fail("this node's cores share the NIC through their switch (cpus=): an app that drives "
             "the NIC itself needs cpus=1");
    return nic_require_macs(NULL, 0);
}

struct nic *nic_require_macs(const uint8_t (*extra)[6], unsigned n_extra)
{
    if (opened) return found;
    struct nic *n = nic_default();
    if (!n) fail("no supported NIC found: this app needs a network (QEMU: -device e1000)");
    if (n_extra && !n->drv->multi_unicast) {
        kprintf("nic: error: %s %s cannot receive on more than one unicast address, so it "
                "cannot serve several cores (cpus=1 runs one rank on this node)\n",
                n->drv->name, n->model);
        kernel_exit(PORTO_EXIT_NONIC);
    }

    struct nic_config cfg = {.rx_ring = ring_arg("rxring"),
                             .tx_ring = ring_arg("txring"),
                             .extra_macs = extra,
                             .n_extra_macs = n_extra};
    int64_t mtu = karg_int("mtu", 0);
    if (mtu < 0 || mtu > NIC_MTU_JUMBO) {
        kprintf("nic: error: mtu=%lld out of range (0 = %d, up to %d)\n", (long long)mtu,
                NIC_MTU_DEFAULT, NIC_MTU_JUMBO);
        kernel_exit(PORTO_EXIT_NONIC);
    }
    cfg.mtu = (unsigned)mtu;
    int64_t wait_ms = karg_int("linkwait", LINKWAIT_DEFAULT_MS);
    if (wait_ms < 0) wait_ms = 0;

    int rc = nic_open(n, &cfg);
    if (rc != 0) {
        kprintf("nic: error: cannot open %s %s: %s\n", n->drv->name, n->model, nic_strerror(rc));
        kernel_exit(PORTO_EXIT_NONIC);
    }

    struct nic_link link = {0};
    uint64_t start = time_ns(), deadline = start + (uint64_t)wait_ms * 1000000u;
    for (;;) {
        rc = nic_link(n, &link);
        if (rc != 0 || link.up || time_ns() >= deadline) break;
        delay_us(1000);
    }
    if (rc != 0 || !link.up) {
        kprintf("nic: error: %s %s: link down after %lld ms (%s)\n", n->drv->name, n->model,
                (long long)wait_ms,
                rc != 0 ? nic_strerror(rc) : "no carrier: cable, switch or QEMU netdev?");
        nic_close(n);
        kernel_exit(PORTO_EXIT_NONIC);
    }
    uint64_t waited_us = (time_ns() - start) / 1000;
    kprintf("nic: %s %s link up, %u Mb/s %s duplex, mtu %u (link after %llu us)\n", n->drv->name,
            n->model, link.speed_mbps, link.full_duplex ? "full" : "half", n->mtu,
            (unsigned long long)waited_us);
    opened = true;
    shared_by_cores = n_extra > 0;
    return n;
}
