#!/usr/bin/env bash
# libmpi's end-to-end test (apps/mpitest) as N Linux processes over UDP loopback: the same app
# and library as on the bare machine, linked with the hosted runtime.
#   tests/hosted/mpitest.sh plain|asan N
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tests/hosted/lib.sh"
variant=${1:?variant} n=${2:?N}
bin=$(host_bin "$variant" mpitest)
[ -x "$bin" ] || fail "$bin missing (make host$([ "$variant" = asan ] && echo ' SAN=1'))"
host_job -n "$n" --timeout 300 "$bin"
[ "$JOB_EXIT" = 0 ] || fail "hosted mpitest ($variant) on $n ranks: job exit $JOB_EXIT"
expect "$TMP/node0.log" "^\[0\] mpitest: PASS" "mpitest passed on $n ranks ($variant)"
if [ "$variant" = asan ] && [ -n "$RUNDIR" ] && grep -l "Sanitizer" "$RUNDIR"/node*.log; then
    fail "a sanitizer report in the ranks' logs"
fi
echo "ok: no sanitizer report"
