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

/**
 * A minimal OpenAPI v2 document in gnostic's protobuf encoding (what kubectl asks /openapi/v2
 * for): swagger "2.0", info, empty paths. kubectl falls back to it when the v3 document of a
 * group has no schema for a kind — e.g. `kind: Service` under `apiVersion: apps/v1` — and then
 * reports the manifest as Kubernetes does: no matches for kind "Service" in version "apps/v1".
 */
export function openapiV2Protobuf(): Buffer {
  const str = (field: number, s: string) => Buffer.concat([Buffer.from([(field << 3) | 2, Buffer.byteLength(s)]), Buffer.from(s)]);
  const msg = (field: number, body: Buffer) => Buffer.concat([Buffer.from([(field << 3) | 2, body.length]), body]);
  const info = Buffer.concat([str(1, 'Kubernetes'), str(2, 'v1.32.0')]);
  return Buffer.concat([str(1, '2.0'), msg(2, info), msg(8, Buffer.alloc(0))]);
}
