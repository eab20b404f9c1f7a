# bench/mpi.sh — the MPI section of `make bench`, sourced by bench/run (uses its say, OUT,
# ACCEL, SWITCH, MTU, KARGS, TIMEOUT, QUICK and FAILED). The same two MPI sources run on both
# sides: apps/mpiperf (ping-pong, 1 MiB bandwidth, 8-byte allreduce) and apps/halo (the Jacobi
# solver with its 1312-byte boundary rows) on two grids:
#   HALO_ARGS      164 x 32: the target grid. Under TCG a sweep costs 10-30x what it costs on
#                  a real CPU while the stacks' message costs grow 2-5x, so the paper's balance
#                  of computation and communication needs blocks about 8x smaller than on real
#                  hardware: 16 rows per rank on 2 nodes, 8 on 4.
#   HALO_BIG_ARGS  164 x 256: compute-bound under TCG (the sweep, the same code on both sides,
#                  is most of an iteration); printed as halo_iter_Nn_rows256, same target.
#   Linux: scripts/linux-mpi -n 2 and -n 4: Debian's MPICH over TCP in Linux guests; RESULT
#          lines in OUT/mpich.txt, mpiexec output in OUT/mpich-n<N>r<round>*.log
#   Porto: each app built by porto-mpicc (PORTO_MPICC, else scripts/porto-mpicc, else on PATH)
#          into build/mpi/<app>.elf, or without porto-mpicc by `make build/mpi/<app>.elf` when
#          libmpi is in the tree (tests/mk/halo.mk), and run by scripts/porto-run -n 2 and -n 4,
#          twice: with --no-key (frames not authenticated, like MPICH over TCP: the target
#          lines; RESULT lines in OUT/porto-mpi.txt) and with the run's key (Porto's default:
#          SipHash-2-4 on every frame; the *_keyed lines; OUT/porto-mpi-key.txt). With neither
#          way to build, this side is skipped, said so, and its ratios print n/a.
# In ROUNDS rounds (bench/run's BENCH_ROUNDS), alternating which side goes first; every RESULT
# line is tagged round=K and bench/mpi_analysis.py takes the median of the rounds' ratios.
# Environment: BENCH_MPIPERF_ARGS, BENCH_HALO_ARGS, BENCH_HALO_BIG_ARGS replace the counts below.

mpi_counts() {
    if [ "$QUICK" = 1 ]; then
        MPIPERF_ARGS=${BENCH_MPIPERF_ARGS:-max=4K samples=200 warmup=10 bwsize=1M window=8 bwreps=5 allreduce=200}
        HALO_ARGS=${BENCH_HALO_ARGS:-width=164 rows=32 iters=100 warmup=5}
        HALO_BIG_ARGS=${BENCH_HALO_BIG_ARGS:-width=164 rows=256 iters=50 warmup=5}
    else
        MPIPERF_ARGS=${BENCH_MPIPERF_ARGS:-max=1M samples=1000 budget=64M warmup=20 bwsize=1M window=8 bwreps=20 allreduce=1000}
        HALO_ARGS=${BENCH_HALO_ARGS:-width=164 rows=32 iters=1000 warmup=20}
        HALO_BIG_ARGS=${BENCH_HALO_BIG_ARGS:-width=164 rows=256 iters=200 warmup=10}
    fi
}

# The Porto MPI compiler wrapper, or nothing.
porto_mpicc() {
    local c
    for c in "${PORTO_MPICC:-}" scripts/porto-mpicc "$(command -v porto-mpicc 2>/dev/null)"; do
        [ -n "$c" ] && [ -x "$c" ] && { echo "$c"; return 0; }
    done
    return 1
}

