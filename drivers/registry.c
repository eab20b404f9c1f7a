/* drivers/registry.c — the NIC drivers built into every job image, in probe order. */
#include "drivers/nic.h"

extern const struct nic_driver e1000_driver;
extern const struct nic_driver tg3_driver;

const struct nic_driver *const nic_drivers[] = {&e1000_driver, &tg3_driver};
const unsigned nic_ndrivers = sizeof(nic_drivers) / sizeof(nic_drivers[0]);
