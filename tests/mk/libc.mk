# tests/mk/libc.mk — host unit tests of the C library layer's pure logic (cmocka).
HOST_TESTS += $(BUILD)/host/tests/unit/test_memfs

$(BUILD)/host/tests/unit/test_memfs: $(BUILD)/host/tests/unit/test_memfs.o $(BUILD)/host/libc/memfs.o
	$(HOST_CC) -o $@ $^ $(HOST_LIBS)
