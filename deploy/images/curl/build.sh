# curlimages/curl: Debian's curl behind upstream's /entrypoint.sh, as curl_user (100:101) like upstream.
r="$IMG_WORK/root"
mkdir -p "$r/etc" "$r/home/curl_user"
install -m 0755 "$IMG_DIR/entrypoint.sh" "$r/entrypoint.sh"
passwd_without "$BASE_ETC/passwd" curl_user >"$r/etc/passwd"
echo 'curl_user:x:100:101:Linux User,,,:/home/curl_user:/bin/sh' >>"$r/etc/passwd"
passwd_without "$BASE_ETC/group" curl_group >"$r/etc/group"
echo 'curl_group:x:101:curl_user' >>"$r/etc/group"
chmod 0644 "$r/etc/passwd" "$r/etc/group"
chown 100:101 "$r/home/curl_user"
add_layer base-debian curl "$r" "curl entrypoint and curl_user"
configure curl "$DESCRIPTION" --config.entrypoint /entrypoint.sh --config.cmd curl \
  --config.user 100:101 --config.workingdir /home/curl_user
