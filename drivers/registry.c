/* drivers/registry.c — the NIC drivers built into every job image, in probe order.
 * Weak references: a driver missing from a partial build is simply skipped. */
#include "drivers/nic.h"
#include <stddef.h>

extern const struct nic_driver e1000_driver __attribute__((weak));
extern const struct nic_driver tg3_driver __attribute__((weak));

const struct nic_driver *const nic_drivers[] = {&e1000_driver, &tg3_driver};
const unsigned nic_ndrivers = sizeof(nic_drivers) / sizeof(nic_drivers[0]);
