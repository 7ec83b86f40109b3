#!/usr/bin/env node
// Renders a node's containerd config (containerd 1.6, CRI plugin) and its registry hosts dir
// with @svcnet/containerd, for the node entrypoint (Docker/Compose) and deploy/vm/install.sh.
// Staged as /opt/svcnet/bin/svcnet-containerd-config.
//
//   svcnet-containerd-config [--config=/etc/svcnet/containerd/config.toml] [--hosts-dir=/etc/svcnet/containerd/certs.d]
//     [--root=/var/lib/containerd] [--state=/run/containerd] [--socket=/run/containerd/containerd.sock]
//     [--cni-bin-dir=/var/lib/svcnet/cni/bin] [--cni-conf-dir=/var/lib/svcnet/cni/net.d]
//     [--sandbox-image=registry.k8s.io/pause:3.6] [--runc-root=/run/containerd/runc]
//     [--registry-mirror=http://IP:5000]   (env SVCNET_REGISTRY_MIRROR; none: real registries only)
//
// With a mirror, hosts.toml for docker.io, registry.k8s.io, r.deso.tech, quay.io, ghcr.io, gcr.io
// lists the real registry first and the mirror second (TUTORIAL_REGISTRIES).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { renderContainerdConfig, renderRegistryHosts, TUTORIAL_REGISTRIES, writeRegistryHosts } = require('@svcnet/containerd');

const DEFAULTS = {
  config: '/etc/svcnet/containerd/config.toml',
  'hosts-dir': '/etc/svcnet/containerd/certs.d',
  root: '/var/lib/containerd',
  state: '/run/containerd',
  socket: '/run/containerd/containerd.sock',
  'cni-bin-dir': '/var/lib/svcnet/cni/bin',
  'cni-conf-dir': '/var/lib/svcnet/cni/net.d',
  'sandbox-image': 'registry.k8s.io/pause:3.6',
  'runc-root': '/run/containerd/runc',
  'registry-mirror': process.env.SVCNET_REGISTRY_MIRROR ?? '',
  snapshotter: process.env.SVCNET_SNAPSHOTTER ?? 'overlayfs',
};

function parse(argv) {
  const o = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') {
      process.stdout.write(fs.readFileSync(__filename, 'utf8').split('\n').slice(1, 13).map((l) => l.replace(/^\/\/ ?/, '')).join('\n') + '\n');
      process.exit(0);
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m || !(m[1] in DEFAULTS)) throw new Error(`unknown argument ${a}`);
    o[m[1]] = m[2] ?? argv[++i] ?? '';
  }
  return o;
}

async function main() {
  const o = parse(process.argv.slice(2));
  const text = renderContainerdConfig({
    root: o.root,
    state: o.state,
    socket: o.socket,
    cniBinDir: o['cni-bin-dir'],
    cniConfDir: o['cni-conf-dir'],
    registryConfigDir: o['hosts-dir'],
    sandboxImage: o['sandbox-image'],
    runcRoot: o['runc-root'],
    snapshotter: o.snapshotter,
  });
  // pods' oom_score_adj -998 needs CAP_SYS_RESOURCE, which a node container does not have
  if (!/^\s*restrict_oom_score_adj = true$/m.test(text)) throw new Error('rendered containerd config lacks restrict_oom_score_adj = true');
  for (const d of [o['cni-bin-dir'], o['cni-conf-dir'], o.root]) fs.mkdirSync(d, { recursive: true });
  fs.mkdirSync(path.dirname(o.config), { recursive: true });
  fs.writeFileSync(`${o.config}.tmp`, text);
  fs.renameSync(`${o.config}.tmp`, o.config);
  // the hosts dir holds only what we render (a mirror removed from the flags disappears)
  fs.rmSync(o['hosts-dir'], { recursive: true, force: true });
  fs.mkdirSync(o['hosts-dir'], { recursive: true });
  const mirror = o['registry-mirror'];
  if (mirror) await writeRegistryHosts(o['hosts-dir'], renderRegistryHosts(TUTORIAL_REGISTRIES(mirror)));
  const hosts = fs.readdirSync(o['hosts-dir']);
  process.stdout.write(`svcnet-containerd-config: ${o.config} (socket ${o.socket}, CNI ${o['cni-bin-dir']} ${o['cni-conf-dir']}); ${mirror ? `registries ${hosts.join(', ')} mirrored to ${mirror}` : 'no registry mirror'}\n`);
}

main().catch((e) => {
  process.stderr.write(`svcnet-containerd-config: ${e.message}\n`);
  process.exit(1);
});
