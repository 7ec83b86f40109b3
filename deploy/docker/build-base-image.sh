#!/usr/bin/env bash
# Build the local base image svcnet/base:local without a registry:
# debootstrap a minimal Debian bookworm with the tools nodes and pods need, copy in this
# host's Node.js binary (the apps need Node >= 20), and `docker import` the tree.
# Nodes run containerd + runc (pods are containers; CNI loopback from containernetworking-plugins),
# the registry service runs docker-registry and pushes with skopeo.
# Cached: does nothing when the image exists and was built from the same package list and
# Node.js (label svcnet.base.key); FORCE=1 rebuilds.
set -euo pipefail
IMAGE=${BASE_IMAGE_NAME:-svcnet/base:local}
SUITE=${SUITE:-bookworm}
PACKAGES=nftables,iproute2,curl,dnsutils,nginx-light,conntrack,procps,ca-certificates,libstdc++6,iputils-ping,netcat-openbsd,util-linux,containerd,runc,containernetworking-plugins,docker-registry,skopeo

node_bin=$(command -v node || true)
[ -n "$node_bin" ] || { echo "build-base-image: no node binary on this host" >&2; exit 1; }
KEY=$( { echo "$SUITE $PACKAGES"; "$node_bin" -v; } | sha256sum | cut -c1-16)
if [ "${FORCE:-0}" != 1 ] && [ "$(docker image inspect -f '{{index .Config.Labels "svcnet.base.key"}}' "$IMAGE" 2>/dev/null)" = "$KEY" ]; then
  echo "build-base-image: $IMAGE is up to date (key $KEY; FORCE=1 to rebuild)"
  exit 0
fi
[ "$(id -u)" = 0 ] || { echo "build-base-image: needs root (debootstrap)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "build-base-image: apt-get install debootstrap" >&2; exit 1; }

# Mirror: MIRROR=..., else the first Debian URI in this machine's apt sources.
mirror=${MIRROR:-}
if [ -z "$mirror" ]; then
  mirror=$(grep -hE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null \
    | grep -oE 'https?://[^ ]*/debian/?( |$)' | grep -v security | head -1 | tr -d ' ' || true)
fi
mirror=${mirror:-http://deb.debian.org/debian}

node_major=$("$node_bin" -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || { echo "build-base-image: node $("$node_bin" -v) is older than 20" >&2; exit 1; }

dir=$(mktemp -d /var/tmp/svcnet-base.XXXXXX)
cleanup() { rm -rf --one-file-system "$dir"; }
trap cleanup EXIT

start=$(date +%s)
echo "build-base-image: debootstrap $SUITE from $mirror into $dir"
debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$dir" "$mirror" >"$dir.log" 2>&1 \
  || { tail -30 "$dir.log" >&2; rm -f "$dir.log"; exit 1; }
rm -f "$dir.log"
echo "build-base-image: debootstrap done in $(( $(date +%s) - start )) s"

install -m 0755 "$node_bin" "$dir/usr/local/bin/node"
# Debian's nginx package starts nothing inside a container; keep the config but no default site pid.
rm -rf "$dir/var/cache/apt/archives/"*.deb "$dir/var/lib/apt/lists/"* "$dir/usr/share/doc" "$dir/usr/share/man" "$dir/usr/share/locale"
mkdir -p "$dir/run/netns"
# containerd is started by the svcnet node entrypoint (or systemd on a VM), never by dpkg here
rm -f "$dir/etc/containerd/config.toml.dpkg-dist"
echo "build-base-image: importing $IMAGE (node $("$node_bin" -v))"
tar -C "$dir" -c . | docker import \
  -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  -c 'CMD ["/bin/bash"]' -c "LABEL svcnet.base.key=$KEY" - "$IMAGE" >/dev/null
echo "build-base-image: $IMAGE built in $(( $(date +%s) - start )) s"
