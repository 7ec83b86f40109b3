# traefik/whoami: whoami.js run by Debian's nodejs, behind upstream's ENTRYPOINT /whoami.
r="$IMG_WORK/root"
mkdir -p "$r"
install -m 0755 "$IMG_DIR/whoami" "$r/whoami"
install -m 0644 "$IMG_DIR/whoami.js" "$r/whoami.js"
add_layer base-debian whoami "$r" "whoami server"
configure whoami "$DESCRIPTION" --clear=config.cmd --config.entrypoint /whoami --config.exposedports 80/tcp
