#!/usr/bin/env bash
# A rank that exits non-zero ends the job with that code; the summary names it. Rank 0's own
# exit code (the result file) is checked apart from the launcher's: the launcher would exit 7
# from rank 1's code even if rank 0 wrongly reported 0.
source "$(dirname "$0")/../lib.sh"
run_job -n 3 --timeout 120 --kargs "exit=7 only=1" build/hello.elf
[ "$JOB_EXIT" = 7 ] || fail "job exit $JOB_EXIT, expected 7"
[ "$RANK0_EXIT" = 7 ] || fail "rank 0's own exit code $RANK0_EXIT, expected 7 (the job's code)"
[ "$(rank_code 1)" = 7 ] || fail "rank 1's exit code $(rank_code 1), expected 7"
[ "$(rank_code 2)" = 0 ] || fail "rank 2's exit code $(rank_code 2), expected 0"
expect "$TMP/node0.log" "^job: +1 +7 " "rank 1's code in the summary"
expect "$TMP/node0.log" "^job: exit code 7" "job code"
