// The REST verbs on resources: get/list/watch/create/update/patch/delete/deletecollection,
// the status and scale subresources, Table output and field validation. Everything goes
// through ApiCore, so semantics are the same as on gRPC.
import type * as http from 'node:http';
import { ApiError, apiVersionOf, type KubeObject, type ResourceInfo } from '@svcnet/api-types';
import { parse as parseYaml } from 'yaml';
import { applyJsonPatch, applyMergePatch, type JsonValue } from '@svcnet/patch';
import { parseDryRun, type ApiCore, type PatchKind } from '../registry/api-core';
import type { ApiMetrics } from '../api-metrics';
import { contentTypeOf, parseJsonBody, readBody, readBodyBuffer, sendJson, successStatus } from './http-io';
import { decodeProtobufObject, PROTOBUF_CONTENT_TYPE } from './protobuf-decoding';
import { decodeObject, parseFieldValidation, unknownFieldWarnings, type FieldValidation } from './strict-decoding';
import { toTable, wantsTable, type IncludeObject } from './tables';
import { serveWatch } from './watch-stream';
import type { ResourcePath } from './request-path';
import type { PodProxy } from './pod-proxy';

export interface RestContext {
  core: ApiCore;
  metrics: ApiMetrics;
  pods: PodProxy;
}

const PATCH_TYPES: Record<string, PatchKind | 'apply'> = {
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/json-patch+json': 'json',
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+cbor': 'apply',
};

function boolParam(v: string | null): boolean {
  return v === 'true' || v === '1';
}

function includeObjectOf(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  if (!v) return 'Metadata';
  if (v === 'None' || v === 'Metadata' || v === 'Object') return v;
  throw new ApiError('BadRequest', `unrecognized includeObject value: "${v}"`);
}

/** Answers with the object, or a Table of it when kubectl asked for one. */
function respondObjects(req: http.IncomingMessage, res: http.ServerResponse, q: URLSearchParams, info: ResourceInfo, code: number, body: KubeObject | { metadata: { resourceVersion?: string }; items: KubeObject[] } & Record<string, unknown>, headers: Record<string, string> = {}): void {
  if (wantsTable(req.headers.accept)) {
    const items = 'items' in body ? (body.items as KubeObject[]) : [body as KubeObject];
    const rv = body.metadata?.resourceVersion;
    sendJson(res, code, toTable(info.kind, items, rv, { includeObject: includeObjectOf(q) }), headers);
    return;
  }
  sendJson(res, code, body, headers);
}

/** Warn mode only: Ignore drops unknown fields silently, Strict has refused them already. */
function warningHeaders(fields: string[], mode: FieldValidation): Record<string, string> {
  return fields.length && mode === 'Warn' ? { Warning: unknownFieldWarnings(fields).join(', ') } : {};
}

function decodeBody(info: ResourceInfo, text: string, mode: FieldValidation, patch = false): { object: Record<string, unknown>; unknownFields: string[] } {
  const body = parseJsonBody(text, 'the object');
  return decodeObject(info.kind, apiVersionOf(info), body, mode, { patch });
}

/** A create/update body: JSON, or protobuf from kubectl's typed clients. */
async function readObject(req: http.IncomingMessage, info: ResourceInfo, mode: FieldValidation): Promise<{ object: Record<string, unknown>; unknownFields: string[] }> {
  const buf = await readBodyBuffer(req);
  if (contentTypeOf(req) === PROTOBUF_CONTENT_TYPE) {
    return decodeObject(info.kind, apiVersionOf(info), decodeProtobufObject(buf), mode);
  }
  return decodeBody(info, buf.toString('utf8'), mode);
}

