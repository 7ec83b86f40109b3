#!/usr/bin/env node
// dnsperf QPS of svcnet dns vs NSD serving the same records as a static zone.
// usage: node apps/dns/bench/dnsperf.js [--seconds 10] [--sizes 1000,10000] [--rounds 2]
// Needs the built app (npx tsc -b apps/dns), dnsperf and nsd. Everything on 127.0.0.1.
// Per size: rounds of (svcnet, NSD) interleaved, medians printed, plus the CPU time each
// server spent per answered query (from /proc, robust against other load on the machine)
// and p50/p99 latency of an unloaded run (2000 QPS, dnsperf -v gives each query's time).
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
const rounds = Number(arg('rounds', '2'));
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

// CPU time (ms) of a process and its descendants (NSD forks its server process).
function cpuMs(pid) {
  let ticks = 0;
  const stat = (p) => {
    const st = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
    return st.slice(st.lastIndexOf(')') + 2).split(' ');
  };
  const walk = (p) => {
    try {
      const f = stat(p);
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      return;
    }
    for (const d of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        if (Number(stat(d)[1]) === p) walk(Number(d));
      } catch {
        // gone
      }
    }
  };
  walk(pid);
  return (ticks * 1000) / 100; // USER_HZ
}

function dnsperf(port, file, pid) {
  const c0 = pid ? cpuMs(pid) : 0;
  const r = spawnSync('dnsperf', ['-s', '127.0.0.1', '-p', String(port), '-d', file, '-l', String(seconds), '-c', '4', '-q', '200'], { encoding: 'utf8' });
  const c1 = pid ? cpuMs(pid) : 0;
  const qps = /Queries per second:\s+([\d.]+)/.exec(r.stdout)?.[1];
  const lost = /Queries lost:\s+(\d+)/.exec(r.stdout)?.[1];
  const lat = /Average Latency \(s\):\s+([\d.]+)/.exec(r.stdout)?.[1];
  const done = /Queries completed:\s+(\d+)/.exec(r.stdout)?.[1];
  if (!qps) throw new Error(`dnsperf failed: ${r.stdout}${r.stderr}`);
  return { qps: Number(qps), lost: Number(lost), latencyMs: Number(lat) * 1000, cpuUs: ((c1 - c0) * 1000) / Number(done) };
}

// Unloaded latency: 2000 QPS for a few seconds, each query's time from dnsperf -v.
function unloaded(port, file) {
  const r = spawnSync('dnsperf', ['-s', '127.0.0.1', '-p', String(port), '-d', file, '-l', '3', '-Q', '2000', '-v'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const lat = [];
  for (const m of r.stdout.matchAll(/^> \S+ .* ([\d.]+)$/gm)) lat.push(Number(m[1]) * 1000);
  lat.sort((x, y) => x - y);
  const pct = (p) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))] : NaN);
  return { p50: pct(50), p99: pct(99) };
}

const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

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

    const as = [];
    const bs = [];
    let aLat;
    let bLat;
    for (let round = 0; round < rounds; round++) {
      const ours = await serveOurs(n);
      dnsperf(OURS, queries); // warm-up (JIT, answer cache)
      as.push(dnsperf(OURS, queries, ours.pid));
      if (round === 0) aLat = unloaded(OURS, queries);
      await stop(ours);
      const nsd = await serveNSD(n, dir);
      bs.push(dnsperf(NSD, queries, nsd.pid));
      if (round === 0) bLat = unloaded(NSD, queries);
      await stop(nsd);
    }
    const pick = (xs, k) => median(xs.map((x) => x[k]));
    const a = { qps: pick(as, 'qps'), latencyMs: pick(as, 'latencyMs'), cpuUs: pick(as, 'cpuUs'), lost: as.reduce((t, x) => t + x.lost, 0), ...aLat };
    const b = { qps: pick(bs, 'qps'), latencyMs: pick(bs, 'latencyMs'), cpuUs: pick(bs, 'cpuUs'), lost: bs.reduce((t, x) => t + x.lost, 0), ...bLat };
    const ratios = as.map((x, i) => (x.qps / bs[i].qps).toFixed(2)).join(' ');
    rows.push({ n, a, b, ratios });
  }
  const pad = (s, w) => String(s).padStart(w);
  const ms = (x) => `${x.toFixed(2)}ms`;
  console.log(`\ndnsperf, ${seconds}s per run, -c 4 -q 200, A queries for random services, median of ${rounds} interleaved rounds (${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)})`);
  console.log('QPS and avg latency under load; CPU = server CPU time per answered query; p50/p99 unloaded (2000 QPS)');
  console.log(`${pad('services', 8)} | ${pad('svcnet QPS', 10)} | ${pad('NSD QPS', 9)} | ${pad('ratio', 5)} | ${pad('rounds', 9)} | ${pad('svcnet avg', 10)} | ${pad('NSD avg', 8)} | ${pad('svcnet CPU', 10)} | ${pad('NSD CPU', 8)} | ${pad('svcnet p50/p99', 15)} | ${pad('NSD p50/p99', 13)} | lost`);
  console.log('-'.repeat(150));
  for (const { n, a, b, ratios } of rows) {
    console.log(
      `${pad(n, 8)} | ${pad(a.qps.toFixed(0), 10)} | ${pad(b.qps.toFixed(0), 9)} | ${pad((a.qps / b.qps).toFixed(2), 5)} | ${pad(ratios, 9)} | ${pad(ms(a.latencyMs), 10)} | ${pad(ms(b.latencyMs), 8)} | ${pad(a.cpuUs.toFixed(1) + 'us', 10)} | ${pad(b.cpuUs.toFixed(1) + 'us', 8)} | ${pad(`${a.p50.toFixed(2)}/${a.p99.toFixed(2)}ms`, 15)} | ${pad(`${b.p50.toFixed(2)}/${b.p99.toFixed(2)}ms`, 13)} | ${a.lost}/${b.lost}`,
    );
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
