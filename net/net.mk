# net/net.mk — the messaging layer in every job image: the Active Port engine, its NIC link,
# and whatever else lives in net/ (the job layer's net/job*.c). Everything in net/ must build
# for the bare machine; host-only code lives under tests/.
NET_SRCS += $(wildcard net/*.c)