# run_linux_mpi NODES ROUND RUN...: one scripts/linux-mpi session; its RESULT lines in
# OUT/mpich.txt get round=ROUND.
run_linux_mpi() {
    local nodes=$1 round=$2 t0=$SECONDS rc=0 before tag
    shift 2
    tag=n${nodes}r$round
    before=$(wc -l <"$OUT/mpich.txt")
    say "[$(date +%H:%M:%S)] mpich-$tag: scripts/linux-mpi -n $nodes $(printf '"%s" ' "$@")"
    scripts/linux-mpi -n "$nodes" --accel "$ACCEL" --mtu "$MTU" --out "$OUT" --tag "$tag" \
        --timeout "$TIMEOUT" "$@" >"$OUT/mpich-$tag.log" 2>&1 || rc=$?
    awk -v b="$before" -v r="$round" 'NR > b { print $0 " round=" r; next } { print }' \
        "$OUT/mpich.txt" >"$OUT/mpich.txt.$$" && mv "$OUT/mpich.txt.$$" "$OUT/mpich.txt"
    if [ $rc -ne 0 ]; then
        say "mpich-$tag FAILED (scripts/linux-mpi exit $rc); last lines of $OUT/mpich-$tag.log:"
        tail -n 15 "$OUT/mpich-$tag.log" | sed 's/^/    /'
        FAILED+=("mpich-$tag")
    fi
    say "mpich-$tag: $(grep -c '^RESULT ' "$OUT/mpich-$tag.log") results in $((SECONDS - t0)) s"
}

# run_porto_mpi NAME NODES KEY IMAGE ARGS...: one porto-run job of round MPI_ROUND; KEY "nokey"
# (--no-key, RESULT lines to porto-mpi.txt) or "key" (the run's key, to porto-mpi-key.txt).
run_porto_mpi() {
    local name=$1-r$MPI_ROUND nodes=$2 key=$3 image=$4 t0=$SECONDS rc=0 flag=() file=porto-mpi.txt
    shift 4
    [ "$key" = nokey ] && flag=(--no-key)
    [ "$key" = key ] && file=porto-mpi-key.txt
    say "[$(date +%H:%M:%S)] $name: scripts/porto-run -n $nodes $image ${flag[*]} -- $*"
    scripts/porto-run -n "$nodes" "$image" "${flag[@]}" --accel "$ACCEL" --switch "$SWITCH" \
        --timeout "$TIMEOUT" --kargs "$KARGS" -- "$@" >"$OUT/$name.log" 2>&1 || rc=$?
    tr -d '\r' <"$OUT/$name.log" | grep -a -o -E 'RESULT .*' | sed "s/\$/ round=$MPI_ROUND/" \
        >>"$OUT/$file"
    if [ $rc -ne 0 ] || ! grep -q -a 'BENCH-DONE .* ok' "$OUT/$name.log"; then
        say "$name FAILED (porto-run exit $rc); last lines of $OUT/$name.log:"
        tail -n 15 "$OUT/$name.log" | sed 's/^/    /'
        FAILED+=("$name")
    fi
    say "$name: $(grep -c -a 'RESULT ' "$OUT/$name.log") results in $((SECONDS - t0)) s"
}

