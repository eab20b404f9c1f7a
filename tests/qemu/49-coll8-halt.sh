#!/usr/bin/env bash
# 8 nodes under the halt idle policy (blocking waits halt on the local-APIC timer): barrier,
# broadcast and allreduce, small and large, every result checked by collbench.
source "$(dirname "$0")/../lib.sh"
run_job -n 8 --idle halt --timeout 240 build/collbench.elf -- barrier bcast allreduce \
    min=8 max=64K samples=5 minsamples=2 warmup=1 maxtime_ms=200 optime_ms=20000
[ "$JOB_EXIT" = 0 ] || fail "job exit $JOB_EXIT"
expect "$TMP/node0.log" "idle: halt after [0-9]+ us without progress" "halt policy set up"
expect "$TMP/node0.log" "RESULT impl=porto-coll op=barrier nodes=8 .* idle=halt" "barrier under halt"
expect "$TMP/node0.log" "RESULT impl=porto-coll op=allreduce nodes=8 size=65536" "large allreduce"
expect "$TMP/node0.log" "BENCH-DONE collbench ok" "every result checked"
for r in 0 1 2 3 4 5 6 7; do expect "$TMP/node0.log" "^job: +$r +0 " "rank $r exited 0"; done
