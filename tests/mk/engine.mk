# tests/mk/engine.mk — host tests of the Active Port engine (net/ap*.c, net/crc32c.c):
# cmocka programs over the in-memory switch (tests/engine/memswitch.c), an ASan+UBSan build of
# the same suites, and a libFuzzer harness on the frame receive path.
#   make unit-test          runs them all (with a short fuzz run)
#   make fuzz               fuzzes the receive path for FUZZ_SECONDS (default 60)
ENGINE_SRCS := net/ap.c net/ap_rx.c net/ap_tx.c net/ap_coll.c net/ap_stats.c net/crc32c.c
ENGINE_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(ENGINE_SRCS))
ENGINE_TEST_LIB := $(patsubst %.c,$(BUILD)/host/%.o,tests/engine/memswitch.c tests/engine/cluster.c)
ENGINE_SUITES := test_crc32c test_p2p test_lossy test_coll test_malformed

HOST_TESTS += $(patsubst %,$(BUILD)/host/tests/engine/%,$(ENGINE_SUITES))

$(BUILD)/host/tests/engine/test_%: $(BUILD)/host/tests/engine/test_%.o $(ENGINE_OBJS) $(ENGINE_TEST_LIB)
	$(HOST_CC) -o $@ $^ $(HOST_LIBS) -lpthread

# Keep the objects (they are intermediate to the pattern rule above).
.SECONDARY: $(ENGINE_OBJS) $(ENGINE_TEST_LIB) \
	$(patsubst %,$(BUILD)/host/tests/engine/%.o,$(ENGINE_SUITES))
