# shellcheck shell=bash
# Finds a Java runtime of version 21 or newer. Sourced by the launcher and the build scripts.
# Order: $JAVA_HOME, `java` on PATH, then the newest JDK under the usual install folders.
# Sets LD_JAVA (the java binary), LD_JAVA_HOME (its home) and LD_JAVA_MAJOR (its version).

ld_java_major() {
  local version release
  # A JDK's `release` file names its version: reading it spares starting a JVM (about 40 ms on
  # every run). Without one, ask the JVM itself.
  release="$(dirname "$(readlink -f "$1")")/../release"
  version=""
  if [ -f "$release" ]; then
    version=$(sed -n 's/^JAVA_VERSION="\([^"]*\)".*/\1/p' "$release" | head -n1)
  fi
  if [ -z "$version" ]; then
    version=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n1)
  fi
  case "$version" in
    1.*) echo "${version#1.}" | cut -d. -f1 ;;
    "") echo 0 ;;
    *) echo "${version%%.*}" ;;
  esac
}

ld_find_java() {
  local candidate best="" best_major=0 major
  local -a candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  for candidate in "${candidates[@]}"; do
    if [ -x "$candidate" ]; then
      major=$(ld_java_major "$candidate")
      if [ "$major" -ge 21 ]; then
        best="$candidate"
        best_major="$major"
        break
      fi
    fi
  done
  if [ -z "$best" ]; then
    for candidate in /usr/lib/jvm/*/bin/java /opt/java/*/bin/java /opt/*/bin/java \
                     /Library/Java/JavaVirtualMachines/*/Contents/Home/bin/java; do
      [ -x "$candidate" ] || continue
      major=$(ld_java_major "$candidate")
      if [ "$major" -ge 21 ] && [ "$major" -gt "$best_major" ]; then
        best="$candidate"
        best_major="$major"
      fi
    done
  fi
  if [ -z "$best" ]; then
    echo "leak-detector: needs Java 21 or newer; none found in JAVA_HOME, on PATH or under /usr/lib/jvm." >&2
    echo "Install a JDK 21+ (for example Temurin) or set JAVA_HOME to one." >&2
    return 3
  fi
  LD_JAVA="$best"
  LD_JAVA_MAJOR="$best_major"
  LD_JAVA_HOME=$(cd "$(dirname "$best")/.." && pwd)
}

# Maven itself (jansi, guava) calls APIs that JDK 24+ warns about on every build; those warnings
# are Maven's, not ours, and would greet a newcomer's first build. Older JDKs lack the switches.
ld_quiet_maven() {
  if [ "$LD_JAVA_MAJOR" -ge 24 ]; then
    export MAVEN_OPTS="${MAVEN_OPTS:-} --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
  fi
}
