// Server-side printing of apps/v1 Deployments and ReplicaSets (Kubernetes' columns).
import { age, col, selectorString, type TablePrinter } from './table-format';

const NAME = col('Name', 'string', 0, 'name', 'Name must be unique within a namespace.');
const AGE = col('Age', 'string', 0, '', 'CreationTimestamp is a timestamp representing the server time when this object was created.');
const WIDE = [
  col('Containers', 'string', 1, '', 'Names of each container in the template.'),
  col('Images', 'string', 1, '', 'Images referenced by each container in the template.'),
  col('Selector', 'string', 1, '', 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.'),
];

function containerCells(obj: any): [string, string] {
  const cs: any[] = obj.spec?.template?.spec?.containers ?? [];
  return [cs.map((c) => c.name).join(','), cs.map((c) => c.image ?? '').join(',')];
}

export const deploymentTable: TablePrinter = {
  columns: [
    NAME,
    col('Ready', 'string', 0, '', 'Number of the pod with ready state'),
    col('Up-to-date', 'integer', 0, '', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
    col('Available', 'integer', 0, '', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
    AGE,
    ...WIDE,
  ],
  row(d, now) {
    const st = d.status ?? {};
    const desired = d.spec?.replicas ?? 1;
    return [d.metadata.name, `${st.readyReplicas ?? 0}/${desired}`, st.updatedReplicas ?? 0, st.availableReplicas ?? 0, age(d.metadata.creationTimestamp, now), ...containerCells(d), selectorString(d.spec?.selector)];
  },
};

export const replicaSetTable: TablePrinter = {
  columns: [
    NAME,
    col('Desired', 'integer', 0, '', 'Replicas is the number of desired replicas.'),
    col('Current', 'integer', 0, '', 'Replicas is the most recently observed number of replicas.'),
    col('Ready', 'integer', 0, '', 'The number of ready replicas for this replica set.'),
    AGE,
    ...WIDE,
  ],
  row(rs, now) {
    const st = rs.status ?? {};
    return [rs.metadata.name, rs.spec?.replicas ?? 1, st.replicas ?? 0, st.readyReplicas ?? 0, age(rs.metadata.creationTimestamp, now), ...containerCells(rs), selectorString(rs.spec?.selector)];
  },
};
