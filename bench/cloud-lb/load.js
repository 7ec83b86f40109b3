#!/usr/bin/env node
// Sequential-per-worker HTTP GETs for a fixed time, each on a new connection; prints one JSON
// line: every request's start (epoch ms), latency and outcome. Run inside the client namespace.
const http = require('node:http');
const [url, durationMs, concurrency] = [process.argv[2], Number(process.argv[3] || 10000), Number(process.argv[4] || 4)];
const t0 = Date.now();
const results = [];
function one() {
  return new Promise((resolve) => {
    const start = Date.now();
    const req = http.get(url, { agent: false, timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ t: start, ms: Date.now() - start, ok: res.statusCode === 200, node: (/Node: (\S+)/.exec(body) || [])[1] }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ t: start, ms: Date.now() - start, ok: false, err: e.code || e.message }));
  });
}
async function worker() {
  while (Date.now() - t0 < durationMs) results.push(await one());
}
Promise.all(Array.from({ length: concurrency }, worker)).then(() => process.stdout.write(JSON.stringify(results) + '\n'));
