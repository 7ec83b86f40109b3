// GET /containerLogs/<namespace>/<pod>/<container>?follow=true&tailLines=N&timestamps=true&previous=true
// &sinceSeconds=N&limitBytes=N — the kubelet endpoint behind `kubectl logs`: the container's
// CRI log file rendered as text, optionally followed until the container stops.
import * as fs from 'node:fs';
import type * as http from 'node:http';
import { renderLog } from './cri-log-format';

export interface LogLookup {
  /** the container's CRI log file (of the previous instance with previous=true), or an error (404/400) */
  logFile(namespace: string, pod: string, container: string | undefined, previous: boolean): { path: string; running(): boolean } | { error: string; code?: number };
}

export function parseLogsPath(urlPath: string): { namespace: string; pod: string; container?: string } | undefined {
  const m = /^\/containerLogs\/([^/]+)\/([^/]+)(?:\/([^/]+))?\/?$/.exec(urlPath);
  if (!m) return undefined;
  return { namespace: decodeURIComponent(m[1]), pod: decodeURIComponent(m[2]), container: m[3] ? decodeURIComponent(m[3]) : undefined };
}

/** the last n lines of text */
export function tailLines(text: string, n: number): string {
  if (n < 0) return text;
  const lines = text.split('\n');
  const trailing = lines[lines.length - 1] === '' ? lines.pop() : undefined;
  const kept = lines.slice(Math.max(0, lines.length - n));
  return kept.join('\n') + (trailing === '' && kept.length ? '\n' : '');
}

export function handleContainerLogs(req: http.IncomingMessage, res: http.ServerResponse, lookup: LogLookup): void {
  const url = new URL(req.url ?? '/', 'http://node');
  const target = parseLogsPath(url.pathname);
  if (!target) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    return;
  }
  const q = url.searchParams;
  const flag = (k: string) => q.get(k) === 'true' || q.get(k) === '1';
  const found = lookup.logFile(target.namespace, target.pod, target.container, flag('previous'));
  if ('error' in found) {
    res.writeHead(found.code ?? 404, { 'content-type': 'text/plain' }).end(found.error + '\n');
    return;
  }
  const opts = {
    timestamps: flag('timestamps'),
    sinceMs: q.get('sinceSeconds') ? Date.now() - Number(q.get('sinceSeconds')) * 1000 : q.get('sinceTime') ? Date.parse(q.get('sinceTime')!) : undefined,
  };
  let limit = q.get('limitBytes') ? Number(q.get('limitBytes')) : Infinity;
  const send = (text: string): boolean => {
    if (limit <= 0) return false;
    const b = Buffer.from(text);
    const chunk = b.length > limit ? b.subarray(0, limit) : b;
    limit -= chunk.length;
    res.write(chunk);
    return limit > 0;
  };
  let raw = '';
  try {
    raw = fs.readFileSync(found.path, 'utf8');
  } catch {
    /* not started yet: empty log */
  }
  // only whole records; a record still being written is read on the next poll
  let offset = Buffer.byteLength(raw.slice(0, raw.lastIndexOf('\n') + 1));
  const text = renderLog(raw.slice(0, raw.lastIndexOf('\n') + 1), opts);
  const tail = q.get('tailLines');
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
  const more = send(tail !== null ? tailLines(text, Number(tail)) : text);
  if (!flag('follow') || !more) {
    res.end();
    return;
  }
  // follow: new records as they are written, until the container stops
  const timer = setInterval(() => {
    let size: number;
    try {
      size = fs.statSync(found.path).size;
    } catch {
      clearInterval(timer); // the pod is gone
      res.end();
      return;
    }
    if (size <= offset) {
      if (!found.running()) {
        clearInterval(timer);
        res.end();
      }
      return;
    }
    const fd = fs.openSync(found.path, 'r');
    const buf = Buffer.alloc(size - offset);
    fs.readSync(fd, buf, 0, buf.length, offset);
    fs.closeSync(fd);
    const end = buf.lastIndexOf(0x0a) + 1;
    if (end === 0) return;
    offset += end;
    if (!send(renderLog(buf.subarray(0, end).toString('utf8'), opts))) {
      clearInterval(timer);
      res.end();
    }
  }, 200);
  req.on('close', () => clearInterval(timer));
}
