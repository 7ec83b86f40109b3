import { test } from 'node:test';
import assert from 'node:assert/strict';
import { render } from '@svcnet/nftables';
import { FakeNftables } from '@svcnet/nftables/testing';
import { renderRuleset } from './render-ruleset';
import { diff } from './diff';
import { expectedState } from './expected-state';
import { ep, sampleState } from './testing';

test('diffing against expectedState equals diffing against the table read back', async () => {
  const nft = new FakeNftables();
  const first = renderRuleset(sampleState());
  await nft.apply(diff(await nft.read('ip', 'svcnet'), first));
  assert.equal(diff(expectedState(first), first).size, 0);
  const next = sampleState();
  next.endpointSlices[1].endpoints.push(ep('10.244.2.4', { node: 'node-b' }));
  next.services.pop();
  next.services.splice(0, 1);
  const desired = renderRuleset(next);
  const fromKernel = render(diff(await nft.read('ip', 'svcnet'), desired));
  const fromExpected = render(diff(expectedState(first), desired));
  assert.equal(fromExpected, fromKernel);
  assert.ok(fromExpected.length > 0);
});
