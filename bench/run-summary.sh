#!/usr/bin/env bash
# Side-by-side benchmark of `leak-detector summary` against Chrome DevTools' heap snapshot worker.
#
#   bench/run-summary.sh [--runs N] [--sizes small,medium,large] [--synthetic-4g] [--no-devtools]
#
# For each size it uses bench/work/<size>/<size>-before.heapsnapshot, writing it first with
# bench/gen/service-heap.js (a real Node 20 heap) when it is missing: about 20 MB, 200 MB and 1 GB.
# Then it runs, N times each and ALTERNATING (ours, DevTools, ours, ...), so that both see the same
# machine state:
#   ours:     bin/leak-detector summary FILE --format json
#   DevTools: core/src/test/devtools-oracle/run.sh summary FILE   (installs itself with npm on first use)
# and measures wall time and peak RSS of the whole process with /usr/bin/time, each run after an
# untimed read of its input (bench_warm_cache in lib.sh). It checks that both report the same node
# count, edge count and total size, and the same count, self size, retained size and distance for
# every class, and prints a table of medians with the ratios DevTools/ours.
#
# --synthetic-4g adds bench/work/synthetic/synthetic-55m.heapsnapshot (4.15 GB, 55 M nodes), written by
# bench/gen/synthetic-snapshot when missing, for ours only: DevTools cannot load it (Node cannot hold
# a string longer than 0x1fffffe8 characters, and the worker's arrays do not fit its heap).
#
# Output: bench/out/summary-<timestamp>/ with runs.tsv (every run), table.md (the medians), the
# JSON each tool printed, and each run's stderr. The machine is shared: run it when `uptime` shows a
# low load; the script prints the load before each file.
set -euo pipefail

root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
bench_name=run-summary
# shellcheck source=lib.sh
. "$root/bench/lib.sh"
runs=3
sizes="small,medium,large"
synthetic=0
devtools=1
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --sizes) sizes="$2"; shift 2 ;;
    --synthetic-4g) synthetic=1; shift ;;
    --no-devtools) devtools=0; shift ;;
    -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run-summary: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

bench_need_gnu_time

out="$root/bench/out/summary-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
tsv="$out/runs.tsv"
printf 'file\ttool\trun\twall_s\trss_kib\tnodes\tedges\ttotal_size\n' > "$tsv"

ensure_synthetic_snapshot() {
  local file="$root/bench/work/synthetic/synthetic-55m.heapsnapshot"
  if [ ! -s "$file" ]; then
    echo "run-summary: writing $file with bench/gen/synthetic-snapshot (~35 s) ..." >&2
    mkdir -p "$(dirname "$file")"
    "$root/bench/gen/synthetic-snapshot" --nodes 55000000 --out "$file" > /dev/null
  fi
  echo "$file"
}

# One measured run: tool, file, run number. Appends to runs.tsv.
measure() {
  local tool=$1 file=$2 n=$3 name json err timing
  name=$(basename "$file" .heapsnapshot)
  json="$out/$name.$tool.$n.json"
  err="$out/$name.$tool.$n.err"
  timing="$out/$name.$tool.$n.time"
  bench_warm_cache "$file"
  if [ "$tool" = ours ]; then
    /usr/bin/time -f '%e %M' -o "$timing" "$root/bin/leak-detector" summary "$file" --format json --no-progress \
      > "$json" 2> "$err" || { echo "run-summary: ours failed on $file, see $err" >&2; return 1; }
  else
    /usr/bin/time -f '%e %M' -o "$timing" "$root/core/src/test/devtools-oracle/run.sh" summary "$file" --quiet \
      > "$json" 2> "$err" || { echo "run-summary: DevTools failed on $file, see $err" >&2; return 1; }
  fi
  python3 - "$json" "$timing" "$name" "$tool" "$n" >> "$tsv" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
wall, rss = open(sys.argv[2]).read().split()[-2:]
print("\t".join([sys.argv[3], sys.argv[4], sys.argv[5], wall, rss,
                 str(data.get("nodeCount")), str(data.get("edgeCount")), str(data.get("totalSize"))]))
PY
  tail -n 1 "$tsv" | awk -F'\t' '{printf "  %-9s run %s: %6.2f s %8.0f MiB\n", $2, $3, $4, $5 / 1024}' >&2
}

