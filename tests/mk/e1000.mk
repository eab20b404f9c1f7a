# tests/mk/e1000.mk — host unit tests of the e1000 driver's ring bookkeeping, against the
# fake device in tests/e1000/fake_e1000.c (drivers/e1000.c built with -DPORTO_HOST=1).
HOST_TESTS += $(BUILD)/host/tests/e1000/test_e1000

$(BUILD)/host/tests/e1000/test_e1000: $(BUILD)/host/tests/e1000/test_e1000.o \
		$(BUILD)/host/tests/e1000/fake_e1000.o $(BUILD)/host/drivers/e1000.o \
		$(BUILD)/host/drivers/nic_common.o \
		$(BUILD)/host/kernel/format.o
	$(HOST_CC) -o $@ $^ $(HOST_LIBS)
