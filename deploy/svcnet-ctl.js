#!/usr/bin/env node
// svcnet-ctl: a minimal gRPC client for containers and VMs until kubectl's HTTP API is built.
//   svcnet-ctl [--apiserver=host:port] bootstrap --dns-ip=IP [--cluster-dns-ip=10.96.0.10]
//       waits for the apiserver, creates kube-system/kube-dns (ClusterIP + Endpoints -> the dns app)
//   svcnet-ctl apply FILE|-        create or replace objects (JSON or YAML, `---` separated)
//   svcnet-ctl get RESOURCE [NAMESPACE/NAME | NAMESPACE]   prints JSON
//   svcnet-ctl delete RESOURCE NAMESPACE/NAME
// Plaintext gRPC (--insecure) unless --tls-ca-file/--tls-cert-file/--tls-private-key-file are given.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const home = process.env.SVCNET_HOME || path.resolve(__dirname, '..');
const req = (m) => require(require.resolve(m, { paths: [home, process.cwd()] }));
const { ApiClient } = req('@svcnet/api-client');
const { ApiError, RESOURCES } = req('@svcnet/api-types');

const flags = {};
const args = [];
for (const a of process.argv.slice(2)) {
  const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
  if (m) flags[m[1]] = m[2] ?? 'true';
  else args.push(a);
}
const tls = flags['tls-ca-file'];
const client = new ApiClient({
  address: flags.apiserver || process.env.SVCNET_APISERVER || 'apiserver:6444',
  insecure: !tls,
  caFile: tls,
  certFile: flags['tls-cert-file'],
  keyFile: flags['tls-private-key-file'],
  timeoutMs: Number(flags.timeout || 60) * 1000,
});
const resourceOf = (kindOrName) => {
  const k = String(kindOrName).toLowerCase();
  const r = RESOURCES.find((x) => x.resource === k || x.singular === k || x.kind.toLowerCase() === k || (x.shortNames || []).includes(k));
  if (!r) throw new Error(`unknown resource ${kindOrName}`);
  return r;
};
const isExists = (e) => e instanceof ApiError && e.reason === 'AlreadyExists';

async function upsert(obj) {
  const r = resourceOf(obj.kind);
  const rc = client.resource(r.resource);
  if (r.namespaced && !obj.metadata.namespace) obj.metadata.namespace = 'default';
  try {
    await rc.create(obj);
    return `${r.singular}/${obj.metadata.name} created`;
  } catch (e) {
    if (!isExists(e)) throw e;
    const cur = await rc.get(obj.metadata.namespace, obj.metadata.name);
    await rc.update({ ...obj, metadata: { ...obj.metadata, resourceVersion: cur.metadata.resourceVersion } });
    return `${r.singular}/${obj.metadata.name} configured`;
  }
}

async function main() {
  const cmd = args[0];
  if (cmd === 'bootstrap') {
    const dnsIP = flags['dns-ip'];
    if (!dnsIP) throw new Error('bootstrap needs --dns-ip');
    const clusterIP = flags['cluster-dns-ip'] || '10.96.0.10';
    const labels = { 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS' };
    const ports = [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }];
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'kube-dns', namespace: 'kube-system', labels }, spec: { clusterIP, ports: ports.map((p) => ({ ...p, targetPort: 53 })) } };
    try {
      await client.resource('services').create(svc);
      console.log(`service kube-system/kube-dns ${clusterIP} created`);
    } catch (e) {
      if (!isExists(e)) throw e;
      console.log('service kube-system/kube-dns exists');
    }
    console.log(await upsert({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kube-dns', namespace: 'kube-system', labels }, subsets: [{ addresses: [{ ip: dnsIP }], ports }] }));
  } else if (cmd === 'apply') {
    const text = fs.readFileSync(args[1] === '-' || !args[1] ? 0 : args[1], 'utf8');
    const docs = text.trim().startsWith('{') || text.trim().startsWith('[') ? [].concat(JSON.parse(text)) : req('yaml').parseAllDocuments(text).map((d) => d.toJSON()).filter(Boolean);
    for (const d of docs.flatMap((d) => (d.kind === 'List' ? d.items : [d]))) console.log(await upsert(d));
  } else if (cmd === 'get') {
    const r = resourceOf(args[1]);
    const target = args[2] || '';
    if (target.includes('/') || (!r.namespaced && target)) {
      const [ns, name] = target.includes('/') ? target.split('/') : [undefined, target];
      console.log(JSON.stringify(await client.resource(r.resource).get(ns, name), null, 2));
    } else {
      console.log(JSON.stringify(await client.resource(r.resource).list({ namespace: target || undefined }), null, 2));
    }
  } else if (cmd === 'delete') {
    const r = resourceOf(args[1]);
    const [ns, name] = (args[2] || '').includes('/') ? args[2].split('/') : [r.namespaced ? 'default' : undefined, args[2]];
    await client.resource(r.resource).delete(ns, name);
    console.log(`${r.singular}/${name} deleted`);
  } else {
    console.error('usage: svcnet-ctl [--apiserver=host:port] bootstrap --dns-ip=IP | apply FILE | get RESOURCE [NS/NAME|NS] | delete RESOURCE NS/NAME');
    process.exitCode = 2;
  }
}
main()
  .catch((e) => {
    console.error(`svcnet-ctl: ${e && e.message ? e.message : e}`);
    process.exitCode = 1;
  })
  .finally(() => client.close());
