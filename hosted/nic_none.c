/*
 * hosted/nic_none.c — drivers/nic.h's registry in a Linux process: there is no NIC Porto
 * drives itself (the job's link is a socket), so the boot NIC is absent and an app that
 * requires it stops with a clear message and PORTO_EXIT_NONIC, as it would on a machine
 * without a supported NIC. Linked only into apps that ask for the NIC.
 */
#include "drivers/nic.h"
#include "porto.h"

#include <stdio.h>
#include <stdlib.h>

struct nic *nic_probe_all(void)
{
    return NULL;
}

struct nic *nic_default(void)
{
    return NULL;
}

struct nic *nic_require(void)
{
    fprintf(stderr, "porto: this app drives the NIC directly (nic_require): bare metal only, "
                    "not available in hosted Porto\n");
    exit(PORTO_EXIT_NONIC);
}

/* nic_poll()'s counting tap (drivers/nic_common.c on the bare machine). Without a NIC no poll
 * reaches it; it is here so that apps with raw NIC paths, refused at run time, still link. */
void nic_rx_tap_fn(void *arg, const void *frame, size_t len)
{
    struct nic_rx_tap *tap = arg;
    tap->nic->stats.rx_frames++;
    tap->nic->stats.rx_bytes += len;
    tap->fn(tap->ctx, frame, len);
}
