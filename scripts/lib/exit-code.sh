# scripts/lib/exit-code.sh — how a Porto node's end is read, written once for the launcher
# (scripts/porto-run) and the QEMU tests (tests/lib.sh). Source it.
#
#   porto_decode_exit STATUS CONSOLE_LOG [QEMU_LOG]
#       STATUS is the QEMU process's exit status, CONSOLE_LOG its serial console, QEMU_LOG
#       where QEMU's own messages went (optional). Sets PORTO_CODE to the exit code Porto gave,
#       or to "" when there is none, and PORTO_WHY to why there is none.
#
# isa-debug-exit makes QEMU exit with status (code << 1) | 1, and the kernel prints
# "Porto: halted, exit code N" just before it writes the port. A status is Porto's only when
# both agree: QEMU's own failures exit with status 1, which would otherwise read as code 0.
porto_decode_exit() {
    local status=$1 console=$2 qlog=${3:-} halted msg=""
    PORTO_CODE="" PORTO_WHY=""
    halted=$(sed -n 's/.*Porto: halted, exit code \([0-9]*\).*/\1/p' "$console" 2>/dev/null | tail -n 1)
    if [ $((status & 1)) = 1 ] && [ -n "$halted" ] && [ $((status >> 1)) = "$halted" ]; then
        PORTO_CODE=$halted
        return 0
    fi
    [ -n "$qlog" ] && msg=$(grep -m1 "qemu-system-x86_64:" "$qlog" 2>/dev/null)
    if [ "$status" = 124 ]; then
        PORTO_WHY="timed out"
    elif [ -n "$msg" ]; then
        PORTO_WHY="QEMU failed (status $status): $msg"
    elif [ "$status" = 0 ]; then
        PORTO_WHY="stopped without an exit code (reset or triple fault?)"
    elif [ $((status & 1)) = 1 ] && [ -n "$halted" ]; then
        PORTO_WHY="QEMU status $status does not match the console's exit code $halted"
    else
        PORTO_WHY="QEMU ended with status $status and no \"Porto: halted\" line"
    fi
    return 1
}
