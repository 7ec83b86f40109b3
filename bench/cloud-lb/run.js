#!/usr/bin/env node
// cloud-lb benchmark (root): requests/s and p99 latency through the LB IP — with the nftables
// data path (kernel DNAT) and with the userspace proxy — vs the same NodePort reached directly
// (kernel-forwarded through the same lb namespace), in one run, interleaved;
// then failover: a node's NodePort dies (process killed = refused, or a blackhole = silent) under
// load, and we measure failed requests, the worst latency and the time until the LB marks it out.
// Needs: npx tsc -b apps/cloud-lb apps/apiserver; ab (apache2-utils). Everything runs in fresh
// namespaces that are removed at the end.
//   node bench/cloud-lb/run.js [--requests=5000] [--concurrency=8] [--rounds=3]
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { LbTopology } = require('@svcnet/netns/testing');
const { startApp, startTestApiserver, waitFor } = require('@svcnet/test-harness');
const { execIn, run } = require('@svcnet/netns');

const arg = (name, def) => Number((process.argv.find((a) => a.startsWith(`--${name}=`)) || `=${def}`).split('=')[1]);
const REQUESTS = arg('requests', 5000);
const CONC = arg('concurrency', 8);
const ROUNDS = arg('rounds', 3);

function parseAb(out) {
  const rps = Number(/Requests per second:\s+([\d.]+)/.exec(out)?.[1]);
  const p99 = Number(/\s99%\s+(\d+)/.exec(out)?.[1]);
  const failed = Number(/Failed requests:\s+(\d+)/.exec(out)?.[1]);
  return { rps, p99, failed };
}
const BLACKHOLE = ['10.240.2.1/32', '192.168.100.0/24'];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function ab(topo, url, keepAlive) {
  const args = ['-q', '-n', String(REQUESTS), '-c', String(CONC), ...(keepAlive ? ['-k'] : []), url];
  const r = await execIn(topo.clientNs, 'ab', args, { allowFailure: true, timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`ab ${url}: ${r.stderr}${r.stdout.slice(-500)}`);
  return parseAb(r.stdout);
}

async function failover(topo, lbPort, ip, mode) {
  const [n1, n2] = topo.nodes;
  const lbView = async () => (await (await fetch(`http://127.0.0.1:${lbPort}/lb`)).json()).loadBalancers.find((l) => l.ip === ip);
  await waitFor('both healthy', async () => (await lbView())?.backends.every((b) => b.healthy === true), 15000);
  const load = execIn(topo.clientNs, process.execPath, [path.join(__dirname, 'load.js'), `http://${ip}/`, '9000', '4'], { timeoutMs: 60_000 });
  await new Promise((r) => setTimeout(r, 2000));
  const killedAt = Date.now();
  if (mode === 'refused') await topo.stopNode(n2);
  // Silent death: the node's answers go nowhere (SYNs unanswered), like a crashed host.
  // Both the LB's own address (health checks, userspace proxy) and the clients (nftables: the
  // node answers the client directly, routed via the LB).
  else for (const dst of BLACKHOLE) await run('ip', ['-n', n2.netns, 'route', 'add', 'blackhole', dst]);
  let markedOutMs;
  while (Date.now() - killedAt < 8000) {
    const b = (await lbView())?.backends.find((x) => x.node === 'node2');
    if (b && b.healthy === false) {
      markedOutMs = Date.now() - killedAt;
      break;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const results = JSON.parse((await load).stdout);
  const killOffset = killedAt;
  // in flight at the kill or started after it
  const after = results.filter((r) => r.t + r.ms >= killOffset);
  const failed = results.filter((r) => !r.ok);
  const slow = after.filter((r) => r.ms > 200);
  const lastSlow = slow.length ? Math.max(...slow.map((r) => r.t + r.ms)) - killOffset : 0;
  // restore
  if (mode === 'refused') await topo.startNode(n2, n1.config);
  else for (const dst of BLACKHOLE) await run('ip', ['-n', n2.netns, 'route', 'del', 'blackhole', dst]);
  return {
    mode,
    requests: results.length,
    failed: failed.length,
    failedErrors: [...new Set(failed.map((r) => r.err))],
    maxLatencyMsAfterKill: Math.max(...after.map((r) => r.ms)),
    requestsSlowerThan200ms: slow.length,
    clientImpactEndsMs: lastSlow,
    healthMarkedOutMs: markedOutMs ?? null,
    slowest: [...after].sort((a, b) => b.ms - a.ms).slice(0, 4).map((r) => ({ startMsAfterKill: r.t - killOffset, ms: r.ms, ok: r.ok, node: r.node, err: r.err })),
    node2ShareAfterMarkedOut: after.filter((r) => r.t > killOffset + (markedOutMs ?? 0) + 100 && r.node === 'node2').length,
  };
}

async function startLb(api, topo, mode) {
  return startApp({ app: 'cloud-lb', args: [`--apiserver=${api.address}`, '--insecure', '--pool=10.78.42.10-10.78.42.20', `--netns=${topo.lbNs}`, `--interface=${topo.lbIface}`, '--health-port=0', '--health-check-interval=2s', `--dataplane=${mode}`] });
}

// One mode per fresh topology (own namespaces, apiserver, conntrack): the two data paths
// never share kernel state; each is interleaved with the direct path of its own topology.
async function runMode(mode, samples, out) {
  const topo = await LbTopology.create();
  let api;
  let lb;
  try {
    // The direct path: the client reaches node IPs through the same lb namespace (kernel forwarding).
    await run('ip', ['-n', topo.clientNs, 'route', 'replace', '10.240.0.0/16', 'via', '192.168.100.1']);
    api = await startTestApiserver();
    for (const n of topo.nodes) {
      await api.client.resource('nodes').create({ apiVersion: 'v1', kind: 'Node', metadata: { name: n.name }, status: { addresses: [{ type: 'InternalIP', address: n.ip }], conditions: [{ type: 'Ready', status: 'True' }] } });
      await topo.startNode(n, { tcp: [30080], udp: [], healthPort: 31000 });
    }
    await api.client.resource('services').create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'bench', namespace: 'default' }, spec: { type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30080 }] } });
    const direct = `http://${topo.nodes[0].ip}:30080/`;
    console.error(`[bench] ${mode}`);
    lb = await startLb(api, topo, mode);
    const ip = await waitFor('ingress', async () => (await api.client.resource('services').get('default', 'bench')).status?.loadBalancer?.ingress?.[0]?.ip, 10_000);
    const lbUrl = `http://${ip}/`;
    await waitFor('LB answers', async () => (await execIn(topo.clientNs, 'curl', ['-sS', '--max-time', '1', lbUrl], { allowFailure: true })).code === 0, 15_000);
    out.clientIPSeenByNode[mode] = /From: (\S+)/.exec((await execIn(topo.clientNs, 'curl', ['-sS', '--max-time', '2', lbUrl])).stdout)?.[1];
    await ab(topo, lbUrl, false); // warm-up
    for (let i = 0; i < ROUNDS; i++) {
      samples[mode].push(await ab(topo, lbUrl, false));
      samples.direct.push(await ab(topo, direct, false));
    }
    out.failover[mode] = [];
    for (const fm of ['refused', 'silent']) out.failover[mode].push(await failover(topo, lb.ready.healthPort, ip, fm));
  } catch (e) {
    if (lb) console.error(lb.logs().slice(-3000));
    throw e;
  } finally {
    await lb?.stop();
    await api?.stop();
    await topo.dispose();
  }
}

async function main() {
  const out = { machine: `${require('node:os').cpus().length} cpus, node ${process.version}`, requests: REQUESTS, concurrency: CONC, rounds: ROUNDS, throughput: {}, clientIPSeenByNode: {}, failover: {} };
  const samples = { nftables: [], userspace: [], direct: [] };
  for (const mode of ['nftables', 'userspace']) await runMode(mode, samples, out);
  // New connection per request: every request pays the proxy's accept + connect, the honest case.
  const sum = (xs) => ({ rps: Math.round(median(xs.map((x) => x.rps))), p99ms: median(xs.map((x) => x.p99)), failed: xs.reduce((n, x) => n + x.failed, 0) });
  const d = sum(samples.direct);
  const nf = sum(samples.nftables);
  const us = sum(samples.userspace);
  out.throughput.newConnectionPerRequest = {
    viaLbIPNftables: nf,
    viaLbIPUserspace: us,
    nodePortDirect: d,
    nftablesToDirectRatio: Number((nf.rps / d.rps).toFixed(2)),
    userspaceToDirectRatio: Number((us.rps / d.rps).toFixed(2)),
  };
  console.log(JSON.stringify(out, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
