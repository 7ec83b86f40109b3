# The shared bases every stand-in builds on (sourced by build-standins.sh, after lib/common.sh):
#   base-debian   one layer: debootstrap minbase bookworm with the union of the tools below
#   base-busybox  one layer: Debian's busybox-static, its applets as /bin symlinks, passwd/group
# Both are cached under $CACHE, keyed by the hash of this file, common.sh and busybox/{passwd,group}:
# an OCI layout holding just the two bases, whose blobs are hard-linked into every new build, and
# the base's /etc/passwd and /etc/group (recipes extend them). The debootstrap tree (the slow part,
# ~60 s) is removed once its layer exists (KEEP_ROOTFS=1 keeps it): the layer holds the same bytes.

SUITE=bookworm
PACKAGES=bash,curl,dnsutils,iproute2,iputils-ping,netcat-openbsd,procps,nginx-light,nodejs,nftables,tcpdump,conntrack,jq,ca-certificates,less,busybox-static
BASE_PATH_ENV=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# Mirror: MIRROR=..., else the first Debian URI in this machine's apt sources (as deploy/docker does).
debian_mirror() {
  local m=${MIRROR:-}
  if [ -z "$m" ]; then
    m=$(grep -hE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null \
      | grep -oE 'https?://[^ ]*/debian/?( |$)' | grep -v security | head -1 | tr -d ' ' || true)
  fi
  echo "${m:-http://deb.debian.org/debian}"
}

# clean_rootfs DIR: drop what a container image should not carry (package caches, docs, the
# host's resolv.conf/hostname that debootstrap copies in, device nodes: runtimes mount /dev).
clean_rootfs() {
  local d=$1
  rm -rf "$d"/var/cache/apt/archives/*.deb "$d"/var/cache/apt/*.bin "$d"/var/lib/apt/lists/* \
    "$d"/usr/share/man/* "$d"/usr/share/info/* "$d"/usr/share/locale/* \
    "$d"/var/log/bootstrap.log "$d"/var/log/apt/* "$d"/var/log/nginx/* \
    "$d"/var/cache/debconf/*-old "$d"/var/lib/dpkg/*-old "$d"/dev/*
  find "$d/usr/share/doc" -xdev -type f ! -name copyright -delete
  find "$d/usr/share/doc" -xdev -depth -type d -empty -delete
  find "$d/var/log" -xdev -type f -exec truncate -s 0 {} +
  : >"$d/etc/resolv.conf"
  : >"$d/etc/hostname"
  # tcpdump's system user took 100:101, the ids curlimages/curl's curl_user and nginx's group use.
  sed -i -E 's/^tcpdump:x:100:101:/tcpdump:x:998:998:/' "$d/etc/passwd"
  sed -i -E 's/^tcpdump:x:101:/tcpdump:x:998:/' "$d/etc/group"
  return 0
}

# ensure_rootfs: sets ROOTFS (the cleaned debootstrap tree) and BUSYBOX_DEB, building them once.
ensure_rootfs() {
  local dir="$CACHE/rootfs-$BASE_KEY"
  ROOTFS="$dir/rootfs"
  BUSYBOX_DEB="$dir/busybox-static.deb"
  if [ -f "$dir/.complete" ]; then
    log "debian rootfs: cached ($dir)"
    return
  fi
  command -v debootstrap >/dev/null || die "debootstrap is not installed (apt-get install debootstrap)"
  rm -rf --one-file-system "$dir"
  mkdir -p "$dir"
  local mirror
  mirror=$(debian_mirror)
  log "debian rootfs: debootstrap --variant=minbase $SUITE from $mirror"
  if ! debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$ROOTFS" "$mirror" >"$dir/debootstrap.log" 2>&1; then
    tail -30 "$dir/debootstrap.log" >&2
    die "debootstrap failed (log: $dir/debootstrap.log)"
  fi
  # busybox-static's own .deb becomes the busybox images' only content.
  cp "$ROOTFS"/var/cache/apt/archives/busybox-static_*.deb "$BUSYBOX_DEB"
  clean_rootfs "$ROOTFS"
  touch "$dir/.complete"
  log "debian rootfs: done ($(du -sh --one-file-system "$ROOTFS" | cut -f1))"
}

# busybox_tree DIR: the busybox images' root (upstream busybox's layout: everything in /bin).
busybox_tree() {
  local d=$1 x
  x=$(mktemp -d "$WORK/busybox-deb.XXXXXX")
  dpkg-deb -x "$BUSYBOX_DEB" "$x"
  mkdir -p "$d"/{bin,etc,home,root,tmp,usr/bin,usr/sbin,var/spool/mail,var/www,dev,proc,sys}
  chmod 0700 "$d/root"
  chmod 1777 "$d/tmp"
  install -m 0755 "$x/bin/busybox" "$d/bin/busybox"
  local applet
  for applet in $("$x/bin/busybox" --list); do
    [ "$applet" = busybox ] || ln -s busybox "$d/bin/$applet"
  done
  install -m 0644 "$HERE/busybox/passwd" "$d/etc/passwd"
  install -m 0644 "$HERE/busybox/group" "$d/etc/group"
  rm -rf "$x"
}

# ensure_base_layout: sets BASE_LAYOUT, an OCI layout with tags base-debian and base-busybox, and
# BASE_ETC, a directory with the debian base's passwd and group.
ensure_base_layout() {
  BASE_LAYOUT="$CACHE/base-$BASE_KEY"
  BASE_ETC="$BASE_LAYOUT.etc"
  if [ -f "$BASE_LAYOUT.complete" ]; then
    log "base layers: cached ($BASE_LAYOUT)"
    return
  fi
  ensure_rootfs
  rm -rf "$BASE_LAYOUT" "$BASE_ETC"
  umoci init --layout "$BASE_LAYOUT"
  local LAYOUT=$BASE_LAYOUT

  log "base layers: debian layer (tar + gzip)"
  umoci new --image "$LAYOUT:empty"
  add_layer empty base-debian "$ROOTFS" "debootstrap --variant=minbase --include=$PACKAGES $SUITE"
  umoci config --image "$LAYOUT:base-debian" --created "$CREATED" --author svcnet --no-history \
    --config.env "$BASE_PATH_ENV" --config.cmd bash

  log "base layers: busybox layer"
  local bb="$WORK/busybox-root"
  busybox_tree "$bb"
  add_layer empty base-busybox "$bb" "busybox-static from Debian $SUITE"
  umoci config --image "$LAYOUT:base-busybox" --created "$CREATED" --author svcnet --no-history \
    --config.env "$BASE_PATH_ENV" --config.cmd sh
  umoci rm --image "$LAYOUT:empty"
  umoci gc --layout "$LAYOUT"
  mkdir -p "$BASE_ETC"
  cp "$ROOTFS/etc/passwd" "$ROOTFS/etc/group" "$BASE_ETC/"
  touch "$BASE_LAYOUT.complete"
  [ "${KEEP_ROOTFS:-0}" = 1 ] || rm -rf --one-file-system "$(dirname "$ROOTFS")"
  log "base layers: done ($(du -sh "$LAYOUT" | cut -f1))"
}
