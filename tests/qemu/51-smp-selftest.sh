#!/usr/bin/env bash
# Every core a rank (smp/): the engine selftest on 2 nodes x 2 cores = 4 ranks, ranks 0,1 on
# node 0 and 2,3 on node 1, so every phase mixes the node's switch (shared-memory rings) and the
# network; every byte is checked. Then 3 nodes x 2 cores with end-to-end CRC32C (crc=1), and
# one node alone with 2 cores: a job of 2 ranks that never needs the wire for its data; there
# also the MPI suite (apps/mpitest), its ranks being cores.
source "$(dirname "$0")/../lib.sh"
[ -f build/selftest.elf ] || fail "build/selftest.elf missing (run make)"
run_job -n 2 --cpus 2 --timeout 400 build/selftest.elf
[ "$JOB_EXIT" = 0 ] || fail "selftest on 2 nodes x 2 cores: job exit $JOB_EXIT"
expect "$TMP/job.out" "2 node\(s\) x 2 cores = 4 ranks" "the launcher started 2 x 2"
expect "$TMP/node0.log" "^smp: 2 cores, " "node 0 started its second core"
expect "$TMP/node0.log" "^job: summary, 4 ranks" "a job of 4 ranks"
for r in 0 1 2 3; do
    expect "$TMP/node0.log" "^job: +$r +0 " "rank $r exited 0"
done
expect "$TMP/node0.log" "^(\[0\] )?selftest: PASS" "selftest passed on 2 x 2"
expect "$TMP/node0.log" "^(\[0\] )?selftest: collectives +ok" "collectives on 2 x 2"
expect "$TMP/node0.log" "^\[1\] " "rank 1 (node 0, core 1) output reached rank 0"
expect "$TMP/node0.log" "^\[3\] " "rank 3 (node 1, core 1) output reached rank 0"

run_job -n 3 --cpus 2 --timeout 400 --kargs crc=1 build/selftest.elf
[ "$JOB_EXIT" = 0 ] || fail "selftest on 3 nodes x 2 cores: job exit $JOB_EXIT"
expect "$TMP/node0.log" "^job: summary, 6 ranks" "a job of 6 ranks"
expect "$TMP/node0.log" "^(\[0\] )?selftest: PASS" "selftest passed on 3 x 2 (crc=1)"

run_job -n 1 --cpus 2 --timeout 400 build/selftest.elf
[ "$JOB_EXIT" = 0 ] || fail "selftest on 1 node x 2 cores: job exit $JOB_EXIT"
expect "$TMP/node0.log" "^job: summary, 2 ranks" "a job of 2 ranks on one node"
expect "$TMP/node0.log" "^(\[0\] )?selftest: PASS" "selftest passed on 1 x 2"

[ -f build/mpitest.elf ] || fail "build/mpitest.elf missing (run make)"
run_job -n 1 --cpus 2 --timeout 400 build/mpitest.elf
[ "$JOB_EXIT" = 0 ] || fail "mpitest on 1 node x 2 cores: job exit $JOB_EXIT"
expect "$TMP/node0.log" "^(\[0\] )?mpitest: PASS" "mpitest passed on 1 x 2"
