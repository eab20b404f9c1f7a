#!/usr/bin/env bash
# The raw Ethernet link (link=eth:IF, AF_PACKET) in a private network namespace (root):
#  - 4 ranks on the namespace's loopback interface through porto-run --host --link eth:lo;
#  - 3 ranks on a veth pair: ranks 0 and 2 share one end (they see each other's frames as
#    the interface's outgoing traffic), rank 1 is on the other end (frames cross the "wire").
# The selftest passes both ways.
source "$(dirname "$0")/../lib.sh"
bin=build/host/selftest
[ -x "$bin" ] || fail "$bin missing (make host)"
[ "$(id -u)" = 0 ] || skip "needs root (AF_PACKET sockets, a network namespace)"
command -v unshare >/dev/null && command -v ip >/dev/null || skip "needs unshare and ip"
unshare --net true 2>/dev/null || skip "cannot create a network namespace here"
unshare --net bash -c "ip link set lo up && scripts/porto-run --host --link eth:lo -n 4 \
    --timeout 120 $bin" >"$TMP/lo.out" 2>&1
rc=$?
cat "$TMP/lo.out"
[ $rc = 0 ] || fail "selftest over eth:lo: exit $rc"
expect "$TMP/lo.out" "^\[0\] selftest: PASS" "selftest over raw Ethernet on loopback, 4 ranks"
cat >"$TMP/veth.sh" <<EOS
set -e
ip link add pa type veth peer name pb
ip link set pa mtu 9000 up
ip link set pb mtu 9000 up
pids=""
for r in 0 1 2; do
    ifc=pa; [ \$r = 1 ] && ifc=pb
    timeout 120 $bin rank=\$r nodes=3 link=eth:\$ifc job=0x7e7e0001 >"$TMP/veth\$r.log" 2>&1 &
    pids="\$pids \$!"
done
rc=0
for p in \$pids; do wait \$p || rc=\$?; done
exit \$rc
EOS
unshare --net bash "$TMP/veth.sh"
rc=$?
cat "$TMP/veth0.log"
[ $rc = 0 ] || fail "selftest over a veth pair: a rank exited $rc"
expect "$TMP/veth0.log" "^\[0\] selftest: PASS" "selftest over a veth pair, 3 ranks"