run_mpi_section() {
    mpi_counts
    : >"$OUT/porto-mpi.txt"
    : >"$OUT/porto-mpi-key.txt"
    : >"$OUT/mpich.txt"
    {
        echo "mpiperf_args=$MPIPERF_ARGS"
        echo "halo_args=$HALO_ARGS"
        echo "halo_big_args=$HALO_BIG_ARGS"
        echo "mpich=$(dpkg-query -W -f='${Version}' mpich 2>/dev/null || echo none)"
    } >>"$OUT/env.txt"
    say "MPI: apps/mpiperf '$MPIPERF_ARGS', apps/halo '$HALO_ARGS' and '$HALO_BIG_ARGS' on 2 and 4 nodes"

    # Porto's images: porto-mpicc when it exists, else the tree's own rule (tests/mk/halo.mk,
    # active once libmpi is in the tree), else the Porto side is skipped.
    local mpicc app ok=1 how=
    if mpicc=$(porto_mpicc); then
        how="porto-mpicc ($mpicc)"
    elif [ -f mpi/mpi.mk ] && [ -f mpi/include/mpi.h ] && grep -q '^MPI_LIB' mpi/mpi.mk; then
        how="make build/mpi/<app>.elf (libmpi in the tree, no porto-mpicc)"
        mpicc=
    fi
    if [ -n "$how" ]; then
        mkdir -p build/mpi
        for app in mpiperf halo; do
            if [ -n "$mpicc" ]; then
                say "porto-mpi: $mpicc -O2 -o build/mpi/$app.elf apps/$app/*.c"
                "$mpicc" -O2 -o "build/mpi/$app.elf" apps/"$app"/*.c >"$OUT/porto-mpicc-$app.log" 2>&1
            else
                say "porto-mpi: make build/mpi/$app.elf"
                make -s "build/mpi/$app.elf" >"$OUT/porto-mpicc-$app.log" 2>&1
            fi || { say "cannot build apps/$app for Porto (see $OUT/porto-mpicc-$app.log)"; ok=0; }
        done
        if [ $ok = 1 ]; then
            echo "porto_mpi_build=$how" >>"$OUT/env.txt"
        else
            FAILED+=(porto-mpi-build)
            how=
        fi
    else
        say "Porto MPI side SKIPPED: no porto-mpicc and no libmpi in the tree (set PORTO_MPICC); its ratios print n/a"
        echo "porto_mpi_build=none" >>"$OUT/env.txt"
    fi
    local mpich=1
    if ! command -v mpicc >/dev/null || ! command -v mpiexec.hydra >/dev/null; then
        say "MPICH side SKIPPED: mpich/libmpich-dev not installed (make deps)"
        FAILED+=(mpich)
        mpich=0
    fi

    # ROUNDS rounds (bench/run's), alternating which side goes first, as the other sections do:
    # the host's load moves, and each round's ratios compare runs minutes apart at most.
    local r
    for ((r = 1; r <= ROUNDS; r++)); do
        MPI_ROUND=$r
        if [ $((r % 2)) = 1 ]; then
            [ -n "$how" ] && mpi_porto_side
            [ $mpich = 1 ] && mpi_mpich_side
        else
            [ $mpich = 1 ] && mpi_mpich_side
            [ -n "$how" ] && mpi_porto_side
        fi
    done
    echo "mpi_rounds=$ROUNDS" >>"$OUT/env.txt"
}

# One round of Porto's side: without the key (the target lines) and with it, then the
# compute-bound halo grid without the key.
mpi_porto_side() {
    local key sfx
    for key in nokey key; do
        sfx=
        [ $key = key ] && sfx=-key
        run_porto_mpi porto-mpi-n2$sfx 2 $key build/mpi/mpiperf.elf impl=porto-mpi $MPIPERF_ARGS
        run_porto_mpi porto-halo-n2$sfx 2 $key build/mpi/halo.elf $HALO_ARGS
        run_porto_mpi porto-halo-n4$sfx 4 $key build/mpi/halo.elf $HALO_ARGS
        run_porto_mpi porto-mpi-n4$sfx 4 $key build/mpi/mpiperf.elf impl=porto-mpi tests=allreduce $MPIPERF_ARGS
    done
    run_porto_mpi porto-halo-big-n2 2 nokey build/mpi/halo.elf $HALO_BIG_ARGS
    run_porto_mpi porto-halo-big-n4 4 nokey build/mpi/halo.elf $HALO_BIG_ARGS
}

# One round of MPICH's side: one boot of 2 guests and one of 4, several programs each.
mpi_mpich_side() {
    run_linux_mpi 2 "$MPI_ROUND" "mpiperf impl=mpich-tcp $MPIPERF_ARGS" "halo $HALO_ARGS" \
        "halo $HALO_BIG_ARGS"
    run_linux_mpi 4 "$MPI_ROUND" "halo $HALO_ARGS" \
        "mpiperf impl=mpich-tcp tests=allreduce $MPIPERF_ARGS" "halo $HALO_BIG_ARGS"
}
