# tests/mk/smp.mk — host unit test of the node's software switch (smp/switch.c): cores as links
# in one process (and two threads over one ring), a fake NIC; plain and under ASan+UBSan.
# Run with `make unit-test` (TESTS=switch narrows tests/run to it).
HOST_TESTS += $(BUILD)/host/tests/smp/test_switch $(BUILD)/host/asan/tests/smp/test_switch

$(BUILD)/host/tests/smp/test_switch: $(BUILD)/host/tests/smp/test_switch.o \
		$(BUILD)/host/smp/switch.o
	$(HOST_CC) -o $@ $^ $(HOST_LIBS) -lpthread

$(BUILD)/host/asan/tests/smp/test_switch: $(BUILD)/host/asan/tests/smp/test_switch.o \
		$(BUILD)/host/asan/smp/switch.o
	$(HOST_CC) $(ENGINE_SAN) -o $@ $^ $(HOST_LIBS) -lpthread
