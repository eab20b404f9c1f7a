# drivers/drivers.mk — the NIC registry (nic.c, registry.c: probe order) and every driver,
# in every job image's archive.
DRIVER_SRCS += $(wildcard drivers/*.c)
