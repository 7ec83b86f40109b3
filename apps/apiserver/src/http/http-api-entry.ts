// The Kubernetes-compatible HTTP/JSON API for kubectl and client libraries: HTTPS with the
// apiserver's certificate, bearer-token or client-certificate authentication, discovery,
// OpenAPI v3 (enough for kubectl's field validation), REST verbs, watch and Table output.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { ApiError } from '@svcnet/api-types';
import type { ApiCore } from '../registry/api-core';
import type { ApiMetrics } from '../api-metrics';
import type { Logger } from '@svcnet/observability';
import { createAuthenticator } from './auth';
import { apiGroup, apiGroupList, apiResourceList, coreVersions, SERVER_VERSION } from './discovery';
import { openapiV2Protobuf, openapiV3Doc, openapiV3Root } from './openapi';
import { parseJsonBody, readBody, sendError, sendJson } from './http-io';
import { answerReview, reviewResourceList } from './auth-reviews';
import { parseResourcePath } from './request-path';
import { handleResource } from './rest-handlers';
import { PodProxy } from './pod-proxy';
import { attachUpgradeHandler } from './pod-exec';
import { attachPortForwardUpgrade } from './pod-portforward';

export interface HttpApiOptions {
  listen: string;
  certFile?: string;
  keyFile?: string;
  clientCaFile?: string;
  tokenFile?: string;
  insecure: boolean;
}

export interface HttpApi {
  server: http.Server;
  port: number;
}

function splitListen(listen: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(listen);
  if (!m) throw new Error(`--http-listen: expected host:port, got ${listen}`);
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port: Number(m[3]) };
}

export async function startHttpApi(core: ApiCore, metrics: ApiMetrics, log: Logger, opts: HttpApiOptions): Promise<number> {
  return (await createHttpApi(core, metrics, log, opts)).port;
}

export async function createHttpApi(core: ApiCore, metrics: ApiMetrics, log: Logger, opts: HttpApiOptions): Promise<HttpApi> {
  const tls = !!(opts.certFile && opts.keyFile);
  if (!tls && !opts.insecure) throw new Error('--http-listen needs --tls-cert-file and --tls-private-key-file (or --insecure for plain HTTP)');
  const auth = createAuthenticator({
    tokenFile: opts.tokenFile,
    clientCerts: tls && !!opts.clientCaFile,
    allowAnonymous: opts.insecure && !opts.tokenFile && !opts.clientCaFile,
  });
  const pods = new PodProxy(core, log);
  const { host, port } = splitListen(opts.listen);

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const parsed = parseResourcePath(url.pathname);
    const verb = verbOf(req.method ?? 'GET', parsed.type === 'resource' && !parsed.path.name, url.searchParams);
    const resource = parsed.type === 'resource' ? parsed.path.info.resource + (parsed.path.subresource ? `/${parsed.path.subresource}` : '') : 'nonresource';
    const stop = metrics.startRequest(verb, resource, 'http');
    let code = 200;
    let counted = false;
    const done = () => {
      if (counted) return;
      counted = true;
      stop(res.headersSent ? res.statusCode : code);
    };
    res.on('finish', done);
    res.on('close', done);
    const user = auth.authenticate(req);
    if (!user) {
      code = 401;
      sendJson(res, 401, new ApiError('Unauthorized', 'Unauthorized').toStatus());
      return;
    }
    route(url, parsed)
      .then(() => (code = res.statusCode))
      .catch((e) => {
        code = sendError(res, e);
        if (code >= 500) log.warn('request failed', { method: req.method, url: req.url, error: e instanceof Error ? e.stack : String(e) });
      });

    async function route(u: URL, p: ReturnType<typeof parseResourcePath>): Promise<void> {
      if (p.type === 'resource') return handleResource({ core, metrics, pods }, req, res, u, p.path);
      if (req.method === 'POST' && u.pathname.startsWith('/apis/auth')) {
        const text = await readBody(req);
        // typed clients send protobuf; the review needs nothing from the body but its spec
        const body = req.headers['content-type']?.startsWith('application/json') ? parseJsonBody(text) : {};
        const review = answerReview(u.pathname, body, user!);
        if (review) return sendJson(res, review.code, review.body);
      }
      if (p.type === 'unknown-resource') throw new ApiError('NotFound', 'the server could not find the requested resource');
      if (req.method !== 'GET') throw new ApiError('MethodNotAllowed', 'the server does not allow this method on the requested resource');
      const path = u.pathname.replace(/\/+$/, '') || '/';
      const address = `${host}:${actualPort}`;
      if (path === '/version') return sendJson(res, 200, SERVER_VERSION);
      if (path === '/healthz' || path === '/readyz' || path === '/livez') {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('ok');
        return;
      }
      if (path === '/api') return sendJson(res, 200, coreVersions(address));
      if (path === '/apis') return sendJson(res, 200, apiGroupList());
      if (path === '/api/v1') return sendJson(res, 200, apiResourceList('', 'v1'));
      const g = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(path);
      if (g) {
        const doc = g[2] ? (apiResourceList(g[1], g[2]) ?? reviewResourceList(g[1], g[2])) : apiGroup(g[1]);
        if (doc) return sendJson(res, 200, doc);
      }
      if (path === '/openapi/v2') {
        const body = openapiV2Protobuf();
        res.writeHead(200, { 'Content-Type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf', 'Content-Length': body.length });
        res.end(body);
        return;
      }
      if (path === '/openapi/v3') return sendJson(res, 200, openapiV3Root());
      if (path.startsWith('/openapi/v3/')) {
        const doc = openapiV3Doc(path.slice('/openapi/v3/'.length));
        if (doc) {
          res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(doc), 'Cache-Control': 'public, immutable' });
          res.end(doc);
          return;
        }
      }
      throw new ApiError('NotFound', 'the server could not find the requested resource');
    }
  };

  const server: http.Server = tls
    ? https.createServer(
        {
          cert: fs.readFileSync(opts.certFile!),
          key: fs.readFileSync(opts.keyFile!),
          ...(opts.clientCaFile ? { ca: fs.readFileSync(opts.clientCaFile), requestCert: true, rejectUnauthorized: false } : {}),
        },
        handler,
      )
    : http.createServer(handler);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 70_000;
  server.requestTimeout = 0;
  attachUpgradeHandler(server, { core, log, pods, auth });
  // after exec/attach: it keeps the other upgrades
  attachPortForwardUpgrade(server, { core, log, pods, auth });
  let actualPort = port;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  actualPort = (server.address() as { port: number }).port;
  log.info('http api listening', { address: `${host}:${actualPort}`, tls, tokenAuth: !!opts.tokenFile, clientCerts: !!opts.clientCaFile });
  return { server, port: actualPort };
}

function verbOf(method: string, collection: boolean, q: URLSearchParams): string {
  switch (method) {
    case 'GET':
      return q.get('watch') === 'true' || q.get('watch') === '1' ? 'watch' : collection ? 'list' : 'get';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return collection ? 'deletecollection' : 'delete';
  }
  return method.toLowerCase();
}
