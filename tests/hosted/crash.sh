#!/usr/bin/env bash
# A crashing process ends the job naming its rank: rank 2 reads an unmapped address, then
# (another job) rank 1 calls abort(), then (plain build only) rank 2 stops answering and
# rank 1 is killed with SIGKILL. Plain
# build: the fault is reported as PORTO_EXIT_FAULT (100, "CPU fault"), abort as 64 + SIGABRT =
# 70. Under AddressSanitizer the sanitizer reports the bad read and aborts (porto-run sets
# abort_on_error=1): exit 70 for both.
#   tests/hosted/crash.sh plain|asan
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tests/hosted/lib.sh"
variant=${1:?variant}
bin=$(host_bin "$variant" hello)
[ -x "$bin" ] || fail "$bin missing (make host)"
want=100
[ "$variant" = asan ] && want=70
host_job -n 4 --timeout 120 "$bin" --kargs "fault=1 only=2"
[ "$JOB_EXIT" = $want ] || fail "fault: job exit $JOB_EXIT, expected $want"
expect "$TMP/node0.log" "^\[2\] \*\*\* Porto: signal (11|6) " "rank 2's report forwarded to rank 0"
expect "$TMP/node0.log" "^job: +2 +$want " "summary names rank 2 with code $want"
expect "$TMP/job.out" "rank 2: exit code $want" "the launcher names rank 2"
host_job -n 3 --timeout 120 "$bin" --kargs "abort=1 only=1"
[ "$JOB_EXIT" = 70 ] || fail "abort: job exit $JOB_EXIT, expected 70"
expect "$TMP/node0.log" "^\[1\] \*\*\* Porto: signal 6 \(SIGABRT" "rank 1's abort forwarded"
expect "$TMP/node0.log" "^job: +1 +70 " "summary names rank 1 with code 70"
[ "$variant" = asan ] && exit 0
# A rank that stops answering (spins without polling): rank 0 declares it dead after
# peertimeout and names it in the summary; the launcher stops it after the grace period.
host_job -n 3 --timeout 120 --grace 1 "$bin" --kargs "hang=1 only=2 peertimeout=2"
[ "$JOB_EXIT" = 103 ] || fail "hang: job exit $JOB_EXIT, expected 103"
expect "$TMP/node0.log" "^job: +2 +- +stopped answering" "summary names the silent rank 2"
expect "$TMP/job.out" "rank 2: still running 1s after rank 0 exited" "the launcher stops rank 2"
# A rank killed outright (SIGKILL: no report can leave it): the launcher ends the job at once,
# naming the rank, with status 128 + 9.
scripts/porto-run --host -n 3 --timeout 120 "$bin" --kargs "hang=1 only=1 peertimeout=60" \
    >"$TMP/kill.out" 2>&1 </dev/null &
launcher=$!
rundir=""
for _ in $(seq 1 100); do
    rundir=$(sed -n 's/.*logs: \(run\/[^ ]*\)\/$/\1/p' "$TMP/kill.out" | head -1)
    [ -n "$rundir" ] && grep -q "spinning without polling" "$rundir/node1.log" 2>/dev/null && break
    sleep 0.1
done
[ -n "$rundir" ] && [ -f "$rundir/node1.pid" ] || { kill "$launcher"; fail "rank 1 did not start"; }
kill -KILL "$(cat "$rundir/node1.pid")"
wait "$launcher"
rc=$?
cat "$TMP/kill.out"
[ $rc = 137 ] || fail "killed rank: launcher exit $rc, expected 137"
expect "$TMP/kill.out" "rank 1 was killed by signal 9 without an exit report: ending the job" "the launcher names rank 1"
