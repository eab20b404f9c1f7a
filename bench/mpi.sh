# bench/mpi.sh — the MPI section of `make bench`, sourced by bench/run (uses its say, OUT,
# ACCEL, SWITCH, MTU, KARGS, TIMEOUT, QUICK and FAILED). The same two MPI sources run on both
# sides: apps/mpiperf (ping-pong, 1 MiB bandwidth, 8-byte allreduce) and apps/halo (the Jacobi
# solver with its 1312-byte boundary rows):
#   Linux: scripts/linux-mpi -n 2 and -n 4: Debian's MPICH over TCP in Linux guests; RESULT
#          lines in OUT/mpich.txt, mpiexec output in OUT/mpich-*.log
#   Porto: each app built by porto-mpicc (PORTO_MPICC, else scripts/porto-mpicc, else on PATH)
#          into build/mpi/<app>.elf, or without porto-mpicc by `make build/mpi/<app>.elf` when
#          libmpi is in the tree (tests/mk/halo.mk), and run by scripts/porto-run -n 2 and -n 4;
#          RESULT lines in OUT/porto-mpi.txt. With neither, this side is skipped, said so, and
#          its ratios print n/a.
# Environment: BENCH_MPIPERF_ARGS, BENCH_HALO_ARGS replace the counts below.

mpi_counts() {
    if [ "$QUICK" = 1 ]; then
        MPIPERF_ARGS=${BENCH_MPIPERF_ARGS:-max=4K samples=200 warmup=10 bwsize=1M window=8 bwreps=5 allreduce=200}
        HALO_ARGS=${BENCH_HALO_ARGS:-width=164 rows=256 iters=50 warmup=5}
    else
        MPIPERF_ARGS=${BENCH_MPIPERF_ARGS:-max=1M samples=1000 budget=64M warmup=20 bwsize=1M window=8 bwreps=20 allreduce=1000}
        HALO_ARGS=${BENCH_HALO_ARGS:-width=164 rows=256 iters=200 warmup=10}
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

# run_linux_mpi NODES RUN...: one scripts/linux-mpi session.
run_linux_mpi() {
    local nodes=$1 t0=$SECONDS rc=0
    shift
    say "[$(date +%H:%M:%S)] mpich-n$nodes: scripts/linux-mpi -n $nodes $(printf '"%s" ' "$@")"
    scripts/linux-mpi -n "$nodes" --accel "$ACCEL" --mtu "$MTU" --out "$OUT" \
        --timeout "$TIMEOUT" "$@" >"$OUT/mpich-n$nodes.log" 2>&1 || rc=$?
    if [ $rc -ne 0 ]; then
        say "mpich-n$nodes FAILED (scripts/linux-mpi exit $rc); last lines of $OUT/mpich-n$nodes.log:"
        tail -n 15 "$OUT/mpich-n$nodes.log" | sed 's/^/    /'
        FAILED+=("mpich-n$nodes")
    fi
    say "mpich-n$nodes: $(grep -c '^RESULT ' "$OUT/mpich-n$nodes.log") results in $((SECONDS - t0)) s"
}

# run_porto_mpi NAME NODES IMAGE ARGS...: one porto-run job, RESULT lines to porto-mpi.txt.
run_porto_mpi() {
    local name=$1 nodes=$2 image=$3 t0=$SECONDS rc=0
    shift 3
    say "[$(date +%H:%M:%S)] $name: scripts/porto-run -n $nodes $image -- $*"
    scripts/porto-run -n "$nodes" "$image" --accel "$ACCEL" --switch "$SWITCH" \
        --timeout "$TIMEOUT" --kargs "$KARGS" -- "$@" >"$OUT/$name.log" 2>&1 || rc=$?
    tr -d '\r' <"$OUT/$name.log" | grep -a -o -E 'RESULT .*' >>"$OUT/porto-mpi.txt"
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
    : >"$OUT/mpich.txt"
    {
        echo "mpiperf_args=$MPIPERF_ARGS"
        echo "halo_args=$HALO_ARGS"
        echo "mpich=$(dpkg-query -W -f='${Version}' mpich 2>/dev/null || echo none)"
    } >>"$OUT/env.txt"
    say "MPI: apps/mpiperf '$MPIPERF_ARGS', apps/halo '$HALO_ARGS' on 2 and 4 nodes"

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
            run_porto_mpi porto-mpi-n2 2 build/mpi/mpiperf.elf impl=porto-mpi $MPIPERF_ARGS
            run_porto_mpi porto-halo-n2 2 build/mpi/halo.elf $HALO_ARGS
            run_porto_mpi porto-halo-n4 4 build/mpi/halo.elf $HALO_ARGS
            run_porto_mpi porto-mpi-n4 4 build/mpi/mpiperf.elf impl=porto-mpi tests=allreduce $MPIPERF_ARGS
        else
            FAILED+=(porto-mpi-build)
        fi
    else
        say "Porto MPI side SKIPPED: no porto-mpicc and no libmpi in the tree (set PORTO_MPICC); its ratios print n/a"
        echo "porto_mpi_build=none" >>"$OUT/env.txt"
    fi

    if ! command -v mpicc >/dev/null || ! command -v mpiexec.hydra >/dev/null; then
        say "MPICH side SKIPPED: mpich/libmpich-dev not installed (make deps)"
        FAILED+=(mpich)
        return
    fi
    run_linux_mpi 2 "mpiperf impl=mpich-tcp $MPIPERF_ARGS" "halo $HALO_ARGS"
    run_linux_mpi 4 "halo $HALO_ARGS" "mpiperf impl=mpich-tcp tests=allreduce $MPIPERF_ARGS"
}
