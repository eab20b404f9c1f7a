# NIC drivers linked into every job image (see drivers/registry.c for probe order).
DRIVER_SRCS += drivers/registry.c $(wildcard drivers/e1000.c drivers/tg3.c)
