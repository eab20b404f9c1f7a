#!/usr/bin/env bash
# tests/qemu/30-linktest.sh — the issue's bar: `scripts/porto-run -n 4 build/linktest.elf`
# boots 4 TCG nodes on one switch (a bridge in a private netns as root, vde_switch otherwise),
# every node exchanges frames of every size with every other node and by broadcast, and the
# job exits 0 with 0 frames lost or corrupted. Then once more with jumbo frames on 16-entry
# rings and large windows (rings fill and recover). Exit 0 pass, 77 skip, else fail.
source "$(dirname "$0")/../lib.sh"
[ -f build/linktest.elf ] || fail "build/linktest.elf missing (run make)"
if [ "$(id -u)" != 0 ] && ! command -v vde_switch >/dev/null; then
    skip "neither root (bridge switch) nor vde_switch (apt-get install vde2) available"
fi
out=$TMP/porto-run.out
tag='^(\[[0-9]+\] )?' # inside a job, rank 0 tags every line with the rank that printed it
scripts/porto-run -n 4 build/linktest.elf --timeout 240 >"$out" 2>&1
rc=$?
cat "$out"
[ $rc = 0 ] || fail "porto-run exited $rc, expected 0"
expect "$out" "${tag}linktest: rank 0 of 4, " "rank 0's console streamed by the launcher"
expect "$out" "${tag}linktest: cluster: 0 frames lost, 0 corrupted, 0 node\(s\) did not report" \
    "every node reported, nothing lost or corrupted"
expect "$out" "${tag}linktest: PASS\b" "rank 0's verdict"
expect "$out" '^porto-run: all 4 node\(s\) exited 0' "every node exited 0"
rundir=$(sed -n 's/^porto-run: run directory \(run\/[^ ]*\)$/\1/p' "$out" | head -n 1)
[ -n "$rundir" ] && [ -d "$rundir" ] || fail "run directory not printed or missing"
for k in 0 1 2 3; do
    grep -qx "rank $k 0" "$rundir/result" || fail "result file: rank $k did not exit 0"
done
grep -qx "job 0" "$rundir/result" || fail "result file: job line is not 0"
for k in 0 1 2 3; do
    log=$rundir/node$k.log
    own="^(\[$k\] )?" # this node's own lines (rank 0's log also holds the others')
    grep -qE "${own}linktest: node $k: PASS: 0 frames lost, 0 corrupted" "$log" ||
        fail "node $k's log $log has no PASS line"
    rows=$(grep -cE "${own} +[0-9]+ +60/60 +60/60 +0 +0 +0" "$log")
    [ "$rows" = 3 ] || fail "node $k's table has $rows complete rows, expected 3 (one per peer)"
done
echo "ok: 4 per-node logs with their own PASS table"
ns=$(sed -n 's/^porto-run: .*switch: bridge in netns \([^ ,]*\),.*/\1/p' "$out" | head -n 1)
if [ -n "$ns" ]; then
    ! ip netns list 2>/dev/null | grep -q "^$ns\b" || fail "namespace $ns was left behind"
    echo "ok: switch namespace $ns removed"
fi

# The same with jumbo frames (mtu=9000: LPE, 16 KiB buffers) on 16-descriptor rings and a
# window of 64 frames per destination: receive rings fill up again and again (QEMU holds
# frames back while a ring is full) and must keep recovering, transmit rings report full.
out2=$TMP/porto-run-jumbo.out
scripts/porto-run -n 4 build/linktest.elf --timeout 240 --kargs "mtu=9000 rxring=16 txring=16" \
    -- window=64 reps=8 >"$out2" 2>&1
rc=$?
grep -E 'linktest: (rank 0|sent|nic|cluster|PASS|FAIL)|porto-run' "$out2"
[ $rc = 0 ] || fail "jumbo/small-ring run: porto-run exited $rc, expected 0"
expect "$out2" "${tag}linktest: rank 0 of 4, 17 sizes 60\.\.9014 bytes" "frames up to 9014 bytes"
expect "$out2" "${tag}linktest: cluster: 0 frames lost, 0 corrupted, 0 node\(s\) did not report" \
    "jumbo frames on full rings: nothing lost or corrupted"
