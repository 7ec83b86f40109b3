#!/usr/bin/env bash
# Lay out svcnet's runtime tree (what the apps need to run, nothing else) in DEST:
#   package.json, proto/, apps/*/{package.json,dist}, libs/*/{package.json,dist},
#   node_modules (without the build-only tools), bin/svcnet (the entrypoint), bin/svcnet-ctl,
#   bin/svcnet-containerd-config, bin/svcnet-registry, bin/kubectl (copied from this host when present). Build first: `npx tsc -b`.
# Used by deploy/docker/build-images.sh (image context) and deploy/vm/install.sh.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
DEST=${1:?usage: stage-tree.sh DEST}
mkdir -p "$DEST/bin"

for app in apiserver endpoints-controller workload-controller node-agent dns cloud-lb; do
  [ -f "$REPO/apps/$app/dist/main.js" ] || echo "stage-tree: warning: apps/$app/dist/main.js missing (not built yet?)" >&2
done

cp "$REPO/package.json" "$DEST/"
cp -r "$REPO/proto" "$DEST/"
for p in "$REPO"/apps/* "$REPO"/libs/*; do
  rel=${p#"$REPO/"}
  [ -f "$p/package.json" ] || continue
  mkdir -p "$DEST/$rel"
  cp "$p/package.json" "$DEST/$rel/"
  if [ -d "$p/dist" ]; then
    # compiled JS without tests and source maps of tests
    tar -C "$p" -c --exclude='*.test.*' --exclude='*.tsbuildinfo' dist | tar -C "$DEST/$rel" -x
  fi
done
# node_modules keeps its workspace symlinks (node_modules/@svcnet/x -> ../../libs/x);
# build-only tools are left out.
tar -C "$REPO" -c --exclude=node_modules/typescript --exclude=node_modules/nx --exclude=node_modules/@nx \
  --exclude=node_modules/.cache --exclude=node_modules/.bin --exclude=node_modules/@kubernetes \
  --exclude=node_modules/testcontainers --exclude=node_modules/@types node_modules | tar -C "$DEST" -x
install -m 0755 "$REPO/deploy/docker/svcnet-entrypoint.sh" "$DEST/bin/svcnet"
install -m 0755 "$REPO/deploy/svcnet-ctl.js" "$DEST/bin/svcnet-ctl"
# containerd config + registry hosts for a node (Docker entrypoint, deploy/vm/install.sh) and the
# local stand-in registry (Compose/e2e service "registry")
install -m 0755 "$REPO/deploy/docker/containerd-config.js" "$DEST/bin/svcnet-containerd-config"
install -m 0755 "$REPO/deploy/docker/registry.js" "$DEST/bin/svcnet-registry"
if [ "${STAGE_KUBECTL:-1}" = 1 ] && command -v kubectl >/dev/null; then
  k=$(readlink -f "$(command -v kubectl)")
  if file -L "$k" 2>/dev/null | grep -q 'statically linked'; then install -m 0755 "$k" "$DEST/bin/kubectl"; fi
fi
echo "stage-tree: $(du -sh "$DEST" | cut -f1) in $DEST"
