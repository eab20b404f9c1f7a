# mpi/mpi.mk — libmpi (the MPI C binding over the Active Port engine), built as the archive
# build/libmpi.a with its public header mpi/include/mpi.h. Apps that use MPI list `mpi` in
# MPI_APPS; their job images link libmpi.a before Porto's objects. Host tests build the same
# sources (without the bare-machine platform file) in tests/mk/mpi.mk.
#   MPI_INC      include directory of mpi.h
#   MPI_LIB      the archive
#   MPI_SRCS     the library's sources (platform_porto.c is the bare machine's seam)
MPI_INC  := mpi/include
MPI_SRCS := $(wildcard mpi/*.c)
MPI_OBJS := $(patsubst %,$(BUILD)/obj/%.o,$(MPI_SRCS))
MPI_LIB  := $(BUILD)/libmpi.a
CPPFLAGS += -I$(MPI_INC)

$(MPI_OBJS): $(NEWLIB_STAMP)

$(MPI_LIB): $(MPI_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

# Apps whose main.c includes mpi.h link libmpi (the archive pulls in only what they call).
MPI_APPS := $(notdir $(patsubst %/,%,$(dir $(shell grep -l '^#include "mpi.h"\|^#include <mpi.h>' apps/*/main.c 2>/dev/null))))
$(patsubst %,$(BUILD)/%.debug.elf,$(MPI_APPS)): $(MPI_LIB)
all: $(MPI_LIB)
