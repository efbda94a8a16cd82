#!/usr/bin/env bash
# Capture benchmark: how fast a heap snapshot reaches the disk, how long the target's event loop
# stops, and how much memory the target needs meanwhile; leak-detector's CDP capture against
# v8.writeHeapSnapshot inside the process. Not run by the unit tests.
#
#   bench/run-capture.sh [--shapes service,tiny] [--heap-mb 500] [--runs 1] [--methods cdp,write]
#
# For every shape, heap size and run, and for each method in turn (so both see the same machine
# state), bench/capture/measure.js starts a fresh Node target (bench/capture/target.js) whose heap
# grows to about --heap-mb MB of heapUsed, then snapshots it once:
#   cdp    bin/leak-detector snapshot --pid PID --output FILE   (SIGUSR1, inspector, streamed chunks)
#   write  v8.writeHeapSnapshot(FILE) in the target itself
# and records: generation time, first chunk → closed file (MB/s), the target's longest event-loop
# pause (a setInterval(…, 10) heartbeat inside it), the target's peak RSS and its increase over
# heapUsed, and the leak-detector JVM's peak RSS.
#
# Output: bench/out/capture-<timestamp>/runs.jsonl (one line per run) and table.md. Snapshots go to
# bench/work/capture/ and are deleted after each run. A 500 MB heap peaks at ~5 GiB RSS in the
# target (plus up to 2 GiB for the leak-detector JVM) and takes about a minute per method on the
# 2-vCPU VM. The VM is shared: the load average is printed and recorded with every run.
set -euo pipefail

root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
shapes="service,tiny"
sizes="500"
runs=1
methods="cdp,write"
while [ $# -gt 0 ]; do
  case "$1" in
    --shapes) shapes=$2; shift 2 ;;
    --heap-mb) sizes=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --methods) methods=$2; shift 2 ;;
    -h|--help) awk 'NR > 1 && /^#/ { print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "run-capture: unknown argument $1" >&2; exit 2 ;;
  esac
done

command -v node >/dev/null || { echo "run-capture: needs node on PATH" >&2; exit 3; }
[ -x /usr/bin/time ] || { echo "run-capture: needs /usr/bin/time (apt-get install time)" >&2; exit 3; }
[ -f "$root/cli/target/leak-detector.jar" ] || "$root/bin/build" >&2

out="$root/bench/out/capture-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"
echo "node $(node --version), $(nproc) vCPU, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)" | tee "$out/machine.txt"

for shape in ${shapes//,/ }; do
  for size in ${sizes//,/ }; do
    for run in $(seq 1 "$runs"); do
      for method in ${methods//,/ }; do
        echo "== $shape ${size} MB, run $run, $method; load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
        node "$root/bench/capture/measure.js" --shape "$shape" --heap-mb "$size" --method "$method" \
          --dir "$root/bench/work/capture" --cli "$root/bin/leak-detector" | tee -a "$out/runs.jsonl"
      done
    done
  done
done
node "$root/bench/capture/table.js" "$out/runs.jsonl" | tee "$out/table.md"
echo "results: $out" >&2
