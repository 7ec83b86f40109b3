#!/usr/bin/env bash
# Runs every test of svcnet on a fresh Debian machine: installs what it needs, builds, runs
# the unit tests, the root tests (network namespaces, nftables, real processes) and the e2e suite.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n=== %s [%s]\n' "$*" "$(date +%T)"; }

if [ "$(id -u)" != 0 ]; then echo "run as root: the tests create network namespaces and nftables tables" >&2; exit 1; fi

log "installing Debian packages"
./scripts/install-deps.sh

log "installing npm packages"
npm ci --no-audit --no-fund --loglevel=error || {
  echo "npm ci failed (lock file out of date?); falling back to npm install"
  npm install --no-audit --no-fund --loglevel=error
}

log "building"
npx tsc -b tsconfig.json

log "lint (Nx module boundaries)"
# The boundary rule reads Nx's cached project graph: compute it first, or the rule is skipped.
NX_DAEMON=false npx nx show projects >/dev/null
# one eslint process for the whole tree (nx run-many -t lint does the same per project, slower)
NX_DAEMON=false npx eslint --max-warnings=0 apps libs e2e bench

log "unit and root tests (nx run-many -t test)"
NX_DAEMON=false npx nx run-many -t test --parallel=1 --outputStyle=stream --skipNxCache

log "all tests passed"
