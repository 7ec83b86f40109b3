#!/usr/bin/env node
// NetworkPolicy benchmark. (a) sync time. 1k policies over 10k pod IPs (100 namespaces x
// 100 pods, 1k on this node; each policy selects one app's pods and allows from pods of
// another app, from a namespace by label and an ipBlock), compiled, rendered and applied to a
// real kernel table in a throwaway netns: full sync into an empty table, a restart resync
// (read the kernel, diff, nothing to apply), one pod added (the change a label edit makes).
// (b) data path: new connections/s, connect+request p50/p99 (ab -c 8, one connection per
// request) from a client netns through a router netns holding the real rendered
// `ip svcnet-netpol` table (loaded by nft -f) to nginx in a server netns whose address is a
// selected pod's IP; 0 policies vs the same 1k policies, two identical topologies, short
// interleaved bursts (as bench/proxy). (c) policy change -> enforced: a policy allowing the
// client on a closed port is added; time from the change to the first connection a prober in
// the client netns gets through (compile + render + diff + nft apply + the packet).
//   sudo node bench/netpol/run.js [--policies=1000] [--pods=10000] [--quick] [--burst=N] [--rounds=N] [--changes=N]
// Needs the libs built (npx tsc -b libs/network-policy) and root.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync, spawn } = require('node:child_process');
const { performance } = require('node:perf_hooks');
const { NftExecutor } = require('@svcnet/nftables');
const { compilePolicies, renderPolicyRuleset, policyPod, rulesetText, hostRange } = require('@svcnet/network-policy');
const { diff, expectedState } = require('@svcnet/proxy-rules');

const argv = Object.fromEntries(process.argv.slice(2).map((a) => { const [k, v] = a.replace(/^--/, '').split('='); return [k, v ?? 'true']; }));
const QUICK = argv.quick === 'true';
const BURST = Number(argv.burst ?? (QUICK ? 1000 : 3000));
const ROUNDS = Number(argv.rounds ?? (QUICK ? 5 : 7));
const CHANGES = Number(argv.changes ?? (QUICK ? 20 : 50));
const CONCURRENCY = 8;
const POLICIES = Number(argv.policies ?? 1000);
const PODS = Number(argv.pods ?? 10000);
const NS = 100;
const NODE = 'bench-node';
const netns = `svcnet-b-np-${process.pid}`;

function pods(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const ns = `ns-${i % NS}`;
    out.push({ metadata: { namespace: ns, name: `p-${i}`, labels: { app: `app-${Math.floor(i / NS) % (POLICIES / 10 || 1)}`, role: i % 3 ? 'client' : 'server' } },
      spec: { nodeName: i % 10 === 0 ? NODE : 'other', containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] },
      status: { phase: 'Running', podIP: `10.${64 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}` } });
  }
  return out;
}

function policies(n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    out.push({ metadata: { namespace: `ns-${i % NS}`, name: `np-${i}` }, spec: {
      podSelector: { matchLabels: { app: `app-${i % (n / 10 || 1)}` } }, policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { role: 'client' } } }, { namespaceSelector: { matchLabels: { team: `t-${i % 7}` } } }, { ipBlock: { cidr: '192.168.0.0/16', except: ['192.168.1.0/24'] } }], ports: [{ port: 'http' }, { port: 9000, endPort: 9100 }] }],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { team: `t-${i % 7}` } } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 8080 }] }],
    } });
  }
  return out;
}

const namespaces = Array.from({ length: NS }, (_, i) => ({ name: `ns-${i}`, labels: { 'kubernetes.io/metadata.name': `ns-${i}`, team: `t-${i % 7}` } }));

