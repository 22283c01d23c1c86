# SPDX-License-Identifier: GPL-2.0
# The ratios of `make bench` (harness/bench/report.py writes ratios.dat):
# ours with min-max bars, the seed paper's (thesis section 4.3), the goal.
#   gnuplot -e "dat='ratios.dat'; out='ratios.svg'" ratios.gp
set terminal svg size 1100,520 dynamic font "sans,11"
set output out
set datafile missing "?"
set title "End.BPF: instructions of each reference over its case (above 1: the case is cheaper)"
set ylabel "ratio"
set yrange [0:1.3]
set grid ytics
set key top right
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.7 border -1
set xtics rotate by -30 left noenhanced
set bmargin 9
set rmargin 14
plot dat using 2:3:4:xtic(1) title "ours (median, min-max)" lc rgb "#2a6fb0", \
     '' using 5:5:5 title "seed (CoNEXT'18 / thesis)" lc rgb "#bbbbbb", \
     '' using 0:6 with points pt 7 ps 1.2 lc rgb "#c0392b" title "goal"
