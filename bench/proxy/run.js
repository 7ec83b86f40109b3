#!/usr/bin/env node
// Proxy benchmark: svcnet's nftables ruleset (verdict-map dispatch, minimal diffs) against a
// linear iptables-style baseline (one rule per service port, checked in order; every sync
// rewrites the table, as iptables-restore does), in the same run, on the same machine.
//
//  (a) sync time for N Services x 10 endpoints: full sync into an empty table, a restart
//      resync (read the kernel, diff, nothing to apply), and a one-endpoint change;
//  (b) data path: new connections/s and p50/p99 connect+request latency (ab -c 8, one new
//      connection per request) to a Service IP and to the same pod by its IP, with N other
//      Services programmed (1 endpoint each: dispatch cost depends on the number of service
//      ports, not on endpoints, and nft needs minutes to load 30k x 10 endpoint chains).
//
// Two identical hermetic topologies (@svcnet/netns TestTopology: client pod -> node -> pod
// running nginx), one programmed by svcnet, one with the baseline, so both are measured in
// short interleaved bursts (DESIGN.md "Measuring the data path honestly").
//
//   sudo node bench/proxy/run.js            # sync 1k, 10k; data path 0, 1k, 10k, 30k (~6-8 min)
//   sudo node bench/proxy/run.js --quick    # sync 1k; data path 0, 1k; short bursts (<1 min)
//   sudo node bench/proxy/run.js --sync-sizes=1000,30000 --path-sizes=0,5000 --burst=2000 --rounds=3
// Needs the libs built (npx tsc -b libs/proxy-rules libs/netns) and root.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { NftExecutor } = require('@svcnet/nftables');
const { RenderCache, renderRuleset, diff, expectedState } = require('@svcnet/proxy-rules');
const { execIn, spawnIn, setSysctl, run } = require('@svcnet/netns');
const { TestTopology } = require('@svcnet/netns/testing');

const argv = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`bad argument ${a}`);
    return [m[1], m[2] ?? 'true'];
  }),
);
const QUICK = argv.quick === 'true';
const list = (s) => (s === '' ? [] : s.split(',').map(Number));
const SYNC_SIZES = list(argv['sync-sizes'] ?? (QUICK ? '1000' : '1000,10000'));
const PATH_SIZES = list(argv['path-sizes'] ?? (QUICK ? '0,1000' : '0,1000,10000,30000'));
const BURST = Number(argv.burst ?? (QUICK ? 1000 : 3000));
const ROUNDS = Number(argv.rounds ?? (QUICK ? 5 : 7));
const ENDPOINTS = 10;
const CONCURRENCY = 8;
const NODE = 'bench-node';
const TARGET_IP = '10.100.0.1';

// ---------- the Services ----------

