// Field selectors: the few fields Kubernetes indexes (metadata.name, metadata.namespace,
// spec.nodeName, status.phase, type, involvedObject.*), with =, == and !=.

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

export class FieldSelectorParseError extends Error {}

export function parseFieldSelector(s: string | undefined): FieldRequirement[] {
  if (!s || !s.trim()) return [];
  return s.split(',').map((term) => {
    const m = /^\s*([A-Za-z0-9_.]+)\s*(==|!=|=)\s*(.*?)\s*$/.exec(term);
    if (!m) throw new FieldSelectorParseError(`invalid selector: '${s}'; can't understand '${term}'`);
    return { field: m[1], op: m[2] === '!=' ? '!=' : '=', value: m[3] };
  });
}

function fieldValue(obj: unknown, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur === undefined || cur === null ? '' : String(cur);
}

export function matchesFieldSelector(reqs: FieldRequirement[], obj: unknown): boolean {
  return reqs.every((r) => (fieldValue(obj, r.field) === r.value) === (r.op === '='));
}
