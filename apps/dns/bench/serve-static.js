#!/usr/bin/env node
// Benchmark target: our DNS server with N ClusterIP services in a static index.
// usage: node serve-static.js <services> <port>
const { ClusterIndex } = require('@svcnet/dns-records');
const { svc } = require('@svcnet/dns-records/testing');
const { startDnsApp } = require('../dist/app');
const { serviceIP } = require('./records');

const n = Number(process.argv[2] ?? 1000);
const port = Number(process.argv[3] ?? 15353);
const index = new ClusterIndex();
for (let i = 0; i < n; i++) index.upsertService(svc('bench', `svc-${i}`, { clusterIP: serviceIP(i), clusterIPs: [serviceIP(i)], ports: [{ name: 'http', port: 80 }] }));
process.on('SIGINT', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
startDnsApp({ listen: { host: '127.0.0.1', port }, zone: 'cluster.local', ttl: 5, upstreams: [], view: index }).then(
  () => process.stdout.write('ready\n'),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
