# Porto — top-level build.
#   make              kernel + libc + every app in apps/<name>/ -> build/<name>.elf
#   make iso APP=x    GRUB rescue ISO for build/x.elf -> build/x.iso
#   make test         host unit tests + QEMU boot tests (summary line "N passed, N failed")
#   make deps         install the Debian packages Porto needs (scripts/install-deps)
#   make install PREFIX=DIR   the SDK: porto-cc, porto-mpicc, porto-run, headers, libraries
# Subsystems add their objects through the *.mk fragments included below, so that
# independent parts of the tree never need to edit this file.

.DEFAULT_GOAL := all
BUILD   := build
CC      := gcc
LD      := ld
OBJCOPY := objcopy
STRIP   := strip

NEWLIB_VER  := 3.3.0
NEWLIB_TAR  := /usr/src/newlib/newlib-$(NEWLIB_VER).tar.xz
NEWLIB_DIR  := $(BUILD)/newlib
NEWLIB_INC  := $(NEWLIB_DIR)/x86_64-elf/include
NEWLIB_LIB  := $(NEWLIB_DIR)/x86_64-elf/lib
NEWLIB_STAMP := $(NEWLIB_DIR)/.built

# Flags for everything that runs on the bare machine. No red zone: we take faults on the
# current stack. SSE stays on (boot enables it) so apps and newlib may use floating point.
TARGET_CFLAGS := -std=c11 -O2 -g -Wall -Wextra -Werror -ffreestanding -fno-pic -fno-pie \
	-mno-red-zone -mcmodel=small -fno-stack-protector -fno-omit-frame-pointer \
	-MMD -MP
# Porto provides clock_gettime with a monotonic clock (libc/syscalls.c): tell newlib.
CPPFLAGS := -I. -Iinclude -Ilibc/include -isystem $(NEWLIB_INC) -D_DEFAULT_SOURCE -DPORTO_BARE=1 \
	-D_POSIX_TIMERS=1 -D_POSIX_MONOTONIC_CLOCK=200112L
ASFLAGS  := -g

