# shellcheck shell=bash
# What the side-by-side benchmarks (run-summary.sh, run-analyze.sh) share. Sourced after they set
# $root (the checkout) and $bench_name (for messages).

# GNU time gives each run's wall time and peak RSS; Debian images often lack it.
bench_need_gnu_time() {
  if [ ! -x /usr/bin/time ]; then
    echo "$bench_name: installing GNU time (/usr/bin/time) ..." >&2
    apt-get install -y time >&2 || { apt-get update >&2 && apt-get install -y time >&2; }
  fi
}

# The directory of one size's snapshots from one real Node process (<size>-before and -after),
# written first with bench/gen/service-heap.js when either is missing (large: ~4 min, 7 GiB RSS).
bench_service_snapshots() {  # size -> dir
  local size=$1 dir="$root/bench/work/$1"
  if [ ! -s "$dir/$size-before.heapsnapshot" ] || [ ! -s "$dir/$size-after.heapsnapshot" ]; then
    echo "$bench_name: writing the $size snapshots with service-heap.js ..." >&2
    mkdir -p "$dir"
    node --max-old-space-size=20000 "$root/bench/gen/service-heap.js" --scale "$size" --out "$dir" \
      > "$dir/run.jsonl" 2> "$dir/run.err"
  fi
  echo "$dir"
}

# Builds the jar on first use, outside the measurements, and records in OUT/aot.txt whether the
# launcher will use the JVM AOT cache: the launcher's own rule (bin/lib/aot.sh), not a copy of it.
bench_prepare_ours() {  # out
  local jar="$root/cli/target/leak-detector.jar"
  "$root/bin/leak-detector" --version > /dev/null
  # shellcheck source=../bin/lib/java.sh
  . "$root/bin/lib/java.sh"
  # shellcheck source=../bin/lib/aot.sh
  . "$root/bin/lib/aot.sh"
  ld_find_java || return 3
  ld_aot_options "$jar"
  if [ "${#LD_AOT_OPTS[@]}" -gt 0 ]; then
    echo "JVM AOT cache: in use ($(ld_aot_file "$jar"), written by bin/build)" | tee "$1/aot.txt" >&2
  else
    echo "JVM AOT cache: none (bin/build writes one on Java 25+; a jar built otherwise runs without)" \
      | tee "$1/aot.txt" >&2
  fi
}

# Reads the input files once, untimed, right before a measured run, so that every run of either
# tool starts with its input in the page cache, as a snapshot just written is. Without this the
# order of runs decides the result on a machine that evicts idle file cache: the VM these figures
# come from pages out file pages left untouched for about 6 s (a DAMON "pageout" scheme, see
# /sys/kernel/mm/damon), so after DevTools' two-minute run ours read the 2.3 GB pair from disk.
bench_warm_cache() {  # file...
  cat -- "$@" > /dev/null
}