const ip = (base, i) => `${base[0]}.${base[1] + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
const serviceIP = (i) => ip([10, 96], i + 256);
const endpointIP = (i, j) => ip([10, 128], i * ENDPOINTS + j + 256);

// N filler Services of 10 endpoints each, plus "target" whose one endpoint is the nginx pod.
function proxyState(n, podIP, clusterCIDR, bump = 0, perService = ENDPOINTS) {
  const services = [];
  const endpointSlices = [];
  for (let i = 0; i < n; i++) {
    const name = `svc-${String(i).padStart(6, '0')}`;
    services.push({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'bench', name }, spec: { clusterIP: serviceIP(i), ports: [{ name: 'http', port: 80, protocol: 'TCP' }] } });
    const eps = [];
    for (let j = 0; j < perService; j++) eps.push({ addresses: [endpointIP(i, j)], conditions: { ready: true } });
    // the one-endpoint change: service 0 gets endpoint 0 replaced
    if (i === 0 && bump) eps[0] = { addresses: [ip([10, 200], bump)], conditions: { ready: true } };
    endpointSlices.push(sliceOf(name, 8080, eps));
  }
  services.push({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'bench', name: 'target' }, spec: { clusterIP: TARGET_IP, ports: [{ name: 'http', port: 80, protocol: 'TCP' }] } });
  endpointSlices.push(sliceOf('target', 80, [{ addresses: [podIP], conditions: { ready: true }, nodeName: NODE }]));
  return { services, endpointSlices, nodeName: NODE, nodeIPs: ['192.168.200.1'], clusterCIDRs: [clusterCIDR] };
}

function sliceOf(service, port, endpoints) {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { namespace: 'bench', name: `${service}-1`, labels: { 'kubernetes.io/service-name': service } },
    addressType: 'IPv4',
    ports: [{ name: 'http', port, protocol: 'TCP' }],
    endpoints,
  };
}

// The baseline as iptables mode builds it: a services chain with one rule per service port,
// checked in order (the target last: worst case, and every packet that is not a new
// connection to a Service, like direct pod traffic, walks the whole list), a chain per
// service choosing an endpoint, a chain per endpoint with the DNAT. A sync rewrites it all.
function baselineScript(n, podIP, bump = 0, perService = ENDPOINTS) {
  const t = 'ip svcbase';
  const out = [`add table ${t}`, `flush table ${t}`];
  out.push(`add chain ${t} prerouting { type nat hook prerouting priority -100 ; policy accept ; }`);
  out.push(`add chain ${t} output { type nat hook output priority -100 ; policy accept ; }`);
  out.push(`add chain ${t} services`, `add rule ${t} prerouting jump services`, `add rule ${t} output jump services`);
  const svc = (i, ipAddr, eps) => {
    if (eps.length === 1) {
      // one endpoint: the rule DNATs directly (same linear match, far fewer chains to load)
      out.push(`add rule ${t} services ip daddr ${ipAddr} tcp dport 80 dnat to ${eps[0]}`);
      return;
    }
    out.push(`add chain ${t} svc-${i}`);
    eps.forEach((e, j) => {
      out.push(`add chain ${t} ep-${i}-${j}`, `add rule ${t} ep-${i}-${j} meta l4proto tcp dnat to ${e}`);
    });
    out.push(`add rule ${t} svc-${i} numgen random mod ${eps.length} vmap { ${eps.map((_, j) => `${j} : goto ep-${i}-${j}`).join(', ')} }`);
    out.push(`add rule ${t} services ip daddr ${ipAddr} tcp dport 80 jump svc-${i}`);
  };
  for (let i = 0; i < n; i++) {
    const eps = [];
    for (let j = 0; j < perService; j++) eps.push(`${endpointIP(i, j)}:8080`);
    if (i === 0 && bump) eps[0] = `${ip([10, 200], bump)}:8080`;
    svc(i, serviceIP(i), eps);
  }
  svc('target', TARGET_IP, [`${podIP}:80`]);
  return out.join('\n') + '\n';
}

// ---------- helpers ----------

const ms = (t0) => performance.now() - t0;
const fmt = (x, d = 0) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function nftScript(netns, script) {
  const r = await run('ip', ['netns', 'exec', netns, 'nft', '-f', '-'], { input: script, allowFailure: true });
  if (r.code !== 0) throw new Error(`nft -f: ${r.stderr.slice(0, 500)}`);
}

// One svcnet sync as the agent does it; appliedRuleset = undefined reads the kernel (full
// sync); cache = the agent's RenderCache (unchanged Services are replayed, not re-rendered).
async function svcnetSync(nft, state, appliedRuleset, cache) {
  const t0 = performance.now();
  const desired = renderRuleset(state, cache);
  const tRender = ms(t0);
  const t1 = performance.now();
  const current = appliedRuleset ? expectedState(appliedRuleset) : await nft.read('ip', 'svcnet');
  const tRead = ms(t1);
  const t2 = performance.now();
  const tx = diff(current, desired);
  const tDiff = ms(t2);
  const t3 = performance.now();
  await nft.apply(tx);
  const tApply = ms(t3);
  return { desired, ops: tx.size, total: ms(t0), render: tRender, read: tRead, diff: tDiff, apply: tApply };
}

// nginx in the pod namespace: port 80, one worker, no logs, a tiny answer, no keep-alive.
function startNginx(topo, pod, dir) {
  fs.mkdirSync(dir, { recursive: true });
  const conf = path.join(dir, 'nginx.conf');
  fs.writeFileSync(
    conf,
    `worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 8192; }
http { access_log off; keepalive_timeout 0;
  client_body_temp_path ${dir}/b; proxy_temp_path ${dir}/p; fastcgi_temp_path ${dir}/f; uwsgi_temp_path ${dir}/u; scgi_temp_path ${dir}/s;
  server { listen 80 backlog=8192; location / { return 200 "ok\\n"; } } }
