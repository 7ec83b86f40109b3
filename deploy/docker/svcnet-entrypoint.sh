#!/usr/bin/env bash
# svcnet image entrypoint: `svcnet <app> [flags...]` runs apps/<app>/dist/main.js with the
# image's Node.js; anything else is executed as a command (`svcnet sh -c ...`, `svcnet bash`).
set -euo pipefail
SVCNET_HOME=${SVCNET_HOME:-/opt/svcnet}
APPS="apiserver endpoints-controller workload-controller node-agent dns cloud-lb"

# --- containerd of a node container (SVCNET_START_CONTAINERD=true, the image's default) -------
# Pods are containers: the node-agent talks CRI to this containerd, which calls svcnet's CNI plugin
# (installed by the agent into the cni bin dir below). On a VM, systemd runs containerd instead
# (deploy/vm) and this is skipped. containerd is started once per container and is not restarted
# with the agent (SVCNET_SUPERVISE): its containers keep running across agent restarts.
CTD_CONFIG=${SVCNET_CONTAINERD_CONFIG:-/etc/svcnet/containerd/config.toml}
CTD_SOCKET=${SVCNET_CONTAINERD_SOCKET:-/run/containerd/containerd.sock}
CTD_LOG=${SVCNET_CONTAINERD_LOG:-/var/log/svcnet/containerd.log}
CTD_PID=0
containerd_answers() { ctr --address "$CTD_SOCKET" version >/dev/null 2>&1; }
start_containerd() {
  if containerd_answers; then
    echo "svcnet: containerd already answers on $CTD_SOCKET" >&2
    return 0
  fi
  local t0 tries=0
  t0=$(date +%s%N)
  # this container's life: boot id + start time of its pid 1 (a `docker restart` changes it)
  local life
  life="$(cat /proc/sys/kernel/random/boot_id) $(cut -d' ' -f22 /proc/1/stat)"
  if [ "$(cat /run/containerd/.svcnet-life 2>/dev/null)" != "$life" ] && ! pgrep -f containerd-shim >/dev/null; then
    # a restarted node container: the runtime state of its previous life is stale (its
    # processes are gone); the content store and metadata in /var/lib/containerd are kept
    rm -rf --one-file-system /run/containerd
    for f in /run/netns/*; do if [ -e "$f" ] && ! mountpoint -q "$f"; then rm -f "$f"; fi; done
  fi
  mkdir -p /run/containerd "$(dirname "$CTD_LOG")"
  echo "$life" > /run/containerd/.svcnet-life
  node "$SVCNET_HOME/bin/svcnet-containerd-config" --config="$CTD_CONFIG" --socket="$CTD_SOCKET" \
    --cni-bin-dir="${SVCNET_CNI_BIN_DIR:-/var/lib/svcnet/cni/bin}" --cni-conf-dir="${SVCNET_CNI_CONF_DIR:-/var/lib/svcnet/cni/net.d}" >&2
  containerd --config "$CTD_CONFIG" >>"$CTD_LOG" 2>&1 </dev/null &
  CTD_PID=$!
  until containerd_answers; do
    if ! kill -0 "$CTD_PID" 2>/dev/null; then
      echo "svcnet: containerd exited during startup; $CTD_LOG:" >&2
      tail -20 "$CTD_LOG" >&2
      exit 1
    fi
    tries=$((tries + 1))
    if [ "$tries" -gt "${SVCNET_CONTAINERD_TIMEOUT:-30}0" ]; then
      echo "svcnet: containerd does not answer on $CTD_SOCKET after ${SVCNET_CONTAINERD_TIMEOUT:-30} s; $CTD_LOG:" >&2
      tail -20 "$CTD_LOG" >&2
      exit 1
    fi
    sleep 0.1
  done
  if grep -q 'failed to load plugin io.containerd.grpc.v1.cri' "$CTD_LOG"; then
    echo "svcnet: containerd runs without its CRI plugin:" >&2
    grep 'failed to load plugin io.containerd.grpc.v1.cri' "$CTD_LOG" | tail -1 >&2
    exit 1
  fi
  echo "svcnet: containerd $(containerd --version | awk '{print $3}') (pid $CTD_PID) answers on $CTD_SOCKET after $(( ($(date +%s%N) - t0) / 1000000 )) ms; log $CTD_LOG" >&2
}
stop_containerd() {
  [ "$CTD_PID" != 0 ] && kill -0 "$CTD_PID" 2>/dev/null || return 0
  kill -TERM "$CTD_PID" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$CTD_PID" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$CTD_PID" 2>/dev/null || true
}

if [ $# -eq 0 ]; then
  echo "usage: svcnet <app> [flags...]   apps: $APPS" >&2
  exit 2
fi
app=$1
case " $APPS " in
  *" $app "*)
    shift
    if [ "$app" = node-agent ]; then
      # A node container is the node: pod netns live under /run/netns, and the agent sets
      # net.ipv4.ip_forward in this netns (Docker mounts /proc/sys read-only; CAP_SYS_ADMIN
      # lets us remount it, the netns-scoped net.* keys are all that change).
      mkdir -p /run/netns
      if ! [ -w /proc/sys/net/ipv4/ip_forward ]; then
        mount -o remount,rw /proc/sys 2>/dev/null || echo "svcnet: /proc/sys is read-only; start the container with --sysctl net.ipv4.ip_forward=1" >&2
      fi
      # CNI-style ip-masq: pod traffic to anything outside the pod network leaves with the
      # node's address, so the other containers need no routes to pod CIDRs.
      # SVCNET_POD_MASQUERADE=false turns it off (e.g. when the LAN routes pod CIDRs).
      cidr=${SVCNET_CLUSTER_CIDR:-10.244.0.0/16}
      if [ "${SVCNET_POD_MASQUERADE:-true}" = true ]; then
        nft delete table ip svcnet-cni 2>/dev/null || true
        nft -f - <<NFT
table ip svcnet-cni {
  chain postrouting {
    type nat hook postrouting priority srcnat + 10; policy accept;
    ip saddr $cidr ip daddr != $cidr masquerade
  }
}
NFT
      fi
      if [ "${SVCNET_START_CONTAINERD:-false}" = true ]; then start_containerd; fi
    fi
    if [ "${SVCNET_SUPERVISE:-false}" != true ]; then
      exec node "$SVCNET_HOME/apps/$app/dist/main.js" "$@"
    fi
    # SVCNET_SUPERVISE=true: keep the container (and, for a node, its pods) alive when the
    # app exits or is killed: restart it after a second, like systemd's Restart=always.
    child=0
    stopping=false
    # SIGTERM/SIGINT to the container stop the app, then (node) containerd.
    trap 'stopping=true; [ "$child" != 0 ] && kill -TERM "$child" 2>/dev/null; true' TERM INT
    while :; do
      # containerd died (not the agent's doing): start it again; its containers' shims survived
      if [ "$CTD_PID" != 0 ] && ! kill -0 "$CTD_PID" 2>/dev/null; then
        echo "svcnet: containerd (pid $CTD_PID) is gone; starting it again" >&2
        CTD_PID=0
        start_containerd
      fi
      node "$SVCNET_HOME/apps/$app/dist/main.js" "$@" &
      child=$!
      set +e
      wait "$child"; rc=$?
      # wait returns early when a trapped signal arrives; wait again for the real exit
      while kill -0 "$child" 2>/dev/null; do wait "$child"; rc=$?; done
      set -e
      child=0
      if $stopping; then stop_containerd; exit 0; fi
      echo "svcnet: $app exited with $rc; restarting in 1 s" >&2
      sleep 1
    done
    ;;
  kubectl | svcnet-kubectl)
    exec "$@"
    ;;
  *)
    exec "$@"
    ;;
esac
