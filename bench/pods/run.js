#!/usr/bin/env node
// Pod lifecycle benchmark on a real local cluster (`svcnet up`, 2 nodes in network namespaces,
// pods are containers: node-agent -> CRI -> one containerd per node):
//  0. cold start: the first pod on each fresh node (pulls pause + nginx from the local registry).
//  1. a pod of a 3-replica Deployment behind a Service is deleted through the API; time until
//     (a) its replacement is Ready, (b) the replacement's IP is a ready address of the Service's
//     Endpoints, (c) that IP is in the nftables table `ip svcnet` of every node (polled, ~20 ms).
//     Reference in the same run: the same delete, but the user creates the replacement pod
//     directly (bare pod with spec.nodeName: no ReplicaSet controller, no scheduler).
//     Floor: apiserver create -> watch event latency (an Event object, nothing reacts to it).
//  2. pod start latency on one node, image present: N bare pods on node-1 created one at a time,
//     create -> Running (all containers running, seen by watch) and -> Ready; where the time goes
//     (from containerd's log). Floor in the same run: `ctr run -d` of the same image into the same
//     containerd (one container in its own netns, and pause + app sharing a netns: a pod without
//     CNI). Reference line: the Kubernetes pod-startup SLO (p99 <= 5 s).
//  3. memory per idle pod: the N pods of 2 left idle; pod cgroup memory.usage_in_bytes + the
//     pod's containerd-shim RSS (and PSS), against the N `ctr run` containers of the same image.
//  4. pods started per second on one node: a Deployment of N pods pinned by nodeSelector
//     kubernetes.io/hostname=node-1, from create to all Running+Ready. Reference: N bare pods
//     with spec.nodeName=node-1 created by the user at once. Floor: N `ctr run -d` at once.
//  5. image load: a 100 MiB archive (busybox + a 100 MiB random layer, built with umoci/skopeo)
//     through `svcnet images load` (every node), against `ctr images import` into one node.
// Needs root. Usage: sudo node bench/pods/run.js [--quick] [--keep-logs=DIR] [--only=LIST]
//   LIST: comma-separated of delete,start,burst,load (default: all; memory goes with start)
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const { randomBytes, randomFillSync } = require('node:crypto');
const { performance } = require('node:perf_hooks');
const { ApiClient } = require('../../libs/api-client');

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 5 : 10;
const BURST = quick ? 10 : 30;
const START_N = quick ? 8 : 30;
const LOAD_REPS = quick ? 1 : 3;
const LOAD_MIB = 100;
const NS = 'default';
// the local registry's nginx stand-in; pulled once per node (warm-up), then present: every pod
// of the benchmark uses imagePullPolicy IfNotPresent (`nginx` = `:latest` defaults to Always)
const IMAGE = 'nginx';
const IMAGE_REF = 'docker.io/library/nginx:latest';
const PAUSE_REF = 'registry.k8s.io/pause:3.6';
const LOAD_REF = 'docker.io/library/svcnet-bench-load:1';
const SLO_MS = 5000;
const NFT_POLL_MS = 20;
const only = new Set((process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length) ?? 'delete,start,burst,load').split(','));
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
const pstat = (arr, p) => pct([...arr].sort((a, b) => a - b), p);
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
  removeCtrContainersSync();
  log(`cleaning up (svcnet down --purge, prefix ${prefix})`);
  const r = spawnSync(process.execPath, [MAIN, 'down', '--purge', ...flags], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) log(`down failed (${r.status}): ${r.stderr || r.stdout}`);
  if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
  if (runDir) fs.rmSync(runDir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// containerd directly (the runtime's floor): `ctr` against a node's own containerd socket, runc
// state under the node's runc root (so `svcnet down` would find leftovers), cgroups under
// /<prefix>-ctr/<id> in every hierarchy (removed at the end)

const ctrSock = (node) => path.join(runDir, 'containerd', node, 'containerd.sock');
const ctrRuncRoot = (node) => path.join(runDir, 'containerd', node, 'runc');
const ctrCgroupParent = () => `${prefix}-ctr`;
const ctrIdPrefix = () => `${prefix}-`;
const ctrBase = (node) => ['-a', ctrSock(node), '-n', 'k8s.io'];

/** runs a command; resolves { code, stdout, stderr, ms } (never rejects, unless it cannot spawn) */
function exec(cmd, args, { timeoutMs = 600_000 } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = now();
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: now() - t0 });
    });
  });
}
async function mustExec(cmd, args, opts) {
  const r = await exec(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r;
}

/** `ctr run -d` of image as id: returns the wall time of the ctr process (create container +
 *  snapshot, start the shim, create and start the task; ctr -d exits once the task runs) */
async function ctrRun(node, image, id, extra = []) {
  const r = await mustExec('ctr', [...ctrBase(node), 'run', '-d', '--null-io', '--runc-root', ctrRuncRoot(node), '--cgroup', `/${ctrCgroupParent()}/${id}`, ...extra, image, id]);
  return r.ms;
}
async function ctrTaskPid(node, id) {
  const r = await mustExec('ctr', [...ctrBase(node), 'tasks', 'ls']);
  const line = r.stdout.split('\n').find((l) => l.split(/\s+/)[0] === id);
  if (!line) throw new Error(`ctr task ${id} not listed`);
  return Number(line.split(/\s+/)[1]);
}
async function ctrRemove(node, ids) {
  for (const id of ids) {
    await exec('ctr', [...ctrBase(node), 'tasks', 'rm', '-f', id]);
    await exec('ctr', [...ctrBase(node), 'containers', 'rm', id]);
  }
}
function rmCtrCgroups() {
  for (const h of fs.existsSync('/sys/fs/cgroup') ? fs.readdirSync('/sys/fs/cgroup') : []) {
    const parent = path.join('/sys/fs/cgroup', h, ctrCgroupParent());
    if (!fs.existsSync(parent)) continue;
    for (const c of fs.readdirSync(parent, { withFileTypes: true })) if (c.isDirectory()) tryRmdir(path.join(parent, c.name));
    tryRmdir(parent);
  }
}
function tryRmdir(d) {
  try {
    fs.rmdirSync(d);
  } catch {
    /* busy or gone */
  }
}
/** failure path: every bench container of every node, then their cgroups (sync: runs in signal handlers) */
function removeCtrContainersSync() {
  if (!runDir) return;
  for (const node of NODES) {
    if (!fs.existsSync(ctrSock(node))) continue;
    const r = spawnSync('ctr', [...ctrBase(node), 'containers', 'ls', '-q'], { encoding: 'utf8', timeout: 20_000 });
    for (const id of (r.stdout ?? '').split('\n').filter((x) => x.startsWith(ctrIdPrefix()))) {
      spawnSync('ctr', [...ctrBase(node), 'tasks', 'rm', '-f', id], { timeout: 20_000 });
      spawnSync('ctr', [...ctrBase(node), 'containers', 'rm', id], { timeout: 20_000 });
    }
  }
  rmCtrCgroups();
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
    this.firstSeen = new Map(); // uid -> time of the first event that showed it
    this.firstRunning = new Map(); // pods: uid -> time of the first event showing it Running
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
          const uid = ev.object.metadata.uid;
          if (!this.firstSeen.has(uid)) this.firstSeen.set(uid, t);
          if (this.res.resource === 'pods' && ev.type !== 'DELETED' && isRunning(ev.object) && !this.firstRunning.has(uid)) this.firstRunning.set(uid, t);
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

/** phase Running with every container running (the SLO's "all containers reported started") */
const isRunning = (p) => !p.metadata.deletionTimestamp && p.status?.phase === 'Running' && (p.status.containerStatuses ?? []).length === (p.spec.containers ?? []).length && p.status.containerStatuses.every((c) => c.state?.running);
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

const container = { name: 'web', image: IMAGE, imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: 80 }] };
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
// 0. warm-up: the first pod of each node pulls pause + nginx (cold start, reported as info)

