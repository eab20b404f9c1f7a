/*
 * tests/mpi/mpi_host.h — libmpi in host tests: many ranks as threads of one process, each
 * with its own engine (tests/engine/cluster.c) and its own libmpi state. The test harness
 * binds a thread to its engine with mpi_host_run(); libmpi then finds both through the
 * platform seam (mpi_proc, mpi_platform_ap) that tests/mpi/platform_host.c implements with
 * thread-local pointers. A rank that would end the job (MPI_Abort, a fatal MPI error) returns
 * from mpi_host_run with its exit code instead.
 */
#ifndef PORTO_TESTS_MPI_HOST_H
#define PORTO_TESTS_MPI_HOST_H

#include "net/ap.h"

#define MPI_HOST_RETURNED (-1000) /* *exit_code when the rank's function simply returned */

/* Run fn(arg) as one rank on `ap`; returns fn's result (or -1 after an exit) and puts the
 * code the rank exited with, or MPI_HOST_RETURNED, in *exit_code. */
int mpi_host_run(struct ap *ap, int (*fn)(void *arg), void *arg, int *exit_code);

#endif
