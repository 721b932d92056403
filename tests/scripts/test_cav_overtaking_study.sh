#!/usr/bin/env bash
# Tests scripts/cav_overtaking_study.sh on a small run: its outputs (the table with one row per
# preset and method, the curves, the commands, the plot data), that the logs are removed, that
# the same seed gives the same table, and that bad arguments exit with status 2 and a message.
# Usage: test_cav_overtaking_study.sh SAMPO   (exit 77: skipped, jq is missing)
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
study=$root/scripts/cav_overtaking_study.sh
sampo=${1:?usage: test_cav_overtaking_study.sh SAMPO}
command -v jq > /dev/null || { echo "jq not found: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$study" --sampo "$sampo" --tests 300 --presets aggressive,cautious --out "$tmp/a" > "$tmp/a.out" 2>&1 ||
  fail "the study failed: $(cat "$tmp/a.out")"
[[ $(wc -l < "$tmp/a/table.csv") == 13 ]] || fail "table.csv: expected a header and 2 x 6 rows: $(cat "$tmp/a/table.csv")"
for m in is scv scv-weighted scv-stratified ms-simplex ms-free; do
  for p in aggressive cautious; do
    grep -q "^\"$p\",\"$m\",300," "$tmp/a/table.csv" || fail "no row for $p $m"
    [[ -s $tmp/a/$p/$m-curve.csv ]] || fail "no curve $p/$m-curve.csv"
    [[ $(jq -r .n "$tmp/a/$p/$m.json") == 300 ]] || fail "$p/$m.json: n is not 300"
  done
done
[[ ! -e $tmp/a/aggressive/log.csv ]] || fail "the log was not removed (no --keep-logs)"
grep -q -- "cav run --scenario overtaking --env nade --cav aggressive --epsilon 0.1 --tests 300 --surrogates cautious,normal,assertive,aggressive" \
  "$tmp/a/commands.txt" || fail "commands.txt lacks the cav run command"
[[ $(grep -c "mc estimate" "$tmp/a/commands.txt") == 12 ]] || fail "commands.txt: expected 12 estimates"
grep -q "| aggressive | NADE-IS |" "$tmp/a/table.md" || fail "table.md lacks the NADE-IS row"
# The tail of Y·L: shares in [0, 1], the ten largest at least the largest.
jq -e '.top1_share > 0 and .top1_share <= .top10_share and .top10_share <= 1.000001 and .tests_for_half >= 1' \
  "$tmp/a/aggressive/tail.json" > /dev/null || fail "tail.json: $(cat "$tmp/a/aggressive/tail.json")"
[[ -s $tmp/a/rhw_vs_tests.dat && -s $tmp/a/rhw_vs_tests.gp ]] || fail "no plot data or script"
if command -v gnuplot > /dev/null; then [[ -s $tmp/a/rhw_vs_tests.png ]] || fail "gnuplot is here but no PNG"; fi

# The same seed: the same table (with --threads 1 against the default 2: the same bits).
"$study" --sampo "$sampo" --tests 300 --presets aggressive --threads 1 --keep-logs --out "$tmp/b" > /dev/null 2>&1 ||
  fail "the second study failed"
[[ -f $tmp/b/aggressive/log.csv ]] || fail "--keep-logs removed the log"
diff <(grep '^"aggressive"' "$tmp/a/table.csv") <(grep '^"aggressive"' "$tmp/b/table.csv") > /dev/null ||
  fail "the same seed gave another table for 1 and 2 threads"

# Bad arguments: status 2 and a message naming the option.
bad() {
  local rc
  "$study" --sampo "$sampo" --out "$tmp/bad" "$@" > "$tmp/bad.out" 2>&1
  rc=$?
  [[ $rc == 2 ]] || fail "$*: exit $rc, expected 2"
  grep -q -- "$1" "$tmp/bad.out" || fail "$*: the message does not name $1: $(cat "$tmp/bad.out")"
}
bad --tests 10
bad --tests many
bad --seed -1
bad --frobnicate
"$study" --sampo "$tmp/no-such-sampo" --out "$tmp/bad" > "$tmp/bad.out" 2>&1
rc=$?
if [[ $rc != 2 ]] || ! grep -q "no sampo program" "$tmp/bad.out"; then
  fail "a missing sampo is not refused (exit $rc)"
fi
echo "cav_overtaking_study.sh: all checks passed"
