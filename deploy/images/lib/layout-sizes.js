#!/usr/bin/env node
// Prints one line per tag of an OCI layout: tag, manifest digest, image size (config + compressed
// layers), and a total line counting shared blobs once. Run by build-standins.sh for images.tsv.
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const dir = process.argv[2];
const blob = (digest) => JSON.parse(readFileSync(join(dir, 'blobs', ...digest.split(':')), 'utf8'));
const mib = (n) => `${(n / 1048576).toFixed(1)} MiB`;
const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
const unique = new Map();
const rows = [];
for (const m of index.manifests) {
  const tag = (m.annotations || {})['org.opencontainers.image.ref.name'];
  const manifest = blob(m.digest);
  const parts = [manifest.config, ...manifest.layers];
  let size = 0;
  for (const p of parts) {
    size += p.size;
    unique.set(p.digest, p.size);
  }
  rows.push([tag, m.digest, mib(size), `${manifest.layers.length} layers`]);
}
rows.sort((a, b) => a[0].localeCompare(b[0]));
for (const r of rows) console.log(r.join('\t'));
console.log(['total (shared blobs once)', '-', mib([...unique.values()].reduce((a, b) => a + b, 0)), `${unique.size} blobs`].join('\t'));
