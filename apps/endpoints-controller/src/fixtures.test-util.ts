// Test objects shared by this app's unit tests.
import type { Node, Pod, Service } from '@svcnet/api-types';

export function svc(name: string, spec: Partial<Service['spec']> = {}): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: { team: 'web' } },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }], clusterIP: '10.96.0.10', ...spec },
  };
}

export interface PodOpts {
  ip?: string;
  ready?: boolean;
  node?: string;
  httpPort?: number;
  labels?: Record<string, string>;
  deleting?: boolean;
  phase?: 'Running' | 'Failed' | 'Succeeded' | 'Pending';
  hostname?: string;
  subdomain?: string;
}

export function pod(name: string, o: PodOpts = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: 'default',
      uid: `uid-${name}`,
      labels: o.labels ?? { app: 'web' },
      ...(o.deleting ? { deletionTimestamp: '2026-11-23T00:00:00Z' } : {}),
    },
    spec: {
      nodeName: o.node ?? 'node-1',
      hostname: o.hostname,
      subdomain: o.subdomain,
      containers: [{ name: 'c', ports: [{ name: 'http', containerPort: o.httpPort ?? 80, protocol: 'TCP' }] }],
    },
    status: {
      phase: o.phase ?? 'Running',
      podIP: o.ip,
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
    },
  };
}

export function node(name: string, ready: boolean): Node {
  return { metadata: { name }, status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } };
}

export const noNodes = () => undefined;
