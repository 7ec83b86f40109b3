#!/usr/bin/env node
// The cluster's local image registry (Compose service "registry", e2e container "registry"):
// runs Debian's docker-registry on --listen and pushes svcnet's stand-in images from an OCI
// layout (deploy/images/build-standins.sh, bind-mounted read-only) into it, under the paths
// containerd asks a mirror for (library/nginx:latest, traefik/whoami:v1.10, ...). Nodes' hosts.toml
// list it after the real registries. Prints {"ready":true,...} once every stand-in is served, then
// stays in the foreground with the registry (and /run/svcnet-registry/ready exists); SIGTERM stops both.
// Staged as /opt/svcnet/bin/svcnet-registry.
//
//   svcnet-registry [--listen=0.0.0.0:5000] [--storage=/var/lib/registry] [--layout=/standins/layout]
//
// Without a layout (directory missing) it serves whatever is in --storage (`skopeo copy` your own
// images there: docker://IP:5000/library/myimage:tag with --dest-tls-verify=false).
'use strict';
const fs = require('node:fs');
const { startRegistry, publishStandins } = require('@svcnet/local-registry');

const o = { listen: '0.0.0.0:5000', storage: '/var/lib/registry', layout: '/standins/layout' };
for (const a of process.argv.slice(2)) {
  const m = /^--(listen|storage|layout)=(.*)$/.exec(a);
  if (!m) {
    process.stderr.write(`svcnet-registry: unknown argument ${a} (--listen= --storage= --layout=)\n`);
    process.exit(2);
  }
  o[m[1]] = m[2];
}
const log = (msg) => process.stdout.write(`svcnet-registry: ${msg}\n`);

async function main() {
  const t0 = Date.now();
  fs.rmSync('/run/svcnet-registry/ready', { force: true });
  const port = o.listen.split(':').pop();
  const reg = await startRegistry({ listen: o.listen, storageDir: o.storage, configPath: '/run/svcnet-registry/config.yml', logFile: '/dev/stderr' });
  log(`docker-registry (pid ${reg.pid}) answers on ${o.listen} after ${Date.now() - t0} ms`);
  let summary = { copied: 0, upToDate: 0, ms: 0 };
  if (fs.existsSync(`${o.layout}/index.json`)) {
    summary = await publishStandins({ layoutDir: o.layout, registry: `127.0.0.1:${port}`, onProgress: log });
  } else {
    log(`no OCI layout at ${o.layout}: serving ${o.storage} as it is`);
  }
  // the Compose healthcheck: every stand-in is served
  fs.writeFileSync('/run/svcnet-registry/ready', `${Date.now()}\n`);
  process.stdout.write(JSON.stringify({ ready: true, component: 'registry', listen: o.listen, pushed: summary.copied, upToDate: summary.upToDate, ms: Date.now() - t0 }) + '\n');
  const stop = async () => {
    await reg.stop();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // keep the event loop alive with the registry
  setInterval(() => undefined, 1 << 30);
}

main().catch((e) => {
  process.stderr.write(`svcnet-registry: ${e.stack ?? e}\n`);
  process.exit(1);
});
