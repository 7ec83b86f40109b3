#!/usr/bin/env bash
# Runs every benchmark in bench/ (root: they create network namespaces). --quick for a short pass.
set -uo pipefail
cd "$(dirname "$0")/.."
[ -f apps/apiserver/dist/main.js ] || npx tsc -b tsconfig.json
status=0
run() {
  local script=$1; shift
  [ -f "$script" ] || { echo "== $script: not present, skipped"; return; }
  echo; echo "== $script $*"
  node "$script" "$@" || { echo "!! $script failed"; status=1; }
}
run bench/apiserver/run.js "$@"
run bench/proxy/run.js "$@"
run apps/dns/bench/dnsperf.js $( [ "${1:-}" = --quick ] && echo "--seconds 3 --sizes 1000" )
run bench/kubectl/run.js "$@"
run bench/cloud-lb/run.js "$@"
run bench/pods/run.js "$@"
exit $status
