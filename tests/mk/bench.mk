# tests/mk/bench.mk — `make bench`: Porto's ping-pong, streams and collectives next
# to the Linux peer on the same QEMU machine, tables and plots in bench/results/<date>/
# (bench/run; BENCH_QUICK=1 for a fast check; bench/README.md). Also bench/analyze's
# self-test (the methodology's own test is in tests/mk/common.mk). `host`: the hosted
# section (bench/hosted/run) runs the hosted pingpong.
bench: all host
	bench/run

HOST_TESTS += $(BUILD)/host/bench/test_analyze

# A host "program" that runs the analysis on a synthetic run and checks every derived number.
$(BUILD)/host/bench/test_analyze: bench/analyze
	@mkdir -p $(dir $@)
	printf '#!/bin/sh\nexec python3 "%s/bench/analyze" --self-test\n' "$(CURDIR)" >$@
	chmod +x $@

# bench/profile/ap_profile: the engine's frames, doorbells and host CPU per round trip over an
# instant in-memory link (not a test: a profiling tool; see bench/README.md, "Profile").
BENCH_ENGINE_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(wildcard net/ap*.c) net/crc32c.c net/siphash.c)
$(BUILD)/bench/ap_profile: $(BUILD)/host/bench/profile/ap_profile.o $(BENCH_ENGINE_OBJS)
	@mkdir -p $(dir $@)
	$(HOST_CC) -o $@ $^
