# shellcheck shell=bash
# The JVM's ahead-of-time cache for the leak-detector jar (JDK 25+: JEP 483, 514 and 515): the
# classes loaded and linked, and the method profiles, of one training run. With it the hot loops of
# the parser and the dominators are compiled early instead of after their first second of
# interpretation: about 0.3-0.4 s off every load (docs/performance.md). Sourced by bin/build and
# the launcher; requires lib/java.sh's ld_find_java first.

# The JVM options that the launcher and the training share: a cache only helps a JVM started alike.
LD_JVM_OPTS=(-XX:MaxRAMPercentage=70 -XX:+UseParallelGC -Xmn64m -XX:+ExitOnOutOfMemoryError)

ld_aot_file() {  # jar -> its cache's path
  echo "${1%.jar}.aot"
}

# Sets LD_AOT_OPTS to the options that use the jar's cache: none on a JVM older than 25, or when
# the cache is missing or older than the jar. A cache the JVM cannot use (another JDK build, a
# changed jar) is skipped silently: the run is only slower, never wrong.
ld_aot_options() {  # jar
  local cache
  cache=$(ld_aot_file "$1")
  LD_AOT_OPTS=()
  if [ "$LD_JAVA_MAJOR" -ge 25 ] && [ -f "$cache" ] && [ "$cache" -nt "$1" ]; then
    LD_AOT_OPTS=("-XX:AOTCache=$cache" -Xlog:aot=off -Xlog:cds=off)
  fi
}

# Writes the jar's cache from one training run: `analyze` of a before/after pair that a Node
# process writes with bench/gen/service-heap.js (about 250 MB, 20 s in all). Never fails the build:
# without Java 25 or Node, or when anything goes wrong, there is simply no cache.
ld_aot_train() {  # root jar
  local root=$1 jar=$2 cache work status=0
  cache=$(ld_aot_file "$jar")
  rm -f "$cache"
  if [ "${LEAK_DETECTOR_AOT:-on}" = off ]; then
    return 0
  fi
  if [ "$LD_JAVA_MAJOR" -lt 25 ]; then
    echo "no AOT cache: it needs Java 25 or newer (this is $LD_JAVA_MAJOR); loads start a little slower" >&2
    return 0
  fi
  if ! command -v node >/dev/null 2>&1; then
    echo "no AOT cache: its training run needs Node.js; loads start a little slower" >&2
    return 0
  fi
  work=$(mktemp -d "${TMPDIR:-/tmp}/leak-detector-aot.XXXXXX")   # 0700: snapshots hold strings
  echo "training the JVM's AOT cache (about 20 s; LEAK_DETECTOR_AOT=off skips it)..." >&2
  if node --max-old-space-size=4000 "$root/bench/gen/service-heap.js" --scale 20000 --out "$work" \
       > "$work/gen.jsonl" 2> "$work/gen.err"; then
    "$LD_JAVA" "${LD_JVM_OPTS[@]}" -XX:AOTCacheOutput="$cache.tmp" -jar "$jar" analyze \
      --before "$work/20000-before.heapsnapshot" --after "$work/20000-after.heapsnapshot" \
      --output "$work/reports" --no-progress > "$work/train.out" 2> "$work/train.err" || status=$?
    # Exit 1 is the verdict "leak", which this pair has.
    if [ "$status" -le 1 ] && [ -s "$cache.tmp" ]; then
      mv -f "$cache.tmp" "$cache"
      echo "AOT cache: $cache" >&2
    else
      echo "no AOT cache: the training run failed (exit $status): $(tail -n 1 "$work/train.err")" >&2
    fi
  else
    echo "no AOT cache: the training snapshots could not be written: $(tail -n 1 "$work/gen.err")" >&2
  fi
  rm -f "$cache.tmp" "$cache.tmp.config" "$cache.config"
  rm -rf "$work"
}
