// A read-only OCI distribution endpoint over one OCI image layout, for tests of registry
// fallback: every repository name serves the layout's tags. It logs each request as a JSON
// line on stdout so a test can see what containerd asked for (path and the `ns` query that
// containerd adds when it talks to a mirror). Run as a script inside a netns:
//   node oci-registry.js <layoutDir> <host> <port>
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export function createOciLayoutRegistry(layout: string, onRequest: (r: { method: string; path: string; ns: string | null }) => void = () => undefined): http.Server {
  const index = JSON.parse(fs.readFileSync(path.join(layout, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
  const blobPath = (digest: string) => {
    const m = /^sha256:([0-9a-f]{64})$/.exec(digest);
    return m ? path.join(layout, 'blobs', 'sha256', m[1]) : undefined;
  };
  return http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    onRequest({ method: req.method ?? '', path: url.pathname, ns: url.searchParams.get('ns') });
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    const send = (file: string | undefined, type: string, digest: string) => {
      if (!file || !fs.existsSync(file)) return notFound();
      res.writeHead(200, { 'Content-Type': type, 'Content-Length': fs.statSync(file).size, 'Docker-Content-Digest': digest });
      if (req.method === 'HEAD') res.end();
      else fs.createReadStream(file).pipe(res);
    };
    const notFound = () => {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: 'not found' }] }));
    };
    if (url.pathname === '/v2/' || url.pathname === '/v2') return res.end('{}');
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
    if (!m) return notFound();
    const [, , kind, ref] = m;
    if (kind === 'blobs') return send(blobPath(ref), 'application/octet-stream', ref);
    const d = index.manifests.find((x) => x.digest === ref || x.annotations?.['org.opencontainers.image.ref.name'] === ref);
    if (!d) return notFound();
    send(blobPath(d.digest), d.mediaType, d.digest);
  });
}

if (require.main === module) {
  const [layout, host, port] = process.argv.slice(2);
  const server = createOciLayoutRegistry(layout, (r) => process.stdout.write(JSON.stringify(r) + '\n'));
  server.listen(Number(port), host, () => process.stdout.write('ready\n'));
  process.on('SIGTERM', () => process.exit(0));
}
