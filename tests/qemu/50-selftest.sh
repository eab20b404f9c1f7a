#!/usr/bin/env bash
# The Active Port engine end to end (apps/selftest): point-to-point FC and BE, blocking and
# non-blocking, 0 B .. 16 MiB, broadcasts and every collective, every byte checked, on 4 nodes
# and on 3 (not a power of two) with end-to-end CRC32C on every frame (crc=1).
source "$(dirname "$0")/../lib.sh"
[ -f build/selftest.elf ] || fail "build/selftest.elf missing (run make)"
for n in 4 3; do
    kargs=""
    [ $n = 3 ] && kargs="crc=1"
    run_job -n $n --timeout 400 --kargs "$kargs" build/selftest.elf
    [ "$JOB_EXIT" = 0 ] || fail "selftest on $n nodes: job exit $JOB_EXIT"
    for ((r = 0; r < n; r++)); do
        [ "$(rank_code $r)" = 0 ] || fail "selftest on $n nodes: rank $r exit code $(rank_code $r)"
    done
    expect "$TMP/node0.log" "^(\[0\] )?selftest: PASS" "selftest passed on $n nodes"
    expect "$TMP/node0.log" "^(\[0\] )?selftest: collectives +ok" "collectives on $n nodes"
done
