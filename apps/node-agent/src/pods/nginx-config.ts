// The per-pod nginx.conf for `nginx*` images: the real Debian nginx, listening on 80 inside the
// pod's netns, with pid, logs and temp dirs under the pod's own directory.

export interface NginxConfigOptions {
  prefix: string; // per-container dir, absolute
  port?: number;
  htmlRoot?: string;
}

export const DEBIAN_NGINX_HTML = '/usr/share/nginx/html';

export function nginxConfig(o: NginxConfigOptions): string {
  const p = o.prefix.replace(/\/$/, '');
  const port = o.port ?? 80;
  return `# written by svcnet node-agent for one pod
daemon off;
master_process on;
worker_processes 1;
# the node runs pods as root; workers need to write the temp dirs below
user root;
pid ${p}/nginx.pid;
error_log stderr notice;

events {
  worker_connections 1024;
}

http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log /dev/stdout;
  sendfile on;
  keepalive_timeout 65;
  client_body_temp_path ${p}/client_body;
  proxy_temp_path ${p}/proxy;
  fastcgi_temp_path ${p}/fastcgi;
  uwsgi_temp_path ${p}/uwsgi;
  scgi_temp_path ${p}/scgi;

  server {
    listen ${port} default_server;
    server_name localhost;
    location / {
      root ${o.htmlRoot ?? DEBIAN_NGINX_HTML};
      index index.html index.htm;
    }
  }
}
`;
}
