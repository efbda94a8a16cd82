#!/usr/bin/env bash
# Launcher for the DevTools heap snapshot oracle (see README.md).
#
#   run.sh summary FILE [--nodes OUT.tsv] [--quiet] [--pretty] [--lenient]
#   run.sh diff BEFORE AFTER [--quiet] [--pretty] [--lenient]
#   run.sh build            # only make sure the bundle is installed and current
#
# Makes sure dist/devtools-heap.mjs exists and was built from the current
# package-lock.json/build.mjs/entry.mjs (otherwise runs `npm ci && npm run build`
# here, under a lock so parallel callers do not race), then runs oracle.mjs
# under node with a large heap. Exit status and stdout are oracle.mjs's.
#
# Environment: NODE (node binary, default: node on PATH),
#              ORACLE_MAX_OLD_SPACE_MB (default 16000).
set -euo pipefail

DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NODE="${NODE:-node}"
HEAP_MB="${ORACLE_MAX_OLD_SPACE_MB:-16000}"

current_stamp() {
  cat "$DIR/package-lock.json" "$DIR/build.mjs" "$DIR/entry.mjs" | sha256sum | cut -d' ' -f1
}

bundle_ok() {
  [[ -s "$DIR/dist/devtools-heap.mjs" && -f "$DIR/dist/.stamp" ]] &&
    [[ "$(tr -d '[:space:]' < "$DIR/dist/.stamp")" == "$(current_stamp)" ]]
}

ensure_bundle() {
  if bundle_ok; then
    return 0
  fi
  mkdir -p "$DIR/dist"
  # npm's output goes to stderr: stdout is reserved for the oracle's JSON.
  (
    flock 9
    if ! bundle_ok; then
      echo "[run.sh] installing DevTools oracle bundle (npm ci && npm run build) in $DIR" >&2
      cd "$DIR"
      npm ci --no-audit --no-fund >&2
      npm run --silent build >&2
    fi
  ) 9> "$DIR/dist/.install.lock"
  if ! bundle_ok; then
    echo "run.sh: error: could not build $DIR/dist/devtools-heap.mjs" >&2
    exit 1
  fi
}

if ! command -v "$NODE" > /dev/null 2>&1; then
  echo "run.sh: error: node not found (set NODE=/path/to/node)" >&2
  exit 1
fi

ensure_bundle
if [[ "${1:-}" == "build" ]]; then
  exit 0
fi
exec "$NODE" --max-old-space-size="$HEAP_MB" --expose-gc "$DIR/oracle.mjs" "$@"
