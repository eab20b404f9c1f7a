# bench/throughput.gp — end-to-end throughput T(S) = S / D(S) vs message size for Porto raw /
# best effort / flow controlled and Linux UDP / TCP on the same axes.
#   gnuplot -e "dir='bench/results/<date>'" bench/throughput.gp   (bench/run does this)
# Reads dir/plot/<impl>.dat (bench/analyze), writes dir/throughput.png.
if (!exists("dir")) dir = "."
set terminal pngcairo size 1000,650 font ",11"
set output dir."/throughput.png"
set title "End-to-end throughput T(S) = S / D(S) (ping-pong, median)"
set xlabel "message size S (bytes)"
set ylabel "T(S) (MB/s, 10^6 bytes/s)"
set logscale xy
set format x "%.0s%cB"
set grid xtics ytics mxtics mytics
set key top left
set style data linespoints
f(name) = dir."/plot/".name.".dat"
plot f("porto-raw") using 1:3 title "Porto raw NIC (floor)" pt 6 lw 2, \
     f("porto-be")  using 1:3 title "Porto best effort" pt 7 lw 2, \
     f("porto-fc")  using 1:3 title "Porto flow controlled" pt 5 lw 2, \
     f("linux-udp") using 1:3 title "Linux UDP" pt 9 lw 2 dt 2, \
     f("linux-tcp") using 1:3 title "Linux TCP (NODELAY)" pt 11 lw 2 dt 2, \
     f("linux-tipc") using 1:3 title "Linux TIPC (RDM)" pt 13 lw 2 dt 3
