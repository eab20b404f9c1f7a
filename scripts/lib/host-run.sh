#!/usr/bin/env bash
# scripts/lib/host-run.sh — `scripts/porto-run --host`: a Porto job of N Linux processes built
# by `make host` (docs/hosted.md). Same shape as a QEMU job: each rank's output goes to
# run/<timestamp>/nodeK.log, rank 0's (every rank's lines, tagged "[r] ", and the job summary)
# is streamed here, and the exit status is rank 0's code (the job's), non-zero and named when
# any rank failed; 124 on timeout, 130 on Ctrl-C. Every process the run started is stopped on
# exit. Ranks talk over UDP on 127.0.0.1 (a free port range chosen per run) unless --link or
# --hosts say otherwise; with --hosts the processes start over ssh, ranks in blocks over the
# hosts, and the app must be at the same path on every host. A rank killed by a signal its
# runtime cannot report (SIGKILL) ends the job at once with status 128 + signal.
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PROG="porto-run --host"

usage() {
    cat <<EOF
usage: scripts/porto-run --host -n N build/host/APP [options] [-- app args]
  -n, --nodes N        number of ranks (processes), 1..256
  --timeout S          stop the whole job after S seconds, exit 124 (default 300)
  --grace S            after rank 0 exits, wait S seconds for the others (default 10)
  --kargs "k=v ..."    Porto words for every rank (crc=1, window=, peertimeout=, mtu=, ...)
  --link udp|eth:IF    UDP datagrams (default) or raw Ethernet frames on interface IF (root)
  --hosts H1,H2,...    start the ranks over ssh on these hosts (blocks of ranks per host)
  --ssh CMD            the remote shell for --hosts (default: \$PORTO_SSH or ssh)
  --wrap "CMD"         run every rank under CMD, e.g. "valgrind -q --error-exitcode=99"
  --no-key             no key= (frames not authenticated; for comparisons only)
  -h, --help           this text
Logs: run/<timestamp>/nodeK.log (rank K's own output), nodeK.cmd, nodeK.pid. Under ASan builds,
ASAN_OPTIONS gets abort_on_error=1 so that a sanitizer report ends in a reported abort.
EOF
}
die() {
    echo "$PROG: $*" >&2
    exit 2
}
say() { echo "$PROG: $*" >&2; }

NO_KEY=0 NODES="" APP="" TIMEOUT=300 GRACE=10 KARGS="" LINK="" HOSTS="" SSH=${PORTO_SSH:-ssh} WRAP=""
APP_ARGS=()
need_value() { [ $# -ge 2 ] || die "option $1 needs a value (see --help)"; }
is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }
while [ $# -gt 0 ]; do
    case $1 in
    --host) shift ;;
    -n | --nodes) need_value "$@"; NODES=$2; shift 2 ;;
    --timeout) need_value "$@"; TIMEOUT=$2; shift 2 ;;
    --grace) need_value "$@"; GRACE=$2; shift 2 ;;
    --kargs) need_value "$@"; KARGS=$2; shift 2 ;;
    --link) need_value "$@"; LINK=$2; shift 2 ;;
    --hosts) need_value "$@"; HOSTS=$2; shift 2 ;;
    --ssh) need_value "$@"; SSH=$2; shift 2 ;;
    --wrap) need_value "$@"; WRAP=$2; shift 2 ;;
    --no-key) NO_KEY=1; shift ;;
    -h | --help) usage; exit 0 ;;
    --) shift; APP_ARGS=("$@"); break ;;
    --accel | --pxe | --mem | --switch | --netem | --auto-ranks | --keep | --loss | --dup | \
        --reorder | --corrupt | --delay | --bandwidth)
        die "option $1 is for QEMU jobs (their switch); hosted jobs run over this machine's sockets and take --link/--hosts (see --help)" ;;
    -*) die "unknown option '$1' (see --help)" ;;
    *)
        [ -z "$APP" ] || die "two programs given: '$APP' and '$1'"
        APP=$1
        shift
        ;;
    esac
