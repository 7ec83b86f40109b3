import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container, Pod } from '@svcnet/api-types';
import { CPU_PERIOD_US, linuxResources, oomScoreAdj, qosClass, quantityValue } from './resources';

const GI = 2 ** 30;
const c = (name: string, requests?: Record<string, string>, limits?: Record<string, string>): Container => ({ name, resources: { requests, limits } });
const pod = (containers: Container[], initContainers?: Container[]): Pod => ({ metadata: { name: 'p', namespace: 'd', uid: 'u' }, spec: { containers, initContainers } });

test('quantityValue reads Kubernetes quantities', () => {
  const cases: [string | number | undefined, number | undefined][] = [
    ['100m', 0.1],
    ['1.5', 1.5],
    ['2', 2],
    ['200Mi', 200 * 2 ** 20],
    ['1Gi', GI],
    ['1e3', 1000],
    ['1E3', 1000],
    ['500k', 500_000],
    ['1M', 1e6],
    ['1Ki', 1024],
    ['128974848', 128974848],
    ['129e6', 129e6],
    ['1E', 1e18],
    [3, 3],
    [undefined, undefined],
    ['bogus', undefined],
  ];
  for (const [q, want] of cases) assert.equal(quantityValue(q), want, String(q));
});

test('QoS class as v1qos.ComputePodQOS', () => {
  const both = { cpu: '500m', memory: '256Mi' };
  const cases: [string, Pod, string][] = [
    ['nothing', pod([c('a')]), 'BestEffort'],
    ['zero requests do not count', pod([c('a', { cpu: '0', memory: '0' })]), 'BestEffort'],
    ['requests equal limits', pod([c('a', both, both)]), 'Guaranteed'],
    // apiserver defaulting: a limit without a request is also the request
    ['limits only', pod([c('a', undefined, both)]), 'Guaranteed'],
    ['memory request only', pod([c('a', { memory: '256Mi' })]), 'Burstable'],
    ['requests below limits', pod([c('a', { cpu: '250m', memory: '128Mi' }, both)]), 'Burstable'],
    ['only cpu limited', pod([c('a', undefined, { cpu: '1' })]), 'Burstable'],
    ['one container without limits', pod([c('a', both, both), c('b')]), 'Burstable'],
    ['init container counts', pod([c('a', both, both)], [c('init', { cpu: '100m' })]), 'Burstable'],
    ['same value, other spelling', pod([c('a', { cpu: '1', memory: '1Gi' }, { cpu: '1000m', memory: '1024Mi' })]), 'Guaranteed'],
  ];
  for (const [name, p, want] of cases) assert.equal(qosClass(p), want, name);
});

test('oom_score_adj follows pkg/kubelet/qos/policy.go', () => {
  const cases: [Parameters<typeof oomScoreAdj>, number][] = [
    [['Guaranteed', GI, 4 * GI], -997],
    [['BestEffort', undefined, 4 * GI], 1000],
    [['Burstable', GI, 4 * GI], 750],
    [['Burstable', 4 * GI, 4 * GI], 3], // floored at 1000 + guaranteedOOMScoreAdj
    [['Burstable', 8 * GI, 4 * GI], 3],
    [['Burstable', 0, 4 * GI], 999], // never the BestEffort score
    [['Burstable', 1, 4 * GI], 999],
    [['Burstable', GI / 2, 16 * GI], 969],
  ];
  for (const [args, want] of cases) assert.equal(oomScoreAdj(...args), want, JSON.stringify(args));
});

test('CRI linux resources as calculateLinuxResources computes them', () => {
  const cases: [string, Container, { cpuShares: number; cpuQuota?: number; memoryLimitInBytes?: number }][] = [
    ['100m request', c('a', { cpu: '100m' }), { cpuShares: 102, cpuQuota: 0 }],
    ['no cpu at all', c('a'), { cpuShares: 2, cpuQuota: 0 }],
    ['1m request is still the minimum', c('a', { cpu: '1m' }), { cpuShares: 2 }],
    ['two cores', c('a', { cpu: '2' }), { cpuShares: 2048, cpuQuota: 0 }],
    ['limit 250m', c('a', { cpu: '100m' }, { cpu: '250m' }), { cpuShares: 102, cpuQuota: 25_000 }],
    ['limit only: shares from the limit', c('a', undefined, { cpu: '500m' }), { cpuShares: 512, cpuQuota: 50_000 }],
    ['tiny limit gets the 1ms minimum quota', c('a', undefined, { cpu: '5m' }), { cpuShares: 5, cpuQuota: 1000 }],
    ['1.1 cores is 1100 millicores exactly', c('a', undefined, { cpu: '1.1' }), { cpuShares: 1126, cpuQuota: 110_000 }],
    ['memory limit in bytes', c('a', undefined, { memory: '200Mi' }), { cpuShares: 2, memoryLimitInBytes: 200 * 2 ** 20 }],
    ['memory 1Gi', c('a', { memory: '1Gi' }, { memory: '1Gi' }), { cpuShares: 2, memoryLimitInBytes: GI }],
  ];
  for (const [name, container, want] of cases) {
    const r = linuxResources(pod([container]), container, 8 * GI);
    assert.equal(r.cpuPeriod, CPU_PERIOD_US, name); // the period is always sent
    for (const [k, v] of Object.entries(want)) assert.equal(r[k as keyof typeof r], v, `${name}: ${k}`);
    if (!('memoryLimitInBytes' in want)) assert.equal(r.memoryLimitInBytes, undefined, name);
  }
});

test('linuxResources oomScoreAdj uses the pod QoS and the container request', () => {
  const g = c('a', { cpu: '1', memory: '1Gi' }, { cpu: '1', memory: '1Gi' });
  assert.equal(linuxResources(pod([g]), g, 8 * GI).oomScoreAdj, -997);
  const be = c('a');
  assert.equal(linuxResources(pod([be]), be, 8 * GI).oomScoreAdj, 1000);
  const b = c('a', { memory: '2Gi' });
  assert.equal(linuxResources(pod([b]), b, 8 * GI).oomScoreAdj, 750);
});
