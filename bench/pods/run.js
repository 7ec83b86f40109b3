#!/usr/bin/env node
// Pod lifecycle benchmark on a real local cluster (`svcnet up`, 2 nodes in network namespaces):
//  1. a pod of a 3-replica Deployment behind a Service is deleted through the API; time until
//     (a) its replacement is Ready, (b) the replacement's IP is a ready address of the Service's
//     Endpoints, (c) that IP is in the nftables table `ip svcnet` of every node (polled, ~20 ms).
//     Reference in the same run: the same delete, but the user creates the replacement pod
//     directly (bare pod with spec.nodeName: no ReplicaSet controller, no scheduler).
//     Floor: apiserver create -> watch event latency (an Event object, nothing reacts to it).
//  2. pods started per second on one node: a Deployment of N pods pinned by nodeSelector
//     kubernetes.io/hostname=node-1, from create to all Running+Ready. Reference: N bare pods
//     with spec.nodeName=node-1 created by the user at once.
// Needs root. Usage: sudo node bench/pods/run.js [--quick] [--keep-logs=DIR]
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { performance } = require('node:perf_hooks');
const { ApiClient } = require('../../libs/api-client');

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 5 : 10;
const BURST = quick ? 10 : 30;
const NS = 'default';
const IMAGE = 'nginx';
const NFT_POLL_MS = 20;
// --keep-logs=DIR: copy the apps' logs there before the cluster is removed
const keepLogs = process.argv.find((a) => a.startsWith('--keep-logs='))?.slice('--keep-logs='.length);

const MAIN = path.resolve(__dirname, '../../apps/local-cluster/dist/main.js');
const prefix = `spb${randomBytes(2).toString('hex')}`;
const NODES = ['node-1', 'node-2'];
const netnsOf = (node) => `${prefix}-${node}`;

const now = () => performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function pct(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const log = (m) => process.stderr.write(`[pods-bench] ${m}\n`);

// ---------------------------------------------------------------------------------------------
// cluster lifecycle

let stateDir;
let runDir;
let flags;
let cleanedUp = false;

function svcnet(args, timeout = 180_000) {
  const r = spawnSync(process.execPath, [MAIN, ...args, ...flags], { encoding: 'utf8', timeout });
  if (r.status !== 0) throw new Error(`svcnet ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}\n${logTails()}`);
  return r.stdout;
}

function logTails() {
  const dir = runDir && path.join(runDir, 'logs');
  if (!dir || !fs.existsSync(dir)) return '';
  return fs
    .readdirSync(dir)
    .map((f) => `--- ${f}\n${fs.readFileSync(path.join(dir, f), 'utf8').split('\n').slice(-10).join('\n')}`)
    .join('\n');
}

function cleanup() {
  if (cleanedUp || !flags) return;
  cleanedUp = true;
  if (keepLogs && runDir && fs.existsSync(path.join(runDir, 'logs'))) {
    fs.cpSync(path.join(runDir, 'logs'), keepLogs, { recursive: true });
    log(`logs copied to ${keepLogs}`);
  }
  log(`cleaning up (svcnet down --purge, prefix ${prefix})`);
  const r = spawnSync(process.execPath, [MAIN, 'down', '--purge', ...flags], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) log(`down failed (${r.status}): ${r.stderr || r.stdout}`);
  if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
  if (runDir) fs.rmSync(runDir, { recursive: true, force: true });
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    log(`${sig}: stopping`);
    cleanup();
    process.exit(130);
  });
}

// ---------------------------------------------------------------------------------------------
// observing the cluster

/** Watches one resource in NS and calls every pending predicate on each event, with the time
 *  the event arrived. */
