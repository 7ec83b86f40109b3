import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { render } from '@svcnet/nftables';
import { RenderCache, renderRuleset } from './render-ruleset';
import { diff } from './diff';
import { expectedState } from './expected-state';
import { ep, sampleState } from './testing';
import type { ProxyState } from './proxy-state';

const GOLDEN = join(__dirname, '..', 'src', 'testdata', 'sample.nft');

test('full ruleset for a set of services (golden text)', () => {
  const text = render(diff(undefined, renderRuleset(sampleState())));
  if (process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, text);
  assert.equal(text, readFileSync(GOLDEN, 'utf8'));
});

test('rendering is deterministic and independent of input order', () => {
  const a = sampleState();
  const b = sampleState();
  b.services.reverse();
  b.endpointSlices.reverse();
  assert.deepEqual(renderRuleset(a), renderRuleset(b));
});

test('a RenderCache gives the same ruleset, re-rendering only changed Services', () => {
  const cache = new RenderCache();
  const plain = (s: ProxyState) => render(diff(undefined, renderRuleset(s)));
  const cached = (s: ProxyState) => render(diff(undefined, renderRuleset(s, cache)));
  assert.equal(cached(sampleState()), plain(sampleState()));
  const next = sampleState();
  next.endpointSlices[0].endpoints.push(ep('10.244.1.7', { node: 'node-a' }));
  next.services.splice(1, 1);
  assert.equal(cached(next), plain(next));
  assert.equal(cache.lastMisses, 1, 'only web changed');
  renderRuleset(next, cache);
  assert.equal(cache.lastMisses, 0);
  assert.ok(cache.lastHits > 0);
  // a replayed ruleset still diffs to nothing against itself
  assert.equal(diff(expectedState(renderRuleset(next, cache)), renderRuleset(next)).size, 0);
});
