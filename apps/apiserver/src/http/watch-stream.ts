// Watch over HTTP: one JSON event per line on a chunked 200 response, as kube-apiserver
// streams them. A resourceVersion too old for the event log ends with an ERROR event
// carrying a 410 Gone Status; timeoutSeconds closes the stream cleanly.
import type * as http from 'node:http';
import { ApiError, type KubeObject, type WatchEvent } from '@svcnet/api-types';
import type { ApiCore } from '../registry/api-core';
import type { ApiMetrics } from '../api-metrics';
import { toTable, type IncludeObject } from './tables';
import { sendError } from './http-io';

export interface WatchParams {
  resource: string;
  kind: string;
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  allowBookmarks: boolean;
  timeoutSeconds?: number;
  table?: { includeObject: IncludeObject };
}

export async function serveWatch(core: ApiCore, metrics: ApiMetrics, req: http.IncomingMessage, res: http.ServerResponse, p: WatchParams): Promise<void> {
  let started = false;
  let stop: (() => void) | undefined;
  let ended = false;
  metrics.watches.inc({ resource: p.resource });
  let timer: NodeJS.Timeout | undefined;
  const finish = () => {
    if (ended) return;
    ended = true;
    metrics.watches.dec({ resource: p.resource });
    if (timer) clearTimeout(timer);
    stop?.();
    if (!res.writableEnded) res.end();
  };
  const start = () => {
    if (started) return;
    started = true;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.socket?.setNoDelay(true);
    res.flushHeaders();
  };
  const write = (ev: WatchEvent | { type: 'ERROR'; object: unknown }) => {
    if (ended) return;
    start();
    let object: unknown = ev.object;
    if (p.table && ev.type !== 'ERROR' && ev.type !== 'BOOKMARK') {
      object = toTable(p.kind, [ev.object as KubeObject], (ev.object as KubeObject).metadata.resourceVersion, { includeObject: p.table.includeObject });
    }
    res.write(JSON.stringify({ type: ev.type, object }) + '\n');
  };
  req.on('close', finish);
  res.on('close', finish);
  try {
    stop = await core.watch(
      p.resource,
      { namespace: p.namespace, labelSelector: p.labelSelector, fieldSelector: p.fieldSelector, resourceVersion: p.resourceVersion, allowBookmarks: p.allowBookmarks },
      (ev) => write(ev),
      (err) => {
        if (err) write({ type: 'ERROR', object: (err instanceof ApiError ? err : new ApiError('InternalError', err.message)).toStatus() });
        finish();
      },
    );
    if (ended) stop();
  } catch (e) {
    if (e instanceof ApiError && e.reason === 'Gone') {
      write({ type: 'ERROR', object: e.toStatus() });
      finish();
      return;
    }
    metrics.watches.dec({ resource: p.resource });
    ended = true;
    sendError(res, e);
    return;
  }
  start();
  if (p.timeoutSeconds && p.timeoutSeconds > 0) timer = setTimeout(finish, p.timeoutSeconds * 1000);
}