class Observer {
  constructor(client, resource) {
    this.res = client.resource(resource);
    this.objects = new Map(); // name -> object
    this.waiters = new Set();
  }
  async start() {
    const l = await this.res.list({ namespace: NS });
    for (const o of l.items) this.objects.set(o.metadata.name, o);
    const go = (rv) => {
      this.w = this.res.watch({ namespace: NS, resourceVersion: rv }, {
        onEvent: (ev) => {
          const t = now();
          if (ev.type === 'BOOKMARK') return;
          if (ev.type === 'DELETED') this.objects.delete(ev.object.metadata.name);
          else this.objects.set(ev.object.metadata.name, ev.object);
          this.lastRv = ev.object.metadata.resourceVersion;
          for (const w of [...this.waiters]) w.check(t);
        },
        onClose: (err) => {
          if (this.stopped) return;
          log(`${this.res.resource} watch closed (${err ? err.message : 'eof'}); resuming`);
          setTimeout(() => go(this.lastRv ?? ''), 100);
        },
      });
    };
    this.lastRv = l.metadata.resourceVersion;
    go(this.lastRv);
  }
  stop() {
    this.stopped = true;
    this.w?.stop();
  }
  /** resolves with { t, value } at the first event (or now) where fn(objects) is truthy */
  until(what, fn, timeoutMs = 60_000) {
    return new Promise((resolve, reject) => {
      const w = {
        check: (t) => {
          let v;
          try {
            v = fn([...this.objects.values()]);
          } catch (e) {
            v = undefined;
          }
          if (v) {
            this.waiters.delete(w);
            clearTimeout(timer);
            resolve({ t, value: v });
          }
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(w);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.add(w);
      w.check(now());
    });
  }
}

const isReady = (p) => !p.metadata.deletionTimestamp && p.status?.phase === 'Running' && (p.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
const readyUids = (ep) => new Set((ep?.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.targetRef?.uid)));
const readyIps = (ep) => (ep?.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip));

function nftText(node) {
  return new Promise((resolve) => {
    const p = spawn('ip', ['netns', 'exec', netnsOf(node), 'nft', '-j', 'list', 'table', 'ip', 'svcnet'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('close', () => resolve(out));
    p.on('error', () => resolve(''));
  });
}

/** polls each node's table every ~20 ms until pred(text) holds on every node; the time is when
 *  the last node's successful read completed (an upper bound, resolution ~ the poll period) */
async function nftUntil(what, pred, timeoutMs = 60_000) {
  const deadline = now() + timeoutMs;
  const times = await Promise.all(
    NODES.map(async (node) => {
      for (;;) {
        const started = now();
        const text = await nftText(node);
        if (pred(text)) return now();
        if (now() > deadline) throw new Error(`timed out waiting for ${what} in the nftables table of ${node}`);
        const wait = NFT_POLL_MS - (now() - started);
        if (wait > 0) await sleep(wait);
      }
    }),
  );
  return Math.max(...times);
}
const hasIp = (ip) => (text) => text.includes(`"${ip}"`);

// ---------------------------------------------------------------------------------------------
// objects

const container = { name: 'web', image: IMAGE, ports: [{ containerPort: 80 }] };
const deployment = (name, replicas, extraSpec = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: NS },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [container], ...extraSpec } } },
});
const barePod = (name, app, nodeName) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: NS, labels: { app } }, spec: { nodeName, containers: [container] } });
const service = (name) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: NS }, spec: { selector: { app: name }, ports: [{ name: 'http', port: 8080, targetPort: 80 }] } });

// ---------------------------------------------------------------------------------------------
// 1. delete -> replacement Ready / in Endpoints / in every node's rules

/** waits until the app has exactly 3 Ready pods, nothing terminating, Endpoints = their IPs and
 *  every node's rules contain exactly those IPs of the app (old ones gone) */
async function settle(obs, app, allIps) {
  const { value: pods } = await obs.pods.until(`3 ready ${app} pods, none terminating`, (ps) => {
    const mine = ps.filter((p) => p.metadata.labels?.app === app);
    return mine.length === 3 && mine.every(isReady) ? mine : undefined;
  }, 90_000);
  const ips = pods.map((p) => p.status.podIP);
  await obs.endpoints.until(`Endpoints ${app} = 3 ready pods`, (eps) => {
    const ep = eps.find((e) => e.metadata.name === app);
    const got = readyIps(ep).sort();
    return got.length === 3 && ips.every((ip) => got.includes(ip)) && (ep.subsets ?? []).every((s) => !(s.notReadyAddresses ?? []).length);
  }, 60_000);
  const stale = [...allIps].filter((ip) => !ips.includes(ip));
  await nftUntil(`the ${app} endpoints`, (text) => ips.every((ip) => hasIp(ip)(text)) && stale.every((ip) => !hasIp(ip)(text)));
  for (const ip of ips) allIps.add(ip);
  return pods;
}

