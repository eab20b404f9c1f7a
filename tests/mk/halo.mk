# tests/mk/halo.mk — host unit tests of apps/halo's MPI-free parts (row split, Jacobi sweep,
# quantiles). The solver itself is an MPI program: built by an MPI compiler wrapper (mpicc
# for the Linux peer, scripts/linux-mpi), not by the Porto app build (apps/halo has no main.c).
HOST_TESTS += $(BUILD)/host/apps/halo/tests/test_halo

$(BUILD)/host/apps/halo/tests/test_halo: $(BUILD)/host/apps/halo/tests/test_halo.o \
		$(BUILD)/host/apps/halo/jacobi.o
	$(HOST_CC) -o $@ $^ $(HOST_LIBS)

# Porto job images of the plain MPI apps (apps/halo, apps/mpiperf: no main.c, so not in `all`)
# when Porto's libmpi is part of the tree (mpi/mpi.mk sets MPI_LIB and adds mpi.h's folder to
# CPPFLAGS): `make build/mpi/halo.elf`. bench/mpi.sh uses porto-mpicc when it exists, else this.
ifneq ($(MPI_LIB),)
.PRECIOUS: $(BUILD)/mpi/%.debug.elf
$(BUILD)/mpi/%.debug.elf: $$(addprefix $(BUILD)/obj/,$$(addsuffix .o,$$(wildcard apps/$$*/*.c))) \
		$(MPI_LIB) $(PORTO_LIB) linker.ld
	@mkdir -p $(dir $@)
	$(PORTO_LINK) -o $@ $(filter %.o,$^) \
		--start-group $(MPI_LIB) $(PORTO_LIB) $(NEWLIB_LIB)/libm.a $(NEWLIB_LIB)/libc.a \
		$(LIBGCC) --end-group
endif