async function syncBench() {
  execFileSync('ip', ['netns', 'add', netns]);
  try {
    const nft = new NftExecutor({ netns });
    const allPods = pods(PODS);
    const input = { policies: policies(POLICIES), pods: allPods.map(policyPod), namespaces, nodeName: NODE };
    let t = performance.now();
    const compiled = compilePolicies(input);
    const tCompile = performance.now() - t;
    t = performance.now();
    const rs = renderPolicyRuleset(compiled);
    const tRender = performance.now() - t;
    t = performance.now();
    const tx = diff(undefined, rs);
    await nft.apply(tx);
    const tApply = performance.now() - t;
    t = performance.now();
    const again = diff(await nft.read('ip', rs.table), renderPolicyRuleset(compilePolicies(input)));
    const tResync = performance.now() - t;
    const more = { ...input, pods: [...input.pods, policyPod({ metadata: { namespace: 'ns-1', name: 'new', labels: { app: 'app-1', role: 'client' } }, spec: { nodeName: 'other' }, status: { phase: 'Running', podIP: '10.99.0.1' } })] };
    t = performance.now();
    const inc = diff(expectedState(rs), renderPolicyRuleset(compilePolicies(more)));
    await nft.apply(inc);
    const tInc = performance.now() - t;
    const elements = rs.sets.reduce((n, s) => n + s.elements.length, 0);
    console.log(`svcnet NetworkPolicy sync benchmark: ${POLICIES} policies, ${PODS} pod IPs (${input.pods.filter((p) => p.nodeName === NODE).length} on this node)`);
    console.log(`groups (chains) ${compiled.groups.size}, sets ${rs.sets.length}, elements ${elements}`);
    console.log(`| step | ms | operations |\n|---|---|---|`);
    console.log(`| compile | ${tCompile.toFixed(0)} | |`);
    console.log(`| render | ${tRender.toFixed(0)} | |`);
    console.log(`| full sync into an empty table (diff + nft -f) | ${tApply.toFixed(0)} | ${tx.size} |`);
    console.log(`| restart resync (compile + render + read kernel + diff) | ${tResync.toFixed(0)} | ${again.size} |`);
    console.log(`| one peer pod added (compile + render + diff + apply) | ${tInc.toFixed(0)} | ${inc.size} |`);
  } finally {
    execFileSync('ip', ['netns', 'del', netns]);
  }
}

// ---------- (b), (c): the data path ----------

const sh = (args, opts = {}) => execFileSync(args[0], args.slice(1), { stdio: ['pipe', 'pipe', 'pipe'], ...opts }).toString();
const inNs = (ns, args, opts) => sh(['ip', 'netns', 'exec', ns, ...args], opts);
const now = () => performance.timeOrigin + performance.now();
const median = (xs) => { const v = [...xs].sort((a, b) => a - b); return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2; };
const pct = (xs, p) => { const v = [...xs].sort((a, b) => a - b); return v[Math.min(v.length - 1, Math.ceil((p / 100) * v.length) - 1)]; };
const fmt = (x, d = 0) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(d));
const PROBE_PORT = 9200; // allowed by no bench policy until the change adds one

