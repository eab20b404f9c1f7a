#!/usr/bin/env bash
# 8 nodes form a job with automatic ranks (MAC order); every rank's tagged line reaches rank 0.
source "$(dirname "$0")/../lib.sh"
run_job -n 8 --auto-ranks --timeout 240 build/hello.elf -- auto
[ "$JOB_EXIT" = 0 ] || fail "job exit $JOB_EXIT"
for r in 0 1 2 3 4 5 6 7; do
    [ "$(rank_code $r)" = 0 ] || fail "rank $r's own exit code $(rank_code $r), expected 0"
done
for r in 0 1 2 3 4 5 6 7; do
    expect "$TMP/node0.log" "^\[$r\] hello from rank $r of 8" "rank $r reported"
    expect "$TMP/node0.log" "^\[$r\] argc=2 argv\[0\]=hello argv\[1\]=auto" "rank $r got argv"
    expect "$TMP/node0.log" "^job: +$r +0 " "rank $r in the summary"
done
expect "$TMP/node0.log" "job: formed in [0-9]+ ms: rank 0 of 8" "formation"
expect "$TMP/node0.log" "rank 7  52:54:00:50:00:08" "rank 7 is the highest MAC"
