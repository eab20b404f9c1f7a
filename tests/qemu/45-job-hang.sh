#!/usr/bin/env bash
# A rank that stops answering (spins without polling) is declared dead after peertimeout and
# named; the job ends with 103. The bound on time is the launcher's --timeout: a job still
# running at 150 s is stopped and exits 124, which fails the test.
source "$(dirname "$0")/../lib.sh"
start=$(date +%s)
run_job -n 3 --timeout 150 --grace 3 --kargs "hang=1 only=1 peertimeout=3" build/hello.elf
[ "$JOB_EXIT" = 103 ] || fail "job exit $JOB_EXIT, expected 103"
[ "$RANK0_EXIT" = 103 ] || fail "rank 0's own exit code $RANK0_EXIT, expected 103"
[ "$(rank_code 1)" = - ] || fail "the hung rank 1 has exit code $(rank_code 1), expected none"
expect "$TMP/node0.log" "^job: +1 +- +stopped answering" "silent rank named"
echo "ended after $(($(date +%s) - start)) s"
