#!/usr/bin/env bash
# Two 3-node selftest jobs on one switch at once, each with its own job id and key, while an
# attacker in the switch's namespace (tests/qemu/tools/inject.py) sniffs job A's frames and
# sends replays, bit-flipped copies and forged ACK, RNR, control, collective and HELLO frames
# to job A's rank 0. Both jobs pass; rank 0's counters show the forgeries dropped.
source "$(dirname "$0")/../lib.sh"
source scripts/lib/cluster-net.sh
need_root_net
command -v python3 >/dev/null || skip "python3 missing"
[ -f build/selftest.elf ] || fail "build/selftest.elf missing (run make)"
CNET_KIND=bridge
cnet_up 6 9000 || fail "could not build the switch"
pids=()
inj=""
cleanup() {
    [ -n "$inj" ] && kill "$inj" 2>/dev/null
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    cnet_down
    rm -rf "$TMP"
}
trap cleanup EXIT
rnd() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
declare -A ID=([a]="job=0x$(rnd 8) key=$(rnd 16)" [b]="job=0x$(rnd 8) key=$(rnd 16)")
for k in 0 1 2 3 4 5; do
    job=a
    [ $k -ge 3 ] && job=b
    # shellcheck disable=SC2046,SC2054
    cnet_exec qemu-system-x86_64 $(accel_args) -m 512M -display none -monitor none -no-reboot \
        -serial "file:$TMP/node$k.log" -device isa-debug-exit,iobase=0xf4,iosize=4 \
        -netdev "$(cnet_netdev $k)" -device "e1000,netdev=net0,mac=52:54:00:50:00:0$((k + 1)),romfile=" \
        -kernel build/selftest.elf -append "rank=$((k % 3)) nodes=3 ${ID[$job]}" \
        </dev/null >"$TMP/qemu$k.log" 2>&1 &
    pids+=($!)
done
cnet_exec python3 tests/qemu/tools/inject.py --victim tap0 --victim-mac 52:54:00:50:00:01 \
    --victim-rank 0 --sniff tap1,tap2 --seconds 400 --rate 40 >"$TMP/inject.log" 2>&1 &
inj=$!
codes=()
for i in 0 1 2 3 4 5; do
    wait "${pids[$i]}"
    codes+=($(($? >> 1)))
done
kill -TERM "$inj" 2>/dev/null
wait "$inj"
inj=""
cat "$TMP/inject.log"
grep -h "selftest: PASS\|drop_\|job: exit code\|WARNING" "$TMP/node0.log" "$TMP/node3.log"
[ "${codes[*]}" = "0 0 0 0 0 0" ] || fail "exit codes ${codes[*]} (isa-debug-exit), expected all 0"
expect "$TMP/node0.log" "selftest: PASS" "job A passed under attack"
expect "$TMP/node3.log" "selftest: PASS" "job B passed on the same switch"
expect "$TMP/inject.log" "inject: sent replay=[1-9]" "the injector sent frames"
expect "$TMP/node0.log" "drop_bad_auth [1-9]" "forgeries dropped as bad_auth at job A's rank 0"
expect "$TMP/node0.log" "drop_other_job [1-9]" "job B's frames dropped as another job's"
