#!/usr/bin/env bash
# The end-to-end suite from a fresh machine: Docker engine, images (cached base), the stand-in
# images the registry container serves (cached), the suite.
#   sudo e2e/run.sh                 everything
#   E2E_ONLY=test e2e/run.sh        skip image builds (images exist)
#   E2E_FILTER='NodePort' ...       only scenarios whose name matches
#   E2E_DUMP_LOGS=1                 print the containers' logs at the end
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO"
export TESTCONTAINERS_RYUK_DISABLED=true
t0=$(date +%s)
step() { echo "== e2e: $* (+$(( $(date +%s) - t0 )) s)"; }

# leftovers of interrupted runs: labelled svcnet.e2e=true with the pid of a test process
# that no longer exists (a suite running at the same time keeps its containers)
cleanup_leftovers() {
  local id pid
  for kind in container network; do
    for id in $(docker $kind ls -q $([ $kind = container ] && echo -a) --filter label=svcnet.e2e=true 2>/dev/null || true); do
      pid=$(docker $kind inspect -f '{{index .'"$([ $kind = container ] && echo Config.)"'Labels "svcnet.e2e.pid"}}' "$id" 2>/dev/null || true)
      if [ -z "$pid" ] || [ "$pid" = "<no value>" ] || ! kill -0 "$pid" 2>/dev/null; then
        # -v: node containers keep containerd's store on anonymous volumes
        docker $kind rm -f $([ $kind = container ] && echo -v) "$id" >/dev/null 2>&1 || docker $kind rm "$id" >/dev/null 2>&1 || true
      fi
    done
  done
}

step "docker engine"
deploy/docker/ensure-dockerd.sh
cleanup_leftovers
trap cleanup_leftovers EXIT
if [ "${E2E_ONLY:-}" != test ]; then
  step "base image"
  deploy/docker/build-base-image.sh
  step "app image (tsc -b + docker build)"
  deploy/docker/build-images.sh
  step "stand-in images for the registry container (cached)"
  deploy/images/build-standins.sh
else
  npx tsc -b tsconfig.json
fi
npx tsc -b e2e/tsconfig.json
step "suite"
args=(--test --test-concurrency=1 --test-reporter=spec)
[ -z "${E2E_FILTER:-}" ] || args+=(--test-name-pattern="$E2E_FILTER")
node "${args[@]}" e2e/dist/*.test.js
step "green"
