# scripts/lib/hosts-net.sh — the switch of a job spread over several Linux hosts (sourced by
# scripts/porto-run --hosts). On every host: a Linux bridge without any address (so nothing
# of the host's own traffic enters it), one tap per node of that host, and a VXLAN device (the
# kernel's own L2 overlay, UDP port HNET_PORT) over the host's network, put on the bridge. All
# names carry the launcher's pid: pbr<pid>, pt<pid>k<rank>, pvx<pid>. Each host's VXLAN floods to every other
# host (one all-zero forwarding entry per peer) and learns the nodes' MACs as frames arrive:
# the bridges together form one Ethernet segment. Nothing home-made is in the data path.
#
#   hnet_parse "h1[=addr],h2[=addr],..."   HNET_HOST[i], HNET_ADDR[i] (addr: the host's
#                                       underlay address; default: what getent hosts says)
#   hnet_exec I CMD...                  runs CMD on host I (HNET_EXEC with {host} replaced;
#                                       the command reaches it as one shell string)
#   hnet_up NODES                       ranks in blocks over the hosts (HNET_OF[k] = host of
#                                       rank k), switch on every host; HNET_MTU = the largest
#                                       Ethernet payload that crosses the overlay
#   hnet_netdev K                       the -netdev argument of rank K
#   hnet_down                           stops the nodes, removes the devices and staged files
# Requires root on every host (bridge, taps) and UDP HNET_PORT open between the hosts.
HNET_EXEC=${HNET_EXEC:-ssh -o BatchMode=yes {host}}
HNET_PORT=${HNET_PORT:-4789}
HNET_HOST=()
HNET_ADDR=()
HNET_OF=()
HNET_BR=pbr$$
HNET_VX=pvx$$
HNET_DIR=()
HNET_UP=()
HNET_MTU=""
HNET_VNI=$((1000 + $$ % 16000000))

hnet_parse() {
    local IFS=, spec i=0
    for spec in $1; do
        [ -n "$spec" ] || continue
        HNET_HOST[i]=${spec%%=*}
        if [ "$spec" != "${HNET_HOST[i]}" ]; then
            HNET_ADDR[i]=${spec#*=}
        else
            HNET_ADDR[i]=$(getent hosts "${HNET_HOST[i]}" | awk '{ print $1; exit }')
        fi
        [ -n "${HNET_ADDR[i]}" ] || { echo "no address for host '${HNET_HOST[i]}' (give it as host=addr)" >&2; return 1; }
        i=$((i + 1))
    done
    [ $i -ge 1 ] || { echo "--hosts: empty host list" >&2; return 1; }
}

hnet_exec() {
    local i=$1 pre
    shift
    pre=${HNET_EXEC//\{host\}/${HNET_HOST[$i]}}
    # shellcheck disable=SC2086 # the prefix is a command line: split it into words
    $pre "$(printf '%q ' "$@")"
}

# Ranks in blocks: host i gets ranks [i*N/H, (i+1)*N/H).
hnet_place() {
    local n=$1 h=${#HNET_HOST[@]} k
    for ((k = 0; k < n; k++)); do HNET_OF[k]=$((k * h / n)); done
}

hnet_up() {
    local n=$1 h=${#HNET_HOST[@]} i j k dev umtu min=""
    hnet_place "$n"
    for ((i = 0; i < h; i++)); do
        HNET_DIR[i]=/tmp/porto-run-$$-h$i
        # The overlay costs 50 bytes of the underlay's MTU (outer Ethernet, IP, UDP, VXLAN).
        j=$(((i + 1) % h))
        dev=$(hnet_exec "$i" ip -o route get "${HNET_ADDR[$j]}" | sed -n 's/.* dev \([^ ]*\).*/\1/p')
        umtu=1500
        [ -n "$dev" ] && umtu=$(hnet_exec "$i" cat "/sys/class/net/$dev/mtu")
        [ -z "$min" ] || [ "$umtu" -lt "$min" ] && min=$umtu
    done
    HNET_MTU=$((min - 50))
    [ "$HNET_MTU" -gt 9000 ] && HNET_MTU=9000
    for ((i = 0; i < h; i++)); do
        HNET_UP[i]=1
        hnet_exec "$i" mkdir -p "${HNET_DIR[$i]}" || return 1
        hnet_exec "$i" ip link add "$HNET_BR" type bridge stp_state 0 forward_delay 0 \
            mcast_snooping 0 || return 1
        hnet_exec "$i" ip link set "$HNET_BR" mtu "$HNET_MTU" || return 1
        for ((k = 0; k < n; k++)); do
            [ "${HNET_OF[$k]}" = "$i" ] || continue
            hnet_exec "$i" ip tuntap add dev "pt$$k$k" mode tap || return 1
            hnet_exec "$i" ip link set "pt$$k$k" mtu "$HNET_MTU" master "$HNET_BR" up || return 1
        done
        hnet_exec "$i" ip link add "$HNET_VX" type vxlan id "$HNET_VNI" local "${HNET_ADDR[$i]}" \
            dstport "$HNET_PORT" || return 1
        hnet_exec "$i" ip link set "$HNET_VX" mtu "$HNET_MTU" master "$HNET_BR" up || return 1
        for ((j = 0; j < h; j++)); do
            [ "$j" = "$i" ] && continue
            hnet_exec "$i" bridge fdb append 00:00:00:00:00:00 dev "$HNET_VX" \
                dst "${HNET_ADDR[$j]}" || return 1
        done
        hnet_exec "$i" ip link set "$HNET_BR" up || return 1
    done
}

hnet_netdev() {
    echo "tap,id=net0,ifname=pt$$k$1,script=no,downscript=no"
}

# Stop what runs on each host (QEMU writes its pid file there), then remove the switch.
hnet_down() {
    local i k
    for i in "${!HNET_UP[@]}"; do
        hnet_exec "$i" sh -c "for f in ${HNET_DIR[$i]}/*.pid; do [ -f \"\$f\" ] && kill \$(cat \"\$f\") 2>/dev/null; done; true"
        for ((k = 0; k < ${#HNET_OF[@]}; k++)); do
            [ "${HNET_OF[$k]}" = "$i" ] && hnet_exec "$i" ip link del "pt$$k$k" 2>/dev/null
        done
        hnet_exec "$i" ip link del "$HNET_VX" 2>/dev/null
        hnet_exec "$i" ip link del "$HNET_BR" 2>/dev/null
        hnet_exec "$i" rm -rf "${HNET_DIR[$i]}"
    done
    HNET_UP=()
}
