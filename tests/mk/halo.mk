# tests/mk/halo.mk — host unit tests of apps/halo's MPI-free parts (row split, Jacobi sweep,
# quantiles). The solver itself is an MPI program: built by an MPI compiler wrapper (mpicc
# for the Linux peer, scripts/linux-mpi), not by the Porto app build (apps/halo has no main.c).
HOST_TESTS += $(BUILD)/host/apps/halo/tests/test_halo

$(BUILD)/host/apps/halo/tests/test_halo: $(BUILD)/host/apps/halo/tests/test_halo.o \
		$(BUILD)/host/apps/halo/jacobi.o
	$(HOST_CC) -o $@ $^ $(HOST_LIBS)
