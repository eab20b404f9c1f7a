# bench/mpi.gp — MPI ping-pong message delay D(S) (half round trip, median) vs message size:
# Porto's MPI and MPICH over TCP in Linux guests, the same apps/mpiperf source on both.
#   gnuplot -e "dir='bench/results/<date>'" bench/mpi.gp     (bench/run does this)
# Reads dir/plot/mpi-porto.dat (Porto without the key), mpi-porto-key.dat (with the run's key)
# and mpi-mpich.dat (bench/analyze), writes dir/mpi.png.
if (!exists("dir")) dir = "."
set terminal pngcairo size 1000,650 font ",11"
set output dir."/mpi.png"
set title "MPI ping-pong message delay D(S) = half round trip (median), 2 nodes"
set xlabel "message size S (bytes)"
set ylabel "D(S) (us)"
set logscale xy
set format x "%.0s%cB"
set grid xtics ytics mxtics mytics
set key top left
set style data linespoints
f(name) = dir."/plot/mpi-".name.".dat"
# A side without points (Porto's MPI not built) leaves its file with a comment only.
has(name) = system("grep -vc '^#' ".f(name)." 2>/dev/null") + 0 > 0
cmd = "plot f(\"mpich\") using 1:2 title \"MPICH 4.0 / UCX TCP (Linux 6.1)\" pt 9 lw 2 dt 2"
if (has("porto")) cmd = cmd.", f(\"porto\") using 1:2 title \"Porto MPI (--no-key)\" pt 7 lw 2"
if (has("porto-key")) cmd = cmd.", f(\"porto-key\") using 1:2 title \"Porto MPI, frames authenticated (key)\" pt 5 lw 2 dt 3"
eval cmd
