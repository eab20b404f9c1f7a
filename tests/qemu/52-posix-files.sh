#!/usr/bin/env bash
# tests/qemu/52-posix-files.sh — what C and MPI programs ask of the C library, on 2 nodes:
# apps/posixtest checks environment (env.NAME=), wall clock (the launcher's time=),
# getopt_long, sysconf, posix_memalign, pthread, popen/system, input files and in-memory
# files up to the bound; then the files each rank wrote must arrive in
# run/<id>/files/rank<R>/ with the right contents, and the node's date must be the host's.
source "$(dirname "$0")/../lib.sh"
[ -f build/posixtest.elf ] || fail "build/posixtest.elf missing (make)"
before=$(date +%s)
run_job -n 2 build/posixtest.elf --timeout 120 --module tests/data/greeting.txt \
    --kargs "env.GREETING=hi filesmax=65536" -- --name demo -v
after=$(date +%s)
[ "$JOB_EXIT" = 0 ] || fail "posixtest exited $JOB_EXIT (see FAIL lines above)"
[ -n "$RUNDIR" ] || fail "no run directory in the launcher's output"
expect "$TMP/job.out" 'posixtest: 0 failure\(s\)' "rank 0: every check passed"
expect "$RUNDIR/node1.log" 'posixtest: 0 failure\(s\)' "rank 1: every check passed"
grep -q '@@porto-file' "$TMP/job.out" && fail "file frames leaked into the streamed console"
for r in 0 1; do
    f=$RUNDIR/files/rank$r
    [ "$(cat "$f/out/rank.txt" 2>/dev/null)" = "$(printf 'rank %d of 2\nappended' $r)" ] ||
        fail "rank $r: out/rank.txt missing or wrong: $(cat "$f/out/rank.txt" 2>&1)"
    [ "$(cat "$f/log.csv" 2>/dev/null)" = "$(printf 'rank,nodes,greeting\n%d,2,hi' $r)" ] ||
        fail "rank $r: log.csv missing or wrong"
    [ ! -e "$f/big.bin" ] || fail "rank $r: the unlinked file was collected"
    echo "ok: rank $r's files collected"
done
t=$(sed -n 's/.*posixtest: clock time=\([0-9]*\) .*/\1/p' "$RUNDIR/node1.log" | head -1)
[ -n "$t" ] && [ "$t" -ge "$before" ] && [ "$t" -le "$after" ] ||
    fail "node 1's date $t is not within the run ($before..$after)"
echo "ok: node 1's clock tells the host's date ($t)"

# A damaged frame is reported and fails the collection (the job's output did not arrive).
d=$TMP/damaged
mkdir -p "$d"
printf '@@porto-file 5 00000000 x.txt\naGVsbG8=\n@@porto-file-end\n' >"$d/node0.log"
printf '@@porto-file 5 3610a686 ../x.txt\naGVsbG8=\n@@porto-file-end\n' >"$d/node1.log"
printf '@@porto-file 5 3610a686 ok.txt\naGVsbG8=\n@@porto-file-end\n@@porto-file 9 00000000 cut\n@@porto-file 5 3610a686 after-cut.txt\naGVsbG8=\n@@porto-file-end\n' \
    >"$d/node2.log"
if scripts/lib/collect-files "$d" 3 2>"$TMP/collect.err"; then fail "damaged frames accepted"; fi
cat "$TMP/collect.err"
expect "$TMP/collect.err" "x.txt': CRC-32 mismatch" "a CRC mismatch is reported"
expect "$TMP/collect.err" "unsafe path" "a path leaving the run directory is refused"
expect "$TMP/collect.err" "cut off" "a frame cut short is reported"
[ "$(cat "$d/files/rank2/ok.txt")" = hello ] && [ "$(cat "$d/files/rank2/after-cut.txt")" = hello ] ||
    fail "the good frames were not written"
[ ! -e "$d/files/rank0/x.txt" ] && [ ! -e "$d/files/x.txt" ] || fail "a damaged file was written"
echo "ok: damaged frames refused, good ones kept"