// client netns --veth-- router netns (ip forward, the svcnet-netpol table) --veth-- server netns
function topology(tag, clientIP, serverIP) {
  const c = `snp-c${tag}-${process.pid}`, r = `snp-r${tag}-${process.pid}`, sv = `snp-s${tag}-${process.pid}`;
  const t = { client: c, router: r, server: sv, names: [c, r, sv] };
  for (const n of t.names) sh(['ip', 'netns', 'add', n]);
  created.push(...t.names);
  sh(['ip', 'link', 'add', 'vc', 'netns', r, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', c]);
  sh(['ip', 'link', 'add', 'vs', 'netns', r, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', sv]);
  for (const [ns, dev, addrs, gw, src] of [[c, 'eth0', ['10.250.1.2/24', `${clientIP}/32`], '10.250.1.1', clientIP], [sv, 'eth0', ['10.250.2.2/24', `${serverIP}/32`], '10.250.2.1', serverIP]]) {
    for (const a of addrs) inNs(ns, ['ip', 'addr', 'add', a, 'dev', dev]);
    inNs(ns, ['ip', 'link', 'set', dev, 'up']);
    inNs(ns, ['ip', 'link', 'set', 'lo', 'up']);
    inNs(ns, ['ip', 'route', 'add', 'default', 'via', gw, 'src', src]);
    inNs(ns, ['sysctl', '-qw', 'net.ipv4.tcp_tw_reuse=1']);
  }
  inNs(c, ['sysctl', '-qw', 'net.ipv4.ip_local_port_range=1024 65535']);
  inNs(sv, ['sysctl', '-qw', 'net.core.somaxconn=8192']);
  inNs(r, ['ip', 'addr', 'add', '10.250.1.1/24', 'dev', 'vc']);
  inNs(r, ['ip', 'addr', 'add', '10.250.2.1/24', 'dev', 'vs']);
  for (const d of ['vc', 'vs', 'lo']) inNs(r, ['ip', 'link', 'set', d, 'up']);
  inNs(r, ['ip', 'route', 'add', `${clientIP}/32`, 'via', '10.250.1.2']);
  inNs(r, ['ip', 'route', 'add', `${serverIP}/32`, 'via', '10.250.2.2']);
  inNs(r, ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
  try { inNs(r, ['sysctl', '-qw', 'net.netfilter.nf_conntrack_tcp_timeout_time_wait=2']); } catch { /* per-netns only on newer kernels */ }
  return t;
}

const created = [];
const children = [];
function cleanupNetns() {
  for (const ch of children) if (ch.exitCode === null && ch.signalCode === null) ch.kill('SIGKILL');
  for (const n of created) {
    // anything still running in our namespaces, by pid
    let pids = '';
    try { pids = sh(['ip', 'netns', 'pids', n]); } catch { /* gone */ }
    for (const pid of pids.split('\n').filter(Boolean)) try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone */ }
    try { sh(['ip', 'netns', 'del', n]); } catch { /* gone */ }
  }
  created.length = 0;
}

function startNginx(ns, dir, ip) {
  fs.mkdirSync(dir, { recursive: true });
  const conf = path.join(dir, 'nginx.conf');
  fs.writeFileSync(conf, `worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 8192; }
http { access_log off; keepalive_timeout 0;
  client_body_temp_path ${dir}/b; proxy_temp_path ${dir}/p; fastcgi_temp_path ${dir}/f; uwsgi_temp_path ${dir}/u; scgi_temp_path ${dir}/s;
  server { listen ${ip}:8080 backlog=8192; listen ${ip}:${PROBE_PORT}; location / { return 200 "ok\\n"; } } }
`);
  const ch = spawn('ip', ['netns', 'exec', ns, 'nginx', '-c', conf, '-e', `${dir}/error.log`], { stdio: 'ignore' });
  children.push(ch);
  return ch;
}

async function waitFor(fn, what, tries = 100) {
  for (let i = 0; i < tries; i++) {
    try { if (fn()) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function burst(t, url, dir, n = BURST) {
  const csv = path.join(dir, `ab-${t.client}.csv`);
  const out = inNs(t.client, ['ab', '-q', '-n', String(n), '-c', String(CONCURRENCY), '-s', '5', '-e', csv, url], { timeout: 120_000 });
  const rate = Number(/Requests per second:\s+([\d.]+)/.exec(out)?.[1]);
  const failed = Number(/Failed requests:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const p = new Map(fs.readFileSync(csv, 'utf8').split('\n').slice(1).filter(Boolean).map((l) => l.split(',').map(Number)));
  return { rate, failed, p50: p.get(50), p99: p.get(99) };
}

// A prober in the client netns: on "go\n", connects to ip:port every ~2 ms (each attempt
// abandoned after 5 ms: a dropped SYN never answers) and prints the wall time of the first success.
const PROBER = `
const net = require('net'); const { performance } = require('perf_hooks');
const [ip, port] = process.argv.slice(1);
const now = () => performance.timeOrigin + performance.now();
let active = false;
function attempt() {
  if (!active) return;
  const s = net.connect({ host: ip, port: Number(port) });
  const t = setTimeout(() => { s.destroy(); setTimeout(attempt, 0); }, 5);
  s.once('connect', () => { clearTimeout(t); s.destroy(); active = false; process.stdout.write('ok ' + now() + '\\n'); });
  s.once('error', () => { clearTimeout(t); setTimeout(attempt, 2); });
}
process.stdin.on('data', (d) => { for (const l of String(d).split('\\n')) if (l === 'go') { active = true; attempt(); } });
`;

function probePolicy(k, ns, app, clientIP) {
  return { metadata: { namespace: ns, name: `probe-${k}` }, spec: { podSelector: { matchLabels: { app } }, policyTypes: ['Ingress'],
    ingress: [{ from: [{ ipBlock: { cidr: `${clientIP}/32` } }], ports: [{ port: PROBE_PORT }] }] } };
}

async function dataPathBench() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'svcnet-bench-netpol-'));
  try {
    const allPods = pods(PODS).map(policyPod);
    const pols = policies(POLICIES);
    const input = { policies: pols, pods: allPods, namespaces, nodeName: NODE };
    const compiled = compilePolicies(input);
    // the server: a local pod isolated for ingress; the client: a remote pod its rules allow (role=client, same namespace)
    const target = allPods.find((p) => p.nodeName === NODE && compiled.ingress.has(p.ip) && compiled.egress.has(p.ip));
    const allow = compiled.groups.get(compiled.ingress.get(target.ip)).allow;
    const allowed = (ip) => { const [n] = hostRange(ip); return allow.ports.some((b) => b.protocol === 'tcp' && b.addr[0] <= n && n <= b.addr[1] && b.ports[0] <= 8080 && 8080 <= b.ports[1]); };
    const client = allPods.find((p) => p.nodeName !== NODE && allowed(p.ip));
    const full = renderPolicyRuleset(compiled);
    const empty = renderPolicyRuleset(compilePolicies({ ...input, policies: [] }));
    const a = topology('a', client.ip, target.ip); // 1k policies
    const b = topology('b', client.ip, target.ip); // 0 policies
    let t0 = now();
    inNs(a.router, ['nft', '-f', '-'], { input: rulesetText(full) });
    const tLoad = now() - t0;
    inNs(b.router, ['nft', '-f', '-'], { input: rulesetText(empty) });
    for (const [t, n] of [[a, 'a'], [b, 'b']]) startNginx(t.server, path.join(tmp, n), target.ip);
    const url = `http://${target.ip}:8080/`;
    for (const t of [a, b]) await waitFor(() => inNs(t.client, ['curl', '-sS', '--max-time', '1', url]).startsWith('ok'), `nginx in ${t.server}`);
    // the policies really apply: the probe port is closed on A, open on B
    const closed = (t) => { try { inNs(t.client, ['curl', '-sS', '--max-time', '0.3', `http://${target.ip}:${PROBE_PORT}/`]); return false; } catch { return true; } };
    if (!closed(a) || closed(b)) throw new Error('policy table not enforced as expected');
    const targets = [['1k policies', a], ['0 policies', b]];
    burst(a, url, tmp, 200);
    burst(b, url, tmp, 200);
    const results = new Map(targets.map(([n]) => [n, []]));
    for (let r = 0; r < ROUNDS; r++) for (const [n, t] of r % 2 ? [...targets].reverse() : targets) results.get(n).push(burst(t, url, tmp));
    const rows = targets.map(([n]) => { const rs = results.get(n); return { name: n, rate: median(rs.map((x) => x.rate)), p50: median(rs.map((x) => x.p50)), p99: median(rs.map((x) => x.p99)), failed: rs.reduce((s, x) => s + x.failed, 0) }; });

    // (c) policy change -> enforced, on A: add a policy opening the probe port to the client, then remove it
    const nft = new NftExecutor({ netns: a.router });
    const prober = spawn('ip', ['netns', 'exec', a.client, process.execPath, '-e', PROBER, target.ip, String(PROBE_PORT)], { stdio: ['pipe', 'pipe', 'inherit'] });
    children.push(prober);
    let lines = [];
    let waiter;
    prober.stdout.on('data', (d) => { lines.push(...String(d).split('\n').filter(Boolean)); waiter?.(); });
    const nextLine = () => new Promise((res, rej) => { const tm = setTimeout(() => rej(new Error('prober: no connection within 10 s')), 10_000); waiter = () => { if (lines.length) { clearTimeout(tm); waiter = undefined; res(lines.shift()); } }; waiter(); });
    let state = expectedState(full);
    const enforced = [], syncs = [], compiles = [];
    for (let k = 0; k < CHANGES; k++) {
      const withProbe = { ...input, policies: [...pols, probePolicy(k, target.namespace, target.labels.app, client.ip)] };
      prober.stdin.write('go\n');
      const t1 = now();
      const c = compilePolicies(withProbe);
      const tc = now() - t1;
      const rs = renderPolicyRuleset(c);
      await nft.apply(diff(state, rs));
      const tApplied = now();
      const tOk = Number((await nextLine()).split(' ')[1]);
      enforced.push(tOk - t1);
      syncs.push(tApplied - t1);
      compiles.push(tc);
      // back to closed: the probe policy removed (same path, not timed)
      const back = renderPolicyRuleset(compilePolicies(input));
      await nft.apply(diff(expectedState(rs), back));
      state = expectedState(back);
      if (!closed(a)) throw new Error('probe port still open after the probe policy was removed');
    }
    prober.kill('SIGKILL');
    return { rows, tLoad, full, target, client, enforced, syncs, compiles };
  } finally {
    cleanupNetns();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function main() {
  if (process.getuid && process.getuid() !== 0) throw new Error('needs root (network namespaces)');
  for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => { cleanupNetns(); try { execFileSync('ip', ['netns', 'del', netns]); } catch { /* gone */ } process.exit(130); });
  await syncBench();
  const d = await dataPathBench();
  const [withP, without] = d.rows;
  console.log('');
  console.log(`data path (${os.cpus().length} CPUs, ${os.release()}): client ${d.client.ip} -> router netns (ip svcnet-netpol, nft -f in ${fmt(d.tLoad)} ms) -> nginx on pod IP ${d.target.ip}:8080, isolated both ways, allowed by its rules;`);
  console.log(`bursts of ${BURST} new connections, ab -c ${CONCURRENCY}, ${ROUNDS} interleaved rounds, medians`);
  console.log(`| table | conn/s | p50 ms | p99 ms | conn/s ratio | failed |\n|---|---|---|---|---|---|`);
  for (const r of d.rows) console.log(`| ${r.name} | ${fmt(r.rate)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${fmt(r.rate / without.rate, 2)}x | ${r.failed} |`);
  console.log('');
  console.log(`policy change -> enforced (${d.enforced.length} changes: a policy opening port ${PROBE_PORT} to the client added to the ${POLICIES}; change -> first connection through), ms`);
  console.log(`| step | p50 | p99 | max |\n|---|---|---|---|`);
  for (const [n, xs] of [['compile', d.compiles], ['compile + render + diff + nft apply', d.syncs], ['change -> enforced (prober connects)', d.enforced]]) console.log(`| ${n} | ${fmt(pct(xs, 50), 1)} | ${fmt(pct(xs, 99), 1)} | ${fmt(Math.max(...xs), 1)} |`);
}
main().catch((e) => { console.error(e); cleanupNetns(); process.exitCode = 1; });

