#!/usr/bin/env bash
# The papers' claim measured on sampo's overtaking scenario (docs/cav.md, "Tests to RHW 0.3").
#
# For each preset of the vehicle under test (cautious, normal, assertive, aggressive): one NADE
# batch of N tests with a fixed seed, logging NADE's surrogate and four more (the driver
# presets as surrogates); then, from that one log, the estimate and its precision curve (RHW
# of the first k tests, each prefix re-estimated) by importance sampling (NADE-IS), sparse
# control variates (scv), and the multi-surrogate control variate (simplex weights, and free
# weights). NDE's tests to RHW 0.3 come from the formula n = (z/0.3)^2 (1 - mu)/mu, with mu the
# NADE-IS estimate (the plain unbiased one, which every other method adjusts). Two more rows: the sparse
# control variates with the weighted controls (--weighted) and the papers' stratified form
# (scv-stratified, biased in sequential tests: docs/mc.md). Writes, in OUT:
#   <preset>/run.json, <preset>/<method>.json, <preset>/<method>-curve.csv  sampo's own outputs
#   table.csv, table.md      tests to RHW 0.3 per preset and method, ratios to NADE-IS
#   rhw_vs_tests.dat/.gp/.png  the plot (PNG only when gnuplot is installed)
#   commands.txt             every sampo command run, in order
#   <preset>/tail.json       the tail of Y*L: shares of the largest and ten largest results
# The log of each preset (<preset>/log.csv, about 2.6 kB per test) is deleted at the end
# unless --keep-logs.
#
# Usage: scripts/cav_overtaking_study.sh [--tests N] [--seed S] [--threads T] [--out DIR]
#                                        [--sampo PATH] [--presets a,b] [--keep-logs]
# Needs: sampo, jq; gnuplot for the PNG.
set -euo pipefail

tests=50000
seed=2026
threads=2
out=cav-overtaking-study
sampo=
presets=cautious,normal,assertive,aggressive
keep_logs=0
surrogates=cautious,normal,assertive,aggressive

die() { echo "cav_overtaking_study.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --tests) tests=${2:?}; shift 2 ;;
    --seed) seed=${2:?}; shift 2 ;;
    --threads) threads=${2:?}; shift 2 ;;
    --out) out=${2:?}; shift 2 ;;
    --sampo) sampo=${2:?}; shift 2 ;;
    --presets) presets=${2:?}; shift 2 ;;
    --keep-logs) keep_logs=1; shift ;;
    -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
case "$tests" in ''|*[!0-9]*) die "--tests '$tests': not a positive integer" ;; esac
[ "$tests" -ge 100 ] || die "--tests $tests: at least 100 tests (the curves start at 20)"
case "$seed" in ''|*[!0-9]*) die "--seed '$seed': not a non-negative integer" ;; esac
case "$threads" in ''|*[!0-9]*) die "--threads '$threads': not a non-negative integer" ;; esac
if [ -z "$sampo" ]; then
  here=$(cd "$(dirname "$0")/.." && pwd)
  if [ -x "$here/build/bin/sampo" ]; then sampo=$here/build/bin/sampo
  else sampo=$(command -v sampo || true); fi
fi
if [ -z "$sampo" ] || [ ! -x "$sampo" ]; then die "no sampo program (build it, or give --sampo PATH)"; fi
command -v jq > /dev/null || die "needs jq (to read sampo's JSON outputs)"

mkdir -p "$out"
: > "$out/commands.txt"
run() {  # logs the command, then runs it; exit status 3 (finished without convergence, e.g.
         # a weight QP at its iteration limit) is kept in the JSON's "termination", not fatal
  echo "$*" >> "$out/commands.txt"
  local rc=0
  "$@" || rc=$?
  [ "$rc" = 0 ] || [ "$rc" = 3 ] || die "exit status $rc from: $*"
}

methods="is scv scv-weighted scv-stratified ms-simplex ms-free"
method_args() {
  case "$1" in
    is) echo "--method is" ;;
    scv) echo "--method scv" ;;
    scv-weighted) echo "--method scv --weighted" ;;
    scv-stratified) echo "--method scv-stratified" ;;
    ms-simplex) echo "--method multi-surrogate --weights simplex" ;;
    ms-free) echo "--method multi-surrogate --weights free" ;;
  esac
}

