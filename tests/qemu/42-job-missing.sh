#!/usr/bin/env bash
# A node missing at formation: 3 nodes told to expect 4 give up after jointimeout, naming the
# missing rank, and exit 103 — no hang.
source "$(dirname "$0")/../lib.sh"
# Every rank must give up by itself; the join timeout leaves every node time to boot on a busy
# host (a node seen by none would be named too). The grace after rank 0's exit is long because each
# node times its 20 s with its own TSC calibration, which TCG on a busy host can skew severalfold.
run_job -n 3 --timeout 200 --grace 90 --kargs "nodes=4 jointimeout=20" build/hello.elf
[ "$JOB_EXIT" = 103 ] || fail "job exit $JOB_EXIT, expected 103"
for r in 0 1 2; do
    [ "$(rank_code $r)" = 103 ] || fail "rank $r's own exit code $(rank_code $r), expected 103"
done
expect "$TMP/node0.log" "job: formation timed out: 3 of 4 nodes; missing ranks: 3" "missing rank named"
