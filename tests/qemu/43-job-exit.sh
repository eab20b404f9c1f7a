#!/usr/bin/env bash
# A rank that exits non-zero ends the job with that code; the summary names it.
source "$(dirname "$0")/../lib.sh"
run_job -n 3 --timeout 120 --kargs "exit=7 only=1" build/hello.elf
[ "$JOB_EXIT" = 7 ] || fail "job exit $JOB_EXIT, expected 7"
expect "$TMP/node0.log" "^job: +1 +7 " "rank 1's code in the summary"
expect "$TMP/node0.log" "^job: exit code 7" "job code"