async function warmUp(client, obs) {
  const pods = client.resource('pods');
  const t0 = now();
  await Promise.all(NODES.map((n) => pods.create(barePod(`warm-${n}`, 'warm', n))));
  const times = {};
  await Promise.all(NODES.map(async (n) => {
    const { t } = await obs.pods.until(`warm-up pod on ${n} Running (first pull of pause + ${IMAGE})`, (ps) => ps.find((p) => p.metadata.name === `warm-${n}` && isRunning(p)), 300_000);
    times[n] = t - t0;
  }));
  for (const n of NODES) await pods.delete(NS, `warm-${n}`);
  await waitGone(obs, 'warm');
  log(`cold start (first pod per node, pulls included): ${NODES.map((n) => `${n} ${(times[n] / 1000).toFixed(1)} s`).join(', ')}`);
  return times;
}

// ---------------------------------------------------------------------------------------------
// 2. pod start latency on one node (image present), its floor, and 3. memory per idle pod

/** containerd's log timestamps (RFC 3339 with ns) as epoch ms */
const logTime = (s) => Date.parse(s.replace(/\.(\d{3})\d*Z$/, '.$1Z'));

/** per pod name: when containerd began/ended RunPodSandbox, CreateContainer, StartContainer */
function containerdPhases(node) {
  const file = path.join(runDir, 'logs', `containerd-${node}.log`);
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const byName = new Map();
  const bySandbox = new Map();
  const byContainer = new Map();
  for (const line of text.split('\n')) {
    const ts = /^time="([^"]+)"/.exec(line)?.[1];
    if (!ts) continue;
    const t = logTime(ts);
    let m;
    if ((m = /msg="RunPodSandbox for &PodSandboxMetadata\{Name:([^,]+),.*?\}( returns sandbox id \\"([0-9a-f]+)\\")?/.exec(line))) {
      const ph = byName.get(m[1]) ?? {};
      byName.set(m[1], ph);
      if (m[3]) {
        ph.sandboxDone = t;
        bySandbox.set(m[3], ph);
      } else ph.sandboxStart ??= t;
    } else if ((m = /msg="CreateContainer within sandbox \\"([0-9a-f]+)\\" for (container )?&ContainerMetadata\{Name:([^,]+),.*?\}( returns container id \\"([0-9a-f]+)\\")?/.exec(line))) {
      const ph = bySandbox.get(m[1]);
      if (!ph) continue;
      if (m[5]) byContainer.set(m[5], ph);
      else ph.createStart ??= t;
    } else if ((m = /msg="StartContainer for \\"([0-9a-f]+)\\" returns successfully"/.exec(line))) {
      const ph = byContainer.get(m[1]);
      if (ph) ph.startDone ??= t;
    } else if ((m = /msg="PullImage \\"([^\\]+)\\""/.exec(line))) {
      // a pull while pods should find the image present
      for (const ph of bySandbox.values()) if (ph.sandboxDone && !ph.createStart) ph.pulled = true;
    }
  }
  return byName;
}

