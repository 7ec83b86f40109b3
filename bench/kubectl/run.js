#!/usr/bin/env node
// kubectl against svcnet: `kubectl get svc` latency with 1k and 10k Services stored (and,
// for comparison in the same run, `-o name` which decodes full objects instead of a Table,
// and the gRPC List the other apps use), and the time `kubectl get svc -w` needs to print a
// change made through the gRPC API.
// Usage: node bench/kubectl/run.js [--quick]   (build apps/apiserver first; needs kubectl)
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFile, execFileSync, spawn } = require('node:child_process');
const { startApp } = require('../../libs/test-harness');
const { ApiClient } = require('../../libs/api-client');

const quick = process.argv.includes('--quick');
const SIZES = quick ? [1000] : [1000, 10000];
const RUNS = 5;
const WATCH_ROUNDS = quick ? 5 : 10;
const KUBECTL = process.env.KUBECTL || '/usr/bin/kubectl';
const root = path.resolve(__dirname, '../..');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

function kubectl(env, args) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    execFile(KUBECTL, args, { env, maxBuffer: 512 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`kubectl ${args.join(' ')}: ${stderr}`));
      else resolve({ ms: ms(t0), lines: stdout.split('\n').length - 1 });
    });
  });
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'svcnet-bench-kubectl-'));
  const pki = path.join(dir, 'pki');
  execFileSync(process.execPath, [path.join(root, 'apps/apiserver/dist/certs-main.js'), '--dir', pki, '--hosts', '127.0.0.1']);
  // The store on tmpfs: filling 10k Services is then not bound by fsync; reads are what we measure.
  const dataDir = fs.mkdtempSync(path.join(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir(), 'svcnet-bench-kubectl-data-'));
  const app = await startApp({
    app: 'apiserver',
    args: [`--storage=file:${dataDir}`, '--grpc-listen=127.0.0.1:0', '--insecure', '--health-port=0', '--http-listen=127.0.0.1:0',
      `--tls-cert-file=${pki}/apiserver.crt`, `--tls-private-key-file=${pki}/apiserver.key`, `--client-ca-file=${pki}/ca.crt`],
  });
  const kc = path.join(pki, 'admin.kubeconfig');
  fs.writeFileSync(kc, fs.readFileSync(kc, 'utf8').replace(/server: .*/, `server: https://127.0.0.1:${app.ready.httpPort}`));
  const env = { PATH: process.env.PATH, HOME: dir, KUBECONFIG: kc };
  const client = new ApiClient({ address: `127.0.0.1:${app.ready.grpcPort}`, insecure: true, timeoutMs: 120000 });
  const services = client.resource('services');
  const rows = [];
  try {
    await client.resource('namespaces').create({ metadata: { name: 'bench' } });
    await kubectl(env, ['get', 'ns']); // discovery cache warm
    let stored = 0;
    for (const size of SIZES) {
      let next = stored;
      await Promise.all(Array.from({ length: 16 }, async () => {
        while (next < size) {
          const i = next++;
          await services.create({ metadata: { name: `s${i}`, namespace: 'bench' }, spec: { selector: { app: `a${i}` }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
        }
      }));
      stored = size;
      const table = [];
      const names = [];
      const grpc = [];
      for (let r = 0; r < RUNS; r++) {
        const t = await kubectl(env, ['get', 'svc', '-n', 'bench']);
        if (t.lines !== size + 1) throw new Error(`expected ${size + 1} lines, got ${t.lines}`);
        table.push(t.ms);
        names.push((await kubectl(env, ['get', 'svc', '-n', 'bench', '-o', 'name'])).ms);
        const t0 = process.hrtime.bigint();
        await services.list({ namespace: 'bench' });
        grpc.push(ms(t0));
      }
      rows.push([`kubectl get svc (${size} stored)`, median(table)]);
      rows.push([`kubectl get svc -o name (${size} stored)`, median(names)]);
      rows.push([`gRPC List, same namespace (${size} stored)`, median(grpc)]);
    }

    // watch reaction: change -> line printed by `kubectl get svc -w`
    const w = spawn(KUBECTL, ['get', 'svc', '-n', 'bench', '-w', '--field-selector=metadata.name=watched'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let waiter;
    w.stdout.on('data', (d) => {
      out += d;
      if (waiter) waiter();
    });
    const waitLine = (needle, timeoutMs = 10000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no "${needle}" from kubectl get -w`)), timeoutMs);
        waiter = () => {
          if (out.includes(needle)) {
            clearTimeout(timer);
            waiter = undefined;
            resolve();
          }
        };
        waiter();
      });
    await services.create({ metadata: { name: 'watched', namespace: 'bench' }, spec: { ports: [{ port: 80 }] } });
    await waitLine('watched');
    const reaction = [];
    for (let r = 0; r < WATCH_ROUNDS; r++) {
      const port = 1000 + r;
      const t0 = process.hrtime.bigint();
      await services.patch('bench', 'watched', { spec: { ports: [{ port, targetPort: 80 }] } });
      await waitLine(`${port}/TCP`);
      reaction.push(ms(t0));
    }
    w.kill('SIGTERM');
    rows.push([`kubectl get svc -w: change -> printed (median of ${WATCH_ROUNDS})`, median(reaction)]);
    rows.push([`kubectl get svc -w: slowest`, Math.max(...reaction)]);
  } finally {
    client.close();
    await app.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  console.log('\n| measurement | ms |\n|---|---|');
  for (const [k, v] of rows) console.log(`| ${k} | ${v.toFixed(1)} |`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
