#!/usr/bin/env node
// dnsperf QPS of svcnet dns vs NSD serving the same records as a static zone.
// usage: node apps/dns/bench/dnsperf.js [--seconds 10] [--sizes 1000,10000]
// Needs the built app (npx tsc -b apps/dns), dnsperf and nsd. Everything on 127.0.0.1.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { serviceIP, serviceName } = require('./records');

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const seconds = Number(arg('seconds', '10'));
const sizes = arg('sizes', '1000,10000').split(',').map(Number);
const OURS = 25353;
const NSD = 25354;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'svcnet-dnsperf-'));
const children = [];

function waitFor(child, text) {
  return new Promise((resolve, reject) => {
    let out = '';
    const on = (d) => {
      out += d;
      if (out.includes(text)) resolve();
    };
    child.stdout?.on('data', on);
    child.stderr?.on('data', on);
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

function dnsperf(port, file) {
  const r = spawnSync('dnsperf', ['-s', '127.0.0.1', '-p', String(port), '-d', file, '-l', String(seconds), '-c', '4', '-q', '200'], { encoding: 'utf8' });
  const qps = /Queries per second:\s+([\d.]+)/.exec(r.stdout)?.[1];
  const lost = /Queries lost:\s+(\d+)/.exec(r.stdout)?.[1];
  const lat = /Average Latency \(s\):\s+([\d.]+)/.exec(r.stdout)?.[1];
  if (!qps) throw new Error(`dnsperf failed: ${r.stdout}${r.stderr}`);
  return { qps: Number(qps), lost: Number(lost), latencyMs: Number(lat) * 1000 };
}

async function serveOurs(n) {
  const child = spawn(process.execPath, [path.join(__dirname, 'serve-static.js'), String(n), String(OURS)], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  await waitFor(child, 'ready');
  return child;
}

async function serveNSD(n, dir) {
  const zone = [
    '$TTL 5',
    '@ IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 5',
    '@ IN NS ns.dns.cluster.local.',
    ...Array.from({ length: n }, (_, i) => `${serviceName(i)}. IN A ${serviceIP(i)}`),
  ].join('\n');
  fs.writeFileSync(path.join(dir, 'cluster.local.zone'), zone + '\n');
  fs.writeFileSync(
    path.join(dir, 'nsd.conf'),
    `server:
  ip-address: 127.0.0.1
  port: ${NSD}
  server-count: 1
  username: ""
  chroot: ""
  zonesdir: "${dir}"
  database: ""
  pidfile: "${dir}/nsd.pid"
  xfrdfile: "${dir}/xfrd.state"
  zonelistfile: "${dir}/zone.list"
  xfrdir: "${dir}"
  verbosity: 1
  # Debian's NSD rate-limits answers by default; a fair comparison needs it off.
  rrl-ratelimit: 0
remote-control:
  control-enable: no
zone:
  name: cluster.local
  zonefile: cluster.local.zone
`,
  );
  const child = spawn('nsd', ['-d', '-c', path.join(dir, 'nsd.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  // NSD has no readiness line we can rely on across versions: poll with dig.
  for (let i = 0; i < 100; i++) {
    const r = spawnSync('dig', ['@127.0.0.1', '-p', String(NSD), '+short', '+tries=1', '+time=1', serviceName(0)], { encoding: 'utf8' });
    if (r.stdout.trim() === serviceIP(0)) return child;
    await new Promise((r2) => setTimeout(r2, 100));
  }
  throw new Error('nsd did not come up');
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function main() {
  const rows = [];
  for (const n of sizes) {
    const dir = fs.mkdtempSync(path.join(tmp, `n${n}-`));
    const queries = path.join(dir, 'queries.txt');
    // 50k random names of the N services, all positive A answers
    const lines = [];
    for (let i = 0; i < 50_000; i++) lines.push(`${serviceName(Math.floor(Math.random() * n))} A`);
    fs.writeFileSync(queries, lines.join('\n') + '\n');

    const ours = await serveOurs(n);
    dnsperf(OURS, queries); // warm-up (JIT)
    const a = dnsperf(OURS, queries);
    await stop(ours);
    const nsd = await serveNSD(n, dir);
    const b = dnsperf(NSD, queries);
    await stop(nsd);
    rows.push({ n, a, b });
  }
  const pad = (s, w) => String(s).padStart(w);
  console.log(`\ndnsperf, ${seconds}s per run, -c 4 -q 200, A queries for random services (${os.cpus().length} cores)`);
  console.log(`${pad('services', 9)} | ${pad('svcnet QPS', 11)} | ${pad('NSD QPS', 10)} | ${pad('ratio', 6)} | ${pad('svcnet lat', 10)} | ${pad('NSD lat', 8)} | lost`);
  console.log('-'.repeat(80));
  for (const { n, a, b } of rows) {
    console.log(`${pad(n, 9)} | ${pad(a.qps.toFixed(0), 11)} | ${pad(b.qps.toFixed(0), 10)} | ${pad((a.qps / b.qps).toFixed(2), 6)} | ${pad(a.latencyMs.toFixed(2) + 'ms', 10)} | ${pad(b.latencyMs.toFixed(2) + 'ms', 8)} | ${a.lost}/${b.lost}`);
  }
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(async () => {
    await Promise.all(children.map(stop));
    fs.rmSync(tmp, { recursive: true, force: true });
  });
