#!/usr/bin/env bash
# Start the Docker engine if it is not answering, and wait for its socket. Idempotent.
# dockerd runs with --iptables=false --ip6tables=false so it never touches the host's
# nftables/iptables ruleset; svcnet's networks are --internal bridges that need no NAT.
set -euo pipefail
SOCK=${DOCKER_SOCK:-/var/run/docker.sock}
LOG=${DOCKERD_LOG:-/var/log/svcnet-dockerd.log}

if docker info >/dev/null 2>&1; then
  echo "ensure-dockerd: docker engine already running"
  exit 0
fi
if ! command -v dockerd >/dev/null; then
  echo "ensure-dockerd: dockerd not installed (apt-get install docker.io)" >&2
  exit 1
fi
if [ "$(id -u)" != 0 ]; then
  echo "ensure-dockerd: must run as root to start dockerd" >&2
  exit 1
fi
# one starter at a time (several test runs may call this together)
exec 9>/run/svcnet-ensure-dockerd.lock
flock 9
if docker info >/dev/null 2>&1; then
  echo "ensure-dockerd: docker engine already running"
  exit 0
fi
# A dockerd that is starting or shutting down holds /var/run/docker.pid: wait for it to answer
# or to exit; a pid file of a dead process is stale.
if [ -f /var/run/docker.pid ]; then
  old=$(cat /var/run/docker.pid 2>/dev/null || true)
  for _ in $(seq 1 60); do
    if docker info >/dev/null 2>&1; then echo "ensure-dockerd: docker engine ready (pid $old)"; exit 0; fi
    [ -n "$old" ] && kill -0 "$old" 2>/dev/null || break
    sleep 0.5
  done
  if [ -n "$old" ] && kill -0 "$old" 2>/dev/null; then
    echo "ensure-dockerd: dockerd $old neither answers nor exits; not starting another" >&2
    exit 1
  fi
  rm -f /var/run/docker.pid
fi
echo "ensure-dockerd: starting dockerd (log: $LOG)"
# setsid + nohup: the daemon outlives this script and the test run.
setsid nohup dockerd --iptables=false --ip6tables=false --ip-forward=false \
  --ip-masq=false --host "unix://$SOCK" >>"$LOG" 2>&1 </dev/null &
pid=$!
echo $pid > /var/run/svcnet-dockerd.pid
for _ in $(seq 1 120); do
  if ! kill -0 "$pid" 2>/dev/null; then
    echo "ensure-dockerd: dockerd exited; last log lines:" >&2
    tail -5 "$LOG" >&2
    exit 1
  fi
  if docker info >/dev/null 2>&1; then
    echo "ensure-dockerd: docker engine ready (pid $(cat /var/run/svcnet-dockerd.pid))"
    exit 0
  fi
  sleep 0.5
done
echo "ensure-dockerd: dockerd did not come up in 60 s; last log lines:" >&2
tail -20 "$LOG" >&2
exit 1
