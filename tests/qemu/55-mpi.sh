#!/usr/bin/env bash
# libmpi end to end (apps/mpitest): point to point up to 4 MiB, wildcards, truncation, Ssend,
# probe, collectives on the world and a split communicator, datatypes, on 4 nodes, on 3 (not a
# power of two) and on one (no job: libmpi's own one-rank engine); then MPI_Abort on rank 1
# ends the whole job with its code.
source "$(dirname "$0")/../lib.sh"
[ -f build/mpitest.elf ] || fail "build/mpitest.elf missing (run make)"
for n in 4 3 1; do
    run_job -n $n --timeout 400 build/mpitest.elf
    [ "$JOB_EXIT" = 0 ] || fail "mpitest on $n nodes: job exit $JOB_EXIT"
    expect "$TMP/node0.log" "^(\[0\] )?mpitest: PASS" "mpitest passed on $n nodes"
done
run_job -n 2 --timeout 200 build/mpitest.elf -- abort
[ "$JOB_EXIT" = 3 ] || fail "abort: job exit $JOB_EXIT, expected 3"
expect "$TMP/node0.log" "MPI_Abort: rank 1 ends the job with code 3" "the aborting rank is named"
expect "$TMP/node0.log" "^job: exit code 3" "the job ends with the abort's code"
