// Server-side printing of networking.k8s.io/v1 kinds (pkg/printers/internalversion).
import { age, col, selectorString, type TablePrinter } from './table-format';

/** metav1.FormatLabelSelector: the selector's String(), "<none>" when empty */
function formatLabelSelector(sel: Parameters<typeof selectorString>[0]): string {
  return selectorString(sel ?? {}) || '<none>';
}

export const networkPolicyTable: TablePrinter = {
  columns: [
    col('Name', 'string', 0, 'name', 'Name must be unique within a namespace.'),
    col('Pod-Selector', 'string', 0, '', 'Selects the pods to which this NetworkPolicy object applies.'),
    col('Age', 'string', 0, '', 'CreationTimestamp is a timestamp representing the server time when this object was created.'),
  ],
  row: (np, now) => [np.metadata.name, formatLabelSelector(np.spec?.podSelector), age(np.metadata.creationTimestamp, now)],
};
