#!/usr/bin/env bash
# tests/qemu/53-sdk.sh — the SDK from outside the tree: `make install PREFIX=<tmp>`, then a
# plain C program in another directory becomes a job image with the installed porto-cc and
# runs on 2 nodes with the installed porto-run (its file arrives in that directory's run/).
# With an MPI library in the tree, an MPI hello world built by the installed porto-mpicc
# runs on 2 nodes too; without one that part prints "SKIP(mpi)". porto-mpicc's -show and
# a compile/link through a cross-compiling autoconf configure are checked when autoconf is
# installed. The same sources also become Linux programs with porto-cc --host (and
# porto-mpicc --host) and run as processes under the installed porto-run --host.
source "$(dirname "$0")/../lib.sh"
prefix=$TMP/sdk
make --no-print-directory install PREFIX="$prefix" >"$TMP/install.out" 2>&1 ||
    { cat "$TMP/install.out"; fail "make install failed"; }
tail -n 2 "$TMP/install.out"
for f in bin/porto-cc bin/porto-run lib/porto/libporto.a lib/porto/libc.a lib/porto/linker.ld \
    include/porto.h include/net/ap.h include/newlib/stdio.h share/porto/lib/collect-files \
    lib/porto/host/libporto-host.a lib/porto/host/include/porto.h share/porto/lib/host-run.sh \
    share/porto/lib/tsc-rate; do
    [ -e "$prefix/$f" ] || fail "make install left out $f"
done
echo "ok: installed"

app=$TMP/app
mkdir -p "$app"
cat >"$app/hello.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include "porto.h"
int main(void)
{
    printf("sdk-hello: rank %d of %d, GREETING=%s\n", porto_rank(), porto_nodes(), getenv("GREETING"));
    FILE *f = fopen("hello.txt", "w");
    if (!f)
        return 1;
    fprintf(f, "hello from rank %d\n", porto_rank());
    return fclose(f) != 0;
}
C
(cd "$app" && "$prefix/bin/porto-cc" -O2 -Wall hello.c -o hello.elf) || fail "porto-cc failed"
[ -f "$app/hello.elf" ] || fail "porto-cc made no hello.elf"
echo "ok: porto-cc built hello.elf outside the tree"
if (cd "$app" && "$prefix/bin/porto-cc" hello.c -lz -o z.elf 2>"$TMP/z.err"); then
    fail "porto-cc linked -lz, a library that has no Porto build"
fi
expect "$TMP/z.err" "-lz: no libz.a" "a host-only library is refused"

# run in the app's directory; the run directory appears there (./run).
(cd "$app" && "$prefix/bin/porto-run" -n 2 hello.elf --timeout 120 --kargs env.GREETING=sdk) \
    >"$TMP/run.out" 2>&1 </dev/null
