// GET /containerLogs/<namespace>/<pod>/<container>?follow=true&tailLines=N — the kubelet
// endpoint behind `kubectl logs`: the container's log file, optionally followed.
import * as fs from 'node:fs';
import type * as http from 'node:http';

export interface LogLookup {
  /** log file of the container, or an error message (404) */
  logFile(namespace: string, pod: string, container: string | undefined): { path: string } | { error: string };
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
  const found = lookup.logFile(target.namespace, target.pod, target.container);
  if ('error' in found) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end(found.error + '\n');
    return;
  }
  let text = '';
  try {
    text = fs.readFileSync(found.path, 'utf8');
  } catch {
    /* not started yet: empty log */
  }
  const tail = url.searchParams.get('tailLines');
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
  res.write(tail !== null ? tailLines(text, Number(tail)) : text);
  const follow = url.searchParams.get('follow');
  if (follow !== 'true' && follow !== '1') {
    res.end();
    return;
  }
  let offset = Buffer.byteLength(text);
  const timer = setInterval(() => {
    let size: number;
    try {
      size = fs.statSync(found.path).size;
    } catch {
      clearInterval(timer); // the pod is gone
      res.end();
      return;
    }
    if (size <= offset) return;
    const fd = fs.openSync(found.path, 'r');
    const buf = Buffer.alloc(size - offset);
    fs.readSync(fd, buf, 0, buf.length, offset);
    fs.closeSync(fd);
    offset = size;
    res.write(buf);
  }, 250);
  req.on('close', () => clearInterval(timer));
}
