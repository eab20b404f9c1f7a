#!/usr/bin/env bash
# tests/qemu/61-linux-mpi.sh — Debian's MPICH across two Linux guests (scripts/linux-mpi): the
# halo solver on a small grid must match its serial run on rank 0 (verify=ok), and mpiperf's
# checked ping-pong and allreduce must complete with a RESULT line each. ~30 s under TCG.
# Exit 0 pass, 77 skip (no kernel image, MPICH not installed, not root), anything else fail.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

if ! compgen -G '/boot/vmlinuz-*' >/dev/null; then
    echo "PORTO-SKIP: no /boot/vmlinuz-* (Debian's linux-image-amd64 is not installed)"
    exit 77
fi
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

timeout -s INT 150 "$ROOT/scripts/linux-mpi" -n 2 --timeout 120 --out "$OUT" \
    "halo rows=64 iters=30 warmup=2 verify=yes" \
    "mpiperf impl=mpich-tcp tests=pingpong,allreduce max=1K samples=50 warmup=5 allreduce=50"
rc=$?
if [ $rc -eq 77 ]; then
    echo "PORTO-SKIP: scripts/linux-mpi cannot run here (kernel, MPICH or root missing)"
    exit 77
fi
if [ $rc -ne 0 ]; then
    echo "FAIL: scripts/linux-mpi exited with $rc"
    exit 1
fi
fail=0
halo=$(grep -E '^RESULT app=halo nodes=2 ' "$OUT/mpich.txt")
if [[ $halo != *" verify=ok "* ]] || ! [[ $halo =~ \ median_us=([0-9.]+) ]] ||
    ! awk -v m="${BASH_REMATCH[1]}" 'BEGIN { exit !(m > 0) }'; then
    echo "FAIL: halo did not verify across two guests: ${halo:-no RESULT line}"
    fail=1
fi
for op in "pingpong nodes=2 size=0" "pingpong nodes=2 size=1024" "allreduce nodes=2 size=8"; do
    if ! grep -qE "^RESULT impl=mpich-tcp op=$op median_us=[0-9.]+ " "$OUT/mpich.txt"; then
        echo "FAIL: no mpiperf RESULT line for $op"
        fail=1
    fi
done
[ $fail -eq 0 ] && echo "PASS: MPICH in two Linux guests: $halo"
exit $fail
