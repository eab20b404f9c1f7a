#!/usr/bin/env bash
# tests/qemu/70-pingpong-smoke.sh — quick smoke run of the benchmark app: 2 TCG nodes
# through scripts/porto-run, apps/pingpong in every mode (raw NIC floor, engine best effort
# and flow controlled, streams) with tiny counts. Every ping-pong size must give a sane
# distribution (0 < min <= median <= p99, n as asked), every payload either rank receives must
# be the one sent (both ranks count mismatches), the
# flow-controlled stream must lose nothing, and the job must exit 0. ~15 s.
# Exit 0 pass, 77 skip, else fail. Alone: tests/qemu/70-pingpong-smoke.sh
source "$(dirname "$0")/../lib.sh"
[ -f build/pingpong.elf ] || fail "build/pingpong.elf missing (run make)"
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 missing (make deps)"
if [ "$(id -u)" != 0 ] && ! command -v vde_switch >/dev/null; then
    skip "neither root (bridge switch) nor vde_switch (apt-get install vde2) available"
fi
# Jumbo frames on the bridge (root); vde_switch forwards standard frames only.
mtu=1500
[ "$(id -u)" = 0 ] && mtu=9000
out=$TMP/porto-run.out
scripts/porto-run -n 2 build/pingpong.elf --timeout 120 --kargs mtu=$mtu -- \
    all max=16K samples=30 minsamples=5 gamma=2x5 warmup=3 streammsg=16K streambytes=1M \
    >"$out" 2>&1
rc=$?
grep -a -E 'RESULT|INFO|BENCH-DONE|porto-run:' "$out"
[ $rc = 0 ] || { tail -n 30 "$out"; fail "porto-run exited $rc, expected 0"; }
expect "$out" 'BENCH-DONE pingpong ok' "pingpong finished every mode"
! grep -a -q 'RESULT .*error=' "$out" || fail "a measurement reported an error"
! grep -a -q 'corrupt=1' "$out" || fail "a payload came back corrupted"
# Every ping-pong payload is checked on both ranks: rank 0 every echo, rank 1 every ping.
pl=$(grep -a -o 'RESULT impl=porto-payload .*' "$out")
[[ $pl =~ rank0_checked=([0-9]+)\ rank0_mismatch=([0-9]+)\ rank1_checked=([0-9]+)\ rank1_mismatch=([0-9]+) ]] ||
    fail "no payload check line: ${pl:-none}"
[ "${BASH_REMATCH[2]}" = 0 ] && [ "${BASH_REMATCH[4]}" = 0 ] ||
    fail "payload mismatches: rank 0 ${BASH_REMATCH[2]}, rank 1 ${BASH_REMATCH[4]}"
# 3 transports x 16 sizes x (30 samples + 2x5 GAMMA) at least, on each side.
[ "${BASH_REMATCH[1]}" -ge 1920 ] && [ "${BASH_REMATCH[3]}" -ge 1920 ] ||
    fail "too few payloads checked: rank 0 ${BASH_REMATCH[1]}, rank 1 ${BASH_REMATCH[3]}"
! grep -a -E 'RESULT impl=porto-(raw|be|fc) size=' "$out" | grep -a -v -q ' mismatch=0' ||
    fail "a size line reports mismatched echoes"
echo "ok: every payload checked on both ranks, none mismatched: $pl"

# Every implementation, every size 0, 1, 2, 4, ... 16384: numbers in order, 30 samples.
for impl in porto-raw porto-be porto-fc; do
    lines=$(grep -a -o "RESULT impl=$impl size=.*" "$out")
    count=$(grep -c . <<<"$lines")
    [ "$count" = 16 ] || fail "$impl: $count size lines, expected 16 (0, 1, 2, ... 16K)"
    awk -v impl="$impl" '{
            for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
            if (!(v["min_us"] > 0 && v["min_us"] <= v["median_us"] && v["median_us"] <= v["p99_us"] &&
                  v["gamma_us"] > 0 && v["n"] == 30)) { print "bad " impl " line: " $0; bad = 1 }
        } END { exit bad }' <<<"$lines" || fail "$impl: a size line is not a sane distribution"
    grep -a -q -E "RESULT impl=$impl metric=derived latency_us=[0-9.]+ bw_mbps=[0-9.]+ " "$out" ||
        fail "$impl: no derived metrics line"
    echo "ok: $impl: 16 sizes, sane distributions, derived metrics"
done
for impl in porto-fc-stream porto-be-stream porto-raw-stream; do
    line=$(grep -a -o "RESULT impl=$impl msg=16384 .*" "$out")
    [[ $line =~ \ mbps=([0-9.]+) ]] && awk -v m="${BASH_REMATCH[1]}" 'BEGIN { exit !(m > 0) }' ||
        fail "$impl: no positive rate: ${line:-no line}"
done
grep -a -q -E 'RESULT impl=porto-fc-stream msg=16384 count=64 .* lost=0 ' "$out" ||
    fail "the flow-controlled stream lost messages"
echo "ok: streams measured, flow-controlled stream lost nothing"
expect "$out" '^porto-run: all 2 node\(s\) exited 0' "both nodes exited 0"
