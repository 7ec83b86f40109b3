#!/usr/bin/env bash
# svcnet image entrypoint: `svcnet <app> [flags...]` runs apps/<app>/dist/main.js with the
# image's Node.js; anything else is executed as a command (`svcnet sh -c ...`, `svcnet bash`).
set -euo pipefail
SVCNET_HOME=${SVCNET_HOME:-/opt/svcnet}
APPS="apiserver endpoints-controller workload-controller node-agent dns cloud-lb"

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
    fi
    if [ "${SVCNET_SUPERVISE:-false}" != true ]; then
      exec node "$SVCNET_HOME/apps/$app/dist/main.js" "$@"
    fi
    # SVCNET_SUPERVISE=true: keep the container (and, for a node, its pods) alive when the
    # app exits or is killed: restart it after a second, like systemd's Restart=always.
    # SIGTERM/SIGINT to the container stop the app and the loop.
    child=0
    stopping=false
    trap 'stopping=true; [ "$child" != 0 ] && kill -TERM "$child" 2>/dev/null; true' TERM INT
    while :; do
      node "$SVCNET_HOME/apps/$app/dist/main.js" "$@" &
      child=$!
      set +e
      wait "$child"; rc=$?
      # wait returns early when a trapped signal arrives; wait again for the real exit
      while kill -0 "$child" 2>/dev/null; do wait "$child"; rc=$?; done
      set -e
      child=0
      if $stopping; then exit 0; fi
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
