# tests/mk/job.mk — host tests of job formation (net/job_form.c), threads as nodes.
HOST_TESTS += $(BUILD)/host/tests/job/test_job_form

$(BUILD)/host/tests/job/test_job_form: $(BUILD)/host/tests/job/test_job_form.o $(BUILD)/host/net/job_form.o \
		$(BUILD)/host/net/siphash.o
	$(HOST_CC) -o $@ $^ $(HOST_LIBS) -lpthread