short_label() {  # for the plot's key
  case "$1" in
    is) echo "NADE-IS" ;;
    scv) echo "sparse CV" ;;
    scv-weighted) echo "sparse CV, weighted" ;;
    scv-stratified) echo "stratified sparse CV (biased)" ;;
    ms-simplex) echo "multi-surrogate, simplex" ;;
    ms-free) echo "multi-surrogate, free" ;;
  esac
}

start=$(date +%s)
IFS=, read -r -a preset_list <<< "$presets"
for p in "${preset_list[@]}"; do
  d="$out/$p"
  mkdir -p "$d"
  echo "== $p: $tests NADE tests (seed $seed)" >&2
  run "$sampo" --seed "$seed" --threads "$threads" --quiet --json "$d/run.json" \
    cav run --scenario overtaking --env nade --cav "$p" --epsilon 0.1 --tests "$tests" \
    --surrogates "$surrogates" --log "$d/log.csv"
  for m in $methods; do
    # shellcheck disable=SC2046
    run "$sampo" --seed "$seed" --threads "$threads" --quiet --json "$d/$m.json" \
      mc estimate --log "$d/log.csv" $(method_args "$m") --curve "$d/$m-curve.csv"
  done
  # The tail of the results Y*L (one per test, on the test's first row): the share of the
  # largest one and of the ten largest in their sum, and how many tests carry half of it.
  tail -n +3 "$d/log.csv" | awk -F, '$1 != last { last = $1; v = $2 * $3; if (v > 0) print v }' |
    sort -g -r | awk '{ v[NR] = $1; s += $1 }
      END { top10 = 0; for (i = 1; i <= NR && i <= 10; i++) top10 += v[i]
            half = 0; acc = 0; for (i = 1; i <= NR; i++) { acc += v[i]; if (acc >= s / 2) { half = i; break } }
            printf "{\"positive_results\": %d, \"top1_share\": %.6g, \"top10_share\": %.6g, \"tests_for_half\": %d}\n",
                   NR, (NR ? v[1] / s : 0), (NR ? top10 / s : 0), half }' > "$d/tail.json"
  [ "$keep_logs" = 1 ] || rm -f "$d/log.csv"
done
elapsed=$(( $(date +%s) - start ))

# The table. Tests to RHW 0.3 in two ways: "curve", the first checkpoint from which the RHW of
# the first k tests (each prefix re-estimated) stays <= 0.3 up to N ("not reached" otherwise);
# "plan", the planning formula (z/0.3)^2 s^2/mu^2 with each method's per-test variance
# s^2 = n SE^2 from all N tests and ONE mu for all methods of the preset (the estimate of
# NADE-IS), so that the ratio NADE-IS plan / method plan is s^2_IS/s^2_method,
# the variance reduction on the same tests. NDE: (z/0.3)^2 (1 - mu)/mu with the same mu.
z=1.6448536269514722
{
  echo "preset,method,tests,estimate,standard_error,rhw,tests_to_rhw_0.3_curve,tests_to_rhw_0.3_plan,is_plan_over_plan,termination,critical_steps_per_test,crashes,nde_tests_to_rhw_0.3,mu,mu_from,top1_share,top10_share,tests_for_half"
  for p in "${preset_list[@]}"; do
    d="$out/$p"
    mu=$(jq -r '.estimate' "$d/is.json"); mu_from=is
    awk -v mu="$mu" 'BEGIN { exit !(mu > 0) }' || die "$p: the NADE-IS estimate is not positive (no crash?)"
    nde=$(awk -v z=$z -v mu="$mu" 'BEGIN { printf "%.6g", (z/0.3)^2*(1-mu)/mu }')
    is_var=$(jq -r '.n * .standard_error * .standard_error' "$d/is.json")
    steps=$(jq -r '.critical_steps / .tests' "$d/run.json")
    crashes=$(jq -r '.crashes' "$d/run.json")
    tail_stats=$(jq -r '[.top1_share, .top10_share, .tests_for_half] | @csv' "$d/tail.json")
    for m in $methods; do
      jq -r --arg p "$p" --arg m "$m" --arg isvar "$is_var" --arg steps "$steps" --arg z "$z" \
        --arg crashes "$crashes" --arg nde "$nde" --arg mu "$mu" --arg from "$mu_from" \
        '(.n * .standard_error * .standard_error) as $var
         | (($z | tonumber) / 0.3) as $k
         | [$p, $m, .n, .estimate, .standard_error, .relative_half_width,
            (if .curve.target_reached then .curve.tests_to_target else "not reached" end),
            ($k * $k * $var / (($mu | tonumber) * ($mu | tonumber))),
            (($isvar | tonumber) / $var), .termination,
            ($steps | tonumber), ($crashes | tonumber), ($nde | tonumber), ($mu | tonumber), $from] | @csv' "$d/$m.json" |
        sed "s/\$/,$tail_stats/"
    done
  done
} > "$out/table.csv.tmp"
mv "$out/table.csv.tmp" "$out/table.csv"

