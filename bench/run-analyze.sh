#!/usr/bin/env bash
# Side-by-side benchmark of `leak-detector analyze` on a pair of snapshots of one process against
# Chrome DevTools' Comparison view (its heap snapshot worker loading both and diffing them).
#
#   bench/run-analyze.sh [--runs N] [--sizes medium,large] [--no-devtools]
#
# Inputs: bench/work/<size>/<size>-before.heapsnapshot and <size>-after.heapsnapshot, written by a
# real Node 20 process (bench/gen/service-heap.js) between which a known leak grew; they are
# generated when missing (large: ~4 min, 7 GiB RSS).
#   ours:     bin/leak-detector analyze --before B --after A --output DIR  (full analysis: class and
#             id-level comparison, growth attribution, retainer paths, patterns, and all four
#             reports written)
#   DevTools: core/src/test/devtools-oracle/run.sh diff B A  (both snapshots loaded with dominators
#             and retained sizes, then calculateSnapshotDiff: a narrower job than ours)
# Runs alternate (ours, DevTools, ours, ...). Wall time and peak RSS of the whole process come from
# /usr/bin/time, each run after an untimed read of both inputs (bench_warm_cache in lib.sh).
# Output: bench/out/analyze-<timestamp>/ with runs.tsv, table.md and each run's output. The machine is shared: the script prints `uptime`'s load before each pair.
set -euo pipefail

root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
bench_name=run-analyze
# shellcheck source=lib.sh
. "$root/bench/lib.sh"
runs=3
sizes="medium,large"
devtools=1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --sizes) sizes="$2"; shift 2 ;;
    --no-devtools) devtools=0; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-analyze: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

bench_need_gnu_time

out="$root/bench/out/analyze-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
tsv="$out/runs.tsv"
printf 'pair\ttool\trun\twall_s\trss_kib\tverdict\n' > "$tsv"

measure() {  # tool size dir n
  local tool=$1 size=$2 dir=$3 n=$4 log="$out/$2.$1.$4" status=0 verdict
  local before="$dir/$size-before.heapsnapshot" after="$dir/$size-after.heapsnapshot"
  bench_warm_cache "$before" "$after"
  if [ "$tool" = ours ]; then
    rm -rf "$log.reports"
    /usr/bin/time -f '%e %M' -o "$log.time" "$root/bin/leak-detector" analyze --before "$before" --after "$after" \
      --output "$log.reports" --no-progress > "$log.out" 2> "$log.err" || status=$?
    # Exit 1 is the verdict "leak", which this pair has.
    [ "$status" -le 1 ] || { echo "run-analyze: ours failed (exit $status), see $log.err" >&2; return 1; }
    verdict=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["summary"]["status"], d["offenders"][0]["type"] if d["offenders"] else "-")' "$log.reports/analysis.json")
  else
    /usr/bin/time -f '%e %M' -o "$log.time" "$root/core/src/test/devtools-oracle/run.sh" diff "$before" "$after" \
      --quiet > "$log.out" 2> "$log.err" || { echo "run-analyze: DevTools failed, see $log.err" >&2; return 1; }
    verdict="diff"
  fi
  read -r wall rss < <(tail -n 1 "$log.time")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "$tool" "$n" "$wall" "$rss" "$verdict" >> "$tsv"
  printf '  %-9s run %s: %6.2f s %8.0f MiB  %s\n' "$tool" "$n" "$wall" "$((rss / 1024))" "$verdict" >&2
}

bench_prepare_ours "$out"
[ "$devtools" = 1 ] && "$root/core/src/test/devtools-oracle/run.sh" build >&2

IFS=',' read -r -a size_list <<< "$sizes"
for size in "${size_list[@]}"; do
  dir=$(bench_service_snapshots "$size")
  echo "run-analyze: $size pair ($(du -ch "$dir/$size-before.heapsnapshot" "$dir/$size-after.heapsnapshot" | tail -1 | cut -f1)), load:$(uptime | sed 's/.*load average://')" >&2
  for n in $(seq 1 "$runs"); do
    measure ours "$size" "$dir" "$n"
    [ "$devtools" = 1 ] && measure devtools "$size" "$dir" "$n"
  done
done

python3 - "$tsv" "$out/table.md" "$runs" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
pairs = []
for r in rows:
    if r["pair"] not in pairs:
        pairs.append(r["pair"])
lines = ["| pair | ours wall | ours peak RSS | verdict | DevTools diff wall | DevTools peak RSS | wall ratio | RSS ratio |",
         "|---|---|---|---|---|---|---|---|"]
for p in pairs:
    ours = [r for r in rows if r["pair"] == p and r["tool"] == "ours"]
    dev = [r for r in rows if r["pair"] == p and r["tool"] == "devtools"]
    ow = statistics.median(float(r["wall_s"]) for r in ours)
    om = statistics.median(int(r["rss_kib"]) for r in ours) / 1024
    if dev:
        dw = statistics.median(float(r["wall_s"]) for r in dev)
        dm = statistics.median(int(r["rss_kib"]) for r in dev) / 1024
        lines.append(f"| {p} | {ow:.2f} s | {om:,.0f} MiB | {ours[0]['verdict']} | {dw:.2f} s | {dm:,.0f} MiB | "
                     f"{dw / ow:.1f}× | {dm / om:.1f}× |")
    else:
        lines.append(f"| {p} | {ow:.2f} s | {om:,.0f} MiB | {ours[0]['verdict']} | – | – | – | – |")
lines.append("")
lines.append(f"Medians of {sys.argv[3]} runs each, alternating; whole-process wall time and peak RSS "
             "(/usr/bin/time). Ratios are DevTools / ours.")
table = "\n".join(lines)
open(sys.argv[2], "w").write(table + "\n")
print(table)
PY
echo "run-analyze: results in $out" >&2
