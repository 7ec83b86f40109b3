import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyStrategicMergePatch } from './strategic-merge-patch';

const service = {
  metadata: { name: 's', labels: { app: 'a' }, finalizers: ['x'] },
  spec: {
    selector: { app: 'a' },
    ports: [
      { name: 'http', port: 80, targetPort: 8080 },
      { name: 'https', port: 443, targetPort: 8443 },
    ],
    externalIPs: ['1.1.1.1'],
  },
};

const pod = {
  metadata: { name: 'p', ownerReferences: [{ uid: 'u1', name: 'rs1' }] },
  spec: {
    containers: [
      { name: 'app', image: 'nginx', ports: [{ containerPort: 80 }], env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }] },
      { name: 'side', image: 'busybox' },
    ],
    volumes: [{ name: 'v1' }],
  },
  status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'PodScheduled', status: 'True' }] },
};

const deployment = { spec: { replicas: 1, template: { spec: { containers: [{ name: 'app', image: 'nginx:1' }, { name: 'log', image: 'fluent' }] } } } };

const cases: [string, unknown, string, unknown, unknown][] = [
  ['Service ports merge by port', service, 'Service', { spec: { ports: [{ port: 443, targetPort: 9443 }, { port: 8080, name: 'alt' }] } }, {
    ...service,
    spec: { ...service.spec, ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'https', port: 443, targetPort: 9443 }, { name: 'alt', port: 8080 }] },
  }],
  ['$patch: delete removes a list item', service, 'Service', { spec: { ports: [{ port: 80, $patch: 'delete' }] } }, {
    ...service, spec: { ...service.spec, ports: [{ name: 'https', port: 443, targetPort: 8443 }] },
  }],
  ['lists without a merge key are replaced', service, 'Service', { spec: { externalIPs: ['2.2.2.2'] } }, {
    ...service, spec: { ...service.spec, externalIPs: ['2.2.2.2'] },
  }],
  ['null deletes a key', service, 'Service', { spec: { selector: null }, metadata: { labels: { app: null, b: 'c' } } }, {
    metadata: { ...service.metadata, labels: { b: 'c' } }, spec: { ports: service.spec.ports, externalIPs: ['1.1.1.1'] },
  }],
  ['$patch: replace on a list item replaces the whole list', service, 'Service', { spec: { ports: [{ $patch: 'replace' }, { port: 9 }] } }, {
    ...service, spec: { ...service.spec, ports: [{ port: 9 }] },
  }],
  ['$patch: replace on a map', service, 'Service', { spec: { selector: { $patch: 'replace', tier: 'x' } } }, {
    ...service, spec: { ...service.spec, selector: { tier: 'x' } },
  }],
  ['$patch: delete on a map', service, 'Service', { spec: { selector: { $patch: 'delete' } } }, {
    ...service, spec: { ports: service.spec.ports, externalIPs: ['1.1.1.1'] },
  }],
  ['finalizers merge as a set, $deleteFromPrimitiveList removes', service, 'Service', { metadata: { finalizers: ['y', 'x'], '$deleteFromPrimitiveList/finalizers': ['x'] } }, {
    ...service, metadata: { ...service.metadata, finalizers: ['y'] },
  }],
  ['$setElementOrder reorders merged items', service, 'Service', { spec: { '$setElementOrder/ports': [{ port: 443 }, { port: 80 }], ports: [{ port: 80, targetPort: 81 }] } }, {
    ...service, spec: { ...service.spec, ports: [{ name: 'https', port: 443, targetPort: 8443 }, { name: 'http', port: 80, targetPort: 81 }] },
  }],
  ['$retainKeys clears other fields', { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } }, 'Deployment',
    { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, { spec: { strategy: { type: 'Recreate' } } }],
  ['containers by name, container ports by containerPort, env by name', pod, 'Pod',
    { spec: { containers: [{ name: 'app', image: 'nginx:2', ports: [{ containerPort: 443 }], env: [{ name: 'B', value: '3' }] }] } }, {
      ...pod,
      spec: { ...pod.spec, containers: [
        { name: 'app', image: 'nginx:2', ports: [{ containerPort: 80 }, { containerPort: 443 }], env: [{ name: 'A', value: '1' }, { name: 'B', value: '3' }] },
        { name: 'side', image: 'busybox' },
      ] },
    }],
  ['conditions by type, ownerReferences by uid, volumes by name', pod, 'Pod',
    { metadata: { ownerReferences: [{ uid: 'u2', name: 'rs2' }] }, spec: { volumes: [{ name: 'v2' }] }, status: { conditions: [{ type: 'Ready', status: 'True' }] } }, {
      metadata: { ...pod.metadata, ownerReferences: [{ uid: 'u1', name: 'rs1' }, { uid: 'u2', name: 'rs2' }] },
      spec: { ...pod.spec, volumes: [{ name: 'v1' }, { name: 'v2' }] },
      status: { conditions: [{ type: 'Ready', status: 'True' }, { type: 'PodScheduled', status: 'True' }] },
    }],
  ['Deployment template containers merge by name', deployment, 'Deployment', { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:2' }] } } } },
    { spec: { replicas: 1, template: { spec: { containers: [{ name: 'app', image: 'nginx:2' }, { name: 'log', image: 'fluent' }] } } } }],
  ['ReplicaSet template containers merge by name', deployment, 'ReplicaSet', { spec: { template: { spec: { containers: [{ name: 'log', $patch: 'delete' }] } } } },
    { spec: { replicas: 1, template: { spec: { containers: [{ name: 'app', image: 'nginx:1' }] } } } }],
  ['unknown kinds replace lists', deployment, 'Widget', { spec: { template: { spec: { containers: [{ name: 'app' }] } } } },
    { spec: { replicas: 1, template: { spec: { containers: [{ name: 'app' }] } } } }],
  ['Endpoints addresses by ip inside subsets', { subsets: [{ addresses: [{ ip: '10.0.0.1' }] }] }, 'Endpoints',
    { subsets: [{ addresses: [{ ip: '10.0.0.2' }] }] }, { subsets: [{ addresses: [{ ip: '10.0.0.2' }] }] }],
];

for (const [name, target, kind, patch, want] of cases) {
  test(name, () => {
    const snapshot = JSON.stringify([target, patch]);
    assert.deepEqual(applyStrategicMergePatch(target, patch, kind), want, name);
    assert.equal(JSON.stringify([target, patch]), snapshot, 'inputs unchanged');
  });
}

test('a merge-key list item without its key is rejected', () => {
  assert.throws(() => applyStrategicMergePatch(service, { spec: { ports: [{ name: 'x' }] } }, 'Service'), /merge key "port"/);
});