bench_prepare_ours "$out"
[ "$devtools" = 1 ] && "$root/core/src/test/devtools-oracle/run.sh" build >&2

files=()
IFS=',' read -r -a size_list <<< "$sizes"
for size in "${size_list[@]}"; do
  files+=("$(bench_service_snapshots "$size")/$size-before.heapsnapshot")
done
for file in "${files[@]}"; do
  echo "run-summary: $(basename "$file") ($(du -h "$file" | cut -f1)), load:$(uptime | sed 's/.*load average://')" >&2
  for n in $(seq 1 "$runs"); do
    measure ours "$file" "$n"
    [ "$devtools" = 1 ] && measure devtools "$file" "$n"
  done
done
if [ "$synthetic" = 1 ]; then
  file=$(ensure_synthetic_snapshot)
  echo "run-summary: $(basename "$file") ($(du -h "$file" | cut -f1)), ours only, load:$(uptime | sed 's/.*load average://')" >&2
  for n in $(seq 1 "$runs"); do
    measure ours "$file" "$n"
  done
fi

python3 - "$tsv" "$out/table.md" "$runs" "$out" "$devtools" <<'PY'
import csv, json, statistics, sys, os
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
def same_classes(f):
    """Every class of the first runs: same key, count, self size, retained size and distance."""
    def classes(tool):
        data = json.load(open(os.path.join(sys.argv[4], f"{f}.{tool}.1.json")))
        return {c["key"]: tuple(c[k] for k in ("count", "selfSize", "retainedSize", "distance"))
                for c in data["classes"]}
    return classes("ours") == classes("devtools")
files = []
for r in rows:
    if r["file"] not in files:
        files.append(r["file"])
def runs_of(f, tool):
    return [r for r in rows if r["file"] == f and r["tool"] == tool]
lines = ["| snapshot | nodes | edges | ours wall | ours peak RSS | DevTools wall | DevTools peak RSS | wall ratio | RSS ratio | same results |",
         "|---|---|---|---|---|---|---|---|---|---|"]
for f in files:
    ours, dev = runs_of(f, "ours"), runs_of(f, "devtools")
    ow = statistics.median(float(r["wall_s"]) for r in ours)
    om = statistics.median(int(r["rss_kib"]) for r in ours) / 1024
    nodes, edges = int(ours[0]["nodes"]), int(ours[0]["edges"])
    if dev:
        dw = statistics.median(float(r["wall_s"]) for r in dev)
        dm = statistics.median(int(r["rss_kib"]) for r in dev) / 1024
        same = all((r["nodes"], r["edges"], r["total_size"]) == (ours[0]["nodes"], ours[0]["edges"], ours[0]["total_size"])
                   for r in ours + dev) and same_classes(f)
        lines.append(f"| {f} | {nodes:,} | {edges:,} | {ow:.2f} s | {om:,.0f} MiB | {dw:.2f} s | {dm:,.0f} MiB | "
                     f"{dw / ow:.1f}× | {dm / om:.1f}× | {'yes' if same else 'NO'} |")
    else:
        # Without DevTools runs: it was not asked for (--no-devtools), or it cannot load the file.
        reason = "cannot load" if sys.argv[5] == "1" else "not run"
        lines.append(f"| {f} | {nodes:,} | {edges:,} | {ow:.2f} s | {om:,.0f} MiB | {reason} | – | – | – | – |")
lines.append("")
lines.append(f"Medians of {sys.argv[3]} runs each, ours and DevTools alternating; wall time and peak RSS of the whole "
             "process (/usr/bin/time). Ratios are DevTools / ours. 'same results': equal node count, edge count and "
             "total size in every run, and equal count, self size, retained size and distance for every class.")
table = "\n".join(lines)
open(sys.argv[2], "w").write(table + "\n")
print(table)
PY
echo "run-summary: results in $out" >&2
