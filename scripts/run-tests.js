#!/usr/bin/env node
// Runs every compiled *.test.js under <projectRoot>/dist with node's built-in test runner.
// One file at a time: root tests create network namespaces and must not interleave.
const { readdirSync, statSync, existsSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

const root = process.argv[2];
const dist = join(root, 'dist');
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.js')) files.push(p);
  }
}
if (existsSync(dist)) walk(dist);
if (files.length === 0) {
  console.log(`no tests in ${root}`);
  process.exit(0);
}
files.sort();
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
