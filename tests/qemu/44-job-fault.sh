#!/usr/bin/env bash
# A rank that faults: its report reaches rank 0 and the job ends with the fault code (100).
source "$(dirname "$0")/../lib.sh"
run_job -n 3 --timeout 120 --kargs "fault=1 only=2" build/hello.elf
[ "$JOB_EXIT" = 100 ] || fail "job exit $JOB_EXIT, expected 100"
[ "$RANK0_EXIT" = 100 ] || fail "rank 0's own exit code $RANK0_EXIT, expected 100 (the job's code)"
[ "$(rank_code 2)" = 100 ] || fail "rank 2's exit code $(rank_code 2), expected 100"
[ "$(rank_code 1)" = 0 ] || fail "rank 1's exit code $(rank_code 1), expected 0"
expect "$TMP/node0.log" "^\[2\] \*\*\* Porto: CPU fault 14 \(page fault\)" "rank 2's fault report forwarded"
expect "$TMP/node0.log" "^job: +2 +100 .*CPU fault" "summary line"