# Objects of the unikernel proper (everything but the app). Fragments append to these.
BOOT_SRCS   := $(wildcard boot/*.S)
KERNEL_SRCS := $(wildcard kernel/*.c)
LIBC_SRCS   := $(wildcard libc/*.c)
RUNTIME_SRCS := $(wildcard runtime/*.c)
DRIVER_SRCS :=
NET_SRCS    :=
SMP_SRCS    :=
-include drivers/drivers.mk
-include net/net.mk
-include smp/smp.mk
-include mpi/mpi.mk

PORTO_SRCS := $(BOOT_SRCS) $(KERNEL_SRCS) $(LIBC_SRCS) $(DRIVER_SRCS) $(NET_SRCS) $(SMP_SRCS) \
	$(RUNTIME_SRCS)
PORTO_OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(PORTO_SRCS))
PORTO_LIB  := $(BUILD)/libporto.a
APPS       := $(notdir $(patsubst %/,%,$(dir $(wildcard apps/*/main.c))))
APP_ELFS   := $(patsubst %,$(BUILD)/%.elf,$(APPS))
APP_OBJS   := $(patsubst %,$(BUILD)/obj/%.o,$(wildcard apps/*/*.c))
# common/: code apps, tests and the Linux peer share (benchmark methodology, test frames);
# every app image links it.
COMMON_OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(wildcard common/*.c))
# Named here so make treats them as real targets: a deleted object gets rebuilt.
$(PORTO_OBJS) $(APP_OBJS) $(COMMON_OBJS): $(NEWLIB_STAMP)

LIBGCC := $(shell $(CC) -print-libgcc-file-name)


.PHONY: all deps test unit-test boot-test iso clean distclean fuzz demo bench format format-check
all: $(APP_ELFS) $(APP_ELFS:.elf=.debug.elf) $(BUILD)/tools/tsc-rate

deps:
	scripts/install-deps

# A host tool of the launcher: the host's TSC rate, handed to the guests as tsc_khz=.
$(BUILD)/tools/tsc-rate: scripts/lib/tsc-rate.c
	@mkdir -p $(dir $@)
	gcc -std=c11 -O2 -Wall -Wextra -Werror -D_DEFAULT_SOURCE -o $@ $<

$(NEWLIB_STAMP): scripts/build-newlib
	scripts/build-newlib $(NEWLIB_TAR) $(NEWLIB_DIR)

$(BUILD)/obj/%.c.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(TARGET_CFLAGS) $(CPPFLAGS) -c $< -o $@

$(BUILD)/obj/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(ASFLAGS) $(CPPFLAGS) -c $< -o $@

# common/ as an archive too: an app links the shared pieces it uses.
COMMON_LIB := $(BUILD)/libcommon.a
$(COMMON_LIB): $(COMMON_OBJS)
	@rm -f $@
	ar rcs $@ $^

# Porto itself, as the archive images link from: the linker takes what the boot sequence
# (runtime/start.c) and the app reference, nothing else.
$(PORTO_LIB): $(PORTO_OBJS)
	@rm -f $@
	ar rcs $@ $^

# One job image per app: app objects + libporto.a + newlib, linked at 1 MiB. The group lets
# newlib's calls into Porto's porting layer (libc/) and Porto's calls into newlib resolve in
# either order. The .elf is what loaders boot (stripped); the .debug.elf keeps symbols for
# gdb and addr2line.
PORTO_LINK = $(LD) -n -nostdlib -static -T linker.ld -z max-page-size=0x1000 -z noexecstack \
	--no-warn-rwx-segments
.SECONDEXPANSION:
# Extra archives an app depends on (libmpi.a for MPI apps, see mpi/mpi.mk) come before
# Porto's, so that what they call in Porto is found in the group.
$(BUILD)/%.debug.elf: $$(addprefix $(BUILD)/obj/,$$(addsuffix .o,$$(wildcard apps/$$*/*.c))) $(COMMON_LIB) $(PORTO_LIB) linker.ld
	$(PORTO_LINK) -o $@ $(filter %.o,$^) $(filter-out $(COMMON_LIB) $(PORTO_LIB),$(filter %.a,$^)) \
		--start-group $(COMMON_LIB) $(PORTO_LIB) $(NEWLIB_LIB)/libm.a $(NEWLIB_LIB)/libc.a $(LIBGCC) --end-group

$(BUILD)/%.elf: $(BUILD)/%.debug.elf
	$(STRIP) -o $@ $<
	@scripts/check-image $@

# The main command: a 4-node QEMU cluster PXE-boots apps/demo from dnsmasq and rank 0 prints
# latency, bandwidth, barrier and allreduce times and a verified result.
demo:
	scripts/install-deps
	$(MAKE) all
	scripts/porto-run -n 4 --pxe --timeout 600 $(BUILD)/demo.elf

iso: $(BUILD)/$(APP).elf
	@[ -n "$(APP)" ] || { echo "usage: make iso APP=name [ARGS=\"k=v -- a b\"] [MODULES=\"files\"]"; exit 2; }
	scripts/make-iso $(BUILD)/$(APP).elf $(BUILD)/$(APP).iso "$(ARGS)" $(MODULES)

-include tests/tests.mk
-include hosted/hosted.mk
# Last: it installs what the fragments above build (the MPI library among them).
-include sdk/sdk.mk

clean:
	rm -rf $(BUILD)/obj $(BUILD)/*.elf $(BUILD)/*.iso $(BUILD)/host

distclean:
	rm -rf $(BUILD)

# Every C file in the tree follows .clang-format; CI runs format-check (.ci/run).
format:
	clang-format -i $$(git ls-files '*.c' '*.h')

format-check:
	@out=$$(for f in $$(git ls-files '*.c' '*.h'); do \
		clang-format "$$f" | cmp -s - "$$f" || echo "$$f"; done); \
	if [ -n "$$out" ]; then echo "format-check: these files differ from .clang-format (make format):"; \
		echo "$$out" | sed 's/^/  /'; exit 1; fi; \
	echo "format-check: $$(git ls-files '*.c' '*.h' | wc -l) files follow .clang-format"

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
