#!/usr/bin/env bash
# tests/qemu/31-nonic.sh — a job that needs a network must stop with a clear message and a
# non-zero exit (PORTO_EXIT_NONIC = 102), never hang: (1) build/linktest.elf booted with
# `-nic none`, (2) an e1000 whose link is down (QEMU monitor `set_link net0 off` before the
# guest runs) with linkwait=500, (3) bad NIC settings on the command line (mtu=20,
# rxring=-1). Exit 0 pass, 77 skip, else fail.
source "$(dirname "$0")/../lib.sh"
[ -f build/linktest.elf ] || fail "build/linktest.elf missing (run make)"

boot_qemu "$TMP/nonic.log" 60 -kernel build/linktest.elf -append "rank=0 nodes=2" -nic none
expect "$TMP/nonic.log" '^nic: no supported NIC found' "the registry says no supported NIC"
expect "$TMP/nonic.log" '^nic: error: no supported NIC found: this app needs a network' \
    "nic_require's error"
[ "$EXIT" = 102 ] || fail "exit $EXIT, expected 102 (PORTO_EXIT_NONIC)"
echo "ok: -nic none -> exit 102"

# Link down: pause at start (-S), take the link down from the monitor, then run.
mkfifo "$TMP/monitor"
exec 3<>"$TMP/monitor"
# shellcheck disable=SC2046 # accel_args is a list of words, as in tests/lib.sh
timeout 60 qemu-system-x86_64 $(accel_args) -m 256M -display none -no-reboot -S \
    -monitor stdio -serial "file:$TMP/down.log" -device isa-debug-exit,iobase=0xf4,iosize=4 \
    -netdev user,id=net0 -device e1000,netdev=net0,romfile=,mac=52:54:00:50:00:01 \
    -kernel build/linktest.elf -append "rank=0 nodes=2 linkwait=500" <&3 >/dev/null 2>&1 &
qemu=$!
printf 'set_link net0 off\ncont\n' >&3
wait $qemu
rc=$?
exec 3>&-
echo "--- serial console, link down (QEMU status $rc)"
cat "$TMP/down.log"
[ $rc != 124 ] || fail "linktest hung with the link down"
expect "$TMP/down.log" 'e1000 [0-9a-f:.]*: open: .* link down' "the driver saw the link down"
expect "$TMP/down.log" '^nic: error: e1000 82540EM: link down after 500 ms' "a clear link-down error"
porto_decode_exit "$rc" "$TMP/down.log" && [ "$PORTO_CODE" = 102 ] ||
    fail "QEMU status $rc (${PORTO_CODE:-$PORTO_WHY}), expected exit code 102"
echo "ok: link down -> exit 102"

# Bad NIC settings: the message names the setting, the exit code is 102.
for words in "mtu=20|e1000 [0-9a-f:.]*: mtu 20 out of range" "rxring=-1|nic: error: rxring=-1 out of range"; do
    arg=${words%%|*} msg=${words#*|}
    boot_qemu "$TMP/bad.log" 60 -kernel build/linktest.elf -append "rank=0 nodes=1 $arg" \
        -netdev user,id=net0 -device e1000,netdev=net0,romfile=,mac=52:54:00:50:00:01
    expect "$TMP/bad.log" "$msg" "$arg refused with a clear message"
    [ "$EXIT" = 102 ] || fail "$arg: exit $EXIT, expected 102"
done
echo "ok: bad NIC settings -> exit 102"
