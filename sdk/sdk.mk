# sdk/sdk.mk — `make install PREFIX=DIR`: the SDK that builds job images outside this tree
# (sdk/install says what goes where; docs/sdk.md how to use it). The MPI library is
# installed when the tree has one: its header mpi/include/mpi.h and the archive that
# mpi/mpi.mk builds (MPI_LIB, default build/libmpi.a).
MPI_HEADER := $(wildcard mpi/include/mpi.h)
MPI_LIB    ?= $(BUILD)/libmpi.a
SDK_MPI_LIB := $(if $(and $(MPI_HEADER),$(wildcard mpi/mpi.mk)),$(MPI_LIB))

.PHONY: install
# The hosted runtime (hosted/hosted.mk) goes in too: porto-cc --host builds Linux processes.
install: $(PORTO_LIB) $(NEWLIB_STAMP) $(SDK_MPI_LIB) $(BUILD)/tools/tsc-rate $(HOSTED_LIB_plain)
	@[ -n "$(PREFIX)" ] || { echo "usage: make install PREFIX=DIR (e.g. PREFIX=\$$HOME/porto)"; exit 2; }
	BUILD=$(BUILD) NEWLIB_INC=$(NEWLIB_INC) NEWLIB_LIB=$(NEWLIB_LIB) HOSTED_LIB=$(HOSTED_LIB_plain) \
		SDK_MPI_H=$(if $(SDK_MPI_LIB),$(MPI_HEADER)) SDK_MPI_A=$(SDK_MPI_LIB) sdk/install "$(PREFIX)"
