#!/bin/sh
# amsy810/echo-nginx stand-in: render the echo server for $NGINX_PORT, then run CMD (nginx).
set -e
port=${NGINX_PORT:-80}
# A Service named "nginx" injects NGINX_PORT=tcp://ip:port (docker links); only a number counts.
case "$port" in
  '' | *[!0-9]*) port=80 ;;
esac
cat >/etc/nginx/conf.d/default.conf <<CONF
# Missing headers show as "-", like the other echo images.
map \$http_x_forwarded_for \$echo_xff {
    ""      "-";
    default \$http_x_forwarded_for;
}
server {
    listen ${port} default_server;
    default_type text/plain;
    location / {
        return 200 "Host=\$host Path=\$request_uri From=\$hostname ClientIP=\$remote_addr XFF=\$echo_xff\n";
    }
}
CONF
exec "$@"
