# shellcheck shell=bash
# .ci/lib/dockerd.sh -- start/stop a PRIVATE Docker daemon for leak-detector's tests.
#
# Source it, then:
#   ld_docker_install            # apt-get docker.io + busybox-static if missing (quiet, idempotent)
#   ld_docker_start /tmp/ld-dkr  # private dockerd in that dir; exports DOCKER_HOST; prints it
#   ... tests (they talk to the daemon only through $DOCKER_HOST) ...
#   ld_docker_stop /tmp/ld-dkr   # stop it (add --purge to also delete DIR)
#
# Everything the daemon owns lives in DIR: docker.sock, data/ (images, containers), exec/
# (its own containerd), dockerd.pid, dockerd.log. The system docker service, /var/lib/docker
# and /var/run/docker.sock are never used.
#
# Network choice (tested on the Debian 12 sandbox: docker.io 20.10.24, iptables 1.8.9 nf_tables,
# cgroup v1). LD_DOCKER_NET picks it; the mode that came up is exported as LD_DOCKER_NET_MODE
# and written to DIR/net-mode, so tests can skip what the mode cannot do.
#   isolated (default): --iptables=false --ip-masq=false --ip-forward=false --dns 127.0.0.1
#       The default docker0 bridge exists (containers get 172.17.x addresses), but dockerd
#       writes NO iptables rules and does not switch on IPv4 forwarding, so nothing of the
#       host firewall is touched and containers cannot reach anything off this machine.
#       `-p 127.0.0.1:PORT:8080` still works: docker-proxy (userland proxy, default on)
#       listens on 127.0.0.1:PORT and relays in user space. Side effect: `docker run` prints
#       "WARNING: IPv4 forwarding is disabled. Networking will not work." -- harmless here.
#   bridge: plain dockerd defaults. Also works here, but it adds DOCKER* chains, sets the
#       FORWARD policy to DROP, turns on net.ipv4.ip_forward and leaves all that behind after
#       stop. Only when asked for explicitly.
#   none: --bridge=none (fallback of the default when the bridge cannot be created). Only the
#       host and none networks exist; containers have just loopback, `-p` publishes nothing
#       reachable (`docker run -p` still succeeds!). docker exec / cp / logs still work, and
#       so does the exec-based relay to the in-container inspector.
#   auto = isolated, then none. Extra dockerd flags: LD_DOCKER_ARGS.
# The docker0 bridge is created by dockerd; ld_docker_stop deletes it again if it did not
# exist before ld_docker_start. Two private daemons at once would both want docker0: give the
# second one its own bridge (LD_DOCKER_ARGS="--bridge=NAME", bridge made beforehand) or don't.
#
# Keep DIR short: unix socket paths are limited to 107 bytes and containerd puts its socket
# at DIR/exec/containerd/containerd.sock.

LD_DOCKER_START_TIMEOUT="${LD_DOCKER_START_TIMEOUT:-60}"

# dockerd, runc and docker-proxy live in /usr/sbin on Debian; some CI PATHs lack it.
case ":$PATH:" in *:/usr/sbin:*) ;; *) PATH="$PATH:/usr/sbin:/sbin" ;; esac

_ld_log() { printf '[dockerd.sh] %s\n' "$*" >&2; }

# ld_docker_install: ensure dockerd, the docker CLI, containerd/runc and busybox exist.
ld_docker_install() {
  local need=()
  command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
  command -v docker >/dev/null 2>&1 || need+=(docker.io)
  # busybox: any busybox is fine for build-node-image.sh (it copies busybox's libraries if it
  # is dynamic), but prefer the static one. busybox-static conflicts with the busybox package.
  if ! command -v busybox >/dev/null 2>&1 && [ ! -x /bin/busybox ]; then
    need+=(busybox-static)
  fi
  if [ "${#need[@]}" -eq 0 ]; then
    return 0
  fi
  local pkgs
  pkgs=$(printf '%s\n' "${need[@]}" | sort -u | tr '\n' ' ')
  _ld_log "installing: $pkgs"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  local log
  log=$(mktemp /tmp/ld-apt.XXXXXX)
  # shellcheck disable=SC2086
  if ! { $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $pkgs >"$log" 2>&1 ||
         { $sudo apt-get update -q >>"$log" 2>&1 &&
           $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $pkgs >>"$log" 2>&1; }; }; then
    _ld_log "apt-get install failed:"
    tail -n 30 "$log" >&2
    rm -f "$log"
    return 1
  fi
  rm -f "$log"
  hash -r
  command -v dockerd >/dev/null 2>&1 || { _ld_log "dockerd still not found after install"; return 1; }
  return 0
}

