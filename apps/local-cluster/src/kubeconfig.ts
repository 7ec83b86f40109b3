// The `svcnet` context in a user's kubeconfig, as kind does it: a cluster, a user and a context
// all named `svcnet`, merged into the file next to whatever else it holds, and removed again on
// `svcnet down`. Pure text-in/text-out functions here; the file I/O is in kubeconfig-file.ts.
import { parse, stringify } from 'yaml';

export const CONTEXT = 'svcnet';

interface Named {
  name: string;
  [k: string]: unknown;
}

export interface KubeconfigDoc {
  apiVersion?: string;
  kind?: string;
  clusters?: Named[] | null;
  users?: Named[] | null;
  contexts?: Named[] | null;
  'current-context'?: string;
  preferences?: unknown;
  [k: string]: unknown;
}

function parseDoc(text: string | undefined): KubeconfigDoc {
  if (!text || !text.trim()) return {};
  const doc = parse(text) as unknown;
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error('kubeconfig is not a YAML mapping');
  return doc as KubeconfigDoc;
}

function list(doc: KubeconfigDoc, key: 'clusters' | 'users' | 'contexts'): Named[] {
  const v = doc[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Error(`kubeconfig: ${key} is not a list`);
  return v;
}

/**
 * The admin kubeconfig (one cluster, one user, one context, whatever their names) renamed to
 * `svcnet` throughout, optionally pointing at another server URL.
 */
export function svcnetKubeconfig(adminText: string, server?: string): KubeconfigDoc {
  const admin = parseDoc(adminText);
  const cur = admin['current-context'];
  const ctx = list(admin, 'contexts').find((c) => c.name === cur) ?? list(admin, 'contexts')[0];
  const ctxBody = (ctx?.context ?? {}) as Record<string, unknown>;
  const cluster = list(admin, 'clusters').find((c) => c.name === ctxBody.cluster) ?? list(admin, 'clusters')[0];
  const user = list(admin, 'users').find((u) => u.name === ctxBody.user) ?? list(admin, 'users')[0];
  if (!cluster || !user) throw new Error('admin kubeconfig has no cluster or no user');
  const clusterBody = { ...(cluster.cluster as Record<string, unknown>) };
  if (server) clusterBody.server = server;
  const context: Record<string, unknown> = { cluster: CONTEXT, user: CONTEXT };
  if (ctxBody.namespace) context.namespace = ctxBody.namespace;
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: CONTEXT, cluster: clusterBody }],
    users: [{ name: CONTEXT, user: { ...(user.user as Record<string, unknown>) } }],
    contexts: [{ name: CONTEXT, context }],
    'current-context': CONTEXT,
    preferences: {},
  };
}

export interface MergeResult {
  text: string;
  /** the current-context before the merge ('' when the file had none) */
  previousContext: string;
}

/**
 * Adds (or replaces) the svcnet cluster, user and context in `existing` and makes svcnet the
 * current context, as `kind create cluster` does. Other entries and fields are kept as they were.
 */
export function mergeKubeconfig(existing: string | undefined, svcnet: KubeconfigDoc): MergeResult {
  const doc = parseDoc(existing);
  const previousContext = doc['current-context'] ?? '';
  const upsert = (key: 'clusters' | 'users' | 'contexts') => {
    const entries = list(doc, key).filter((e) => e.name !== CONTEXT);
    doc[key] = [...entries, ...list(svcnet, key).filter((e) => e.name === CONTEXT)];
  };
  doc.apiVersion ??= 'v1';
  doc.kind ??= 'Config';
  upsert('clusters');
  upsert('users');
  upsert('contexts');
  doc['current-context'] = CONTEXT;
  doc.preferences ??= {};
  return { text: stringify(doc), previousContext };
}

export interface RemoveResult {
  text: string;
  /** whether anything svcnet was in the file */
  changed: boolean;
}

/** Removes the svcnet cluster, user and context; unsets current-context if it was svcnet. */
export function removeFromKubeconfig(existing: string): RemoveResult {
  const doc = parseDoc(existing);
  let changed = false;
  for (const key of ['clusters', 'users', 'contexts'] as const) {
    const before = list(doc, key);
    const after = before.filter((e) => e.name !== CONTEXT);
    if (after.length !== before.length) {
      changed = true;
      doc[key] = after;
    }
  }
  if (doc['current-context'] === CONTEXT) {
    changed = true;
    delete doc['current-context'];
  }
  return { text: changed ? stringify(doc) : existing, changed };
}
