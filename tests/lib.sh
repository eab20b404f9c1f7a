# tests/lib.sh — helpers for QEMU tests (source it).
#   boot_qemu LOG TIMEOUT qemu-args...  runs QEMU (TCG unless PORTO_ACCEL=kvm) with the serial
#       console in LOG and isa-debug-exit; sets EXIT to the code Porto gave (see kernel.h),
#       or to "timeout" / "noexit" (QEMU stopped without Porto's exit code).
#   expect LOG regex [what]   fails the test (exit 1) when LOG has no matching line
#   skip "reason"             exits 77
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
TMP=$(mktemp -d /tmp/porto-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

skip() { echo "skip: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

accel_args() {
    case ${PORTO_ACCEL:-tcg} in
    kvm) echo "-accel kvm -cpu host,-arch-capabilities" ;;
    *) echo "-accel tcg" ;;
    esac
}

boot_qemu() {
    local log=$1 t=$2 rc
    shift 2
    # shellcheck disable=SC2046
    timeout "$t" qemu-system-x86_64 $(accel_args) -m 256M -display none -no-reboot \
        -serial "file:$log" -device isa-debug-exit,iobase=0xf4,iosize=4 "$@" </dev/null
    rc=$?
    if [ $rc -eq 124 ]; then EXIT=timeout
    elif [ $((rc & 1)) -eq 1 ]; then EXIT=$((rc >> 1))
    else EXIT=noexit; fi
    echo "--- serial console ($log), exit: $EXIT"
    cat "$log"
}

expect() {
    grep -qE -- "$2" "$1" || fail "${3:-expected /$2/ in the console}"
    echo "ok: ${3:-/$2/}"
}

# run_job LOGVAR args... — scripts/porto-run with args; the launcher's output goes to
# $TMP/job.out, rank 0's console to $TMP/node0.log; sets JOB_EXIT and RUNDIR.
run_job() {
    scripts/porto-run "$@" >"$TMP/job.out" 2>&1 </dev/null
    JOB_EXIT=$?
    RUNDIR=$(sed -n 's/.*logs in \(run\/[^ ]*\)\/\{0,1\}$/\1/p' "$TMP/job.out" | tail -1)
    cat "$TMP/job.out"
    if [ -n "$RUNDIR" ] && [ -f "$RUNDIR/node0.log" ]; then cp "$RUNDIR/node0.log" "$TMP/node0.log"; else : >"$TMP/node0.log"; fi
    echo "--- launcher exit: $JOB_EXIT"
}
need_root_net() {
    [ "$(id -u)" = 0 ] && command -v ip >/dev/null || skip "needs root for the bridge switch"
}