async function deleteRounds(client, obs, app, mode) {
  const pods = client.resource('pods');
  const allIps = new Set();
  const res = { created: [], scheduled: [], ready: [], endpoints: [], slice: [], rules: [] };
  for (let i = 0; i < ROUNDS; i++) {
    const current = await settle(obs, app, allIps);
    await sleep(300);
    const before = new Set(current.map((p) => p.metadata.uid));
    // alternate between the nodes so both the local and the remote node matter
    const onNode = current.filter((p) => p.spec.nodeName === NODES[i % 2]);
    const victim = (onNode.length ? onNode : current)[0];
    const t0 = now();
    await pods.delete(NS, victim.metadata.name);
    if (mode === 'bare') await pods.create(barePod(`${app}-r${i}`, app, victim.spec.nodeName));
    const isNew = (p) => p.metadata.labels?.app === app && !before.has(p.metadata.uid) && !p.metadata.deletionTimestamp;
    const createdP = obs.pods.until('the replacement created', (ps) => ps.find(isNew), 60_000);
    const scheduledP = obs.pods.until('the replacement scheduled', (ps) => ps.find((p) => isNew(p) && p.spec.nodeName), 60_000);
    const { t: tReady, value: fresh } = await obs.pods.until('the replacement Ready', (ps) => ps.find((p) => isNew(p) && isReady(p)), 60_000);
    const ip = fresh.status.podIP;
    const uid = fresh.metadata.uid;
    const epP = obs.endpoints.until('the replacement in Endpoints', (eps) => readyUids(eps.find((e) => e.metadata.name === app)).has(uid), 60_000);
    const sliceP = obs.slices.until('the replacement in an EndpointSlice', (ss) =>
      ss.some((s) => s.metadata.labels?.['kubernetes.io/service-name'] === app && (s.endpoints ?? []).some((e) => e.targetRef?.uid === uid && e.conditions?.ready === true)), 60_000);
    const rulesP = nftUntil(`${ip}`, hasIp(ip));
    const [{ t: tCreated }, { t: tScheduled }, { t: tEp }, { t: tSlice }, tRules] = await Promise.all([createdP, scheduledP, epP, sliceP, rulesP]);
    res.created.push(tCreated - t0);
    res.scheduled.push(tScheduled - t0);
    res.ready.push(tReady - t0);
    res.endpoints.push(tEp - t0);
    res.slice.push(tSlice - t0);
    res.rules.push(tRules - t0);
    log(`${mode} round ${i + 1}/${ROUNDS}: victim on ${victim.spec.nodeName}, replacement ${fresh.metadata.name} on ${fresh.spec.nodeName} ${ip}: created ${(tCreated - t0).toFixed(0)} ms, scheduled ${(tScheduled - t0).toFixed(0)} ms, ready ${(tReady - t0).toFixed(0)} ms, endpoints ${(tEp - t0).toFixed(0)} ms, slice ${(tSlice - t0).toFixed(0)} ms, rules ${(tRules - t0).toFixed(0)} ms`);
  }
  await settle(obs, app, allIps);
  return res;
}

async function watchFloor(client) {
  const events = client.resource('events');
  const lat = [];
  for (let i = 0; i < (quick ? 10 : 20); i++) {
    const name = `floor-${i}`;
    let t0;
    const seen = new Promise((resolve) => {
      const w = events.watch({ namespace: NS, resourceVersion: '' }, {
        onEvent: (ev) => {
          if (ev.type === 'ADDED' && ev.object.metadata.name === name) {
            resolve(now() - t0);
            w.stop();
          }
        },
        onClose: () => {},
      });
    });
    await sleep(150);
    t0 = now();
    await events.create({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: NS },
      involvedObject: { kind: 'Pod', namespace: NS, name: 'none' },
      reason: 'Bench',
      message: 'watch latency floor',
      type: 'Normal',
    });
    lat.push(await seen);
  }
  return lat;
}

// ---------------------------------------------------------------------------------------------
// 2. pods started per second on one node

async function waitGone(obs, app) {
  await obs.pods.until(`no ${app} pods left`, (ps) => !ps.some((p) => p.metadata.labels?.app === app), 120_000);
}

