#!/usr/bin/env bash
# A node missing at formation: 3 nodes told to expect 4 give up after jointimeout, naming the
# missing rank, and exit 103 — no hang.
source "$(dirname "$0")/../lib.sh"
# Every rank must give up by itself; the join timeout leaves every node time to boot on a busy
# host (a node seen by none would be named too). Every node's clock runs at the host's TSC rate
# (porto-run passes tsc_khz=), so the nodes give up within their boot spread of each other: rank 0,
# started first, gives up while the others still announce themselves.
run_job -n 3 --timeout 200 --grace 90 --kargs "nodes=4 jointimeout=20" build/hello.elf
[ "$JOB_EXIT" = 103 ] || fail "job exit $JOB_EXIT, expected 103"
for r in 0 1 2; do
    [ "$(rank_code $r)" = 103 ] || fail "rank $r's own exit code $(rank_code $r), expected 103"
done
expect "$TMP/node0.log" "job: formation timed out: 3 of 4 nodes; missing ranks: 3" "missing rank named"
expect "$TMP/node0.log" "calibrated by tsc_khz= on the command line" "the launcher's TSC rate used"