`,
  );
  return spawnIn(pod.netns, 'nginx', ['-c', conf, '-e', `${dir}/error.log`], { stdio: ['ignore', 'ignore', 'pipe'] });
}

async function tune(topo) {
  // TIME_WAIT would otherwise exhaust the client's ports within one burst.
  await setSysctl(topo.client.netns, 'net.ipv4.ip_local_port_range', '1024 65535');
  await setSysctl(topo.client.netns, 'net.ipv4.tcp_tw_reuse', 1);
  await setSysctl(topo.pods[0].netns, 'net.ipv4.tcp_tw_reuse', 1);
  await setSysctl(topo.pods[0].netns, 'net.core.somaxconn', 8192);
  // The node's conntrack table is shared with the host's limit: let closed flows go quickly.
  await setSysctl(topo.nodeNs, 'net.netfilter.nf_conntrack_tcp_timeout_time_wait', 2).catch(() => undefined);
}

// One ab burst: conn/s and connect+request latency percentiles (ms, from ab's CSV).
async function burst(topo, url, dir, n = BURST) {
  const csv = path.join(dir, `ab-${process.pid}.csv`);
  const r = await execIn(topo.client.netns, 'ab', ['-q', '-n', String(n), '-c', String(CONCURRENCY), '-s', '5', '-e', csv, url], { allowFailure: true, timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`ab ${url}: ${r.stderr.trim() || r.stdout.slice(-300)}`);
  const rate = Number(/Requests per second:\s+([\d.]+)/.exec(r.stdout)?.[1]);
  const failed = Number(/Failed requests:\s+(\d+)/.exec(r.stdout)?.[1] ?? 0);
  const pct = new Map(
    fs
      .readFileSync(csv, 'utf8')
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .map((l) => l.split(',').map(Number)),
  );
  return { rate, failed, p50: pct.get(50), p99: pct.get(99) };
}

// ---------- main ----------

async function main() {
  if (process.getuid && process.getuid() !== 0) throw new Error('needs root (network namespaces)');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'svcnet-bench-proxy-'));
  const topos = [];
  const nginx = [];
  const started = Date.now();
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    // nginx: TERM the master (it stops its worker), then anything left in our pod netns, by pid
    for (const c of nginx) if (c.exitCode === null) c.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    for (const t of topos) {
      const r = await run('ip', ['netns', 'pids', t.pods[0].netns], { allowFailure: true });
      for (const pid of r.stdout.split('\n').filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
    for (const t of topos) await t.dispose().catch((e) => process.stderr.write(`cleanup: ${e.message}\n`));
    fs.rmSync(tmp, { recursive: true, force: true });
  };
  for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => void cleanup().then(() => process.exit(130)));
  try {
    // A: svcnet, B: baseline. Same shape, separate namespaces.
    const a = await TestTopology.create({ pods: 1 });
    topos.push(a);
    const b = await TestTopology.create({ pods: 1 });
    topos.push(b);
    for (const [t, name] of [[a, 'a'], [b, 'b']]) {
      await tune(t);
      nginx.push(startNginx(t, t.pods[0], path.join(tmp, name)));
    }
    for (const t of topos) {
      for (let i = 0; ; i++) {
        const r = await t.exec(t.client.netns, 'curl', ['-sS', '--max-time', '1', `http://${t.pods[0].ip}/`]);
        if (r.code === 0) break;
        if (i > 50) throw new Error(`nginx did not start: ${r.stderr}`);
        await new Promise((res) => setTimeout(res, 100));
      }
    }
    const nft = new NftExecutor({ netns: a.nodeNs });
    const podIP = a.pods[0].ip; // the same in both topologies
    const syncRows = [];
    const pathRows = [];

    const elapsed = () => `[${Math.round((Date.now() - started) / 1000)}s]`;
    const dropTables = async () => {
      await run('ip', ['netns', 'exec', a.nodeNs, 'nft', 'delete', 'table', 'ip', 'svcnet'], { allowFailure: true });
      await run('ip', ['netns', 'exec', b.nodeNs, 'nft', 'delete', 'table', 'ip', 'svcbase'], { allowFailure: true });
    };

    // (a) sync times, N x 10 endpoints
    for (const n of SYNC_SIZES) {
      process.stderr.write(`${elapsed()} sync: ${n} services x ${ENDPOINTS} endpoints\n`);
      await dropTables();
      const state = proxyState(n, podIP, a.clusterCIDR);
      const cache = new RenderCache();
      const full = await svcnetSync(nft, state, undefined, cache);
      // a restarted agent: nothing cached, reads the kernel
      const resync = await svcnetSync(nft, state, undefined, new RenderCache());
      const incr = await svcnetSync(nft, proxyState(n, podIP, a.clusterCIDR, 1), full.desired, cache);
      // baseline: full apply; its sync after a one-endpoint change rewrites the whole table
      // (measured as the rewrite itself: same size, same cost whichever endpoint changed)
      let t0 = performance.now();
      await nftScript(b.nodeNs, baselineScript(n, podIP));
      const baseFull = ms(t0);
      t0 = performance.now();
      await nftScript(b.nodeNs, baselineScript(n, podIP, 1));
      const baseIncr = ms(t0);
      syncRows.push({ n, full, resync, incr, baseFull, baseIncr });
    }

    // (b) data path, N x 1 endpoint: interleaved bursts, repeated
    for (const n of PATH_SIZES) {
      process.stderr.write(`${elapsed()} data path: ${n} services programmed\n`);
      await dropTables();
      await svcnetSync(nft, proxyState(n, podIP, a.clusterCIDR, 0, 1), undefined);
      await nftScript(b.nodeNs, baselineScript(n, podIP, 0, 1));
      const targets = [
        ['svcnet service', a, `http://${TARGET_IP}/`],
        ['svcnet pod IP', a, `http://${podIP}/`],
        ['linear service', b, `http://${TARGET_IP}/`],
        ['linear pod IP', b, `http://${podIP}/`],
      ];
      await burst(a, targets[0][2], tmp, 200); // warm-up
      await burst(b, targets[2][2], tmp, 200);
      const results = new Map(targets.map((t) => [t[0], []]));
      for (let r = 0; r < ROUNDS; r++) {
        for (const [name, topo, url] of r % 2 ? [...targets].reverse() : targets) results.get(name).push(await burst(topo, url, tmp));
      }
      for (const [name] of targets) {
        const rs = results.get(name);
        pathRows.push({ n, name, rate: median(rs.map((x) => x.rate)), p50: median(rs.map((x) => x.p50)), p99: median(rs.map((x) => x.p99)), failed: rs.reduce((s, x) => s + x.failed, 0) });
      }
    }

    // ---------- report ----------
    const out = [];
    out.push(`svcnet proxy benchmark  (${os.cpus().length} CPUs, ${os.release()}, nft ${(await run('nft', ['--version'])).stdout.trim().split(' ')[1]}; ${ENDPOINTS} endpoints per Service; bursts of ${BURST} new connections, ab -c ${CONCURRENCY}, ${ROUNDS} interleaved rounds, medians)`);
    out.push('');
    out.push(`(a) sync time, ms, ${ENDPOINTS} endpoints per Service. svcnet: full = render + read + diff + apply into an empty table;`);
    out.push('    restart = full sync over an unchanged table (reads it back, 0 ops); 1-ep change = incremental sync (diff against the');
    out.push('    last applied state, one atomic nft -f). linear baseline: every sync rewrites the table (as iptables-restore).');
    out.push(pad(['services', 'svcnet full', '(render/apply)', 'restart', '1-ep (rnd/apply)', 'ops', 'linear full', 'linear 1-ep', 'full ratio', '1-ep ratio'], [9, 12, 16, 9, 18, 5, 12, 12, 11, 11]));
    for (const r of syncRows) {
      out.push(
        pad(
          [
            String(r.n),
            fmt(r.full.total),
            `${fmt(r.full.render)}/${fmt(r.full.apply)}`,
            fmt(r.resync.total),
            `${fmt(r.incr.total)} (${fmt(r.incr.render)}/${fmt(r.incr.apply)})`,
            String(r.incr.ops),
            fmt(r.baseFull),
            fmt(r.baseIncr),
            `${fmt(r.full.total / r.baseFull, 2)}x`,
            `${fmt(r.incr.total / r.baseIncr, 3)}x`,
          ],
          [9, 12, 16, 9, 18, 5, 12, 12, 11, 11],
        ),
      );
    }
    out.push('');
    out.push('(b) data path, N other Services with 1 endpoint each: new connections/s, connect+request latency (ms); ratios against');
    out.push('    the linear baseline at the same size (its target Service is the last rule: worst case; pod-IP traffic walks all rules),');
    out.push('    "vs pod" = the Service path against the same pod by its IP through the same node.');
    out.push(pad(['services', 'path', 'conn/s', 'p50 ms', 'p99 ms', 'vs linear', 'vs pod', 'failed'], [9, 16, 9, 8, 8, 10, 8, 7]));
    for (const r of pathRows) {
      const same = (name) => pathRows.find((x) => x.n === r.n && x.name === name);
      const base = same(r.name.replace('svcnet', 'linear'));
      const pod = same(r.name.replace('service', 'pod IP'));
      out.push(
        pad(
          [String(r.n), r.name, fmt(r.rate), fmt(r.p50, 2), fmt(r.p99, 2), r.name.startsWith('svcnet') ? `${fmt(r.rate / base.rate, 2)}x` : '', r.name.endsWith('service') ? `${fmt(r.rate / pod.rate, 2)}x` : '', String(r.failed)],
          [9, 16, 9, 8, 8, 10, 8, 7],
        ),
      );
    }
    out.push('');
    out.push(`total ${Math.round((Date.now() - started) / 1000)} s`);
    process.stdout.write(out.join('\n') + '\n');
    if (argv.json) fs.writeFileSync(argv.json, JSON.stringify({ syncRows: syncRows.map(({ full, resync, incr, ...r }) => ({ ...r, full: strip(full), resync: strip(resync), incr: incr && strip(incr) })), pathRows }, null, 2));
  } finally {
    await cleanup();
  }
}

const strip = ({ desired, ...r }) => r;
const pad = (cols, widths) => cols.map((c, i) => String(c).padStart(widths[i])).join(' ');

main().catch((e) => {
  process.stderr.write(`${e.stack || e}\n`);
  process.exit(1);
});
