#!/usr/bin/env bash
# libmpi on QEMU without a multi-node run: apps/mpitest on one node (no job: libmpi's own
# one-rank engine), then MPI_Abort on rank 1 of 2 ends the whole job with its code.
# The multi-node conformance run is tests/qemu/56-mpi-nodes.sh.
source "$(dirname "$0")/../lib.sh"
[ -f build/mpitest.elf ] || fail "build/mpitest.elf missing (run make)"
run_job -n 1 --timeout 400 build/mpitest.elf
[ "$JOB_EXIT" = 0 ] || fail "mpitest on 1 node: job exit $JOB_EXIT"
expect "$TMP/node0.log" "^(\[0\] )?mpitest: PASS" "mpitest passed on 1 node"
run_job -n 2 --timeout 200 build/mpitest.elf -- abort
[ "$JOB_EXIT" = 3 ] || fail "abort: job exit $JOB_EXIT, expected 3"
expect "$TMP/node0.log" "MPI_Abort: rank 1 ends the job with code 3" "the aborting rank is named"
expect "$TMP/node0.log" "^job: exit code 3" "the job ends with the abort's code"
