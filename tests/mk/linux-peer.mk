# tests/mk/linux-peer.mk — host unit test of the Linux peer benchmark's wire encoding
# (bench/linux/nb_wire.c; its statistics are common/, tested in tests/mk/common.mk). The QEMU
# test of the peer itself is tests/qemu/60-linux-peer.sh.
HOST_TESTS += $(BUILD)/host/bench/linux/test_nb_wire

$(BUILD)/host/bench/linux/test_nb_wire: $(BUILD)/host/bench/linux/tests/test_nb_wire.o \
		$(BUILD)/host/bench/linux/nb_wire.o
	$(HOST_CC) -o $@ $^ $(HOST_LIBS)
