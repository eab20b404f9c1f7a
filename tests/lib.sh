# tests/lib.sh — helpers for QEMU tests (source it).
#   boot_qemu LOG TIMEOUT qemu-args...  runs QEMU (TCG unless PORTO_ACCEL=kvm) with the serial
#       console in LOG and isa-debug-exit; sets EXIT to the code Porto gave (see kernel.h), or
#       to "timeout" / "noexit" when Porto gave none (QEMU failed on its own, reset, ...): the
#       status is decoded by scripts/lib/exit-code.sh, which needs the console's
#       "Porto: halted, exit code N" to agree with QEMU's status.
#   expect LOG regex [what]   fails the test (exit 1) when LOG has no matching line
#   skip "reason"             ends the test as skipped: prints the marker tests/run looks for
#                             ("PORTO-SKIP: reason") and exits 77
#   run_job args...           scripts/porto-run; see below
#   rank_code K               rank K's own exit code from the run's result file ("-" if none)
set -u
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$(pwd)
TMP=$(mktemp -d /tmp/porto-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
# shellcheck source=../scripts/lib/exit-code.sh
source "$ROOT/scripts/lib/exit-code.sh"

skip() { echo "PORTO-SKIP: $*"; exit 77; }
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
    : >"$log"
    # shellcheck disable=SC2046
    timeout "$t" qemu-system-x86_64 $(accel_args) -m 256M -display none -no-reboot \
        -serial "file:$log" -device isa-debug-exit,iobase=0xf4,iosize=4 "$@" </dev/null \
        2>"$log.qemu"
    rc=$?
    if porto_decode_exit "$rc" "$log" "$log.qemu"; then EXIT=$PORTO_CODE
    elif [ $rc -eq 124 ]; then EXIT=timeout
    else EXIT=noexit; fi
    echo "--- serial console ($log), QEMU status $rc, exit: $EXIT${PORTO_WHY:+ ($PORTO_WHY)}"
    cat "$log.qemu" "$log"
}

expect() {
    grep -qE -- "$2" "$1" || fail "${3:-expected /$2/ in the console}"
    echo "ok: ${3:-/$2/}"
}

# run_job args... — scripts/porto-run with args; the launcher's output goes to $TMP/job.out,
# rank 0's console to $TMP/node0.log, the result file to $TMP/result. Sets JOB_EXIT (the
# launcher's exit status), RUNDIR (from porto-run's "run directory" line) and RANK0_EXIT
# (rank 0's own exit code from the result file, "-" when it gave none).
run_job() {
    scripts/porto-run "$@" >"$TMP/job.out" 2>&1 </dev/null
    JOB_EXIT=$?
    RUNDIR=$(sed -n 's/^porto-run: run directory \(run\/[^ ]*\)$/\1/p' "$TMP/job.out" | head -n 1)
    cat "$TMP/job.out"
    if [ -n "$RUNDIR" ] && [ -f "$RUNDIR/node0.log" ]; then cp "$RUNDIR/node0.log" "$TMP/node0.log"; else : >"$TMP/node0.log"; fi
    if [ -n "$RUNDIR" ] && [ -f "$RUNDIR/result" ]; then cp "$RUNDIR/result" "$TMP/result"; else : >"$TMP/result"; fi
    echo "--- result file"
    cat "$TMP/result"
    RANK0_EXIT=$(rank_code 0)
    echo "--- launcher exit: $JOB_EXIT, rank 0's own exit code: $RANK0_EXIT"
    # The result file's job line must be what the launcher exited with.
    [ "$(awk '$1 == "job" { print $2 }' "$TMP/result")" = "$JOB_EXIT" ] ||
        fail "result file's job line does not match the launcher's exit status $JOB_EXIT"
}
rank_code() {
    local c
    c=$(awk -v k="$1" '$1 == "rank" && $2 == k { print $3 }' "$TMP/result")
    echo "${c:--}"
}
need_root_net() {
    [ "$(id -u)" = 0 ] && command -v ip >/dev/null || skip "needs root for the bridge switch"
}
