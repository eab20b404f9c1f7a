# tests/mk/hosted.mk — tests of the hosted runtime (hosted/, docs/hosted.md).
#  - test_slurm: Slurm's host list and task layout (cmocka; also in `make unit-test`)
#  - HOSTED_TESTS, run by `make test` and `make hosted-test` (not by unit-test: they run jobs
#    of up to 16 processes, seconds each): the selftest on 8 and 16 ranks, plain and under
#    AddressSanitizer+UBSan; a rank that faults and one that aborts end the job naming the
#    rank; ranks placed by Slurm's variables and by a host list over a remote shell; the raw
#    Ethernet link in a private network namespace (root; skipped otherwise); libmpi's
#    apps/mpitest on 8 and 16 ranks, plain and sanitized, when MPI is in the tree.
#    No QEMU, so no lock; each is a small script under build/host/tests/hosted/.
HOST_TESTS += $(BUILD)/host/tests/hosted/test_slurm

$(BUILD)/host/tests/hosted/test_slurm: $(BUILD)/host/tests/hosted/test_slurm.o \
		$(BUILD)/host/hosted/slurm.o
	$(HOST_CC) -o $@ $^ $(HOST_LIBS)

# name: script and arguments (each becomes build/host/tests/hosted/<name>).
HOSTED_TEST_CASES := selftest-8:selftest.sh@plain@8 selftest-16:selftest.sh@plain@16 \
	asan-selftest-8:selftest.sh@asan@8 asan-selftest-16:selftest.sh@asan@16 \
	crash:crash.sh@plain asan-crash:crash.sh@asan launch:launch.sh eth:eth.sh
HOSTED_TEST_APPS := selftest hello
# libmpi's suite (apps/mpitest), when MPI is in the tree: the same app, hosted.
ifneq ($(wildcard apps/mpitest/main.c),)
HOSTED_TEST_CASES += mpitest-8:mpitest.sh@plain@8 mpitest-16:mpitest.sh@plain@16 \
	asan-mpitest-8:mpitest.sh@asan@8 asan-mpitest-16:mpitest.sh@asan@16
HOSTED_TEST_APPS += mpitest
endif
HOSTED_TESTS := $(foreach c,$(HOSTED_TEST_CASES),$(BUILD)/host/tests/hosted/$(firstword $(subst :, ,$(c))))
HOSTED_TEST_BINS := $(patsubst %,$(BUILD)/host/%,$(HOSTED_TEST_APPS)) \
	$(patsubst %,$(BUILD)/host/asan/%,$(HOSTED_TEST_APPS))

define hosted_case
$(BUILD)/host/tests/hosted/$(1): tests/hosted/$(firstword $(subst @, ,$(2))) tests/hosted/lib.sh $(HOSTED_TEST_BINS)
	@mkdir -p $$(dir $$@)
	printf '#!/bin/sh\nexec "%s/tests/hosted/%s" %s\n' "$(CURDIR)" "$(firstword $(subst @, ,$(2)))" "$(wordlist 2,9,$(subst @, ,$(2)))" >$$@
	chmod +x $$@
endef
$(foreach c,$(HOSTED_TEST_CASES),$(eval $(call hosted_case,$(firstword $(subst :, ,$(c))),$(word 2,$(subst :, ,$(c))))))

.PHONY: hosted-test
hosted-test: $(HOSTED_TESTS)
	tests/run --host-only $(HOSTED_TESTS)
