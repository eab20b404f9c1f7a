# hosted/hosted.mk — the hosted runtime: every app in apps/ as a Linux executable, with the
# engine and the job layer over UDP or raw Ethernet sockets (docs/hosted.md).
#   make host            build/host/<app>        (-O2 -g)
#   make host SAN=1      build/host/asan/<app>   (AddressSanitizer + UndefinedBehaviorSanitizer)
#   scripts/porto-run --host -n 8 build/host/selftest
# An app links as: its objects merged into one (ld -r) with main renamed porto_main, then
# hosted/start.c's main, the shared job layer and the engine from libporto-host.a. Apps that
# drive the NIC themselves are listed in HOSTED_EXCLUDE and not built hosted.

HOSTED_CC      := gcc
HOSTED_CFLAGS  := -std=c11 -O2 -g -Wall -Wextra -Werror -I. -Iinclude -D_DEFAULT_SOURCE \
	-DPORTO_HOSTED=1 -msse4.2 -fno-omit-frame-pointer -MMD -MP
HOSTED_SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined
# linktest checks Porto's own NIC drivers frame by frame: there is no Porto driver hosted.
# posixtest checks Porto's bare-metal C library: a hosted app has the host's.
HOSTED_EXCLUDE := linktest posixtest
HOSTED_APPS    := $(filter-out $(HOSTED_EXCLUDE),$(APPS))
# The runtime (hosted/), the shared job layer and the engine (net/ without the bare machine's
# platform net/job.c and NIC link net/link_nic.c), the word parser (kernel/cmdline.c: pure
# logic) and what apps share (common/).
HOSTED_RT_SRCS := $(wildcard hosted/*.c) $(filter-out net/job.c net/link_nic.c,$(wildcard net/*.c)) \
	kernel/cmdline.c $(wildcard common/*.c)
# Libraries layered on the engine that use only net/ap.h and include/porto.h (mpi/mpi.mk's
# MPI_SRCS and MPI_INC, when that fragment is in the tree) join the archive unchanged.
HOSTED_RT_SRCS += $(MPI_SRCS)
HOSTED_CFLAGS  += $(if $(MPI_INC),-I$(MPI_INC))

# Two configurations: plain (obj/host) and sanitized (obj/host-asan).
HOSTED_CFG_plain := $(BUILD)/obj/host
HOSTED_CFG_asan  := $(BUILD)/obj/host-asan
HOSTED_BIN_plain := $(BUILD)/host
HOSTED_BIN_asan  := $(BUILD)/host/asan
HOSTED_LIB_plain := $(HOSTED_CFG_plain)/libporto-host.a
HOSTED_LIB_asan  := $(HOSTED_CFG_asan)/libporto-host.a

ifeq ($(SAN),1)
HOST_TARGETS := $(patsubst %,$(HOSTED_BIN_asan)/%,$(HOSTED_APPS))
else
HOST_TARGETS := $(patsubst %,$(HOSTED_BIN_plain)/%,$(HOSTED_APPS))
endif

.PHONY: host host-asan
host: $(HOST_TARGETS)
	@for a in $(HOSTED_EXCLUDE); do echo "host: apps/$$a is bare metal only (it drives the NIC itself): not built hosted"; done
host-asan:
	$(MAKE) host SAN=1

$(HOSTED_CFG_plain)/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOSTED_CC) $(HOSTED_CFLAGS) -c $< -o $@
$(HOSTED_CFG_asan)/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOSTED_CC) $(HOSTED_CFLAGS) $(HOSTED_SANFLAGS) -c $< -o $@

$(HOSTED_LIB_plain): $(patsubst %.c,$(HOSTED_CFG_plain)/%.o,$(HOSTED_RT_SRCS))
	@rm -f $@
	ar rcs $@ $^
$(HOSTED_LIB_asan): $(patsubst %.c,$(HOSTED_CFG_asan)/%.o,$(HOSTED_RT_SRCS))
	@rm -f $@
	ar rcs $@ $^

# The app's objects as one, its main renamed: the runtime's main runs first. (No % inside
# the second expansion: make would put the stem there.)
$(patsubst %,$(HOSTED_CFG_plain)/app-%.o,$(APPS)): $(HOSTED_CFG_plain)/app-%.o: $$(addprefix $(HOSTED_CFG_plain)/,$$(subst .c,.o,$$(wildcard apps/$$*/*.c)))
	ld -r -o $@ $^
	objcopy --redefine-sym main=porto_main $@
$(patsubst %,$(HOSTED_CFG_asan)/app-%.o,$(APPS)): $(HOSTED_CFG_asan)/app-%.o: $$(addprefix $(HOSTED_CFG_asan)/,$$(subst .c,.o,$$(wildcard apps/$$*/*.c)))
	ld -r -o $@ $^
	objcopy --redefine-sym main=porto_main $@

# start.o first: it holds main and pulls the rest of the runtime out of the archive. Static
# pattern rules: only the apps' executables, never another file under build/host/.
$(patsubst %,$(HOSTED_BIN_plain)/%,$(HOSTED_APPS)): $(HOSTED_BIN_plain)/%: $(HOSTED_CFG_plain)/app-%.o $(HOSTED_LIB_plain)
	@mkdir -p $(dir $@)
	$(HOSTED_CC) -o $@ $(HOSTED_CFG_plain)/hosted/start.o $< $(HOSTED_LIB_plain) -lm
$(patsubst %,$(HOSTED_BIN_asan)/%,$(HOSTED_APPS)): $(HOSTED_BIN_asan)/%: $(HOSTED_CFG_asan)/app-%.o $(HOSTED_LIB_asan)
	@mkdir -p $(dir $@)
	$(HOSTED_CC) $(HOSTED_SANFLAGS) -o $@ $(HOSTED_CFG_asan)/hosted/start.o $< $(HOSTED_LIB_asan) -lm

.SECONDARY: $(patsubst %,$(HOSTED_CFG_plain)/app-%.o,$(HOSTED_APPS)) \
	$(patsubst %,$(HOSTED_CFG_asan)/app-%.o,$(HOSTED_APPS))
