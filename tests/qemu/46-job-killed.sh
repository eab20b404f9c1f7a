#!/usr/bin/env bash
# A node killed mid-job (its QEMU killed): the others' reliable sends to it fail instead of
# hanging, and the job ends within 2 x peertimeout of the kill, naming the dead rank.
source "$(dirname "$0")/../lib.sh"
PT=4
scripts/porto-run -n 3 --timeout 200 --grace 3 --kargs "chatter=600 peertimeout=$PT" \
    build/hello.elf >"$TMP/job.out" 2>&1 </dev/null &
launcher=$!
rundir=""
for _ in $(seq 240); do
    rundir=$(sed -n 's/.*logs: \(run\/[^ ]*\)\/$/\1/p' "$TMP/job.out" | tail -1)
    [ -n "$rundir" ] && grep -q "chatter: sending" "$rundir/node0.log" 2>/dev/null && break
    sleep 0.5
done
grep -q "chatter: sending" "$rundir/node0.log" 2>/dev/null || { kill "$launcher"; fail "job did not start"; }
pid=$(pgrep -f -- "-serial file:.*$rundir/node1.log") || fail "no QEMU for node 1"
kill -9 "$pid"
killed=$(date +%s.%N)
ended="" failed=""
for _ in $(seq 480); do
    [ -z "$failed" ] && grep -q "chatter: send to rank 1 failed" "$rundir/node0.log" && failed=$(date +%s.%N)
    grep -q "^job: exit code" "$rundir/node0.log" && { ended=$(date +%s.%N); break; }
    sleep 0.25
done
wait "$launcher"
cat "$TMP/job.out"
cp "$rundir/node0.log" "$TMP/node0.log"
[ -n "$ended" ] || fail "the job did not end after node 1 was killed"
took=$(awk -v a="$killed" -v b="$ended" 'BEGIN { printf "%.1f", b - a }')
echo "first failed send $(awk -v a="$killed" -v b="${failed:-0}" 'BEGIN { printf "%.1f", b - a }') s after the kill"
echo "job ended $took s after the kill (peertimeout $PT s)"
expect "$TMP/node0.log" "chatter: send to rank 1 failed: peer dead" "a sender blocked on rank 1 failed"
expect "$TMP/node0.log" "^job: +1 +- +stopped answering" "the killed rank named"
awk -v t="$took" -v p="$PT" 'BEGIN { exit !(t <= 2 * p) }' || fail "ended $took s after the kill, more than 2 x $PT s"
