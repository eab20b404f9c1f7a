# smp/smp.mk — every core of a node runs a rank: CPU discovery, the other cores' start-up and
# private memory, the node's software switch. In every job image; inert unless cpus=C > 1.
SMP_SRCS := $(wildcard smp/*.c smp/*.S)
