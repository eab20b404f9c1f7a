#!/usr/bin/env bash
# The Active Port selftest as N Linux processes over UDP loopback (scripts/porto-run --host):
# every phase passes, every rank reports exit 0 in rank 0's summary.
#   tests/hosted/selftest.sh plain|asan N
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tests/hosted/lib.sh"
variant=${1:?variant} n=${2:?N}
bin=$(host_bin "$variant" selftest)
[ -x "$bin" ] || fail "$bin missing (make host$([ "$variant" = asan ] && echo ' SAN=1'))"
host_job -n "$n" --timeout 300 "$bin"
[ "$JOB_EXIT" = 0 ] || fail "hosted selftest ($variant) on $n ranks: job exit $JOB_EXIT"
expect "$TMP/node0.log" "^\[0\] selftest: PASS" "selftest passed on $n ranks ($variant)"
expect "$TMP/node0.log" "^\[0\] selftest: collectives +ok" "collectives on $n ranks"
expect "$TMP/node0.log" "^job: summary, $n ranks" "summary of $n ranks"
reports=$(grep -cE '^job: +[0-9]+ +0  [0-9]+\.[0-9]+ s$' "$TMP/node0.log")
[ "$reports" = "$n" ] || fail "$reports of $n ranks reported exit 0"
echo "ok: all $n ranks reported exit 0"
if [ "$variant" = asan ] && [ -n "$RUNDIR" ] && grep -l "Sanitizer" "$RUNDIR"/node*.log; then
    fail "a sanitizer report in the ranks' logs"
fi
echo "ok: no sanitizer report"
