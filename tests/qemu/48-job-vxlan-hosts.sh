#!/usr/bin/env bash
# One job over two "hosts": two network namespaces stand in for two Linux hosts, joined by a
# veth pair (their underlay network). scripts/porto-run --hosts builds a bridge on each and
# joins the bridges with VXLAN; ranks 0-1 run on the first, rank 2 on the second. The job
# forms across the overlay, runs a collective check and every rank exits 0.
source "$(dirname "$0")/../lib.sh"
[ "$(id -u)" = 0 ] || skip "needs root (network namespaces, VXLAN)"
command -v ip >/dev/null || skip "needs iproute2"
A=porto-hostA-$$ B=porto-hostB-$$
cleanup_hosts() {
    ip netns del "$A" 2>/dev/null
    ip netns del "$B" 2>/dev/null
    rm -rf "$TMP"
}
trap cleanup_hosts EXIT
ip netns add "$A" && ip netns add "$B" || skip "cannot create network namespaces"
ip link add "va$$" netns "$A" type veth peer name "vb$$" netns "$B" || skip "cannot create a veth pair"
ip -n "$A" link set lo up
ip -n "$B" link set lo up
ip -n "$A" addr add 10.99.0.1/24 dev "va$$"
ip -n "$B" addr add 10.99.0.2/24 dev "vb$$"
ip -n "$A" link set "va$$" mtu 9000 up
ip -n "$B" link set "vb$$" mtu 9000 up
ip netns exec "$A" ip link add probe$$ type vxlan id 1 local 10.99.0.1 dstport 4789 2>/dev/null ||
    skip "the kernel has no VXLAN"
ip netns exec "$A" ip link del probe$$

run_job -n 3 --timeout 240 --hosts "$A=10.99.0.1,$B=10.99.0.2" \
    --host-exec "ip netns exec {host} sh -c" build/collbench.elf -- barrier allreduce \
    max=64K samples=5 minsamples=2 warmup=1 maxtime_ms=200
[ "$JOB_EXIT" = 0 ] || fail "job exit $JOB_EXIT"
expect "$TMP/job.out" "bridges on $A $B joined by VXLAN" "two hosts, one overlay"
expect "$TMP/node0.log" "job: formed in [0-9]+ ms: rank 0 of 3" "formation across the overlay"
expect "$TMP/node0.log" "RESULT impl=porto-coll op=allreduce nodes=3 size=65536" "large allreduce"
expect "$TMP/node0.log" "BENCH-DONE collbench ok" "every result checked"
for r in 0 1 2; do expect "$TMP/node0.log" "^job: +$r +0 " "rank $r exited 0"; done
# Nothing may be left behind on either host.
for h in "$A" "$B"; do
    left=$(ip -n "$h" -o link show | grep -cE ': (pbr|pvx|pt)[0-9]' || true)
    [ "$left" = 0 ] || fail "devices left behind on $h"
done
echo "ok: bridges, taps and VXLAN devices removed"