async function startLatency(client, obs) {
  const pods = client.resource('pods');
  const res = { running: [], ready: [], phases: { react: [], sandbox: [], toCreate: [], createStart: [], report: [] }, pulls: 0, pods: [] };
  for (let i = 0; i < START_N; i++) {
    const name = `start-${i}`;
    await sleep(200);
    const wall0 = Date.now();
    const t0 = now();
    await pods.create(barePod(name, 'start', 'node-1'));
    const { t: tRun, value: p } = await obs.pods.until(`${name} Running`, (ps) => ps.find((x) => x.metadata.name === name && isRunning(x)), 120_000);
    const { t: tReady } = await obs.pods.until(`${name} Ready`, (ps) => ps.find((x) => x.metadata.name === name && isReady(x)), 120_000);
    res.running.push(tRun - t0);
    res.ready.push(tReady - t0);
    res.pods.push({ name, uid: p.metadata.uid, wall0, wallRun: wall0 + (tRun - t0) });
  }
  log(`start: ${START_N} pods one at a time on node-1: create -> Running p50 ${pstat(res.running, 50).toFixed(0)} ms, max ${Math.max(...res.running).toFixed(0)} ms`);
  const phases = containerdPhases('node-1');
  for (const p of res.pods) {
    const ph = phases.get(p.name);
    if (!ph?.sandboxStart || !ph.sandboxDone || !ph.createStart || !ph.startDone) continue;
    if (ph.pulled) res.pulls++;
    res.phases.react.push(ph.sandboxStart - p.wall0);
    res.phases.sandbox.push(ph.sandboxDone - ph.sandboxStart);
    res.phases.toCreate.push(ph.createStart - ph.sandboxDone);
    res.phases.createStart.push(ph.startDone - ph.createStart);
    res.phases.report.push(p.wallRun - ph.startDone);
  }
  return res;
}

/** the floor: the same image straight into node-1's containerd, one at a time */
async function ctrStartLatency() {
  const node = 'node-1';
  const single = [];
  const shaped = [];
  const ids = [];
  for (let i = 0; i < START_N; i++) {
    await sleep(200);
    const id = `${ctrIdPrefix()}c${i}`;
    single.push(await ctrRun(node, IMAGE_REF, id));
    ids.push(id);
  }
  // pod-shaped: a pause container, then the app joining its netns (what a pod is, minus CNI)
  const shapedIds = [];
  for (let i = 0; i < START_N; i++) {
    await sleep(200);
    const sb = `${ctrIdPrefix()}s${i}`;
    const app = `${ctrIdPrefix()}a${i}`;
    const a = await ctrRun(node, PAUSE_REF, sb);
    const pid = await ctrTaskPid(node, sb);
    const b = await ctrRun(node, IMAGE_REF, app, ['--with-ns', `network:/proc/${pid}/ns/net`]);
    shaped.push(a + b);
    shapedIds.push(app, sb);
  }
  log(`start: ctr run -d on node-1: p50 ${pstat(single, 50).toFixed(0)} ms (pause + app ${pstat(shaped, 50).toFixed(0)} ms)`);
  return { single, shaped, ids, shapedIds };
}

// memory: from /proc and the cgroup v1 memory hierarchy

