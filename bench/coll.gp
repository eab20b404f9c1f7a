# bench/coll.gp — Porto collectives: median latency of broadcast and allreduce vs size, one
# line per node count.
#   gnuplot -e "dir='bench/results/<date>'; nodes='2 4 8'" bench/coll.gp  (bench/run does this)
# Reads dir/plot/{bcast,allreduce}-N.dat (bench/analyze), writes dir/coll.png.
if (!exists("dir")) dir = "."
if (!exists("nodes")) nodes = "2 4 8"
set terminal pngcairo size 1000,650 font ",11"
set output dir."/coll.png"
set title "Porto collectives: median latency per call (rank 0)"
set xlabel "message size (bytes)"
set ylabel "latency (us)"
set logscale xy
set format x "%.0s%cB"
set grid xtics ytics mxtics mytics
set key top left
set style data linespoints
plot for [n in nodes] dir."/plot/bcast-".n.".dat" using 1:2 title "broadcast, ".n." nodes" pt 7 lw 2, \
     for [n in nodes] dir."/plot/allreduce-".n.".dat" using 1:2 title "allreduce, ".n." nodes" pt 5 lw 2 dt 2
