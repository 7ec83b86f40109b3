# amsy810/echo-nginx: the nginx stand-in plus an entrypoint that renders the echo server for $NGINX_PORT.
r="$IMG_WORK/root"
mkdir -p "$r"
install -m 0755 "$IMG_DIR/docker-entrypoint.sh" "$r/docker-entrypoint.sh"
add_layer nginx echo-nginx "$r" "echo-nginx entrypoint"
configure echo-nginx "$DESCRIPTION" --config.entrypoint /docker-entrypoint.sh \
  --config.cmd nginx --config.cmd -g --config.cmd 'daemon off;'
