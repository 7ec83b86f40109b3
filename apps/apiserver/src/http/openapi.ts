// A minimal OpenAPI v3 for kubectl: one PATCH operation per kind, tagged with its
// x-kubernetes-group-version-kind and a fieldValidation parameter. kubectl (>= 1.27) reads it
// to learn that the server validates fields itself, and then sends fieldValidation=Strict
// instead of validating against a client-side schema. No requestBody content types are
// listed, so `kubectl apply` computes strategic merge patches from its compiled-in types.
import * as crypto from 'node:crypto';
import { RESOURCES, apiVersionOf } from '@svcnet/api-types';
import { SERVER_VERSION } from './discovery';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

let cache: Map<string, string> | undefined;

function documents(): Map<string, string> {
  if (cache) return cache;
  const docs = new Map<string, string>();
  const byGv = new Map<string, typeof RESOURCES[number][]>();
  for (const r of RESOURCES) {
    const k = gvPath(r.group, r.version);
    byGv.set(k, [...(byGv.get(k) ?? []), r]);
  }
  for (const [k, rs] of byGv) {
    const paths: Record<string, unknown> = {};
    for (const r of rs) {
      const item = r.namespaced ? `/${k}/namespaces/{namespace}/${r.resource}/{name}` : `/${k}/${r.resource}/{name}`;
      const gvk = { group: r.group, version: r.version, kind: r.kind };
      const params = [
        { name: 'name', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } },
        ...(r.namespaced ? [{ name: 'namespace', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } }] : []),
        { name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } },
        { name: 'fieldManager', in: 'query', schema: { type: 'string', uniqueItems: true } },
        { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } },
      ];
      const op = (id: string) => ({
        operationId: `${id}${r.kind}`,
        parameters: params,
        responses: { '200': { description: 'OK' } },
        'x-kubernetes-action': id === 'patch' ? 'patch' : id,
        'x-kubernetes-group-version-kind': gvk,
      });
      paths[item] = { get: op('read'), put: op('replace'), patch: op('patch'), delete: op('delete') };
      void apiVersionOf;
    }
    const doc = { openapi: '3.0.0', info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion }, paths, components: { schemas: {} } };
    docs.set(k, JSON.stringify(doc));
  }
  cache = docs;
  return docs;
}

export function openapiV3Root(): unknown {
  const paths: Record<string, unknown> = {};
  for (const [k, text] of documents()) {
    const hash = crypto.createHash('sha512').update(text).digest('hex').slice(0, 128).toUpperCase();
    paths[k] = { serverRelativeURL: `/openapi/v3/${k}?hash=${hash}` };
  }
  return { paths };
}

export function openapiV3Doc(gv: string): string | undefined {
  return documents().get(gv);
}