rc=$?
cat "$TMP/run.out"
[ $rc = 0 ] || fail "installed porto-run exited $rc"
expect "$TMP/run.out" 'sdk-hello: rank 0 of 2, GREETING=sdk' "rank 0 ran"
expect "$TMP/run.out" '\[1\] sdk-hello: rank 1 of 2, GREETING=sdk' "rank 1 ran"
got=$(cat "$app"/run/*/files/rank1/hello.txt 2>/dev/null)
[ "$got" = "hello from rank 1" ] || fail "rank 1's hello.txt not collected into $app/run: '$got'"
echo "ok: files collected into the app's own run directory"

# The same source as a Linux program, three processes on this machine; a host library is fine.
(cd "$app" && "$prefix/bin/porto-cc" --host -O2 -Wall hello.c -o hello -lrt) || fail "porto-cc --host failed"
file "$app/hello" | grep -q "ELF 64-bit LSB pie executable\|ELF 64-bit LSB executable" ||
    fail "porto-cc --host did not make a Linux executable: $(file "$app/hello")"
(cd "$app" && GREETING=hosted "$prefix/bin/porto-run" --host -n 3 ./hello --timeout 60) \
    >"$TMP/host.out" 2>&1 </dev/null
rc=$?
cat "$TMP/host.out"
[ $rc = 0 ] || fail "installed porto-run --host exited $rc"
for r in 0 1 2; do
    expect "$TMP/host.out" "\\[$r\\] sdk-hello: rank $r of 3, GREETING=hosted" "hosted rank $r ran"
done
ls "$app"/run/*/node2.log >/dev/null 2>&1 || fail "the hosted run directory is not in the app's ./run"
[ -z "$(ls "$app"/*.porto-app.o 2>/dev/null)" ] || fail "porto-cc --host left its merged object"

if [ ! -x "$prefix/bin/porto-mpicc" ]; then
    echo "SKIP(mpi): this tree has no MPI library (mpi/include/mpi.h, mpi/mpi.mk): no porto-mpicc"
    exit 0
fi
cat >"$app/mpi_hello.c" <<'C'
#include <mpi.h>
#include <stdio.h>
int main(int argc, char **argv)
{
    int rank, size, len, sum = 0;
    char name[MPI_MAX_PROCESSOR_NAME];
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    MPI_Get_processor_name(name, &len);
    MPI_Allreduce(&rank, &sum, 1, MPI_INT, MPI_SUM, MPI_COMM_WORLD);
    printf("mpi-hello: rank %d of %d on %s, sum of ranks %d\n", rank, size, name, sum);
    MPI_Finalize();
    return sum == size * (size - 1) / 2 ? 0 : 1;
}
C
(cd "$app" && "$prefix/bin/porto-mpicc" -show mpi_hello.c -o mpi_hello.elf) >"$TMP/show.out"
cat "$TMP/show.out"
expect "$TMP/show.out" 'libmpi.a' "porto-mpicc -show names libmpi"
[ ! -e "$app/mpi_hello.elf" ] || fail "-show built something"
(cd "$app" && "$prefix/bin/porto-mpicc" -O2 mpi_hello.c -o mpi_hello.elf) || fail "porto-mpicc failed"
(cd "$app" && "$prefix/bin/porto-run" -n 2 mpi_hello.elf --timeout 120) >"$TMP/mpi.out" 2>&1 </dev/null
rc=$?
cat "$TMP/mpi.out"
[ $rc = 0 ] || fail "MPI hello exited $rc"
expect "$TMP/mpi.out" 'mpi-hello: rank 0 of 2 .* sum of ranks 1' "MPI hello, rank 0"
expect "$TMP/mpi.out" 'mpi-hello: rank 1 of 2 .* sum of ranks 1' "MPI hello, rank 1"
(cd "$app" && "$prefix/bin/porto-mpicc" --host -c mpi_hello.c -o mpi_hello.o &&
    "$prefix/bin/porto-mpicc" --host mpi_hello.o -o mpi_hello -lmpi -pthread) ||
    fail "porto-mpicc --host failed"
(cd "$app" && "$prefix/bin/porto-run" --host -n 4 ./mpi_hello --timeout 60) >"$TMP/hmpi.out" 2>&1 </dev/null
rc=$?
cat "$TMP/hmpi.out"
[ $rc = 0 ] || fail "hosted MPI hello exited $rc"
expect "$TMP/hmpi.out" 'mpi-hello: rank 3 of 4 .* sum of ranks 6' "hosted MPI hello, rank 3"

if ! command -v autoconf >/dev/null; then
    echo "SKIP(configure): autoconf not installed"
    exit 0
fi
conf=$TMP/conf
mkdir -p "$conf"
cp "$app/mpi_hello.c" "$conf/"
cat >"$conf/configure.ac" <<'AC'
AC_INIT([probe], [1])
AC_PROG_CC
AC_PROG_CPP
AC_CHECK_HEADERS([mpi.h stdlib.h sys/time.h unistd.h])
AC_SEARCH_LIBS([sqrt], [m])
AC_SEARCH_LIBS([pthread_join], [pthread])
AC_CHECK_FUNCS([getpagesize gettimeofday posix_memalign MPI_Init no_such_function_xyz])
AC_CHECK_SIZEOF([long])
AC_OUTPUT
AC
(cd "$conf" && autoconf >/dev/null 2>&1 &&
    ./configure --host=x86_64-elf CC="$prefix/bin/porto-mpicc" >"$TMP/conf.out" 2>&1) ||
    { cat "$TMP/conf.out" "$conf/config.log" 2>/dev/null | tail -40; fail "configure with porto-mpicc failed"; }
cat "$TMP/conf.out"
expect "$TMP/conf.out" 'checking for MPI_Init... yes' "configure links MPI calls"
expect "$TMP/conf.out" 'checking for no_such_function_xyz... no' "configure sees a missing function"
expect "$TMP/conf.out" 'checking for mpi.h... yes' "configure finds mpi.h"
expect "$TMP/conf.out" 'checking size of long... 8' "configure's compile-only probes work"
