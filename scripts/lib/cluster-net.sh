# scripts/lib/cluster-net.sh — the L2 segment a QEMU test cluster runs on. Source it, then:
#   cnet_up N [MTU]      creates the switch for N nodes; sets CNET_KIND, CNET_NS, CNET_DIR
#   cnet_netdev K        prints the -netdev argument for node K (0-based)
#   cnet_exec CMD...     runs CMD where the switch is reachable (inside the namespace if any)
#   cnet_host_ip         the switch's own address (for dnsmasq), "" when the switch has none
#   cnet_down            removes everything cnet_up made
# Kinds: "bridge" (default when root): a Linux bridge with one tap per node inside a private
# network namespace: the kernel's real switch, tc netem works on the taps, nothing leaves
# the namespace. "vde" (no root needed, or CNET_KIND=vde): vde_switch from Debian's vde2 on
# a unix socket; no PXE (no host address) and no netem.
# "impaired" (CNET_KIND=impaired, CNET_IMPAIR="wirefilter options"): an impaired switch that
# needs no netem. Every node has its own small vde_switch, joined to a central vde_switch by
# its own vde2 wirefilter, so every node's link drops, duplicates, reorders, corrupts, delays
# or limits bandwidth as asked. Loss, duplication, noise and delay act on the node-to-centre
# direction only (each frame is impaired once, on its sender's link, whoever receives it);
# bandwidth limits both directions. No root, no PXE.
CNET_KIND=${CNET_KIND:-}
CNET_IMPAIR=${CNET_IMPAIR:-}
CNET_NS=""
CNET_DIR=""
CNET_N=0
CNET_SUBNET=10.77.0

cnet_up() {
    local n=$1 mtu=${2:-9000} k
    CNET_N=$n
    CNET_DIR=$(mktemp -d /tmp/porto-net.XXXXXX)
    if [ -z "$CNET_KIND" ]; then
        if [ "$(id -u)" = 0 ] && command -v ip >/dev/null; then CNET_KIND=bridge; else CNET_KIND=vde; fi
    fi
    case $CNET_KIND in
    bridge)
        CNET_NS=porto-$$-$RANDOM
        ip netns add "$CNET_NS" || return 1
        cnet_exec ip link set lo up
        cnet_exec sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 || true
        cnet_exec ip link add br0 type bridge stp_state 0 forward_delay 0 ageing_time 30000 mcast_snooping 0 || return 1
        for ((k = 0; k < n; k++)); do
            cnet_exec ip tuntap add dev "tap$k" mode tap || return 1
            cnet_exec ip link set "tap$k" mtu "$mtu" master br0 up || return 1
        done
        cnet_exec ip link set br0 mtu "$mtu" up
        cnet_exec ip addr add "$CNET_SUBNET.1/24" dev br0
        ;;
    vde)
        command -v vde_switch >/dev/null || { echo "cluster-net: vde_switch missing (apt-get install vde2)" >&2; return 1; }
        vde_switch -s "$CNET_DIR/vde.sock" -p "$CNET_DIR/vde.pid" -n $((n + 4)) -d >/dev/null 2>&1 || return 1
        ;;
    impaired)
        command -v vde_switch >/dev/null && command -v wirefilter >/dev/null ||
            { echo "cluster-net: vde_switch/wirefilter missing (apt-get install vde2)" >&2; return 1; }
        vde_switch -s "$CNET_DIR/vde.sock" -p "$CNET_DIR/vde.pid" -n $((n + 4)) -d >/dev/null 2>&1 || return 1
        for ((k = 0; k < n; k++)); do
            vde_switch -s "$CNET_DIR/node$k.sock" -p "$CNET_DIR/node$k.pid" -n 4 -d >/dev/null 2>&1 || return 1
            # wirefilter reads commands from stdin and exits at its end: --daemon detaches it.
            # shellcheck disable=SC2086 # CNET_IMPAIR is an option list
            wirefilter --daemon --pidfile "$CNET_DIR/wire$k.pid" \
                -v "$CNET_DIR/node$k.sock:$CNET_DIR/vde.sock" $CNET_IMPAIR >/dev/null 2>&1 || {
                echo "cluster-net: wirefilter $CNET_IMPAIR failed for node $k" >&2
                return 1
            }
        done
        ;;
    *) echo "cluster-net: unknown switch kind '$CNET_KIND' (bridge|vde|impaired)" >&2; return 1 ;;
    esac
}

cnet_netdev() {
    case $CNET_KIND in
    bridge) echo "tap,id=net0,ifname=tap$1,script=no,downscript=no" ;;
    vde) echo "vde,id=net0,sock=$CNET_DIR/vde.sock" ;;
    impaired) echo "vde,id=net0,sock=$CNET_DIR/node$1.sock" ;;
    esac
}

cnet_exec() {
    if [ -n "$CNET_NS" ]; then ip netns exec "$CNET_NS" "$@"; else "$@"; fi
}

cnet_host_ip() { [ "$CNET_KIND" = bridge ] && echo "$CNET_SUBNET.1"; }

cnet_down() {
    if [ -n "$CNET_NS" ]; then
        # Processes still inside the namespace would keep the taps alive.
        local pids
        pids=$(ip netns pids "$CNET_NS" 2>/dev/null)
        [ -n "$pids" ] && kill $pids 2>/dev/null
        ip netns del "$CNET_NS" 2>/dev/null
        CNET_NS=""
    fi
    if [ -n "$CNET_DIR" ]; then
        local f
        for f in "$CNET_DIR"/wire*.pid "$CNET_DIR"/node*.pid "$CNET_DIR/vde.pid"; do
            [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
        done
        rm -rf "$CNET_DIR"
        CNET_DIR=""
    fi
}
