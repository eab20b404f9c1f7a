# bench/latency.gp — message delay D(S) (half round trip, median) vs message size, Porto raw /
# best effort / flow controlled and Linux UDP / TCP on the same log-log axes.
#   gnuplot -e "dir='bench/results/<date>'" bench/latency.gp     (bench/run does this)
# Reads dir/plot/<impl>.dat (bench/analyze), writes dir/latency.png.
if (!exists("dir")) dir = "."
set terminal pngcairo size 1000,650 font ",11"
set output dir."/latency.png"
set title "Ping-pong message delay D(S) = half round trip (median)"
set xlabel "message size S (bytes)"
set ylabel "D(S) (us)"
set logscale xy
set format x "%.0s%cB"
set grid xtics ytics mxtics mytics
set key top left
set style data linespoints
f(name) = dir."/plot/".name.".dat"
plot f("porto-raw") using 1:2 title "Porto raw NIC (floor)" pt 6 lw 2, \
     f("porto-be")  using 1:2 title "Porto best effort" pt 7 lw 2, \
     f("porto-fc")  using 1:2 title "Porto flow controlled" pt 5 lw 2, \
     f("linux-udp") using 1:2 title "Linux UDP" pt 9 lw 2 dt 2, \
     f("linux-tcp") using 1:2 title "Linux TCP (NODELAY)" pt 11 lw 2 dt 2, \
     f("linux-tipc") using 1:2 title "Linux TIPC (RDM)" pt 13 lw 2 dt 3
