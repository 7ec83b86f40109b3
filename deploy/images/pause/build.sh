# registry.k8s.io/pause: busybox sh as PID 1, idle until SIGTERM/SIGINT; user 65535 like upstream.
r="$IMG_WORK/root"
mkdir -p "$r"
install -m 0755 "$IMG_DIR/pause" "$r/pause"
add_layer base-busybox pause "$r" "pause script"
configure pause "$DESCRIPTION" --clear=config.cmd --config.entrypoint /pause --config.user 65535:65535