done

[ -n "$NODES" ] || die "missing -n N (see --help)"
is_uint "$NODES" && [ "$NODES" -ge 1 ] && [ "$NODES" -le 256 ] || die "-n wants 1..256, not '$NODES'"
[ -n "$APP" ] || die "missing the program, e.g. build/host/selftest (make host)"
[ -f "$APP" ] && [ -x "$APP" ] || die "program '$APP' not found or not executable (make host?)"
case $APP in
*.elf) die "'$APP' is a bare-metal image: run it without --host, or build build/host/<app> with make host" ;;
esac
is_uint "$TIMEOUT" && [ "$TIMEOUT" -ge 1 ] || die "--timeout wants seconds, not '$TIMEOUT'"
is_uint "$GRACE" || die "--grace wants seconds, not '$GRACE'"
case $LINK in
"" | udp) ;;
eth:?*) [ "$(id -u)" = 0 ] || say "warning: --link $LINK needs root or CAP_NET_RAW" ;;
*) die "--link wants udp or eth:INTERFACE, not '$LINK'" ;;
esac
[[ $KARGS == *"--"* ]] && die "--kargs holds Porto words only; app args go after --"

APP_ABS=$(cd "$(dirname "$APP")" && pwd)/$(basename "$APP")
# Runs live in the tree's run/, or (an SDK installed by `make install`) in ./run of the
# directory porto-run is started from, as for QEMU jobs.
RUNBASE=$ROOT/run
[ -f "$ROOT/scripts/porto-run" ] || RUNBASE=$PWD/run
RUNDIR=$RUNBASE/$(date +%Y%m%d-%H%M%S)-$$
RUNDIR_REL=${RUNDIR#"$PWD"/}
mkdir -p "$RUNDIR" || die "cannot create $RUNDIR"
# The one line tools read to find this run (tests/lib.sh): the same form as a QEMU job's.
echo "porto-run: run directory $RUNDIR_REL" >&2

# A port range nobody on this machine is using (ranks use BASE .. BASE+N-1), and a job id of
# this run alone: frames of other jobs on the same ports or wire are ignored by the ranks.
port_busy() { # base n
    command -v ss >/dev/null || return 1
    ss -Hauln 2>/dev/null | awk -v lo="$1" -v hi=$(($1 + $2 - 1)) \
        '{ n = split($5, a, ":"); p = a[n] + 0; if (p >= lo && p <= hi) found = 1 } END { exit !found }'
}
for _ in 1 2 3 4 5 6 7 8 9 10; do
    BASE=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    port_busy "$BASE" "$NODES" || break
done
# Per-run identity, as for QEMU jobs: a random 64-bit job id and 128-bit key (frames are
# authenticated with SipHash-2-4); words given with --kargs come later and win.
JOB=0x$(od -An -N8 -tx8 /dev/urandom | tr -d ' \n')
KEY=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
[ ${#KEY} = 32 ] || die "could not read a key from /dev/urandom"
[ $NO_KEY = 1 ] && KEY=""

# --hosts: rank k runs on host k / ceil(N / H); peers= tells every rank where the others are.
HOSTLIST=()
PEERS=""
if [ -n "$HOSTS" ]; then
    IFS=, read -r -a HOSTLIST <<<"$HOSTS"
    [ ${#HOSTLIST[@]} -ge 1 ] || die "--hosts: empty list"
    [ -z "$LINK" ] || [ "$LINK" = udp ] || [ ${#HOSTLIST[@]} = 1 ] ||
        say "note: with --link $LINK the hosts must share one Ethernet segment"
    PER=$(((NODES + ${#HOSTLIST[@]} - 1) / ${#HOSTLIST[@]}))
    for ((k = 0; k < NODES; k++)); do
        PEERS+="${PEERS:+,}${HOSTLIST[$((k / PER))]}:$((BASE + k))"
    done
fi

if [ -z "${ASAN_OPTIONS:-}" ]; then export ASAN_OPTIONS=abort_on_error=1; else
    export ASAN_OPTIONS="abort_on_error=1:$ASAN_OPTIONS"; fi

PIDS=() STATUS=() KILLED=()
TAIL_PID=""
CLEANED=0
cleanup() {
    [ $CLEANED = 1 ] && return
    CLEANED=1
    local pid
    for pid in "${PIDS[@]}"; do [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; done
    sleep 0.2
    for pid in "${PIDS[@]}"; do [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; done
    [ -n "$TAIL_PID" ] && kill "$TAIL_PID" 2>/dev/null
    wait 2>/dev/null
}
trap cleanup EXIT
trap 'say "interrupted: stopping every rank"; exit 130' INT TERM HUP

words_for() { # rank
    local w=("rank=$1" "nodes=$NODES" "job=$JOB" "udpport=$BASE")
    [ -n "$KEY" ] && w+=("key=$KEY")
    [ -n "$LINK" ] && w+=("link=$LINK")
    [ -n "$PEERS" ] && w+=("peers=$PEERS")
    # shellcheck disable=SC2206 # KARGS is a list of words
    [ -n "$KARGS" ] && w+=($KARGS)
    printf '%s\n' "${w[@]}"
}

where="UDP on 127.0.0.1:$BASE+"
[ -n "$LINK" ] && [ "$LINK" != udp ] && where="raw Ethernet on ${LINK#eth:}"
[ -n "$HOSTS" ] && where="$where over ssh on $HOSTS"
say "$NODES rank(s), hosted, $where, job $JOB, logs: $RUNDIR_REL/"
for ((k = 0; k < NODES; k++)); do
    mapfile -t words < <(words_for "$k")
    # shellcheck disable=SC2206 # WRAP is a command line
    cmd=($WRAP "$APP_ABS" "${words[@]}" -- "${APP_ARGS[@]}")
    : >"$RUNDIR/node$k.log"
    if [ -n "$HOSTS" ]; then
        host=${HOSTLIST[$((k / PER))]}
        remote="cd $(printf '%q' "$PWD") && ASAN_OPTIONS=$(printf '%q' "$ASAN_OPTIONS") exec$(printf ' %q' "${cmd[@]}")"
        echo "$SSH $host $remote" >"$RUNDIR/node$k.cmd"
        # shellcheck disable=SC2086 # SSH may carry options
        $SSH "$host" "$remote" </dev/null >"$RUNDIR/node$k.log" 2>&1 &
    else
        printf '%q ' "${cmd[@]}" >"$RUNDIR/node$k.cmd"
        "${cmd[@]}" </dev/null >"$RUNDIR/node$k.log" 2>&1 &
    fi
    PIDS[k]=$!
    echo "${PIDS[$k]}" >"$RUNDIR/node$k.pid" # gdb -p, or a test that kills a rank
    STATUS[k]=""
    KILLED[k]=""
done

echo "--- rank 0 ($RUNDIR_REL/node0.log) ---" >&2
tail -n +1 -s 0.1 --pid="${PIDS[0]}" -f "$RUNDIR/node0.log" &
TAIL_PID=$!

node_done() { # pid
    local state
    kill -0 "$1" 2>/dev/null || return 0
    state=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) || return 0
    [ "$state" = Z ]
}
reap() { # rank
    wait "${PIDS[$1]}"
    STATUS[$1]=$?
    PIDS[$1]=""
}
stop_rank() { # rank reason
    local pid=${PIDS[$1]}
    KILLED[$1]=$2
    kill -TERM "$pid" 2>/dev/null
    for _ in 1 2 3 4 5 6 7 8 9 10; do node_done "$pid" && break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
    reap "$1"
}

deadline=$((SECONDS + TIMEOUT))
grace_deadline=""
timed_out=0
lost="" # a rank killed by a signal its runtime could not report (SIGKILL, the OOM killer)
while :; do
    running=0
    for ((k = 0; k < NODES; k++)); do
        [ -n "${PIDS[$k]}" ] || continue
        if node_done "${PIDS[$k]}"; then
            reap "$k"
            if [ "${STATUS[$k]}" -gt 128 ] && [ -z "$lost" ]; then
                lost=$k
                say "rank $k was killed by signal $((STATUS[k] - 128)) without an exit report: ending the job"
            fi
        else
            running=$((running + 1))
        fi
    done
    [ $running = 0 ] && break
    if [ -n "$lost" ]; then
        for ((k = 0; k < NODES; k++)); do
            [ -n "${PIDS[$k]}" ] && stop_rank "$k" "stopped: rank $lost was killed"
        done
        break
    fi
    [ -z "${PIDS[0]}" ] && [ -z "$grace_deadline" ] && grace_deadline=$((SECONDS + GRACE))
    if [ $SECONDS -ge $deadline ]; then
        timed_out=1
        still=()
        for ((k = 0; k < NODES; k++)); do [ -n "${PIDS[$k]}" ] && still+=("$k"); done
        say "timeout after ${TIMEOUT}s: rank(s) ${still[*]} still running, stopping them"
        for k in "${still[@]}"; do stop_rank "$k" "still running at the ${TIMEOUT}s timeout"; done
        break
    fi
    if [ -n "$grace_deadline" ] && [ $SECONDS -ge "$grace_deadline" ]; then
        for ((k = 1; k < NODES; k++)); do
            [ -n "${PIDS[$k]}" ] && stop_rank "$k" "still running ${GRACE}s after rank 0 exited"
        done
        break
    fi
    sleep 0.1
done

for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$TAIL_PID" 2>/dev/null || break; sleep 0.1; done
kill "$TAIL_PID" 2>/dev/null
wait "$TAIL_PID" 2>/dev/null
TAIL_PID=""

failed=()
for ((k = 0; k < NODES; k++)); do
    rc=${STATUS[$k]}
    if [ -n "${KILLED[$k]}" ]; then
        failed+=("$k")
        say "rank $k: ${KILLED[$k]} (log $RUNDIR_REL/node$k.log)"
    elif [ "$rc" -gt 128 ]; then
        failed+=("$k")
        say "rank $k: killed by signal $((rc - 128)) (log $RUNDIR_REL/node$k.log)"
    elif [ "$rc" != 0 ]; then
        failed+=("$k")
        say "rank $k: exit code $rc (log $RUNDIR_REL/node$k.log)"
    fi
done
if [ $timed_out = 1 ]; then
    job=124
elif [ -n "$lost" ]; then
    job=${STATUS[$lost]}
elif [ -z "${KILLED[0]}" ] && [ -n "${STATUS[0]}" ]; then
    job=${STATUS[0]}
    if [ "$job" = 0 ] && [ ${#failed[@]} -gt 0 ]; then job=${STATUS[${failed[0]}]:-1}; fi
    [ "$job" = 0 ] && [ ${#failed[@]} -gt 0 ] && job=1
else
    job=1
fi
# run/<id>/result, the machine-readable outcome, as for QEMU jobs (docs/launcher.md):
# "rank K CODE" (the process's exit status) or "rank K - WHY", then "job CODE".
{
    for ((k = 0; k < NODES; k++)); do
        rc=${STATUS[$k]}
        if [ -n "${KILLED[$k]}" ]; then
            echo "rank $k - ${KILLED[$k]}"
        elif [ "$rc" -gt 128 ]; then
            echo "rank $k - killed by signal $((rc - 128))"
        else
            echo "rank $k $rc"
        fi
    done
    echo "job $job"
} >"$RUNDIR/result.tmp" && mv "$RUNDIR/result.tmp" "$RUNDIR/result"
if [ ${#failed[@]} = 0 ]; then
    say "all $NODES rank(s) exited 0; logs in $RUNDIR_REL/"
else
    say "failed rank(s): ${failed[*]}; job exit $job; logs in $RUNDIR_REL/"
fi
exit "$job"