# _ld_docker_ping SOCK: true when the daemon on SOCK answers.
_ld_docker_ping() {
  DOCKER_HOST="unix://$1" docker info --format '{{.ServerVersion}}' >/dev/null 2>&1
}

_ld_pid_alive() { [ -n "$1" ] && kill -0 "$1" 2>/dev/null; }

# _ld_dockerd_launch DIR MODE: start dockerd detached; echo its pid.
_ld_dockerd_launch() {
  local dir="$1" mode="$2"
  local -a args=(
    -H "unix://$dir/docker.sock"
    --data-root "$dir/data"
    --exec-root "$dir/exec"
    --pidfile "$dir/dockerd.pid"
    --config-file "$dir/daemon.json"
    --log-level "${LD_DOCKER_LOG_LEVEL:-warn}"
  )
  case "$mode" in
    isolated) args+=(--iptables=false --ip-masq=false --ip-forward=false --dns 127.0.0.1) ;;
    none)     args+=(--iptables=false --ip-masq=false --ip-forward=false --bridge=none) ;;
    bridge)   ;;
  esac
  # shellcheck disable=SC2206
  [ -n "${LD_DOCKER_ARGS:-}" ] && args+=(${LD_DOCKER_ARGS})
  [ -f "$dir/daemon.json" ] || echo '{}' >"$dir/daemon.json"
  {
    echo "=== $(date -u +%FT%TZ) dockerd mode=$mode: dockerd ${args[*]}"
  } >>"$dir/dockerd.log"
  # setsid: own session/process group, so it is not tied to the caller's terminal or job
  # control; stdin from /dev/null so CI's missing stdin doesn't matter.
  setsid dockerd "${args[@]}" </dev/null >>"$dir/dockerd.log" 2>&1 &
  echo $!
}

