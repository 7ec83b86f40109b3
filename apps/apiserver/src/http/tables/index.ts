// Table responses (Accept: application/json;as=Table;v=v1;g=meta.k8s.io): one printer per
// kind, each row carrying the object's metadata (PartialObjectMetadata) unless
// includeObject=None, or the whole object with includeObject=Object.
import type { KubeObject } from '@svcnet/api-types';
import { age, col, type TablePrinter } from './table-format';
import { configMapTable, endpointSliceTable, endpointsTable, eventTable, namespaceTable, nodeTable, podTable, secretTable, serviceTable } from './core-tables';
import { deploymentTable, replicaSetTable } from './apps-tables';
import { networkPolicyTable } from './networking-tables';

export { humanDuration } from './table-format';

const PRINTERS: Record<string, TablePrinter> = {
  Service: serviceTable,
  Endpoints: endpointsTable,
  EndpointSlice: endpointSliceTable,
  Pod: podTable,
  Node: nodeTable,
  Namespace: namespaceTable,
  Event: eventTable,
  ConfigMap: configMapTable,
  Secret: secretTable,
  Deployment: deploymentTable,
  ReplicaSet: replicaSetTable,
  NetworkPolicy: networkPolicyTable,
};

const DEFAULT_PRINTER: TablePrinter = {
  columns: [col('Name', 'string', 0, 'name', 'Name must be unique within a namespace.'), col('Created At', 'date', 0, '', 'CreationTimestamp is a timestamp representing the server time when this object was created.')],
  row: (o, now) => [o.metadata.name, age(o.metadata.creationTimestamp, now)],
};

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function printerFor(kind: string): TablePrinter {
  return PRINTERS[kind] ?? DEFAULT_PRINTER;
}

function rowObject(o: KubeObject, include: IncludeObject): unknown {
  if (include === 'None') return undefined;
  if (include === 'Object') return o;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

export interface TableOptions {
  includeObject: IncludeObject;
  noHeaders?: boolean;
  now?: number;
}

export function toTable(kind: string, items: KubeObject[], resourceVersion: string | undefined, o: TableOptions): Record<string, unknown> {
  const p = printerFor(kind);
  const now = o.now ?? Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: resourceVersion ? { resourceVersion } : {},
    columnDefinitions: o.noHeaders ? null : p.columns,
    rows: items.map((it) => {
      const r: Record<string, unknown> = { cells: p.row(it, now) };
      const obj = rowObject(it, o.includeObject);
      if (obj) r.object = obj;
      const phase = (it.status as { phase?: string } | undefined)?.phase;
      if (kind === 'Pod' && (phase === 'Succeeded' || phase === 'Failed')) {
        r.conditions = [{ type: 'Completed', status: 'True', reason: phase, message: `The pod has ${phase === 'Succeeded' ? 'completed successfully' : 'failed'}.` }];
      }
      return r;
    }),
  };
}

/** Does the Accept header ask for a meta.k8s.io/v1 Table? (v1beta1 is answered as v1) */
export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const params = part.split(';').map((s) => s.trim());
    return params.includes('as=Table') && params.some((p) => p === 'g=meta.k8s.io');
  });
}
