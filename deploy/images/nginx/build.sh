# nginx: Debian's nginx-light laid out like the official image: nginx.conf including conf.d/*.conf,
# conf.d/default.conf serving /usr/share/nginx/html on :80, logs to stdout/stderr, workers as nginx.
r="$IMG_WORK/root"
mkdir -p "$r/etc/nginx/conf.d" "$r/usr/share/nginx/html" "$r/var/log/nginx" "$r/var/cache/nginx" "$r/docker-entrypoint.d"
install -m 0644 "$IMG_DIR/nginx.conf" "$r/etc/nginx/nginx.conf"
install -m 0644 "$IMG_DIR/default.conf" "$r/etc/nginx/conf.d/default.conf"
install -m 0644 "$IMG_DIR/index.html" "$IMG_DIR/50x.html" "$r/usr/share/nginx/html/"
ln -s /dev/stdout "$r/var/log/nginx/access.log"
ln -s /dev/stderr "$r/var/log/nginx/error.log"
# The upstream image's nginx user and group (101:101).
passwd_without "$BASE_ETC/passwd" nginx >"$r/etc/passwd"
echo 'nginx:x:101:101:nginx user:/nonexistent:/usr/sbin/nologin' >>"$r/etc/passwd"
passwd_without "$BASE_ETC/group" nginx >"$r/etc/group"
echo 'nginx:x:101:' >>"$r/etc/group"
chmod 0644 "$r/etc/passwd" "$r/etc/group"
add_layer base-debian nginx "$r" "nginx layout of the official image"
configure nginx "$DESCRIPTION" --clear=config.entrypoint \
  --config.cmd nginx --config.cmd -g --config.cmd 'daemon off;' \
  --config.exposedports 80/tcp --config.stopsignal SIGQUIT
