#!/usr/bin/env bash
# tests/qemu/60-linux-peer.sh — smoke test of the Linux benchmark peer: scripts/linux-peer
# --quick boots two Debian Linux guests under QEMU (TCG) on the cluster switch and must bring
# back the UDP, TCP, TIPC, TCP-stream and TIPC-stream RESULT lines with plausible numbers. Run it alone with
# `tests/qemu/60-linux-peer.sh` (root: bridge switch, /boot/vmlinuz-* readable); ~20-40 s.
# Exit 0 pass, 77 skip (no /boot/vmlinuz-*), anything else fail.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

if ! compgen -G '/boot/vmlinuz-*' >/dev/null; then
    echo "PORTO-SKIP: no /boot/vmlinuz-* (Debian's linux-image-amd64 is not installed)"
    exit 77
fi
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

timeout -s INT 100 "$ROOT/scripts/linux-peer" --quick --timeout 80 --out "$OUT"
rc=$?
if [ $rc -eq 77 ]; then
    echo "PORTO-SKIP: scripts/linux-peer found no usable kernel image"
    exit 77
fi
if [ $rc -ne 0 ]; then
    echo "FAIL: scripts/linux-peer --quick exited with $rc"
    exit 1
fi

fail=0
# A ping-pong line must have every statistic as a positive number, ordered min <= median <= p99.
check_pingpong() {
    local proto=$1 size=$2 line
    line=$(grep -E "^RESULT proto=$proto size=$size " "$OUT/linux.txt")
    if ! awk -v want="$proto/$size" '{
            for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
            ok = v["median_us"] > 0 && v["min_us"] > 0 && v["p99_us"] > 0 && v["gamma_us"] > 0 &&
                 v["min_us"] <= v["median_us"] && v["median_us"] <= v["p99_us"] && v["n"] >= 100
            if (!ok) { print "bad " want ": " $0; exit 1 }
        }' <<<"$line" || [ -z "$line" ]; then
        echo "FAIL: no valid RESULT line for $proto size=$size${line:+: $line}"
        fail=1
    fi
}
for size in 0 1 64 1024 4096; do
    check_pingpong udp $size
    check_pingpong tcp $size
done
# TIPC starts at 1 byte (it delivers no empty datagram).
for size in 1 64 1024 4096; do
    check_pingpong tipc $size
done
for stream_proto in tcpstream tipcstream; do
    stream=$(grep -E "^RESULT proto=$stream_proto " "$OUT/linux.txt")
    if ! [[ $stream =~ \ mbps=([0-9.]+) ]] || ! awk -v m="${BASH_REMATCH[1]}" 'BEGIN { exit !(m > 1) }'; then
        echo "FAIL: no valid $stream_proto RESULT line: ${stream:-none}"
        fail=1
    fi
done
if grep -q 'error=' "$OUT/linux.txt"; then
    echo "FAIL: a measurement reported an error:"
    grep 'error=' "$OUT/linux.txt"
    fail=1
fi
[ $fail -eq 0 ] && echo "PASS: Linux peer results: $(wc -l <"$OUT/linux.txt") lines"
exit $fail
