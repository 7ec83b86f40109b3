// Small HTTP helpers: JSON responses, metav1.Status errors, request bodies.
import type * as http from 'node:http';
import { ApiError } from '@svcnet/api-types';
import { MAX_REQUEST_BYTES, requestTooLarge } from '../registry/request-limits';

export const MAX_BODY_BYTES = MAX_REQUEST_BYTES;

export function sendJson(res: http.ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e;
  return new ApiError('InternalError', `Internal error occurred: ${e instanceof Error ? e.message : String(e)}`);
}

export function sendError(res: http.ServerResponse, e: unknown): number {
  const err = toApiError(e);
  if (!res.headersSent) sendJson(res, err.code, err.toStatus());
  else res.end();
  return err.code;
}

export function successStatus(details?: Record<string, unknown>): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', ...(details ? { details } : {}) };
}

export async function readBody(req: http.IncomingMessage): Promise<string> {
  return (await readBodyBuffer(req)).toString('utf8');
}

export function readBodyBuffer(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let n = 0;
    req.on('data', (c: Buffer) => {
      n += c.length;
      if (n > MAX_BODY_BYTES) {
        reject(requestTooLarge());
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Parses a JSON request body; kubectl sends JSON (YAML only for apply-patch+yaml). */
export function parseJsonBody(text: string, what = 'the request body'): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ApiError('BadRequest', `error decoding ${what}: ${(e as Error).message}`);
  }
}

export function contentTypeOf(req: http.IncomingMessage): string {
  return String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
}