export async function handleResource(ctx: RestContext, req: http.IncomingMessage, res: http.ServerResponse, url: URL, p: ResourcePath): Promise<void> {
  const { core } = ctx;
  const q = url.searchParams;
  const { info, namespace, name, subresource } = p;
  const method = req.method ?? 'GET';
  const ns = info.namespaced ? namespace : undefined;
  if (info.namespaced && !ns && method !== 'GET') {
    throw new ApiError('NotFound', 'the server could not find the requested resource');
  }
  const selectors = { namespace: ns, labelSelector: q.get('labelSelector') ?? undefined, fieldSelector: q.get('fieldSelector') ?? undefined };

  // ---- collection ----
  if (!name) {
    if (method === 'GET') {
      if (boolParam(q.get('watch'))) {
        const ts = q.get('timeoutSeconds');
        await serveWatch(core, ctx.metrics, req, res, {
          resource: info.resource,
          kind: info.kind,
          ...selectors,
          resourceVersion: q.get('resourceVersion') ?? undefined,
          allowBookmarks: boolParam(q.get('allowWatchBookmarks')),
          timeoutSeconds: ts ? Number(ts) : undefined,
          table: wantsTable(req.headers.accept) ? { includeObject: includeObjectOf(q) } : undefined,
        });
        return;
      }
      const list = await core.list(info.resource, selectors);
      respondObjects(req, res, q, info, 200, list as never);
      return;
    }
    if (method === 'POST') {
      const mode = parseFieldValidation(q.get('fieldValidation') ?? 'Warn');
      const { object, unknownFields } = await readObject(req, info, mode);
      const created = await core.create(info.resource, ns, object as KubeObject, { dryRun: parseDryRun(q.get('dryRun')) });
      respondObjects(req, res, q, info, 201, created, warningHeaders(unknownFields, mode));
      return;
    }
    if (method === 'DELETE') {
      const opts = await deleteOptions(req, q);
      sendJson(res, 200, await core.deleteCollection(info.resource, selectors, opts));
      return;
    }
    throw new ApiError('MethodNotAllowed', `the server does not allow this method on the requested resource`);
  }

  // ---- subresources ----
  if (subresource === 'log' || subresource === 'exec' || subresource === 'attach' || subresource === 'portforward') {
    if (info.kind !== 'Pod') throw new ApiError('NotFound', 'the server could not find the requested resource');
    if (subresource === 'log' && method === 'GET') return ctx.pods.logs(req, res, ns!, name, q);
    throw new ApiError('BadRequest', `Upgrade request required`);
  }
  if (subresource && !info.subresources.includes(subresource)) {
    throw new ApiError('NotFound', 'the server could not find the requested resource');
  }
  if (subresource === 'scale') return handleScale(ctx, req, res, q, info, ns, name, method);

  // ---- one object ----
  const sub = subresource ?? '';
  switch (method) {
    case 'GET': {
      const obj = await core.get(info.resource, ns, name);
      respondObjects(req, res, q, info, 200, obj);
      return;
    }
    case 'PUT': {
      const mode = parseFieldValidation(q.get('fieldValidation') ?? 'Warn');
      const { object, unknownFields } = await readObject(req, info, mode);
      const meta = (object.metadata ?? {}) as { name?: string; namespace?: string };
      if (meta.name && meta.name !== name) {
        throw new ApiError('BadRequest', `the name of the object (${meta.name}) does not match the name on the URL (${name})`);
      }
      if (ns && meta.namespace && meta.namespace !== ns) {
        throw new ApiError('BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
      }
      object.metadata = { ...meta, name };
      const updated = await core.update(info.resource, ns, object as KubeObject, sub, { dryRun: parseDryRun(q.get('dryRun')) });
      respondObjects(req, res, q, info, 200, updated, warningHeaders(unknownFields, mode));
      return;
    }
    case 'PATCH': {
      const type = PATCH_TYPES[contentTypeOf(req)];
      if (!type) {
        throw new ApiError('BadRequest', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json`);
      }
      const mode = parseFieldValidation(q.get('fieldValidation') ?? 'Warn');
      const text = await readBody(req);
      const dryRun = parseDryRun(q.get('dryRun'));
      if (type === 'apply') return applyPatch(ctx, req, res, q, info, ns, name, text, mode, dryRun);
      // The body is decoded once and handed over as it is: a JSON patch is a list of
      // operations, the others are checked for unknown fields like an object.
      let patch: JsonValue;
      let unknownFields: string[] = [];
      if (type === 'json') {
        patch = parseJsonBody(text, 'patch') as JsonValue;
      } else {
        const d = decodeBody(info, text, mode, true);
        unknownFields = d.unknownFields;
        patch = d.object as JsonValue;
      }
      const patched = await core.patch(info.resource, ns, name, patch, type, sub, { dryRun });
      respondObjects(req, res, q, info, 200, patched, warningHeaders(unknownFields, mode));
      return;
    }
    case 'DELETE': {
      if (sub) throw new ApiError('MethodNotAllowed', 'the server does not allow this method on the requested resource');
      const opts = await deleteOptions(req, q);
      const out = await core.delete(info.resource, ns, name, opts);
      if (out.metadata.deletionTimestamp) {
        sendJson(res, 200, out);
      } else {
        sendJson(res, 200, successStatus({ name, group: info.group, kind: info.resource, uid: out.metadata.uid }));
      }
      return;
    }
  }
  throw new ApiError('MethodNotAllowed', 'the server does not allow this method on the requested resource');
}

async function deleteOptions(req: http.IncomingMessage, q: URLSearchParams): Promise<{ gracePeriodSeconds?: number; preconditions?: { uid?: string; resourceVersion?: string }; dryRun?: boolean }> {
  const text = await readBody(req);
  let body: { gracePeriodSeconds?: number; preconditions?: { uid?: string; resourceVersion?: string }; propagationPolicy?: string; dryRun?: string[] } = {};
  if (text.trim()) body = parseJsonBody(text, 'DeleteOptions') as typeof body;
  const dryRun = parseDryRun(body.dryRun?.[0] ?? q.get('dryRun'));
  const gqs = q.get('gracePeriodSeconds');
  const grace = body.gracePeriodSeconds ?? (gqs !== null ? Number(gqs) : undefined);
  const policy = body.propagationPolicy ?? q.get('propagationPolicy');
  if (policy && !['Background', 'Foreground', 'Orphan'].includes(policy)) {
    throw new ApiError('Invalid', `DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  return { gracePeriodSeconds: grace, preconditions: body.preconditions, dryRun };
}

/**
 * Server-side apply, simplified: the applied configuration is created when the object does
 * not exist, and otherwise merged into it as a strategic merge patch (no managedFields).
 */
async function applyPatch(ctx: RestContext, req: http.IncomingMessage, res: http.ServerResponse, q: URLSearchParams, info: ResourceInfo, ns: string | undefined, name: string, text: string, mode: FieldValidation, dryRun: boolean): Promise<void> {
  if (!q.get('fieldManager')) throw new ApiError('BadRequest', 'PATCH, application/apply-patch+yaml requests must specify a fieldManager');
  let body: unknown;
  try {
    body = parseYaml(text);
  } catch (e) {
    throw new ApiError('BadRequest', `error decoding YAML: ${(e as Error).message}`);
  }
  const { object, unknownFields } = decodeObject(info.kind, apiVersionOf(info), body, mode);
  const meta = (object.metadata ?? {}) as { name?: string };
  if (meta.name && meta.name !== name) throw new ApiError('BadRequest', `the name of the object (${meta.name}) does not match the name on the URL (${name})`);
  object.metadata = { ...meta, name };
  let exists = true;
  try {
    await ctx.core.get(info.resource, ns, name);
  } catch (e) {
    if (e instanceof ApiError && e.reason === 'NotFound') exists = false;
    else throw e;
  }
  if (!exists) {
    const created = await ctx.core.create(info.resource, ns, object as KubeObject, { dryRun });
    respondObjects(req, res, q, info, 201, created, warningHeaders(unknownFields, mode));
    return;
  }
  const patched = await ctx.core.patch(info.resource, ns, name, object as JsonValue, 'strategic', '', { dryRun });
  respondObjects(req, res, q, info, 200, patched, warningHeaders(unknownFields, mode));
}

/** The scale subresource: ApiCore's getScale/updateScale; a PATCH is applied to the Scale here. */
async function handleScale(ctx: RestContext, req: http.IncomingMessage, res: http.ServerResponse, q: URLSearchParams, info: ResourceInfo, ns: string | undefined, name: string, method: string): Promise<void> {
  const cur = await ctx.core.getScale(info.resource, ns, name);
  if (method === 'GET') {
    sendJson(res, 200, cur);
    return;
  }
  let replicas: unknown;
  const text = await readBody(req);
  if (method === 'PUT') {
    replicas = (parseJsonBody(text, 'Scale') as { spec?: { replicas?: unknown } }).spec?.replicas;
  } else if (method === 'PATCH') {
    const type = PATCH_TYPES[contentTypeOf(req)];
    if (!type || type === 'apply') throw new ApiError('BadRequest', 'unsupported patch type for scale');
    const doc = parseJsonBody(text, 'patch');
    const next = (type === 'json' ? applyJsonPatch(cur as never, doc as never) : applyMergePatch(cur as never, doc as never)) as { spec?: { replicas?: unknown } };
    replicas = next.spec?.replicas;
  } else throw new ApiError('MethodNotAllowed', 'the server does not allow this method on the requested resource');
  sendJson(res, 200, await ctx.core.updateScale(info.resource, ns, name, replicas, { dryRun: parseDryRun(q.get('dryRun')) }));
}
