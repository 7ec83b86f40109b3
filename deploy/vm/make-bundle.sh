#!/usr/bin/env bash
# A tarball of the built runtime tree plus deploy/vm, for VMs without a checkout:
#   deploy/vm/make-bundle.sh svcnet.tar.gz   then on the VM:
#   mkdir b && tar -C b -xzf svcnet.tar.gz && sudo b/deploy/vm/install.sh --role node ...
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:?usage: make-bundle.sh OUT.tar.gz}
tmp=$(mktemp -d /var/tmp/svcnet-bundle.XXXXXX)
trap 'rm -rf --one-file-system "$tmp"' EXIT
"$REPO/deploy/stage-tree.sh" "$tmp" >/dev/null
mkdir -p "$tmp/deploy"
cp -r "$REPO/deploy/vm" "$tmp/deploy/"
tar -C "$tmp" -czf "$OUT" .
echo "make-bundle: $OUT ($(du -h "$OUT" | cut -f1))"
