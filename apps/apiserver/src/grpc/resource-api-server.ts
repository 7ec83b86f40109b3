// gRPC front of ApiCore: the ResourceApi service other apps use (informers, controllers).
import * as grpc from '@grpc/grpc-js';
import { ApiError, type KubeObject } from '@svcnet/api-types';
import { fromWire, toWire, toGrpcError } from '@svcnet/api-proto';
import type { ApiCore, PatchKind, Scale } from '../registry/api-core';
import type { ApiMetrics } from '../api-metrics';

type Json = Record<string, any>;

export function resourceApiHandlers(core: ApiCore, metrics: ApiMetrics): grpc.UntypedServiceImplementation {
  const unary = (verb: string, fn: (req: Json) => Promise<unknown>): grpc.handleUnaryCall<Json, unknown> =>
    (call, callback) => {
      const done = metrics.startRequest(verb, call.request.resource ?? '', 'grpc');
      fn(call.request)
        .then((res) => {
          done(200);
          callback(null, res);
        })
        .catch((err) => {
          done(err instanceof ApiError ? err.code : 500);
          callback(toGrpcError(err) as grpc.ServiceError);
        });
    };
  const wire = (o: KubeObject) => toWire(o, o.kind);
  const unwrap = (req: Json): KubeObject => {
    if (!req.object) throw new ApiError('BadRequest', 'object is required');
    return fromWire(req.object);
  };

  return {
    Get: unary('get', async (r) => wire(await core.get(r.resource, r.namespace || undefined, r.name))),
    List: unary('list', async (r) => {
      const l = await core.list(r.resource, { namespace: r.namespace || undefined, labelSelector: r.labelSelector, fieldSelector: r.fieldSelector });
      return { resourceVersion: l.metadata.resourceVersion, items: l.items.map(wire) };
    }),
    Create: unary('create', async (r) => wire(await core.create(r.resource, r.namespace || undefined, unwrap(r), { dryRun: !!r.dryRun }))),
    Update: unary('update', async (r) => wire(await core.update(r.resource, r.namespace || undefined, unwrap(r), r.subresource ?? '', { dryRun: !!r.dryRun }))),
    Patch: unary('patch', async (r) =>
      wire(await core.patch(r.resource, r.namespace || undefined, r.name, r.patch ?? '', (r.patchType || 'merge') as PatchKind, r.subresource ?? '', { dryRun: !!r.dryRun })),
    ),
    Delete: unary('delete', async (r) =>
      wire(await core.delete(r.resource, r.namespace || undefined, r.name, { gracePeriodSeconds: r.gracePeriodSeconds ?? undefined, preconditions: r.preconditions ?? undefined, dryRun: !!r.dryRun })),
    ),
    DeleteCollection: unary('deletecollection', async (r) => {
      const l = await core.deleteCollection(
        r.resource,
        { namespace: r.namespace || undefined, labelSelector: r.labelSelector, fieldSelector: r.fieldSelector },
        { gracePeriodSeconds: r.gracePeriodSeconds ?? undefined, dryRun: !!r.dryRun },
      );
      return { resourceVersion: l.metadata.resourceVersion ?? '', items: l.items.map(wire) };
    }),
    GetScale: unary('get', async (r) => scaleWire(await core.getScale(r.resource, r.namespace || undefined, r.name))),
    UpdateScale: unary('update', async (r) => scaleWire(await core.updateScale(r.resource, r.namespace || undefined, r.name, r.replicas ?? 0, { dryRun: !!r.dryRun }))),
    Watch: (call: grpc.ServerWritableStream<Json, unknown>) => {
      const r = call.request;
      metrics.watches.inc({ resource: r.resource });
      let stop: (() => void) | undefined;
      let ended = false;
      const end = (err?: Error) => {
        if (ended) return;
        ended = true;
        metrics.watches.dec({ resource: r.resource });
        // grpc-js sends a stream's error status when 'error' is emitted on the call.
        if (err) call.emit('error', toGrpcError(err));
        else call.end();
      };
      call.on('cancelled', () => {
        stop?.();
        end();
      });
      core
        .watch(
          r.resource,
          { namespace: r.namespace || undefined, labelSelector: r.labelSelector, fieldSelector: r.fieldSelector, resourceVersion: r.resourceVersion, allowBookmarks: r.allowBookmarks },
          (ev) => {
            if (!ended) call.write({ type: ev.type, object: ev.type === 'BOOKMARK' ? bookmarkWire(ev.object) : wire(ev.object) });
          },
          (err) => end(err),
        )
        .then((s) => {
          stop = s;
          if (ended) s();
        })
        .catch((err) => end(err));
    },
  };
}

function scaleWire(s: Scale): Json {
  const m = s.metadata;
  return { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, replicas: s.spec.replicas, statusReplicas: s.status.replicas, selector: s.status.selector };
}

/** Bookmarks carry only kind and resourceVersion; any oneof member will do on the wire. */
function bookmarkWire(o: KubeObject): Json {
  return toWire({ ...o, kind: o.kind } as KubeObject, o.kind as string);
}
