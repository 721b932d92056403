#!/usr/bin/env bash
# Tests scripts/fetch-data (`scripts/run data`) without the network: a file:// mirror in a
# temporary directory plays PhysioNet. Checked: an unreachable server is "no network" (exit 3);
# a file whose size disagrees with its EDF header, or whose SHA-256 differs from the pinned one,
# is removed and reported (exit 1), never left where sampo would read it; with the real files
# (when a copy is found beside the source tree) everything verifies, a second run downloads
# nothing, and an interrupted download is resumed.
set -uo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
fetch=$root/scripts/fetch-data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
run() { SAMPO_DATA_DIR=$tmp/dest SAMPO_DATA_URL=$1 "$fetch" >"$tmp/log" 2>&1; echo $?; }

# 1. No network.
rc=$(run http://127.0.0.1:9)
[[ $rc == 3 ]] || fail "unreachable server: exit $rc, expected 3: $(cat "$tmp/log")"
grep -q "no network" "$tmp/log" || fail "no 'no network' message: $(cat "$tmp/log")"

# 2. A mirror serving damaged files: an EDF header that declares more records than the file
#    holds, and a well-formed file with the wrong content (hash).
mkdir -p "$tmp/mirror/S001"
edf() {  # FILE RECORDS SAMPLES_PER_RECORD WRITTEN_RECORDS: a one-signal EDF
  local f=$1 n=$2 spr=$3 written=$4
  {
    printf '%-8s%-80s%-80s%-8s%-8s%-8s%-44s%-8s%-8s%-4s' 0 patient recording 01.01.01 00.00.00 512 "" \
      "$n" 1 1
    printf '%-16s%-80s%-8s%-8s%-8s%-8s%-8s%-80s%-8s%-32s' C3 "" uV -100 100 -32768 32767 "" "$spr" ""
    head -c $((written * spr * 2)) /dev/zero
  } >"$f"
}
for name in $(awk '{ print $2 }' "$root/data/eegmmidb-S001.sha256"); do
  edf "$tmp/mirror/S001/$name" 3 4 3  # whole, but not PhysioNet's file
done
edf "$tmp/mirror/S001/S001R04.edf" 5 4 3  # truncated: 2 of 5 records missing
rc=$(run "file://$tmp/mirror")
[[ $rc == 1 ]] || fail "damaged mirror: exit $rc, expected 1: $(cat "$tmp/log")"
grep -q "S001R04.edf: size 536 bytes, but its header declares 552" "$tmp/log" ||
  fail "truncated file not reported by size: $(cat "$tmp/log")"
grep -q "S001R06.edf: SHA-256 .*, expected 5369364f" "$tmp/log" ||
  fail "wrong content not reported by hash: $(cat "$tmp/log")"
left=$(find "$tmp/dest" -type f | wc -l)
[[ $left == 0 ]] || fail "$left rejected file(s) left behind: $(find "$tmp/dest" -type f)"

# 3. The real files, where a copy exists beside the source tree (CI, developers).
real=""
for d in "$root/../shared/data/eegmmidb/S001" "${SAMPO_DATA_DIR:-/nonexistent}/eegmmidb/S001"; do
  [[ -f $d/S001R04.edf ]] && real=$d && break
done
if [[ -z $real ]]; then
  echo "real-file checks skipped: no copy of eegmmidb/S001 found (scripts/run data gets one)"
  echo "fetch-data: tests passed"
  exit 0
fi
rm -rf "$tmp/mirror/S001" "$tmp/dest"
mkdir -p "$tmp/mirror/S001"
for name in $(awk '{ print $2 }' "$root/data/eegmmidb-S001.sha256"); do
  ln -s "$real/$name" "$tmp/mirror/S001/$name"
done
rc=$(run "file://$tmp/mirror")
[[ $rc == 0 ]] || fail "real files: exit $rc: $(cat "$tmp/log")"
grep -q "6 downloaded, 0 already present, 0 failed" "$tmp/log" || fail "$(cat "$tmp/log")"
rc=$(run "file://$tmp/mirror")
grep -q "0 downloaded, 6 already present" "$tmp/log" || fail "second run: $(cat "$tmp/log")"
# Interrupted download: a partial file is resumed to the verified whole.
mv "$tmp/dest/eegmmidb/S001/S001R08.edf" "$tmp/part"
head -c 1000000 "$tmp/part" >"$tmp/dest/eegmmidb/S001/S001R08.edf.part"
rc=$(run "file://$tmp/mirror")
[[ $rc == 0 ]] || fail "resume: exit $rc: $(cat "$tmp/log")"
cmp -s "$tmp/part" "$tmp/dest/eegmmidb/S001/S001R08.edf" || fail "resumed file differs"
echo "fetch-data: tests passed (with the real files from $real)"
