#!/usr/bin/env bash
# libmpi end to end (apps/mpitest) on 4 nodes and on 3 (not a power of two): point to point up
# to 4 MiB, wildcards, truncation, Ssend, probe, collectives on the world and a split
# communicator, datatypes. (The e1000 counts frames not yet given to the device as pending, so
# zero-copy sends often complete after their last ACK: the host suites' deferred-link tests
# cover libmpi seeing those completions.)
source "$(dirname "$0")/../lib.sh"
[ -f build/mpitest.elf ] || fail "build/mpitest.elf missing (run make)"
for n in 4 3; do
    run_job -n $n --timeout 400 build/mpitest.elf
    [ "$JOB_EXIT" = 0 ] || fail "mpitest on $n nodes: job exit $JOB_EXIT"
    expect "$TMP/node0.log" "^(\[0\] )?mpitest: PASS" "mpitest passed on $n nodes"
done
