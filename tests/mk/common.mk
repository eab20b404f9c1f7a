# tests/mk/common.mk — host test of common/ (code apps, tests and the Linux peer share): the
# benchmark methodology in common/bench_stats.c, one implementation and this one test.
HOST_TESTS += $(BUILD)/host/common/tests/test_bench_stats

$(BUILD)/host/common/tests/test_bench_stats: $(BUILD)/host/common/tests/test_bench_stats.o \
		$(BUILD)/host/common/bench_stats.o
	$(HOST_CC) -o $@ $^ $(HOST_LIBS)
