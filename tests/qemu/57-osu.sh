#!/usr/bin/env bash
# tests/qemu/57-osu.sh — the OSU micro-benchmarks, built unmodified from a release the user
# names (PORTO_OSU_SRC=<top of an unpacked 5.x or 7.x release>; their source never enters
# this tree) by scripts/build-osu, run briefly on 2 QEMU nodes: osu_latency (eager and
# rendezvous sizes), osu_bw (a window of 64 Isends against 64 Irecvs, rendezvous sizes
# included) and osu_allreduce (MPI_CHAR sums). Each must end with exit 0 after printing its
# header and its largest size. Without PORTO_OSU_SRC the test is skipped and says why.
source "$(dirname "$0")/../lib.sh"
src=${PORTO_OSU_SRC:-}
[ -n "$src" ] || skip "PORTO_OSU_SRC not set (the top directory of an unpacked OSU micro-benchmarks 5.x or 7.x release)"
[ -x "$src/configure" ] || fail "PORTO_OSU_SRC=$src: no configure script there"
scripts/build-osu "$src" "$TMP/osu" >"$TMP/build.out" 2>&1 ||
    { cat "$TMP/build.out"; fail "scripts/build-osu failed"; }
tail -n 3 "$TMP/build.out"
# 7.x takes -m MIN:MAX for every benchmark; 5.x's point-to-point ones have no -m (up to 4 MiB).
if [ -f "$src/c/mpi/pt2pt/standard/osu_latency.c" ]; then
    lat=(-m 1:65536 -i 20 -x 2) lat_last=65536
    bw=(-m 1:65536 -i 5 -x 1) bw_last=65536
else
    lat=(-i 10 -x 2) lat_last=4194304
    bw=(-i 2 -x 1) bw_last=4194304
fi
run_osu() { # name largest-size args...
    local name=$1 last=$2
    shift 2
    run_job -n 2 --timeout 400 "$TMP/osu/$name.elf" -- "$@"
    [ "$JOB_EXIT" = 0 ] || fail "$name: job exit $JOB_EXIT"
    expect "$TMP/node0.log" "# OSU MPI .*Test" "$name printed its header"
    expect "$TMP/node0.log" "^(\[0\] )?$last +[0-9]+\.[0-9]+" "$name measured $last bytes"
}
run_osu osu_latency "$lat_last" "${lat[@]}"
run_osu osu_bw "$bw_last" "${bw[@]}"
run_osu osu_allreduce 4096 -m 4096 -i 10 -x 2