{
  echo "| preset | method | estimate | SE | RHW at N | tests to RHW 0.3: curve | tests to RHW 0.3: plan | NADE-IS plan / plan |"
  echo "|---|---|---|---|---|---|---|---|"
  tail -n +2 "$out/table.csv" | tr -d '"' |
    awk -F, -v labels="is=NADE-IS#scv=NADE + sparse CV#scv-weighted=NADE + sparse CV, weighted#scv-stratified=NADE + stratified sparse CV (published, biased)#ms-simplex=NADE + multi-surrogate (simplex)#ms-free=NADE + multi-surrogate (free)" '
      BEGIN { n = split(labels, a, "#"); for (i = 1; i <= n; i++) { split(a[i], kv, "="); lab[kv[1]] = kv[2] } }
      function g(x) { return x == "" ? "-" : sprintf("%.3g", x) }
      { note = $10 == "converged" ? "" : " (" $10 ")"
        printf "| %s | %s%s | %s | %s | %s | %s | %s | %s |\n", $1, lab[$2], note, g($4), g($5), g($6), $7, g($8), g($9) }'
  echo
  echo "| preset | critical steps / test | NADE tests with a crash | largest Y·L / sum | 10 largest / sum | tests with half the sum | mu (NADE-IS) | NDE tests to RHW 0.3 (formula) |"
  echo "|---|---|---|---|---|---|---|---|"
  tail -n +2 "$out/table.csv" | tr -d '"' | awk -F, '$2 == "is" {
      printf "| %s | %.2f | %d of %d | %.3g | %.3g | %d | %.3g | %.3g |\n", $1, $11, $12, $3, $16, $17, $18, $14, $13 }'
} > "$out/table.md"

# The plot: RHW against tests, one panel per preset, one curve per method.
{
  for p in "${preset_list[@]}"; do
    for m in $methods; do
      echo "# $p $m"
      tail -n +2 "$out/$p/$m-curve.csv" | awk -F, '{ print $2, $5 }'
      echo; echo
    done
  done
} > "$out/rhw_vs_tests.dat"
np=${#preset_list[@]}
nm=$(wc -w <<< "$methods")
rows=$(( (np + 1) / 2 )); cols=$(( np > 1 ? 2 : 1 ))
{
  echo "set terminal pngcairo size $((cols * 420)),$((rows * 300)) font ',8'"
  echo "set output 'rhw_vs_tests.png'"
  echo "set multiplot layout $rows,$cols title 'overtaking, NADE eps = 0.1, seed $seed: RHW (90 %) of the first k tests'"
  echo "set logscale xy; set xlabel 'tests k'; set ylabel 'RHW'; set xrange [20:$tests]; set yrange [0.05:30]"
  echo "set grid; set key top right font ',7' spacing 0.8 opaque box"
  i=0
  for p in "${preset_list[@]}"; do
    echo "set title '$p'"
    [ "$i" = 0 ] || echo "unset key"
    plot="plot 0.3 with lines dt 2 lc rgb 'black' title 'RHW 0.3'"
    j=0
    for m in $methods; do
      plot="$plot, 'rhw_vs_tests.dat' index $((i * nm + j)) using 1:2 with lines lw 1.5 lc $((j + 1)) title '$(short_label "$m")'"
      j=$((j + 1))
    done
    echo "$plot"
    i=$((i + 1))
  done
  echo "unset multiplot"
} > "$out/rhw_vs_tests.gp"
if command -v gnuplot > /dev/null; then
  (cd "$out" && gnuplot rhw_vs_tests.gp)
else
  echo "cav_overtaking_study.sh: gnuplot not found: wrote $out/rhw_vs_tests.gp and .dat, no PNG" >&2
fi

echo "wrote $out/table.csv, $out/table.md, $out/rhw_vs_tests.png ($elapsed s for the runs and estimates)" >&2
cat "$out/table.md"
