# tests/mk/linux-peer.mk — host unit test of the Linux peer benchmark's pure helpers
# (bench/linux/nb_stats.c). The QEMU test of the peer itself is tests/qemu/60-linux-peer.sh.
HOST_TESTS += $(BUILD)/host/bench/linux/test_nb_stats

$(BUILD)/host/bench/linux/test_nb_stats: $(BUILD)/host/bench/linux/tests/test_nb_stats.o \
		$(BUILD)/host/bench/linux/nb_stats.o
	$(HOST_CC) -o $@ $^ $(HOST_LIBS)
