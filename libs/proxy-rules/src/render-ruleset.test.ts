import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { render } from '@svcnet/nftables';
import { renderRuleset } from './render-ruleset';
import { diff } from './diff';
import { sampleState } from './fixtures';

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
