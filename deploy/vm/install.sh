#!/usr/bin/env bash
# Install svcnet on a Linux VM: the runtime tree in --prefix (/opt/svcnet), flags in
# /etc/svcnet/<app>.env, systemd units svcnet-<app>.service, enabled and started.
#
#   sudo deploy/vm/install.sh --role control-plane --advertise-ip 10.0.0.10
#   sudo deploy/vm/install.sh --role node --apiserver 10.0.0.10:6444 --node-ip 10.0.0.11
#   ... --no-systemd   lay out files only; start apps with /opt/svcnet/bin/svcnet-run <app>
#   TLS: --make-pki (control plane: the certs tool writes /etc/svcnet/pki, incl. admin.kubeconfig)
#        --pki DIR  (nodes: a copy of that directory); without either, plaintext gRPC (--insecure)
#   Nodes: containerd (+ runc, CNI plugins; apt-get installed when missing unless --no-install-packages)
#        runs from Debian's containerd.service with svcnet's config (a drop-in); --registry-mirror URL
#        adds a mirror (e.g. svcnet's stand-in registry http://10.0.0.10:5000) after the real registries
#
# Roles: control-plane = apiserver, endpoints-controller, workload-controller, dns, cloud-lb;
#        node = containerd + node-agent; all = both (a one-VM cluster).
# Source: this script's checkout (built with `npx tsc -b`; staged with deploy/stage-tree.sh),
# an already staged tree (a bundle from deploy/vm/make-bundle.sh, unpacked), or --src TARBALL.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SRC=$(cd "$HERE/../.." && pwd)
PREFIX=/opt/svcnet
ETC=/etc/svcnet
UNITDIR=/etc/systemd/system
ROLE=all
SYSTEMD=true
APISERVER=""
ADVERTISE_IP=""
NODE_NAME=$(hostname)
NODE_IP=""
CLUSTER_DNS=10.96.0.10
DNS_IP=""
LB_POOL=""
LB_INTERFACE=""
LB_DATAPLANE=userspace
PKI_SRC=""
MAKE_PKI=false
REGISTRY_MIRROR=""
INSTALL_PACKAGES=true
CNI_BIN_DIR=/var/lib/svcnet/cni/bin
CNI_CONF_DIR=/var/lib/svcnet/cni/net.d
CONTAINERD_SOCKET=/run/containerd/containerd.sock

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --src) SRC=$2; shift 2 ;;
    --prefix) PREFIX=$2; shift 2 ;;
    --etc) ETC=$2; shift 2 ;;
    --unit-dir) UNITDIR=$2; shift 2 ;;
    --role) ROLE=$2; shift 2 ;;
    --no-systemd) SYSTEMD=false; shift ;;
    --apiserver) APISERVER=$2; shift 2 ;;
    --advertise-ip) ADVERTISE_IP=$2; shift 2 ;;
    --node-name) NODE_NAME=$2; shift 2 ;;
    --node-ip) NODE_IP=$2; shift 2 ;;
    --cluster-dns) CLUSTER_DNS=$2; shift 2 ;;
    --dns-ip) DNS_IP=$2; shift 2 ;;
    --lb-pool) LB_POOL=$2; shift 2 ;;
    --lb-interface) LB_INTERFACE=$2; shift 2 ;;
    --lb-dataplane) LB_DATAPLANE=$2; shift 2 ;;
    --pki) PKI_SRC=$2; shift 2 ;;
    --make-pki) MAKE_PKI=true; shift ;;
    --registry-mirror) REGISTRY_MIRROR=$2; shift 2 ;;
    --no-install-packages) INSTALL_PACKAGES=false; shift ;;
    -h | --help) usage 0 ;;
    *) echo "install.sh: unknown argument $1" >&2; usage 2 ;;
  esac
