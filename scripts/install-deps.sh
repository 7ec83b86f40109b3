#!/usr/bin/env bash
# Debian packages svcnet needs at run time and in its tests. Idempotent.
set -euo pipefail
PKGS=(nftables iproute2 dnsutils conntrack nginx-light etcd-server etcd-client nsd dnsperf apache2-utils procps curl socat util-linux openssl docker.io docker-compose kubectl debootstrap containerd runc containernetworking-plugins docker-registry skopeo umoci busybox-static)
missing=()
for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
