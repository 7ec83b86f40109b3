// Matching of metav1.LabelSelector against labels.
// Why local: libs/selectors is being written; swap to its matchesLabelSelector once it lands.
import type { LabelSelector } from '@svcnet/api-types';

export function matchesLabelSelector(sel: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  // An empty selector matches nothing for workloads (Kubernetes validation forbids it anyway).
  if (!sel || (!sel.matchLabels && !sel.matchExpressions)) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const r of sel.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.operator) {
      case 'In':
        if (!has || !(r.values ?? []).includes(l[r.key])) return false;
        break;
      case 'NotIn':
        if (has && (r.values ?? []).includes(l[r.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
