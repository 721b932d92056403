set terminal pngcairo size 900,600 noenhanced
set output 'hyperclean-digits_time.png'
set title "hyperclean-digits: test error (median, 20-80% band, 10 seeds)"
set xlabel "seconds"
set ylabel "test error"
set key outside right
set grid
set style fill transparent solid 0.2 noborder
set logscale x
plot 'hyperclean-digits_time.dat' index 0 using 1:3:4 with filledcurves linecolor 1 notitle, 'hyperclean-digits_time.dat' index 0 using 1:2 with lines linecolor 1 title "borep", 'hyperclean-digits_time.dat' index 1 using 1:3:4 with filledcurves linecolor 2 notitle, 'hyperclean-digits_time.dat' index 1 using 1:2 with lines linecolor 2 title "aid-cg", 'hyperclean-digits_time.dat' index 2 using 1:3:4 with filledcurves linecolor 3 notitle, 'hyperclean-digits_time.dat' index 2 using 1:2 with lines linecolor 3 title "itd", 'hyperclean-digits_time.dat' index 3 using 1:3:4 with filledcurves linecolor 4 notitle, 'hyperclean-digits_time.dat' index 3 using 1:2 with lines linecolor 4 title "stocbio", 'hyperclean-digits_time.dat' index 4 using 1:3:4 with filledcurves linecolor 5 notitle, 'hyperclean-digits_time.dat' index 4 using 1:2 with lines linecolor 5 title "ttsa", 'hyperclean-digits_time.dat' index 5 using 1:3:4 with filledcurves linecolor 6 notitle, 'hyperclean-digits_time.dat' index 5 using 1:2 with lines linecolor 6 title "soba", 'hyperclean-digits_time.dat' index 6 using 1:3:4 with filledcurves linecolor 7 notitle, 'hyperclean-digits_time.dat' index 6 using 1:2 with lines linecolor 7 title "ma-soba", 'hyperclean-digits_time.dat' index 7 using 1:3:4 with filledcurves linecolor 8 notitle, 'hyperclean-digits_time.dat' index 7 using 1:2 with lines linecolor 8 title "f2sa"
