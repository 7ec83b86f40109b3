import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLabelSelector, matchesRequirements, matchesLabelSelector, matchesServiceSelector, SelectorParseError } from './label-selector';
import { parseFieldSelector, matchesFieldSelector } from './field-selector';

const cases: { sel: string; labels: Record<string, string>; want: boolean }[] = [
  { sel: '', labels: {}, want: true },
  { sel: 'app=nginx', labels: { app: 'nginx' }, want: true },
  { sel: 'app==nginx', labels: { app: 'web' }, want: false },
  { sel: 'app!=nginx', labels: { app: 'web' }, want: true },
  { sel: 'app!=nginx', labels: {}, want: true },
  { sel: 'tier in (web, api)', labels: { tier: 'api' }, want: true },
  { sel: 'tier notin (web,api)', labels: { tier: 'api' }, want: false },
  { sel: 'tier notin (web,api)', labels: {}, want: true },
  { sel: 'canary', labels: { canary: '' }, want: true },
  { sel: '!canary', labels: { canary: 'x' }, want: false },
  { sel: 'app=nginx,version in (1.0,2.0),!canary', labels: { app: 'nginx', version: '2.0' }, want: true },
  { sel: 'app=nginx,version in (1.0,2.0),!canary', labels: { app: 'nginx', version: '3.0' }, want: false },
];

test('label selector strings', () => {
  for (const c of cases) assert.equal(matchesRequirements(parseLabelSelector(c.sel), c.labels), c.want, c.sel);
});

test('bad label selector', () => {
  assert.throws(() => parseLabelSelector('a b c'), SelectorParseError);
  assert.throws(() => parseLabelSelector('app=ng inx'), SelectorParseError);
});

test('LabelSelector objects', () => {
  assert.equal(matchesLabelSelector({ matchLabels: { app: 'a' }, matchExpressions: [{ key: 'v', operator: 'In', values: ['1'] }] }, { app: 'a', v: '1' }), true);
  assert.equal(matchesLabelSelector({ matchExpressions: [{ key: 'v', operator: 'DoesNotExist' }] }, { v: '1' }), false);
  assert.equal(matchesLabelSelector({}, { v: '1' }), true);
});

test('service selectors select nothing when empty', () => {
  assert.equal(matchesServiceSelector({}, { a: 'b' }), false);
  assert.equal(matchesServiceSelector({ a: 'b' }, { a: 'b', c: 'd' }), true);
});

test('field selectors', () => {
  const pod = { metadata: { name: 'p1', namespace: 'default' }, spec: { nodeName: 'node-1' } };
  assert.equal(matchesFieldSelector(parseFieldSelector('spec.nodeName=node-1'), pod), true);
  assert.equal(matchesFieldSelector(parseFieldSelector('metadata.name!=p1'), pod), false);
  assert.equal(matchesFieldSelector(parseFieldSelector('metadata.namespace==default,metadata.name=p1'), pod), true);
});
