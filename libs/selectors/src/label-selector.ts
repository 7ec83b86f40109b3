// Label selectors as Kubernetes parses them: equality-based (=, ==, !=) and set-based
// (in, notin, exists, !exists), comma-separated and ANDed.
import type { LabelSelector } from '@svcnet/api-types';

export type Requirement =
  | { key: string; op: 'in'; values: string[] }
  | { key: string; op: 'notin'; values: string[] }
  | { key: string; op: 'exists' }
  | { key: string; op: 'doesnotexist' };

export class SelectorParseError extends Error {}

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkKey(k: string): string {
  if (!KEY.test(k)) throw new SelectorParseError(`invalid label key "${k}"`);
  return k;
}
function checkValue(v: string): string {
  if (!VALUE.test(v)) throw new SelectorParseError(`invalid label value: "${v}"`);
  return v;
}

/** Splits on commas that are not inside parentheses. */
function splitTerms(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((t) => t.trim()).filter((t) => t.length > 0);
}

export function parseLabelSelector(s: string | undefined): Requirement[] {
  if (!s || !s.trim()) return [];
  return splitTerms(s).map(parseTerm);
}

function parseTerm(t: string): Requirement {
  let m = /^(\S+?)\s+(in|notin)\s*\((.*)\)$/.exec(t);
  if (m) {
    const values = m[3].split(',').map((v) => checkValue(v.trim())).filter((v) => v !== '' || m![3].trim() === '');
    return { key: checkKey(m[1]), op: m[2] as 'in' | 'notin', values };
  }
  m = /^(\S+?)\s*(==|!=|=)\s*(\S*)$/.exec(t);
  if (m) {
    const key = checkKey(m[1]);
    const value = checkValue(m[3]);
    return m[2] === '!=' ? { key, op: 'notin', values: [value] } : { key, op: 'in', values: [value] };
  }
  m = /^!\s*(\S+)$/.exec(t);
  if (m) return { key: checkKey(m[1]), op: 'doesnotexist' };
  if (/^\S+$/.test(t)) return { key: checkKey(t), op: 'exists' };
  throw new SelectorParseError(`unable to parse requirement: "${t}"`);
}

export function matchesRequirements(reqs: Requirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const r of reqs) {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'in':
        if (!has || !r.values.includes(l[r.key])) return false;
        break;
      case 'notin':
        if (has && r.values.includes(l[r.key])) return false;
        break;
      case 'exists':
        if (!has) return false;
        break;
      case 'doesnotexist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** metav1.LabelSelector (matchLabels + matchExpressions) to requirements. An empty selector matches everything. */
export function labelSelectorRequirements(sel: LabelSelector | undefined): Requirement[] {
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(sel?.matchLabels ?? {})) reqs.push({ key, op: 'in', values: [value] });
  for (const e of sel?.matchExpressions ?? []) {
    switch (e.operator) {
      case 'In':
        reqs.push({ key: e.key, op: 'in', values: e.values ?? [] });
        break;
      case 'NotIn':
        reqs.push({ key: e.key, op: 'notin', values: e.values ?? [] });
        break;
      case 'Exists':
        reqs.push({ key: e.key, op: 'exists' });
        break;
      case 'DoesNotExist':
        reqs.push({ key: e.key, op: 'doesnotexist' });
        break;
    }
  }
  return reqs;
}

export function matchesLabelSelector(sel: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  return matchesRequirements(labelSelectorRequirements(sel), labels);
}

/** A Service-style selector (a plain map). An empty or missing map selects nothing, as for Services. */
export function matchesServiceSelector(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  const l = labels ?? {};
  return Object.entries(selector).every(([k, v]) => l[k] === v);
}

export function formatLabelSelector(sel: LabelSelector | Record<string, string> | undefined): string {
  if (!sel) return '';
  const s = 'matchLabels' in sel || 'matchExpressions' in sel ? (sel as LabelSelector) : { matchLabels: sel as Record<string, string> };
  const parts: string[] = [];
  for (const [k, v] of Object.entries(s.matchLabels ?? {}).sort()) parts.push(`${k}=${v}`);
  for (const e of s.matchExpressions ?? []) {
    if (e.operator === 'In') parts.push(`${e.key} in (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else parts.push(`!${e.key}`);
  }
  return parts.join(',');
}
