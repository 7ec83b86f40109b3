#!/usr/bin/env bash
# Build svcnet's local stand-ins for the images the Service tutorials use (nginx, busybox, whoami,
# curl, netshoot, pause, ...) as OCI images in ONE OCI image layout, from Debian packages only.
#
#   build-standins.sh [--out DIR] [--force]      (default DIR: /var/cache/svcnet/standins; root)
#
# Output: DIR/layout (OCI layout; one tag per stand-in id of libs/local-registry/src/standins.json,
# e.g. "nginx", which @svcnet/local-registry publishes under every ref of that entry),
# DIR/images.tsv (id, manifest digest, size), DIR/build-hash. Cached: nothing is rebuilt while the
# hash of this script, lib/*, the per-image directories and standins.json equals DIR/build-hash;
# the base layers (debootstrap of Debian packages) are cached separately in DIR/cache.
set -euo pipefail
export LC_ALL=C
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
STANDINS_JSON=${STANDINS_JSON:-$REPO/libs/local-registry/src/standins.json}
OUT=/var/cache/svcnet/standins
FORCE=0
while [ $# -gt 0 ]; do
  case "$1" in
    --out) OUT=${2:?--out needs a directory}; shift 2 ;;
    --out=*) OUT=${1#--out=}; shift ;;
    --force) FORCE=1; shift ;;
    -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "build-standins: unknown argument $1" >&2; exit 2 ;;
  esac
done
OUT=$(mkdir -p "$OUT" && cd "$OUT" && pwd)
CACHE="$OUT/cache"
export BUILD_START_MS
BUILD_START_MS=$(date +%s%3N)
. "$HERE/lib/common.sh"
. "$HERE/lib/base.sh"

# Inputs: everything under deploy/images except docs, plus the image list.
input_hash() {
  (cd "$HERE" && find . -type f ! -name '*.md' -print0 | sort -z | xargs -0 sha256sum
   sha256sum "$STANDINS_JSON" | sed "s#  .*#  standins.json#") | sha256sum | cut -c1-16
}
[ -f "$STANDINS_JSON" ] || die "no image list at $STANDINS_JSON"
HASH=$(input_hash)
if [ "$FORCE" = 0 ] && [ -f "$OUT/layout/index.json" ] && [ "$(cat "$OUT/build-hash" 2>/dev/null)" = "$HASH" ]; then
  log "up to date ($OUT/layout, inputs $HASH)"
  exit 0
fi

[ "$(id -u)" = 0 ] || die "needs root (debootstrap, file ownership in layers)"
for tool in umoci node dpkg-deb sha256sum tar; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done
BASE_KEY=$(cat "$HERE"/lib/*.sh "$HERE/busybox/passwd" "$HERE/busybox/group" | sha256sum | cut -c1-16)
mkdir -p "$CACHE"
WORK=$(mktemp -d "$CACHE/work.XXXXXX")
NEW="$OUT/layout.new.$$"
cleanup() { rm -rf --one-file-system "$WORK" "$NEW"; }
trap cleanup EXIT
export TMPDIR=$WORK

log "inputs $HASH, base $BASE_KEY, out $OUT"
ensure_base_layout

# The new layout starts as the base layout: blobs hard-linked (never rewritten by umoci), index copied.
mkdir -p "$NEW"
cp -al "$BASE_LAYOUT/blobs" "$NEW/"
cp "$BASE_LAYOUT/index.json" "$BASE_LAYOUT/oci-layout" "$NEW/"
LAYOUT=$NEW

# id<TAB>description, in file order (an image may build on an earlier one: echo-nginx on nginx).
mapfile -t ENTRIES < <(node -e '
  const j = require(process.argv[1]);
  for (const i of j.images) console.log(i.id + "\t" + i.description);' "$STANDINS_JSON")
for entry in "${ENTRIES[@]}"; do
  ID=${entry%%$'\t'*}
  DESCRIPTION=${entry#*$'\t'}
  [ -f "$HERE/$ID/build.sh" ] || die "no recipe $HERE/$ID/build.sh for stand-in $ID"
  IMG_DIR="$HERE/$ID"
  IMG_WORK="$WORK/img-$ID"
  mkdir -p "$IMG_WORK"
  log "image $ID: building"
  # A subshell keeps each recipe's variables to itself; set -e still stops the build on failure.
  # shellcheck source=/dev/null
  (. "$IMG_DIR/build.sh")
done

umoci rm --image "$LAYOUT:base-debian"
umoci rm --image "$LAYOUT:base-busybox"
umoci gc --layout "$LAYOUT"

# Swap in the new layout, then record what was built.
rm -rf "$OUT/layout.old"
[ -d "$OUT/layout" ] && mv "$OUT/layout" "$OUT/layout.old"
mv "$NEW" "$OUT/layout"
rm -rf "$OUT/layout.old"
node "$HERE/lib/layout-sizes.js" "$OUT/layout" >"$OUT/images.tsv"
echo "$HASH" >"$OUT/build-hash"
# Old cache generations (other base keys) are dead weight.
for old in "$CACHE"/rootfs-* "$CACHE"/base-*; do
  case "$old" in *"$BASE_KEY"*) ;; *) rm -rf --one-file-system "$old" ;; esac
done
log "done: $(du -sh "$OUT/layout" | cut -f1) in $OUT/layout"
column -t -s $'\t' "$OUT/images.tsv" 2>/dev/null || cat "$OUT/images.tsv"
