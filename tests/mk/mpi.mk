# tests/mk/mpi.mk — libmpi's conformance suite on host ranks (threads over the lossy in-memory
# switch, tests/mpi/): the library's sources with the host platform seam
# (tests/mpi/platform_host.c) instead of the bare machine's, plus an ASan+UBSan build.
MPI_HOST_SRCS := $(filter-out mpi/platform_porto.c,$(wildcard mpi/*.c)) \
	tests/mpi/platform_host.c tests/mpi/harness.c
MPI_HOST_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(MPI_HOST_SRCS))
MPI_SUITES := test_mpi_p2p test_mpi_coll test_mpi_types
MPI_SUITES := $(foreach s,$(MPI_SUITES),$(if $(wildcard tests/mpi/$(s).c),$(s)))

HOST_TESTS += $(patsubst %,$(BUILD)/host/tests/mpi/%,$(MPI_SUITES))

$(MPI_HOST_OBJS) $(patsubst %,$(BUILD)/host/tests/mpi/%.o,$(MPI_SUITES)): HOST_CFLAGS += -Impi/include

$(BUILD)/host/tests/mpi/test_%: $(BUILD)/host/tests/mpi/test_%.o $(MPI_HOST_OBJS) $(ENGINE_OBJS) \
		$(BUILD)/host/tests/engine/memswitch.o $(BUILD)/host/tests/engine/cluster.o
	$(HOST_CC) -o $@ $^ $(HOST_LIBS) -lpthread

.SECONDARY: $(MPI_HOST_OBJS) $(patsubst %,$(BUILD)/host/tests/mpi/%.o,$(MPI_SUITES))

# ---- ASan + UBSan ----
MPI_ASAN_OBJS := $(patsubst %.c,$(BUILD)/host/asan/%.o,$(MPI_HOST_SRCS))
HOST_TESTS += $(patsubst %,$(BUILD)/host/asan/tests/mpi/%,$(MPI_SUITES))

$(MPI_ASAN_OBJS) $(patsubst %,$(BUILD)/host/asan/tests/mpi/%.o,$(MPI_SUITES)): HOST_CFLAGS += -Impi/include

$(BUILD)/host/asan/tests/mpi/test_%: $(BUILD)/host/asan/tests/mpi/test_%.o $(MPI_ASAN_OBJS) \
		$(patsubst %,$(BUILD)/host/asan/%,$(ENGINE_OBJS:$(BUILD)/host/%=%)) \
		$(BUILD)/host/asan/tests/engine/memswitch.o $(BUILD)/host/asan/tests/engine/cluster.o
	$(HOST_CC) $(ENGINE_SAN) -o $@ $^ $(HOST_LIBS) -lpthread

.SECONDARY: $(MPI_ASAN_OBJS) $(patsubst %,$(BUILD)/host/asan/tests/mpi/%.o,$(MPI_SUITES))
