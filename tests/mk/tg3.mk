# tests/mk/tg3.mk — host tests of the tg3 driver (drivers/tg3*.c, built with -DPORTO_HOST=1)
# against the register-level device model in tests/tg3/: two model NICs back to back, the
# driver's MMIO, PCI, page_alloc, delay_us and kprintf going to the model and its harness.
# Run with `make test` or `make unit-test` (TESTS=tg3 narrows tests/run to these).
TG3_COMMON_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,tests/tg3/tg3_model.c \
	tests/tg3/tg3_model_phy.c tests/tg3/tg3_model_dma.c tests/tg3/tg3_model_board.c \
	tests/tg3/tg3_model_inspect.c \
	tests/tg3/tg3_host.c \
	tests/tg3/tg3_fixture.c drivers/tg3.c drivers/tg3_chip.c drivers/tg3_hw.c \
	drivers/tg3_phy.c drivers/tg3_fw.c drivers/nic_common.c kernel/format.c)

HOST_TESTS += $(BUILD)/host/tests/tg3/test_tg3_init $(BUILD)/host/tests/tg3/test_tg3_traffic \
	$(BUILD)/host/tests/tg3/test_tg3_faults $(BUILD)/host/tests/tg3/test_tg3_board

$(BUILD)/host/tests/tg3/test_tg3_init: $(BUILD)/host/tests/tg3/test_tg3_init.o $(TG3_COMMON_OBJS)
	$(HOST_CC) -o $@ $^ $(HOST_LIBS)
$(BUILD)/host/tests/tg3/test_tg3_traffic: $(BUILD)/host/tests/tg3/test_tg3_traffic.o \
		$(TG3_COMMON_OBJS) $(BUILD)/host/common/frames.o
	$(HOST_CC) -o $@ $^ $(HOST_LIBS)
$(BUILD)/host/tests/tg3/test_tg3_faults: $(BUILD)/host/tests/tg3/test_tg3_faults.o $(TG3_COMMON_OBJS)
	$(HOST_CC) -o $@ $^ $(HOST_LIBS)
$(BUILD)/host/tests/tg3/test_tg3_board: $(BUILD)/host/tests/tg3/test_tg3_board.o $(TG3_COMMON_OBJS)
	$(HOST_CC) -o $@ $^ $(HOST_LIBS)
