#!/usr/bin/env node
// Apiserver benchmark: creates/s and create latency with 1k and 10k Services stored, List
// latency at 10k, and the time for one change to reach 50 watchers. Measured on the embedded
// store and, as the baseline in the same run, on etcd (Debian's etcd-server).
// Usage: node bench/apiserver/run.js [--quick]
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startApp } = require('../../libs/test-harness');
const { ApiClient } = require('../../libs/api-client');
// the same throwaway etcd the store's tests use (free loopback ports, tmp data dir, cleaned up on exit)
const { startTestEtcd } = require('../../libs/store/dist/test-etcd');

const quick = process.argv.includes('--quick');
const SIZES = quick ? [1000] : [1000, 10000];
const WATCHERS = 50;

function pct(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const svc = (ns, i) => ({ metadata: { name: `s${i}`, namespace: ns }, spec: { selector: { app: `a${i}` }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });

async function measure(label, storage) {
  const app = await startApp({ app: 'apiserver', args: [`--storage=${storage}`, '--grpc-listen=127.0.0.1:0', '--insecure', '--health-port=0'] });
  const client = new ApiClient({ address: `127.0.0.1:${app.ready.grpcPort}`, insecure: true, timeoutMs: 120000 });
  const services = client.resource('services');
  const rows = [];
  try {
    await client.resource('namespaces').create({ metadata: { name: 'bench' } });
    let stored = 0;
    for (const size of SIZES) {
      // fill up to size with 16 concurrent writers, then measure 500 more creates
      const fill = async (from, to) => {
        let next = from;
        await Promise.all(Array.from({ length: 16 }, async () => {
          while (next < to) await services.create(svc('bench', next++));
        }));
      };
      await fill(stored, size - 500);
      const lat = [];
      const t0 = process.hrtime.bigint();
      let next = size - 500;
      await Promise.all(Array.from({ length: 16 }, async () => {
        while (next < size) {
          const i = next++;
          const s = process.hrtime.bigint();
          await services.create(svc('bench', i));
          lat.push(Number(process.hrtime.bigint() - s) / 1e6);
        }
      }));
      const secs = Number(process.hrtime.bigint() - t0) / 1e9;
      stored = size;
      lat.sort((a, b) => a - b);
      rows.push({ metric: `creates/s at ${size} stored`, value: 500 / secs, unit: '/s', higherBetter: true });
      rows.push({ metric: `create p50 at ${size}`, value: pct(lat, 50), unit: 'ms' });
      rows.push({ metric: `create p99 at ${size}`, value: pct(lat, 99), unit: 'ms' });
      const lists = [];
      for (let i = 0; i < 5; i++) {
        const s = process.hrtime.bigint();
        const l = await services.list({ namespace: 'bench' });
        lists.push(Number(process.hrtime.bigint() - s) / 1e6);
        if (l.items.length < size) throw new Error(`list returned ${l.items.length}`);
      }
      lists.sort((a, b) => a - b);
      rows.push({ metric: `list of ${size} p50`, value: pct(lists, 50), unit: 'ms' });
    }
    // one change -> 50 watchers
    const rv = (await services.list({ namespace: 'default' })).metadata.resourceVersion;
    const fanout = [];
    for (let round = 0; round < 5; round++) {
      const seen = [];
      let resolveAll;
      const all = new Promise((r) => (resolveAll = r));
      const name = `w${round}`;
      let start;
      const watches = Array.from({ length: WATCHERS }, () =>
        services.watch({ namespace: 'default', resourceVersion: rv }, {
          onEvent: (ev) => {
            if (ev.object.metadata.name === name && ev.type === 'ADDED') {
              seen.push(Number(process.hrtime.bigint() - start) / 1e6);
              if (seen.length === WATCHERS) resolveAll();
            }
          },
          onClose: () => {},
        }),
      );
      await new Promise((r) => setTimeout(r, 300));
      start = process.hrtime.bigint();
      await services.create({ ...svc('default', 0), metadata: { name, namespace: 'default' } });
      await all;
      watches.forEach((w) => w.stop());
      fanout.push(Math.max(...seen));
    }
    fanout.sort((a, b) => a - b);
    rows.push({ metric: `change seen by all ${WATCHERS} watchers (p50 of 5)`, value: pct(fanout, 50), unit: 'ms' });
  } finally {
    client.close();
    await app.stop();
  }
  return { label, rows };
}

(async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'svcnet-bench-'));
  let etcd;
  try {
    process.stderr.write('measuring the embedded store...\n');
    const file = await measure('embedded', `file:${path.join(tmp, 'file')}`);
    process.stderr.write('measuring etcd (baseline)...\n');
    etcd = await startTestEtcd();
    const base = await measure('etcd', `etcd:${etcd.endpoint}`);
    const fmt = (v) => (v >= 100 ? v.toFixed(0) : v.toFixed(2));
    console.log(`\napiserver benchmark (${quick ? 'quick' : 'full'}), ${new Date().toISOString()}`);
    console.log(['metric'.padEnd(46), 'embedded'.padStart(12), 'etcd'.padStart(12), 'ratio'.padStart(8)].join(' '));
    for (let i = 0; i < file.rows.length; i++) {
      const a = file.rows[i];
      const b = base.rows[i];
      const ratio = a.higherBetter ? a.value / b.value : b.value / a.value;
      console.log([a.metric.padEnd(46), `${fmt(a.value)} ${a.unit}`.padStart(12), `${fmt(b.value)} ${b.unit}`.padStart(12), `${ratio.toFixed(2)}x`.padStart(8)].join(' '));
    }
    console.log('ratio > 1: the embedded store is better than the etcd baseline');
  } finally {
    if (etcd) await etcd.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