function readNum(file) {
  try {
    return Number(fs.readFileSync(file, 'utf8').trim());
  } catch {
    return NaN;
  }
}
/** { rss, pss } in bytes from /proc/<pid>/smaps_rollup (0 if gone) */
function procMem(pid) {
  try {
    const t = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(t)?.[1] ?? 0) * 1024;
    return { rss: kb('Rss'), pss: kb('Pss') };
  } catch {
    return { rss: 0, pss: 0 };
  }
}
const ppidOf = (pid) => {
  try {
    return Number(/^PPid:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
  } catch {
    return 0;
  }
};
/** every pid in a cgroup dir and its children */
function cgroupPids(dir) {
  const out = [];
  const walk = (d) => {
    for (const x of fs.readFileSync(path.join(d, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) out.push(Number(x));
    for (const e of fs.readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) walk(path.join(d, e.name));
  };
  walk(dir);
  return out;
}
/** memory of one pod or container: its memory cgroup, the processes in it, and its shim(s)
 *  (the parent of the cgroup's processes that is outside it: containerd-shim-runc-v2) */
function groupMemory(cgDir) {
  const pids = cgroupPids(cgDir);
  const inside = new Set(pids);
  const shims = new Set(pids.map(ppidOf).filter((pp) => pp > 1 && !inside.has(pp)));
  const sum = (ps, k) => [...ps].reduce((a, p) => a + procMem(p)[k], 0);
  return {
    usage: readNum(path.join(cgDir, 'memory.usage_in_bytes')),
    procsRss: sum(pids, 'rss'),
    procsPss: sum(pids, 'pss'),
    shimRss: sum(shims, 'rss'),
    shimPss: sum(shims, 'pss'),
    shims: shims.size,
    procs: pids.length,
  };
}
const MEMCG = '/sys/fs/cgroup/memory';
function podCgroupDir(uid) {
  // the node-agent's pod cgroups: <memory>/svcnet/<node>/pod<uid>
  const base = path.join(MEMCG, 'svcnet');
  for (const n of fs.existsSync(base) ? fs.readdirSync(base) : []) {
    const d = path.join(base, n, `pod${uid}`);
    if (fs.existsSync(d)) return d;
  }
  return undefined;
}
function averageMemory(dirs) {
  const all = dirs.filter(Boolean).map(groupMemory);
  const avg = (k) => all.reduce((a, m) => a + m[k], 0) / all.length;
  return { n: all.length, usage: avg('usage'), procsRss: avg('procsRss'), procsPss: avg('procsPss'), shimRss: avg('shimRss'), shimPss: avg('shimPss'), shims: avg('shims'), procs: avg('procs') };
}
function clusterProcRss(name) {
  const st = JSON.parse(fs.readFileSync(path.join(runDir, 'cluster.json'), 'utf8'));
  const p = st.processes.find((x) => x.name === name);
  return p ? procMem(p.pid).rss : NaN;
}

// ---------------------------------------------------------------------------------------------
// 5. image load: a 100 MiB archive through `svcnet images load` vs `ctr images import`

async function buildLoadArchive(dir) {
  const { populateBusyboxRootfs } = require('../../libs/containerd/dist/testing/busybox-image.js');
  const layout = path.join(dir, 'oci');
  const bundle = path.join(dir, 'bundle');
  const image = `${layout}:latest`;
  await mustExec('umoci', ['init', '--layout', layout]);
  await mustExec('umoci', ['new', '--image', image]);
  await mustExec('umoci', ['unpack', '--image', image, bundle]);
  await populateBusyboxRootfs(path.join(bundle, 'rootfs'));
  await mustExec('umoci', ['repack', '--image', image, bundle]);
  // second layer: LOAD_MIB of random bytes (incompressible, so the archive stays that size)
  fs.mkdirSync(path.join(bundle, 'rootfs/data'), { recursive: true });
  const fd = fs.openSync(path.join(bundle, 'rootfs/data/random.bin'), 'w');
  const chunk = Buffer.alloc(1 << 20);
  for (let i = 0; i < LOAD_MIB; i++) fs.writeSync(fd, randomFillSync(chunk));
  fs.closeSync(fd);
  await mustExec('umoci', ['repack', '--image', image, bundle]);
  await mustExec('umoci', ['config', '--image', image, '--config.env', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', '--clear=config.cmd', '--config.cmd', 'sh']);
  await mustExec('umoci', ['gc', '--layout', layout]);
  fs.rmSync(bundle, { recursive: true, force: true });
  const archive = path.join(dir, 'load.tar');
  await mustExec('skopeo', ['copy', '--quiet', `oci:${layout}:latest`, `docker-archive:${archive}:${LOAD_REF}`]);
  fs.rmSync(layout, { recursive: true, force: true });
  return archive;
}

async function removeLoaded(node) {
  // --sync: wait for containerd's GC, so the next import writes every blob and snapshot again
  await exec('ctr', [...ctrBase(node), 'images', 'rm', '--sync', LOAD_REF]);
  const left = await mustExec('ctr', [...ctrBase(node), 'images', 'ls', '-q']);
  if (left.stdout.split('\n').includes(LOAD_REF)) throw new Error(`${LOAD_REF} still on ${node}`);
}

async function imageLoad(client, obs) {
  const dir = fs.mkdtempSync(path.join(runDir, 'load-'));
  const tb = now();
  const archive = await buildLoadArchive(dir);
  const size = fs.statSync(archive).size;
  log(`load: built ${archive} (${(size / 2 ** 20).toFixed(1)} MiB) in ${((now() - tb) / 1000).toFixed(1)} s`);
  const res = { size, svcnet: [], ctr: [] };
  const warmCache = () => fs.readFileSync(archive).length; // both read the archive from the page cache
  for (let r = 0; r < LOAD_REPS; r++) {
    const order = r % 2 === 0 ? ['ctr', 'svcnet'] : ['svcnet', 'ctr'];
    for (const what of order) {
      warmCache();
      if (what === 'ctr') {
        const x = await mustExec('ctr', [...ctrBase('node-1'), 'images', 'import', archive]);
        res.ctr.push(x.ms);
        await removeLoaded('node-1');
      } else {
        const x = await mustExec(process.execPath, [MAIN, 'images', 'load', archive, ...flags]);
        if (!NODES.every((n) => x.stdout.includes(`${n}: loaded ${LOAD_REF}`))) throw new Error(`svcnet images load: unexpected output ${x.stdout}`);
        res.svcnet.push(x.ms);
        if (r < LOAD_REPS - 1) for (const n of NODES) await removeLoaded(n);
      }
      log(`load ${r + 1}/${LOAD_REPS}: ${what} ${(res[what][res[what].length - 1] / 1000).toFixed(2)} s`);
    }
  }
  // the loaded image runs (on node-2, never pulled)
  const pods = client.resource('pods');
  await pods.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'loaded', namespace: NS, labels: { app: 'loaded' } }, spec: { nodeName: 'node-2', containers: [{ name: 'c', image: LOAD_REF, imagePullPolicy: 'Never', command: ['sleep', '3600'] }] } });
  await obs.pods.until('the pod of the loaded image Running', (ps) => ps.find((p) => p.metadata.name === 'loaded' && isRunning(p)), 120_000);
  await pods.delete(NS, 'loaded');
  await waitGone(obs, 'loaded');
  for (const n of NODES) await removeLoaded(n);
  fs.rmSync(dir, { recursive: true, force: true });
  return res;
}

// ---------------------------------------------------------------------------------------------
// 4. pods started per second on one node

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
  // each pod's own startup latency as the SLO counts it: first seen (created) -> seen Running
  const perPod = mine.map((p) => obs.pods.firstRunning.get(p.metadata.uid) - obs.pods.firstSeen.get(p.metadata.uid)).filter((x) => Number.isFinite(x));
  log(`${mode}: ${BURST} pods on node-1 Ready in ${secs.toFixed(2)} s (first after ${(tFirst - t0).toFixed(0)} ms; per pod create -> Running p50 ${pstat(perPod, 50).toFixed(0)} ms, p99 ${pstat(perPod, 99).toFixed(0)} ms)`);
  // clean up before the next measurement
  if (mode === 'deployment') await client.resource('deployments').delete(NS, app);
  const pods = client.resource('pods');
  await Promise.all(mine.map((p) => pods.delete(NS, p.metadata.name).catch(() => undefined)));
  await waitGone(obs, app);
  return { podsPerSec: BURST / secs, first: tFirst - t0, all: tAll - t0, perPod };
}

/** the floor: BURST `ctr run -d` of the same image at once into node-1's containerd */
async function ctrBurst() {
  const ids = Array.from({ length: BURST }, (_, i) => `${ctrIdPrefix()}b${i}`);
  const t0 = now();
  const each = await Promise.all(ids.map((id) => ctrRun('node-1', IMAGE_REF, id)));
  const all = now() - t0;
  log(`ctr: ${BURST} containers on node-1 running in ${(all / 1000).toFixed(2)} s`);
  await ctrRemove('node-1', ids);
  return { perSec: BURST / (all / 1000), all, first: Math.min(...each), perPod: each };
}

// ---------------------------------------------------------------------------------------------

(async () => {
  if (process.getuid?.() !== 0) throw new Error('needs root (network namespaces, nftables)');
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: build first (npx tsc -b)`);
  const started = now();
  // The state dir must not be under /tmp (pods get a private /tmp).
  stateDir = fs.mkdtempSync('/var/lib/svcnet-bench-');
  runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'svcnet-bench-pods-'));
  flags = [`--prefix=${prefix}`, `--state-dir=${stateDir}`, `--run-dir=${runDir}`, `--api-port=${20000 + Math.floor(Math.random() * 20000)}`, `--kubeconfig=${path.join(runDir, 'kubeconfig')}`];
  let client;
  const obs = {};
  const R = {};
  try {
    log(`starting a local cluster (prefix ${prefix}, state ${stateDir})`);
    const tUp = now();
    svcnet(['up', '--detach']);
    R.up = now() - tUp;
    log(`cluster up in ${(R.up / 1000).toFixed(1)} s`);
    const pki = path.join(stateDir, 'pki');
    client = new ApiClient({ address: `unix://${path.join(runDir, 'apiserver.sock')}`, caFile: `${pki}/ca.crt`, certFile: `${pki}/admin.crt`, keyFile: `${pki}/admin.key`, timeoutMs: 20_000 });
    const nodes = (await client.resource('nodes').list()).items;
    for (const n of NODES) {
      const node = nodes.find((x) => x.metadata.name === n);
      if (node?.metadata.labels?.['kubernetes.io/hostname'] !== n) throw new Error(`node ${n} lacks the label kubernetes.io/hostname=${n}`);
    }
    R.runtime = nodes[0].status?.nodeInfo?.containerRuntimeVersion;
    obs.pods = new Observer(client, 'pods');
    obs.endpoints = new Observer(client, 'endpoints');
    obs.slices = new Observer(client, 'endpointslices');
    await obs.pods.start();
    await obs.endpoints.start();
    await obs.slices.start();
    const pods = client.resource('pods');

    log('warm-up: the first pod on each node (pulls pause + nginx)...');
    R.cold = await warmUp(client, obs);

    if (only.has('delete')) {
      // 1. delete -> replacement
      await client.resource('deployments').create(deployment('web', 3));
      await client.resource('services').create(service('web'));
      await client.resource('services').create(service('ref'));
      for (let i = 0; i < 3; i++) await pods.create(barePod(`ref-${i}`, 'ref', NODES[i % 2]));
      log('measuring delete -> replacement (Deployment)...');
      R.dep = await deleteRounds(client, obs, 'web', 'deployment');
      log('measuring delete -> replacement created by the user (reference)...');
      R.bare = await deleteRounds(client, obs, 'ref', 'bare');
      log('measuring apiserver create -> watch event (floor)...');
      R.floor = await watchFloor(client);
      R.nftReads = [];
      for (let i = 0; i < 20; i++) {
        const t = now();
        await nftText(NODES[i % 2]);
        R.nftReads.push(now() - t);
      }
      // free node resources for what follows
      await client.resource('deployments').delete(NS, 'web');
      for (const p of [...obs.pods.objects.values()]) await pods.delete(NS, p.metadata.name).catch(() => undefined);
      await waitGone(obs, 'web');
      await waitGone(obs, 'ref');
    }

    if (only.has('start')) {
      // 2. start latency, one pod at a time, and its floor; 3. memory of the idle pods / containers
      const rssBefore = { containerd: clusterProcRss('containerd-node-1'), agent: clusterProcRss('node-agent-node-1') };
      log(`measuring pod start latency on node-1 (${START_N} pods, one at a time)...`);
      R.start = await startLatency(client, obs);
      await sleep(quick ? 3000 : 10_000); // idle
      R.memPods = averageMemory(R.start.pods.map((p) => podCgroupDir(p.uid)));
      const rssPods = { containerd: clusterProcRss('containerd-node-1'), agent: clusterProcRss('node-agent-node-1') };
      log(`measuring ctr run -d on node-1 (${START_N} + ${START_N} pause/app pairs, one at a time)...`);
      R.ctr = await ctrStartLatency();
      await sleep(quick ? 3000 : 10_000);
      R.memCtr = averageMemory(R.ctr.ids.map((id) => path.join(MEMCG, ctrCgroupParent(), id)));
      const rssCtr = { containerd: clusterProcRss('containerd-node-1') };
      R.growth = {
        podContainerd: (rssPods.containerd - rssBefore.containerd) / START_N,
        podAgent: (rssPods.agent - rssBefore.agent) / START_N,
        ctrContainerd: (rssCtr.containerd - rssPods.containerd) / (START_N * 3), // 3 containers per i
      };
      log(`memory: pod cgroup ${(R.memPods.usage / 2 ** 20).toFixed(2)} MiB + shim ${(R.memPods.shimRss / 2 ** 20).toFixed(2)} MiB; ctr container ${(R.memCtr.usage / 2 ** 20).toFixed(2)} MiB + shim ${(R.memCtr.shimRss / 2 ** 20).toFixed(2)} MiB`);
      await ctrRemove('node-1', [...R.ctr.ids, ...R.ctr.shapedIds]);
      for (const p of R.start.pods) await pods.delete(NS, p.name).catch(() => undefined);
      await waitGone(obs, 'start');
    }

    if (only.has('burst')) {
      // 4. pods/s on one node
      log(`measuring pods started per second on node-1 (${BURST} pods)...`);
      R.bd = await burst(client, obs, 'deployment');
      R.bb = await burst(client, obs, 'bare');
      R.bc = await ctrBurst();
    }

    if (only.has('load')) {
      log(`measuring image load of a ${LOAD_MIB} MiB archive (${LOAD_REPS}x)...`);
      R.load = await imageLoad(client, obs);
    }
    report(R);
    console.log(`(total ${((now() - started) / 1000).toFixed(0)} s including cluster up ${(R.up / 1000).toFixed(0)} s and down)`);
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

// ---------------------------------------------------------------------------------------------
// report

function report(R) {
  const fmt = (v) => (!Number.isFinite(v) ? '-' : Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));
  const ms = (v) => `${fmt(v)} ms`;
  const mib = (b) => `${fmt(b / 2 ** 20)} MiB`;
  const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? `${(a / b).toFixed(2)}x` : '-');
  const stats = (arr) => {
    const s = [...arr].sort((a, b) => a - b);
    return { p50: pct(s, 50), p90: pct(s, 90), p99: pct(s, 99), max: s[s.length - 1] };
  };
  const line = (cells, widths) => console.log(cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[0]) : String(c).padStart(widths[i]))).join(' '));
  console.log(`\npods benchmark (${quick ? 'quick' : 'full'}), ${new Date().toISOString()}, ${os.cpus().length} vCPUs, load avg ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}, runtime ${R.runtime ?? '?'}, image ${IMAGE} (present, IfNotPresent)`);
  if (R.cold) console.log(`cold start (first pod on a fresh node, pulls pause + ${IMAGE} from the local registry): ${NODES.map((n) => `${n} ${fmt(R.cold[n] / 1000)} s`).join(', ')}`);

  if (R.start) {
    const W = [50, 10, 10, 10, 11, 7];
    console.log(`\n2. pod start latency on node-1, image present, ${START_N} pods one at a time (p99 of ${START_N} = the max below 100 samples)`);
    line(['metric', 'p50', 'p99', 'max', 'floor p50', 'ratio'], W);
    const c = stats(R.ctr.single);
    const row = (name, arr, floor) => {
      const a = stats(arr);
      line([name, ms(a.p50), ms(a.p99), ms(a.max), floor ? ms(floor) : '-', floor ? ratio(a.p50, floor) : '-'], W);
    };
    row('pod create -> Running (all containers running)', R.start.running, c.p50);
    row('pod create -> Ready', R.start.ready, c.p50);
    row('floor: ctr run -d (1 container, own netns)', R.ctr.single);
    row('ctr run -d pause + app in its netns (no CNI)', R.ctr.shaped, c.p50);
    const sloP99 = stats(R.start.running).p99;
    line([`SLO: pod startup p99 <= ${SLO_MS} ms`, '', ms(sloP99), '', ms(SLO_MS), ratio(sloP99, SLO_MS)], W);
    console.log('ratio: p50 / the ctr floor p50 (SLO row: our p99 / 5 s, <= 1.00x is within the SLO)');
    const ph = R.start.phases;
    if (ph.sandbox.length) {
      console.log(`where the time goes (containerd log of node-1, ${ph.sandbox.length} pods${R.start.pulls ? `, ${R.start.pulls} pulled an image` : ''}):`);
      const W2 = [50, 10, 10, 10];
      line(['phase', 'p50', 'p90', 'max'], W2);
      const prow = (name, arr) => {
        const a = stats(arr);
        line([name, ms(a.p50), ms(a.p90), ms(a.max)], W2);
      };
      prow('  create call -> RunPodSandbox begins (agent)', ph.react);
      prow('  RunPodSandbox (netns, CNI, pause)', ph.sandbox);
      prow('  sandbox -> CreateContainer begins (agent)', ph.toCreate);
      prow('  CreateContainer + StartContainer', ph.createStart);
      prow('  started -> Running seen by watch (status)', ph.report);
    }

    console.log(`\n3. memory per idle pod (${R.memPods.n} idle ${IMAGE} pods vs ${R.memCtr.n} ctr containers of the image, averages, cgroup v1)`);
    const W3 = [50, 12, 14, 7];
    line(['metric', 'pod', 'ctr container', 'ratio'], W3);
    const mrow = (name, a, b) => line([name, mib(a), b === undefined ? '-' : mib(b), b === undefined ? '-' : ratio(a, b)], W3);
    mrow('memory cgroup usage_in_bytes + shim RSS', R.memPods.usage + R.memPods.shimRss, R.memCtr.usage + R.memCtr.shimRss);
    mrow('  memory cgroup usage_in_bytes (pause + app)', R.memPods.usage, R.memCtr.usage);
    mrow('  containerd-shim-runc-v2 RSS', R.memPods.shimRss, R.memCtr.shimRss);
    mrow('processes + shim, PSS (shared pages split)', R.memPods.procsPss + R.memPods.shimPss, R.memCtr.procsPss + R.memCtr.shimPss);
    mrow('processes + shim, RSS', R.memPods.procsRss + R.memPods.shimRss, R.memCtr.procsRss + R.memCtr.shimRss);
    mrow('containerd RSS growth per pod / container', R.growth.podContainerd, R.growth.ctrContainerd);
    mrow('node-agent RSS growth per pod', R.growth.podAgent);
    console.log(`(a pod: ${fmt(R.memPods.procs)} processes (pause, nginx master + workers) and ${fmt(R.memPods.shims)} shim; a ctr container: ${fmt(R.memCtr.procs)} processes and ${fmt(R.memCtr.shims)} shim; growth rows are indicative, Go/V8 heaps)`);
  }

  if (R.bd) {
    const W = [50, 12, 12, 12, 7];
    console.log(`\n4. pods started per second on node-1, ${BURST} at once`);
    line(['metric', 'Deployment', 'bare pods', 'ctr run -d', 'ratio'], W);
    line(['pods (containers) /s', `${fmt(R.bd.podsPerSec)} /s`, `${fmt(R.bb.podsPerSec)} /s`, `${fmt(R.bc.perSec)} /s`, ratio(R.bb.podsPerSec, R.bc.perSec)], W);
    line(['create -> first Ready (ctr: first running)', ms(R.bd.first), ms(R.bb.first), ms(R.bc.first), ratio(R.bb.first, R.bc.first)], W);
    line([`create -> all ${BURST} Ready (ctr: running)`, `${fmt(R.bd.all / 1000)} s`, `${fmt(R.bb.all / 1000)} s`, `${fmt(R.bc.all / 1000)} s`, ratio(R.bb.all, R.bc.all)], W);
    const d = stats(R.bd.perPod);
    const b = stats(R.bb.perPod);
    const c = stats(R.bc.perPod);
    line(['per pod create -> Running p50', ms(d.p50), ms(b.p50), ms(c.p50), ratio(b.p50, c.p50)], W);
    line([`per pod create -> Running p99 (SLO ${SLO_MS} ms)`, ms(d.p99), ms(b.p99), ms(c.p99), ratio(b.p99, c.p99)], W);
    console.log(`ratio: bare pods / ctr run -d (the same image into the same containerd, ${BURST} ctr processes at once); Deployment / bare: ${ratio(R.bd.podsPerSec, R.bb.podsPerSec)} pods/s`);
    console.log('per pod: from the first watch event showing the pod to the first showing it Running (the SLO\'s measure); ctr: each ctr run -d');
  }

  if (R.load) {
    const W = [50, 12, 14, 7];
    const s = stats(R.load.svcnet);
    const c = stats(R.load.ctr);
    const mb = R.load.size / 2 ** 20;
    console.log(`\n5. image load, ${fmt(mb)} MiB docker-archive (busybox + ${LOAD_MIB} MiB random layer), median of ${LOAD_REPS}, page cache warm`);
    line(['metric', 'svcnet', 'ctr import', 'ratio'], W);
    line([`svcnet images load (${NODES.length} nodes) vs 1 node`, `${fmt(s.p50 / 1000)} s`, `${fmt(c.p50 / 1000)} s`, ratio(s.p50, c.p50)], W);
    line(['  per node', `${fmt(s.p50 / NODES.length / 1000)} s`, `${fmt(c.p50 / 1000)} s`, ratio(s.p50 / NODES.length, c.p50)], W);
    line(['  throughput (archive MiB/s, per node)', `${fmt(mb / (s.p50 / NODES.length / 1000))} MiB/s`, `${fmt(mb / (c.p50 / 1000))} MiB/s`, ratio(c.p50, s.p50 / NODES.length)], W);
    console.log(`runs: svcnet ${R.load.svcnet.map((x) => fmt(x / 1000)).join(', ')} s; ctr ${R.load.ctr.map((x) => fmt(x / 1000)).join(', ')} s (ctr images import <archive> into node-1's containerd, k8s.io namespace)`);
  }

  if (R.dep) {
    const W = [50, 9, 9, 9, 9, 7];
    console.log(`\n1. delete -> replacement, ${ROUNDS} deletes per row, nft polled every ${NFT_POLL_MS} ms`);
    line(['metric', 'p50', 'p90', 'max', 'ref p50', 'ratio'], W);
    const row = (name, arr, ref) => {
      const a = stats(arr);
      const r = ref ? stats(ref) : undefined;
      line([name, ms(a.p50), ms(a.p90), ms(a.max), r ? ms(r.p50) : '-', r ? ratio(a.p50, r.p50) : '-'], W);
    };
    row('delete -> replacement created (ReplicaSet)', R.dep.created, R.bare.created);
    row('delete -> replacement scheduled (nodeName)', R.dep.scheduled, R.bare.scheduled);
    row('delete -> (a) replacement Ready', R.dep.ready, R.bare.ready);
    row('delete -> (b) replacement in Endpoints', R.dep.endpoints, R.bare.endpoints);
    row('delete -> replacement ready in EndpointSlice', R.dep.slice, R.bare.slice);
    row('delete -> (c) replacement in rules, all nodes', R.dep.rules, R.bare.rules);
    row('ref: user replaces (bare pod) -> Ready', R.bare.ready);
    row('ref: user replaces (bare pod) -> Endpoints', R.bare.endpoints);
    row('ref: user replaces (bare pod) -> rules', R.bare.rules);
    row('floor: apiserver create -> watch event', R.floor);
    row('one nft -j list read (poll cost)', R.nftReads);
    console.log('ratio: Deployment p50 / reference p50 (user creates the replacement with spec.nodeName); > 1 is the cost of the ReplicaSet controller + scheduler');
  }
}
