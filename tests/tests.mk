# tests/tests.mk — `make test`: host unit tests, then QEMU tests, one summary line.
# Areas register host test programs by appending to HOST_TESTS in tests/mk/<area>.mk
# (each a program under build/host/ that exits 0 on success; cmocka, Check-style output is
# fine). QEMU and cluster tests are executable scripts tests/qemu/NN-name.sh, run in order by
# tests/run; each exits 0 (pass), 77 (skipped, with a reason), anything else (fail).

HOST_CC     := gcc
HOST_CFLAGS := -std=c11 -O1 -g -Wall -Wextra -Werror -I. -Iinclude -D_DEFAULT_SOURCE \
	-DPORTO_HOST=1 -msse4.2 -MMD -MP
HOST_LIBS   := -lcmocka
HOST_TESTS  :=

-include $(sort $(wildcard tests/mk/*.mk))

$(BUILD)/host/%.o: %.c
	@mkdir -p $(dir $@)
	$(HOST_CC) $(HOST_CFLAGS) -c $< -o $@

# Builds the host test programs without running them (scripts/mutate builds, then runs).
.PHONY: host-tests
host-tests: $(HOST_TESTS)

unit-test: $(HOST_TESTS)
	tests/run --host-only $(HOST_TESTS)

# HOSTED_TESTS (tests/mk/hosted.mk): Porto jobs as Linux processes, in `make test` only.
test: all $(HOST_TESTS) $(HOSTED_TESTS)
	tests/run $(HOST_TESTS) $(HOSTED_TESTS)

-include $(shell find $(BUILD)/host -name '*.d' 2>/dev/null)
