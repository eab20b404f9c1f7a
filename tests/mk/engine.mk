# tests/mk/engine.mk — host tests of the Active Port engine (net/ap*.c, net/crc32c.c):
# cmocka programs over the in-memory switch (tests/engine/memswitch.c), an ASan+UBSan build of
# the same suites, and a libFuzzer harness on the frame receive path.
#   make unit-test          runs them all (with a short fuzz run)
#   make fuzz               fuzzes the receive path for FUZZ_SECONDS (default 60)
ENGINE_SRCS := net/ap.c net/ap_frame.c net/ap_rx.c net/ap_tx.c net/ap_fc.c net/ap_sack.c net/ap_pace.c net/ap_send.c net/ap_coll.c \
	net/ap_stats.c net/crc32c.c net/siphash.c net/job_argv.c
ENGINE_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(ENGINE_SRCS))
ENGINE_TEST_LIB := $(patsubst %.c,$(BUILD)/host/%.o,tests/engine/memswitch.c tests/engine/cluster.c \
	tests/engine/udplink.c)
ENGINE_SUITES := test_crc32c test_p2p test_lossy test_coll test_malformed test_udp test_forge \
	test_siphash

HOST_TESTS += $(patsubst %,$(BUILD)/host/tests/engine/%,$(ENGINE_SUITES))

$(BUILD)/host/tests/engine/test_%: $(BUILD)/host/tests/engine/test_%.o $(ENGINE_OBJS) $(ENGINE_TEST_LIB)
	$(HOST_CC) -o $@ $^ $(HOST_LIBS) -lpthread

# Keep the objects (they are intermediate to the pattern rule above).
.SECONDARY: $(ENGINE_OBJS) $(ENGINE_TEST_LIB) \
	$(patsubst %,$(BUILD)/host/tests/engine/%.o,$(ENGINE_SUITES))

# ---- the same suites with AddressSanitizer + UndefinedBehaviorSanitizer ----
ENGINE_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
ENGINE_ASAN_SUITES := test_p2p test_coll test_malformed test_lossy test_udp test_forge
HOST_TESTS += $(patsubst %,$(BUILD)/host/asan/tests/engine/%,$(ENGINE_ASAN_SUITES))

$(BUILD)/host/asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) $(ENGINE_SAN) -c $< -o $@

$(BUILD)/host/asan/tests/engine/test_%: $(BUILD)/host/asan/tests/engine/test_%.o \
		$(patsubst %,$(BUILD)/host/asan/%,$(ENGINE_OBJS:$(BUILD)/host/%=%)) \
		$(patsubst %,$(BUILD)/host/asan/%,$(ENGINE_TEST_LIB:$(BUILD)/host/%=%))
	$(HOST_CC) $(ENGINE_SAN) -o $@ $^ $(HOST_LIBS) -lpthread

.SECONDARY: $(patsubst %,$(BUILD)/host/asan/%,$(ENGINE_OBJS:$(BUILD)/host/%=%)) \
	$(patsubst %,$(BUILD)/host/asan/%,$(ENGINE_TEST_LIB:$(BUILD)/host/%=%)) \
	$(patsubst %,$(BUILD)/host/asan/tests/engine/%.o,$(ENGINE_ASAN_SUITES))

# ---- libFuzzer on the receive path ----
FUZZ_CC := clang
FUZZ_CFLAGS := -std=c11 -O1 -g -I. -Iinclude -D_DEFAULT_SOURCE -DPORTO_HOST=1 -msse4.2 \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_SECONDS ?= 60
HOST_TESTS += $(BUILD)/host/tests/engine/fuzz_smoke

$(BUILD)/host/fuzz/fuzz_rx: tests/engine/fuzz_rx.c $(ENGINE_SRCS) $(wildcard net/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ tests/engine/fuzz_rx.c $(ENGINE_SRCS)

$(BUILD)/host/tests/engine/fuzz_smoke: tests/engine/fuzz_smoke.sh $(BUILD)/host/fuzz/fuzz_rx
	@mkdir -p $(dir $@)
	cp $< $@

.PHONY: fuzz-engine
fuzz: fuzz-engine
fuzz-engine: $(BUILD)/host/fuzz/fuzz_rx
	@mkdir -p $(BUILD)/fuzz/corpus
	$(BUILD)/host/fuzz/fuzz_rx -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
		-artifact_prefix=$(BUILD)/fuzz/ -print_final_stats=1 $(BUILD)/fuzz/corpus
