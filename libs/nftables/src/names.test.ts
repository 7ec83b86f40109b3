import { test } from 'node:test';
import assert from 'node:assert/strict';
import { derivedName, isValidName, shortHash } from './names';

test('derivedName is stable, unique per input and always a valid name', () => {
  const a = derivedName('service', ['default', 'web', 'tcp', 'http']);
  assert.equal(a, derivedName('service', ['default', 'web', 'tcp', 'http']));
  assert.match(a, /^service-[A-Z2-7]{8}-default\/web\/tcp\/http$/);
  assert.notEqual(a, derivedName('service', ['default', 'web', 'tcp', 'https']));
  // Hostile input is neutralised in the readable part; the hash still tells them apart.
  const evil = derivedName('service', ['x"; flush ruleset', 'y\n']);
  assert.ok(isValidName(evil), evil);
  assert.notEqual(derivedName('s', ['a/b', 'c']), derivedName('s', ['a', 'b/c']));
  assert.ok(derivedName('s', ['n'.repeat(300)]).length <= 128);
  assert.equal(shortHash('x').length, 8);
});
