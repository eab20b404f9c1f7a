#!/usr/bin/env bash
# A node missing at formation: 3 nodes told to expect 4 give up after jointimeout, naming the
# missing rank, and exit 103 — no hang.
source "$(dirname "$0")/../lib.sh"
run_job -n 3 --timeout 120 --kargs "nodes=4 jointimeout=5" build/hello.elf
[ "$JOB_EXIT" = 103 ] || fail "job exit $JOB_EXIT, expected 103"
for r in 0 1 2; do
    [ "$(rank_code $r)" = 103 ] || fail "rank $r's own exit code $(rank_code $r), expected 103"
done
expect "$TMP/node0.log" "job: formation timed out: 3 of 4 nodes; missing ranks: 3" "missing rank named"