async function burst(client, obs, mode) {
  const app = mode === 'deployment' ? 'burst-deploy' : 'burst-bare';
  const t0 = now();
  if (mode === 'deployment') {
    await client.resource('deployments').create(deployment(app, BURST, { nodeSelector: { 'kubernetes.io/hostname': 'node-1' } }));
  } else {
    const pods = client.resource('pods');
    await Promise.all(Array.from({ length: BURST }, (_, i) => pods.create(barePod(`${app}-${i}`, app, 'node-1'))));
  }
  const { t: tFirst } = await obs.pods.until(`first ${app} pod Ready`, (ps) => ps.some((p) => p.metadata.labels?.app === app && isReady(p)), 120_000);
  const { t: tAll, value: mine } = await obs.pods.until(`${BURST} ${app} pods Running+Ready`, (ps) => {
    const m = ps.filter((p) => p.metadata.labels?.app === app);
    return m.length === BURST && m.every(isReady) ? m : undefined;
  }, 180_000);
  const nodes = new Set(mine.map((p) => p.spec.nodeName));
  if (nodes.size !== 1 || !nodes.has('node-1')) throw new Error(`${app} pods landed on ${[...nodes]}`);
  const secs = (tAll - t0) / 1000;
  log(`${mode}: ${BURST} pods on node-1 Ready in ${secs.toFixed(2)} s (first after ${(tFirst - t0).toFixed(0)} ms)`);
  // clean up before the next measurement
  if (mode === 'deployment') await client.resource('deployments').delete(NS, app);
  const pods = client.resource('pods');
  await Promise.all(mine.map((p) => pods.delete(NS, p.metadata.name).catch(() => undefined)));
  await waitGone(obs, app);
  return { podsPerSec: BURST / secs, first: tFirst - t0, all: tAll - t0 };
}

// ---------------------------------------------------------------------------------------------

