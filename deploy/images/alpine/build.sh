# alpine: the busybox base plus /etc/alpine-release and an os-release that says what this really is.
r="$IMG_WORK/root"
mkdir -p "$r/etc"
install -m 0644 "$IMG_DIR/alpine-release" "$IMG_DIR/os-release" "$r/etc/"
add_layer base-busybox alpine "$r" "alpine release files"
configure alpine "$DESCRIPTION" --clear=config.entrypoint --config.cmd /bin/sh
