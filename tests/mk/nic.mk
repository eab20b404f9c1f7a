# tests/mk/nic.mk — host unit test of what every NIC driver shares (drivers/nic_common.c):
# the transmit planner. Run with `make unit-test` (TESTS=nic narrows tests/run to it).
HOST_TESTS += $(BUILD)/host/tests/nic/test_nic_tx

$(BUILD)/host/tests/nic/test_nic_tx: $(BUILD)/host/tests/nic/test_nic_tx.o \
		$(BUILD)/host/drivers/nic_common.o $(BUILD)/host/kernel/format.o
	$(HOST_CC) -o $@ $^ $(HOST_LIBS)