done
case "$ROLE" in all | control-plane | node) ;; *) echo "install.sh: --role all|control-plane|node" >&2; exit 2 ;; esac
[ "$(id -u)" = 0 ] || { echo "install.sh: run as root" >&2; exit 1; }
command -v node >/dev/null || { echo "install.sh: Node.js >= 20 is required (node not found)" >&2; exit 1; }
[ "$(node -p 'process.versions.node.split(".")[0]')" -ge 20 ] || { echo "install.sh: Node.js >= 20 is required" >&2; exit 1; }
if [ "$ROLE" != control-plane ]; then
  # pods are containers: containerd (CRI) + runc, and the CNI loopback plugin next to svcnet-bridge
  missing=()
  command -v containerd >/dev/null && command -v ctr >/dev/null || missing+=(containerd)
  command -v runc >/dev/null || missing+=(runc)
  [ -x /usr/lib/cni/loopback ] || [ -x /opt/cni/bin/loopback ] || missing+=(containernetworking-plugins)
  if [ ${#missing[@]} -gt 0 ]; then
    if $INSTALL_PACKAGES && command -v apt-get >/dev/null; then
      echo "install.sh: apt-get install ${missing[*]}"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
      echo "install.sh: node role needs ${missing[*]} (Debian packages containerd runc containernetworking-plugins)" >&2; exit 1
    fi
  fi
  for t in nft ip nsenter unshare; do command -v $t >/dev/null || { echo "install.sh: node role needs $t (nftables, iproute2, util-linux)" >&2; exit 1; }; done
fi

first_ip() { ip -4 -o addr show scope global 2>/dev/null | awk '{split($4,a,"/"); print a[1]; exit}'; }
ADVERTISE_IP=${ADVERTISE_IP:-$(first_ip)}
APISERVER=${APISERVER:-${ADVERTISE_IP:-127.0.0.1}:6444}
DNS_IP=${DNS_IP:-$ADVERTISE_IP}

tmp=$(mktemp -d /var/tmp/svcnet-install.XXXXXX)
trap 'rm -rf --one-file-system "$tmp"' EXIT
echo "install.sh: staging from $SRC"
if [ -f "$SRC" ]; then
  tar -C "$tmp" -xzf "$SRC"
  stage=$tmp
elif [ -d "$SRC/apps/apiserver/src" ]; then
  "$SRC/deploy/stage-tree.sh" "$tmp" >/dev/null
  mkdir -p "$tmp/deploy" && cp -r "$SRC/deploy/vm" "$tmp/deploy/"
  stage=$tmp
else
  stage=$SRC
fi
[ -f "$stage/apps/apiserver/dist/main.js" ] || { echo "install.sh: $stage has no built apps (run npx tsc -b)" >&2; exit 1; }

echo "install.sh: installing to $PREFIX"
mkdir -p "$(dirname "$PREFIX")"
rm -rf "$PREFIX.new"
cp -a "$stage" "$PREFIX.new"
rm -rf "$PREFIX.old"
[ ! -e "$PREFIX" ] || mv "$PREFIX" "$PREFIX.old"
mv "$PREFIX.new" "$PREFIX"
rm -rf "$PREFIX.old"
ln -sf "$PREFIX/bin/svcnet" /usr/local/bin/svcnet
ln -sf "$PREFIX/bin/svcnet-ctl" /usr/local/bin/svcnet-ctl

# svcnet-run <app>: the units' ExecStart; also how to start an app by hand without systemd
cat > "$PREFIX/bin/svcnet-run" <<RUN
#!/bin/sh
# Starts one svcnet app with the flags in $ETC/<app>.env (SVCNET_FLAGS).
set -eu
app=\${1:?usage: svcnet-run <app>}
if [ -z "\${SVCNET_FLAGS+x}" ] && [ -f "$ETC/\$app.env" ]; then . "$ETC/\$app.env"; fi
export SVCNET_HOME="$PREFIX"
# shellcheck disable=SC2086
exec "$PREFIX/bin/svcnet" "\$app" \${SVCNET_FLAGS:-}
RUN
chmod 0755 "$PREFIX/bin/svcnet-run"

mkdir -p "$ETC"
PKI="$ETC/pki"
if $MAKE_PKI; then
  echo "install.sh: certificates in $PKI (apiserver SANs: $ADVERTISE_IP, localhost)"
  node "$PREFIX/apps/apiserver/dist/certs-main.js" --dir "$PKI" --hosts "$ADVERTISE_IP,localhost,127.0.0.1" --server "https://$ADVERTISE_IP:6443" >/dev/null
elif [ -n "$PKI_SRC" ]; then
  mkdir -p "$PKI" && cp -a "$PKI_SRC"/. "$PKI"/
fi
TLS=false
if [ -f "$PKI/ca.crt" ]; then TLS=true; chmod 0700 "$PKI"; chmod 0600 "$PKI"/*.key 2>/dev/null || true; fi
# the flags every app uses to reach the apiserver: mutual TLS with its own certificate
api() { if $TLS; then echo "--apiserver=$APISERVER --tls-ca-file=$PKI/ca.crt --tls-cert-file=$PKI/$1.crt --tls-private-key-file=$PKI/$1.key"; else echo "--apiserver=$APISERVER --insecure"; fi; }
$TLS || echo "install.sh: no certificates (--make-pki / --pki): apps use plaintext gRPC (--insecure); keep port 6444 private"
env_file() { # app description flags...
  local app=$1 desc=$2
  shift 2
  { echo "# svcnet $app: $desc"
    echo "# Edit and: systemctl restart svcnet-$app   (flags: $PREFIX/bin/svcnet $app --help)"
    echo "SVCNET_FLAGS=\"$*\""
  } > "$ETC/$app.env"
  echo "install.sh: $ETC/$app.env: $*"
}
apps=()
if [ "$ROLE" != node ]; then
  if $TLS; then
    env_file apiserver "store, validation, allocation; gRPC (mTLS) for the apps, kubectl API on :6443" \
      --storage=file:/var/lib/svcnet/apiserver --grpc-listen=0.0.0.0:6444 --http-listen=0.0.0.0:6443 \
      --tls-cert-file=$PKI/apiserver.crt --tls-private-key-file=$PKI/apiserver.key --client-ca-file=$PKI/ca.crt \
      --token-auth-file=$PKI/tokens.csv --health-port=10257 --health-host=127.0.0.1
  else
    env_file apiserver "store, validation, allocation; plaintext gRPC for the apps" \
      --storage=file:/var/lib/svcnet/apiserver --grpc-listen=0.0.0.0:6444 --insecure --health-port=10257 --health-host=127.0.0.1
  fi
  env_file endpoints-controller "Endpoints and EndpointSlices" $(api endpoints-controller) --health-port=10258
  env_file workload-controller "Deployments, ReplicaSets, scheduling" $(api workload-controller) --health-port=10259
  env_file dns "cluster DNS on $DNS_IP:53 (kube-system/kube-dns points here)" $(api dns) --listen=0.0.0.0:53 --health-port=8081
  lb="$(api cloud-lb) --dataplane=$LB_DATAPLANE --health-port=10260"
  [ -z "$LB_POOL" ] || lb="$lb --pool=$LB_POOL"
  [ -z "$LB_INTERFACE" ] || lb="$lb --interface=$LB_INTERFACE"
  env_file cloud-lb "LoadBalancer ingress IPs (--pool) on --interface, forwarded to NodePorts" $lb
  apps+=(apiserver endpoints-controller workload-controller dns cloud-lb)
fi
if [ "$ROLE" != control-plane ]; then
  na="$(api node-agent) --node-name=$NODE_NAME --cluster-dns=$CLUSTER_DNS --state-dir=/var/lib/svcnet/node-agent"
  na="$na --container-runtime-endpoint=unix://$CONTAINERD_SOCKET --runtime-state-dir=/run/containerd --cni-bin-dir=$CNI_BIN_DIR --cni-conf-dir=$CNI_CONF_DIR"
  [ -z "$NODE_IP" ] || na="$na --node-ip=$NODE_IP"
  env_file node-agent "pods as containers (CRI to containerd, CNI svcnet-bridge) + nftables Service proxy for node $NODE_NAME" $na
  apps+=(node-agent)
  # containerd's config (CRI: the CNI dirs the agent installs svcnet-bridge into, registry hosts
  # with the optional mirror); Debian's containerd.service runs it through a drop-in
  node "$PREFIX/bin/svcnet-containerd-config" --config="$ETC/containerd/config.toml" --hosts-dir="$ETC/containerd/certs.d" \
    --socket="$CONTAINERD_SOCKET" --cni-bin-dir="$CNI_BIN_DIR" --cni-conf-dir="$CNI_CONF_DIR" --registry-mirror="$REGISTRY_MIRROR" \
    | sed 's/^svcnet-containerd-config: /install.sh: /'
  mkdir -p "$UNITDIR/containerd.service.d"
  sed -e "s#/opt/svcnet#$PREFIX#g" -e "s#/etc/svcnet#$ETC#g" "$PREFIX/deploy/vm/units/containerd.service.d/10-svcnet.conf" > "$UNITDIR/containerd.service.d/10-svcnet.conf"
  echo "install.sh: $UNITDIR/containerd.service.d/10-svcnet.conf: containerd --config $ETC/containerd/config.toml"
fi
mkdir -p /var/lib/svcnet

for app in "${apps[@]}"; do
  mkdir -p "$UNITDIR"
  sed -e "s#/opt/svcnet#$PREFIX#g" -e "s#/etc/svcnet#$ETC#g" "$PREFIX/deploy/vm/units/svcnet-$app.service" > "$UNITDIR/svcnet-$app.service"
done
echo "install.sh: units in $UNITDIR: ${apps[*]/#/svcnet-}"

if $SYSTEMD && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  if [ "$ROLE" != control-plane ]; then
    # (re)start with svcnet's config: the package may have started it with its own
    systemctl enable containerd.service
    systemctl restart containerd.service
    echo "install.sh: containerd.service restarted with $ETC/containerd/config.toml"
  fi
  for app in "${apps[@]}"; do systemctl enable --now "svcnet-$app.service"; done
  echo "install.sh: started ${apps[*]/#/svcnet-}"
  if [ "$ROLE" != node ]; then
    if $TLS; then ctl="--tls-ca-file=$PKI/ca.crt --tls-cert-file=$PKI/admin.crt --tls-private-key-file=$PKI/admin.key"; else ctl=""; fi
    echo "install.sh: once the apiserver is up: svcnet-ctl --apiserver=$APISERVER $ctl bootstrap --dns-ip=$DNS_IP"
  fi
else
  echo "install.sh: not starting anything (--no-systemd or no systemd); start an app with: $PREFIX/bin/svcnet-run <app>"
  [ "$ROLE" = control-plane ] || echo "install.sh: on a node, first: containerd --config $ETC/containerd/config.toml"
fi