# ld_docker_start DIR: start (or reuse) the private daemon in DIR. Exports and prints DOCKER_HOST.
ld_docker_start() {
  local dir="${1:?usage: ld_docker_start DIR}"
  mkdir -p "$dir" || return 1
  dir=$(cd "$dir" && pwd -P)
  local sock="$dir/docker.sock"
  if [ "${#sock}" -gt 90 ] || [ $(( ${#dir} + 32 )) -gt 107 ]; then
    _ld_log "DIR '$dir' is too long for unix sockets; use a short path like /tmp/ld-docker"
    return 1
  fi
  command -v dockerd >/dev/null 2>&1 || { _ld_log "dockerd not installed (run ld_docker_install)"; return 1; }

  # Reuse a daemon that is already running for this DIR.
  local oldpid=""
  [ -f "$dir/dockerd.pid" ] && oldpid=$(cat "$dir/dockerd.pid" 2>/dev/null)
  if _ld_pid_alive "$oldpid" && _ld_docker_ping "$sock"; then
    export DOCKER_HOST="unix://$sock"
    LD_DOCKER_NET_MODE=$(cat "$dir/net-mode" 2>/dev/null || echo unknown)
    export LD_DOCKER_NET_MODE
    echo "$DOCKER_HOST"
    return 0
  fi
  if _ld_pid_alive "$oldpid"; then
    _ld_log "stale dockerd pid $oldpid for $dir does not answer; stopping it"
    ld_docker_stop "$dir" >/dev/null 2>&1 || true
  fi
  rm -f "$dir/dockerd.pid" "$sock"

  local modes
  case "${LD_DOCKER_NET:-auto}" in
    auto) modes="isolated none" ;;
    isolated|bridge|none) modes="$LD_DOCKER_NET" ;;
    *) _ld_log "LD_DOCKER_NET must be auto, isolated, bridge or none"; return 1 ;;
  esac
  if command -v ip >/dev/null 2>&1 && ! ip link show docker0 >/dev/null 2>&1; then
    touch "$dir/created-docker0"
  fi

  local mode pid start deadline logstart
  for mode in $modes; do
    touch "$dir/dockerd.log"
    logstart=$(( $(wc -l <"$dir/dockerd.log") + 1 ))
    start=$(date +%s%N)
    pid=$(_ld_dockerd_launch "$dir" "$mode")
    echo "$pid" >"$dir/dockerd.launcher.pid"
    deadline=$(( $(date +%s) + LD_DOCKER_START_TIMEOUT ))
    while :; do
      if _ld_docker_ping "$sock"; then
        export DOCKER_HOST="unix://$sock"
        export LD_DOCKER_NET_MODE="$mode"
        echo "$mode" >"$dir/net-mode"
        [ "$mode" = none ] && _ld_log "WARNING: bridge networking unavailable; published ports will NOT work (mode none)"
        _ld_log "dockerd (pid $pid, mode $mode) ready in $(( ($(date +%s%N) - start) / 1000000 )) ms; log: $dir/dockerd.log"
        echo "$DOCKER_HOST"
        return 0
      fi
      if ! _ld_pid_alive "$pid" && ! _ld_pid_alive "$(cat "$dir/dockerd.pid" 2>/dev/null)"; then
        # setsid forks when the caller is a process-group leader; then the real dockerd
        # writes its pid file a moment later. Give it that moment before declaring death.
        sleep 1
        if [ -f "$dir/dockerd.pid" ] && _ld_pid_alive "$(cat "$dir/dockerd.pid" 2>/dev/null)"; then
          pid=$(cat "$dir/dockerd.pid"); continue
        fi
        _ld_log "dockerd (mode $mode) exited during start-up; log tail:"
        tail -n +"$logstart" "$dir/dockerd.log" | tail -n 25 >&2
        break
      fi
      if [ "$(date +%s)" -ge "$deadline" ]; then
        _ld_log "dockerd (mode $mode) did not answer within ${LD_DOCKER_START_TIMEOUT}s; log tail:"
        tail -n +"$logstart" "$dir/dockerd.log" | tail -n 25 >&2
        ld_docker_stop "$dir" >/dev/null 2>&1
        break
      fi
      sleep 0.1
    done
    rm -f "$dir/dockerd.pid" "$sock"
    [ "$mode" = isolated ] && [ "${LD_DOCKER_NET:-auto}" = auto ] && _ld_log "retrying with --bridge=none"
  done
  _ld_log "FAILED to start a private dockerd in $dir (full log: $dir/dockerd.log)"
  return 1
}

# ld_docker_stop DIR [--purge]: stop the daemon started by ld_docker_start DIR (and its
# containerd; running containers are killed by dockerd on shutdown). --purge removes DIR.
ld_docker_stop() {
  local dir="${1:?usage: ld_docker_stop DIR [--purge]}"
  local purge="${2:-}"
  [ -d "$dir" ] || return 0
  dir=$(cd "$dir" && pwd -P)
  local pid=""
  [ -f "$dir/dockerd.pid" ] && pid=$(cat "$dir/dockerd.pid" 2>/dev/null)
  _ld_pid_alive "$pid" || { [ -f "$dir/dockerd.launcher.pid" ] && pid=$(cat "$dir/dockerd.launcher.pid"); }
  if _ld_pid_alive "$pid"; then
    # Remove test containers first: quicker and cleaner than dockerd's shutdown timeout.
    if _ld_docker_ping "$dir/docker.sock"; then
      local ids
      ids=$(DOCKER_HOST="unix://$dir/docker.sock" docker ps -aq 2>/dev/null)
      # shellcheck disable=SC2086
      if [ -n "$ids" ]; then DOCKER_HOST="unix://$dir/docker.sock" docker rm -f $ids >/dev/null 2>&1 || true; fi
    fi
    kill -TERM "$pid" 2>/dev/null || true
    local _
    for _ in $(seq 1 150); do
      _ld_pid_alive "$pid" || break
      sleep 0.1
    done
    if _ld_pid_alive "$pid"; then
      _ld_log "dockerd pid $pid ignored SIGTERM for 15s; SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
    fi
  fi
  # dockerd's own containerd (started under DIR/exec) exits with it; make sure.
  local cpid=""
  [ -f "$dir/exec/containerd/containerd.pid" ] && cpid=$(cat "$dir/exec/containerd/containerd.pid" 2>/dev/null)
  if _ld_pid_alive "$cpid"; then
    kill -TERM "$cpid" 2>/dev/null || true
    sleep 1
    if _ld_pid_alive "$cpid"; then kill -KILL "$cpid" 2>/dev/null || true; fi
  fi
  rm -f "$dir/dockerd.pid" "$dir/dockerd.launcher.pid" "$dir/docker.sock" "$dir/net-mode"
  if [ -f "$dir/created-docker0" ]; then
    ip link delete docker0 2>/dev/null || true
    rm -f "$dir/created-docker0"
  fi
  if [ "${DOCKER_HOST:-}" = "unix://$dir/docker.sock" ]; then unset DOCKER_HOST; fi
  if [ "$purge" = --purge ]; then
    # overlay2 mounts are gone once dockerd stopped; unmount leftovers defensively.
    { grep -o " $dir/[^ ]*" /proc/self/mounts 2>/dev/null || true; } | sort -r |
      while read -r m; do umount -l "$m" 2>/dev/null || true; done
    rm -rf "$dir"
  fi
  return 0
}
