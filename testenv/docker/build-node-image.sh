#!/usr/bin/env bash
# build-node-image.sh IMAGE:TAG APPDIR [CMD...]
#
# Builds a minimal Node.js image WITHOUT a registry and without BuildKit: the host's node
# binary + the shared libraries `ldd` lists (at the same paths, plus the dynamic loader) +
# busybox with all its applet links (sh, kill, tar -- needed by `docker cp` --, wget, nc, ...)
# + APPDIR copied to /app, streamed as a tar into `docker import`.
#
#   default CMD  ["/usr/bin/node","/app/server.js"]   (any CMD... arguments replace it)
#   WORKDIR /app, PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin,
#   HOME=/root, /tmp mode 1777, /etc/passwd+group with root and nobody (uid 65534).
#
# Talks to whatever daemon DOCKER_HOST names (e.g. the private one from .ci/lib/dockerd.sh).
# Idempotent: the image carries a label with a hash of every input (node, libs, busybox,
# APPDIR content, CMD, this script); if IMAGE:TAG already has that hash nothing is rebuilt.
# Set LD_IMAGE_FORCE=1 to rebuild anyway.
#
# Environment:
#   LD_NODE_BIN    node binary to put in the image (default: `command -v node`, resolved)
#   LD_BUSYBOX     busybox binary (default: `command -v busybox` or /bin/busybox)
#   LD_IMAGE_FORCE 1 = rebuild even when the hash matches
set -euo pipefail

usage() { echo "usage: $0 IMAGE:TAG APPDIR [CMD...]" >&2; exit 2; }
[ $# -ge 2 ] || usage
image="$1"; appdir="$2"; shift 2
[ -d "$appdir" ] || { echo "$0: APPDIR '$appdir' is not a directory" >&2; exit 2; }
command -v docker >/dev/null || { echo "$0: docker CLI not found" >&2; exit 1; }

node_bin=$(readlink -f "${LD_NODE_BIN:-$(command -v node || true)}")
[ -x "$node_bin" ] || { echo "$0: node binary not found (set LD_NODE_BIN)" >&2; exit 1; }
busybox_bin="${LD_BUSYBOX:-$(command -v busybox || echo /bin/busybox)}"
busybox_bin=$(readlink -f "$busybox_bin")
[ -x "$busybox_bin" ] || { echo "$0: busybox not found (apt-get install busybox-static)" >&2; exit 1; }

if [ $# -gt 0 ]; then
  # JSON-encode the CMD with node itself (handles quotes/spaces/backslashes correctly).
  cmd_json=$("$node_bin" -e 'process.stdout.write(JSON.stringify(process.argv.slice(1)))' -- "$@")
else
  cmd_json='["/usr/bin/node","/app/server.js"]'
fi
image_path='/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'

# Shared libraries (absolute paths, as ldd prints them) of node and busybox, plus the loader.
libs_of() {
  ldd "$1" 2>/dev/null | awk '
    $2 == "=>" && $3 ~ /^\// { print $3 }
    $1 ~ /^\// { print $1 }' || true
}
mapfile -t libs < <( { libs_of "$node_bin"; libs_of "$busybox_bin"; } | sort -u)

# ---- input hash (cheap: stat of binaries, full content of APPDIR) -------------------------
script_self="${BASH_SOURCE[0]}"
hash=$(
  {
    echo "v1 $cmd_json"
    sha256sum "$script_self" | cut -d' ' -f1
    stat -L -c '%n %s %Y' "$node_bin" "$busybox_bin" "${libs[@]}"
    (cd "$appdir" && find . -print0 | LC_ALL=C sort -z |
       tar -cf - --no-recursion --mtime=@0 --owner=0 --group=0 --numeric-owner --null -T -) |
      sha256sum
  } | sha256sum | cut -c1-32
)
old_id=$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
if [ "${LD_IMAGE_FORCE:-0}" != 1 ] && [ -n "$old_id" ]; then
  have=$(docker image inspect --format '{{ index .Config.Labels "leak-detector.testenv.hash" }}' \
           "$image" 2>/dev/null || true)
  if [ "$have" = "$hash" ]; then
    echo "$image is up to date ($hash)" >&2
    docker image inspect --format '{{.Id}}' "$image"
    exit 0
  fi
fi

# ---- root filesystem -----------------------------------------------------------------------
work=$(mktemp -d /tmp/ld-nodeimg.XXXXXX)
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,etc,root,app,proc,sys,dev,run,var/tmp,tmp}
chmod 1777 "$root/tmp" "$root/var/tmp"
chmod 700 "$root/root"

cp "$node_bin" "$root/usr/bin/node"
for lib in "${libs[@]}"; do
  # Copy to the same path ldd printed (e.g. /lib/x86_64-linux-gnu/libc.so.6 and the loader
  # /lib64/ld-linux-x86-64.so.2); -L dereferences the host's symlinks.
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done

cp "$busybox_bin" "$root/bin/busybox"
for applet in $("$busybox_bin" --list); do
  case "$applet" in busybox|node) continue ;; esac
  [ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
# Scripts commonly expect /usr/bin/env.
ln -s ../../bin/busybox "$root/usr/bin/env"

cat >"$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat >"$root/etc/group" <<'GROUP'
root:x:0:
nogroup:x:65534:
GROUP
echo 'hosts: files dns' >"$root/etc/nsswitch.conf"
# Docker bind-mounts these at run time; empty placeholders keep runc from creating them.
: >"$root/etc/hosts"; : >"$root/etc/resolv.conf"; : >"$root/etc/hostname"

cp -a "$appdir/." "$root/app/"

# ---- import --------------------------------------------------------------------------------
tar -C "$root" -cf - --numeric-owner --owner=0 --group=0 . |
  docker import \
    --change "ENV PATH=$image_path" \
    --change 'ENV HOME=/root' \
    --change 'WORKDIR /app' \
    --change "LABEL leak-detector.testenv.hash=$hash" \
    --change "LABEL leak-detector.testenv.image=node" \
    --change "CMD $cmd_json" \
    --message "leak-detector test image (node $("$node_bin" --version))" \
    - "$image"

# The previous build of this tag is now untagged; drop it unless a container still uses it.
if [ -n "$old_id" ] && [ "$old_id" != "$(docker image inspect --format '{{.Id}}' "$image")" ]; then
  docker rmi "$old_id" >/dev/null 2>&1 || true
fi
