#!/usr/bin/env bash
# Build svcnet/svcnet:local, the one image every app runs from (`svcnet <app> [flags]`).
#   BASE_IMAGE=svcnet/base:local (default; made by build-base-image.sh, no registry needed)
#   BASE_IMAGE=node:20-bookworm-slim (with a registry)
#   SKIP_TSC=1 to skip `npx tsc -b` (already built)
set -euo pipefail
REPO=$(cd "$(dirname "$0")/../.." && pwd)
IMAGE=${IMAGE:-svcnet/svcnet:local}
BASE_IMAGE=${BASE_IMAGE:-svcnet/base:local}
start=$(date +%s)

if [ "${SKIP_TSC:-0}" != 1 ]; then
  echo "build-images: npx tsc -b"
  (cd "$REPO" && npx tsc -b)
fi
ctx=$(mktemp -d /var/tmp/svcnet-ctx.XXXXXX)
trap 'rm -rf --one-file-system "$ctx"' EXIT
"$REPO/deploy/stage-tree.sh" "$ctx"
cp "$REPO/deploy/docker/Dockerfile" "$REPO/deploy/docker/.dockerignore" "$ctx/"
echo "build-images: docker build $IMAGE from $BASE_IMAGE"
docker build -q --build-arg BASE_IMAGE="$BASE_IMAGE" -t "$IMAGE" -f "$ctx/Dockerfile" "$ctx" >/dev/null
echo "build-images: $IMAGE built in $(( $(date +%s) - start )) s ($(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%d MB", $1/1e6}'))"
