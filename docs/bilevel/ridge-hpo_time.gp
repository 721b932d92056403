set terminal pngcairo size 900,600 noenhanced
set output 'ridge-hpo_time.png'
set title "ridge-hpo: Phi(x) - best Phi (median, 20-80% band, 10 seeds)"
set xlabel "seconds"
set ylabel "Phi(x) - best Phi"
set key outside right
set grid
set style fill transparent solid 0.2 noborder
set logscale x
set logscale y
plot 'ridge-hpo_time.dat' index 0 using 1:3:4 with filledcurves linecolor 1 notitle, 'ridge-hpo_time.dat' index 0 using 1:2 with lines linecolor 1 title "borep", 'ridge-hpo_time.dat' index 1 using 1:3:4 with filledcurves linecolor 2 notitle, 'ridge-hpo_time.dat' index 1 using 1:2 with lines linecolor 2 title "aid-cg", 'ridge-hpo_time.dat' index 2 using 1:3:4 with filledcurves linecolor 3 notitle, 'ridge-hpo_time.dat' index 2 using 1:2 with lines linecolor 3 title "itd", 'ridge-hpo_time.dat' index 3 using 1:3:4 with filledcurves linecolor 4 notitle, 'ridge-hpo_time.dat' index 3 using 1:2 with lines linecolor 4 title "stocbio", 'ridge-hpo_time.dat' index 4 using 1:3:4 with filledcurves linecolor 5 notitle, 'ridge-hpo_time.dat' index 4 using 1:2 with lines linecolor 5 title "ttsa", 'ridge-hpo_time.dat' index 5 using 1:3:4 with filledcurves linecolor 6 notitle, 'ridge-hpo_time.dat' index 5 using 1:2 with lines linecolor 6 title "soba", 'ridge-hpo_time.dat' index 6 using 1:3:4 with filledcurves linecolor 7 notitle, 'ridge-hpo_time.dat' index 6 using 1:2 with lines linecolor 7 title "ma-soba", 'ridge-hpo_time.dat' index 7 using 1:3:4 with filledcurves linecolor 8 notitle, 'ridge-hpo_time.dat' index 7 using 1:2 with lines linecolor 8 title "f2sa"