(async () => {
  if (process.getuid?.() !== 0) throw new Error('needs root (network namespaces, nftables)');
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npx tsc -b)`);
  const started = now();
  // The state dir must not be under /tmp (pods get a private /tmp).
  stateDir = fs.mkdtempSync('/var/lib/svcnet-bench-');
  runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'svcnet-bench-pods-'));
  flags = [`--prefix=${prefix}`, `--state-dir=${stateDir}`, `--run-dir=${runDir}`, `--api-port=${20000 + Math.floor(Math.random() * 20000)}`];
  let client;
  const obs = {};
  try {
    log(`starting a local cluster (prefix ${prefix}, state ${stateDir})`);
    const tUp = now();
    svcnet(['up', '--detach']);
    log(`cluster up in ${((now() - tUp) / 1000).toFixed(1)} s`);
    const pki = path.join(stateDir, 'pki');
    client = new ApiClient({ address: `unix://${path.join(runDir, 'apiserver.sock')}`, caFile: `${pki}/ca.crt`, certFile: `${pki}/admin.crt`, keyFile: `${pki}/admin.key`, timeoutMs: 20_000 });
    const nodes = (await client.resource('nodes').list()).items;
    for (const n of NODES) {
      const node = nodes.find((x) => x.metadata.name === n);
      if (node?.metadata.labels?.['kubernetes.io/hostname'] !== n) throw new Error(`node ${n} lacks the label kubernetes.io/hostname=${n}`);
    }
    obs.pods = new Observer(client, 'pods');
    obs.endpoints = new Observer(client, 'endpoints');
    obs.slices = new Observer(client, 'endpointslices');
    await obs.pods.start();
    await obs.endpoints.start();
    await obs.slices.start();

    // 1. delete -> replacement
    await client.resource('deployments').create(deployment('web', 3));
    await client.resource('services').create(service('web'));
    await client.resource('services').create(service('ref'));
    const pods = client.resource('pods');
    for (let i = 0; i < 3; i++) await pods.create(barePod(`ref-${i}`, 'ref', NODES[i % 2]));
    log('measuring delete -> replacement (Deployment)...');
    const dep = await deleteRounds(client, obs, 'web', 'deployment');
    log('measuring delete -> replacement created by the user (reference)...');
    const bare = await deleteRounds(client, obs, 'ref', 'bare');
    log('measuring apiserver create -> watch event (floor)...');
    const floor = await watchFloor(client);
    const nftReads = [];
    for (let i = 0; i < 20; i++) {
      const t = now();
      await nftText(NODES[i % 2]);
      nftReads.push(now() - t);
    }
    // free node resources before the burst
    await client.resource('deployments').delete(NS, 'web');
    for (const p of [...obs.pods.objects.values()]) await pods.delete(NS, p.metadata.name).catch(() => undefined);
    await waitGone(obs, 'web');
    await waitGone(obs, 'ref');

    // 2. pods/s on one node
    log(`measuring pods started per second on node-1 (${BURST} pods)...`);
    const bd = await burst(client, obs, 'deployment');
    const bb = await burst(client, obs, 'bare');

    // report
    const fmt = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
    const stats = (arr) => {
      const s = [...arr].sort((a, b) => a - b);
      return { p50: pct(s, 50), p90: pct(s, 90), max: s[s.length - 1] };
    };
    const fl = stats(floor);
    console.log(`\npods benchmark (${quick ? 'quick' : 'full'}), ${new Date().toISOString()}, ${ROUNDS} deletes per row, image ${IMAGE}, nft polled every ${NFT_POLL_MS} ms`);
    const head = ['metric'.padEnd(44), 'p50'.padStart(9), 'p90'.padStart(9), 'max'.padStart(9), 'ref p50'.padStart(9), 'ratio'.padStart(7)];
    console.log(head.join(' '));
    const row = (name, arr, ref) => {
      const a = stats(arr);
      const r = ref ? stats(ref) : undefined;
      console.log([name.padEnd(44), `${fmt(a.p50)} ms`.padStart(9), `${fmt(a.p90)} ms`.padStart(9), `${fmt(a.max)} ms`.padStart(9), (r ? `${fmt(r.p50)} ms` : '-').padStart(9), (r ? `${(a.p50 / r.p50).toFixed(2)}x` : '-').padStart(7)].join(' '));
    };
    row('delete -> replacement created (ReplicaSet)', dep.created, bare.created);
    row('delete -> replacement scheduled (nodeName)', dep.scheduled, bare.scheduled);
    row('delete -> (a) replacement Ready', dep.ready, bare.ready);
    row('delete -> (b) replacement in Endpoints', dep.endpoints, bare.endpoints);
    row('delete -> replacement ready in EndpointSlice', dep.slice, bare.slice);
    row('delete -> (c) replacement in rules, all nodes', dep.rules, bare.rules);
    row('ref: user replaces (bare pod) -> Ready', bare.ready);
    row('ref: user replaces (bare pod) -> Endpoints', bare.endpoints);
    row('ref: user replaces (bare pod) -> rules', bare.rules);
    row('floor: apiserver create -> watch event', floor);
    row('one nft -j list read (poll cost)', nftReads);
    console.log('ratio: Deployment p50 / reference p50 (user creates the replacement with spec.nodeName); > 1 is the cost of the ReplicaSet controller + scheduler');
    console.log('');
    console.log(['metric'.padEnd(44), 'value'.padStart(12), 'reference'.padStart(12), 'ratio'.padStart(7)].join(' '));
    console.log([`pods/s on node-1, Deployment of ${BURST}`.padEnd(44), `${fmt(bd.podsPerSec)} /s`.padStart(12), `${fmt(bb.podsPerSec)} /s`.padStart(12), `${(bd.podsPerSec / bb.podsPerSec).toFixed(2)}x`.padStart(7)].join(' '));
    console.log([`  create -> first pod Ready`.padEnd(44), `${fmt(bd.first)} ms`.padStart(12), `${fmt(bb.first)} ms`.padStart(12), `${(bb.first / bd.first).toFixed(2)}x`.padStart(7)].join(' '));
    console.log([`  create -> all ${BURST} Ready`.padEnd(44), `${fmt(bd.all / 1000)} s`.padStart(12), `${fmt(bb.all / 1000)} s`.padStart(12), `${(bb.all / bd.all).toFixed(2)}x`.padStart(7)].join(' '));
    console.log(`reference: ${BURST} bare pods with spec.nodeName=node-1 created at once by the user; ratio > 1: the Deployment is as fast or faster`);
    console.log(`(total ${((now() - started) / 1000).toFixed(0)} s including cluster up/down)`);
  } finally {
    obs.pods?.stop();
    obs.endpoints?.stop();
    obs.slices?.stop();
    client?.close();
    cleanup();
  }
})().catch((e) => {
  console.error(e);
  cleanup();
  process.exit(1);
});
