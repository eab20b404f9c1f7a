# tests/mk/kernel.mk — host unit tests of the kernel's pure logic (cmocka).
HOST_TESTS += $(BUILD)/host/tests/unit/test_cmdline $(BUILD)/host/tests/unit/test_pmm \
	$(BUILD)/host/tests/unit/test_format $(BUILD)/host/tests/unit/test_idle

$(BUILD)/host/tests/unit/test_cmdline: $(BUILD)/host/tests/unit/test_cmdline.o $(BUILD)/host/kernel/cmdline.o
	$(HOST_CC) -o $@ $^ $(HOST_LIBS)
$(BUILD)/host/tests/unit/test_pmm: $(BUILD)/host/tests/unit/test_pmm.o $(BUILD)/host/kernel/pmm.o
	$(HOST_CC) -o $@ $^ $(HOST_LIBS)
$(BUILD)/host/tests/unit/test_format: $(BUILD)/host/tests/unit/test_format.o \
		$(BUILD)/host/kernel/format.o $(BUILD)/host/kernel/tsc.o
	$(HOST_CC) -o $@ $^ $(HOST_LIBS)
$(BUILD)/host/tests/unit/test_idle: $(BUILD)/host/tests/unit/test_idle.o $(BUILD)/host/kernel/idle_policy.o
	$(HOST_CC) -o $@ $^ $(HOST_LIBS)
