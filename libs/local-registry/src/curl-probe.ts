// HTTP checks through curl, so they work inside a network namespace (nsenter) as well as here.
// One curl process checks many URLs; each answer ends with a marker line written by -w.
import { run } from '@svcnet/netns';
import { inNetns } from './netns-command';

export interface ProbeResult {
  url: string;
  status: number; // 0: no answer
  digest?: string; // Docker-Content-Digest
}

// not starting with @: curl reads -w @file from a file
const MARK = '~~svcnet~~';

export const MANIFEST_ACCEPT =
  'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json';

export function curlHeadArgs(urls: string[], accept?: string, timeoutS = 5): string[] {
  const args = ['-s', '-I', '--max-time', String(timeoutS), '-w', `${MARK} %{http_code} %{url_effective}\\n`];
  if (accept) args.push('-H', `Accept: ${accept}`);
  return [...args, ...urls];
}

/** curl -I output (headers, then our marker per URL) → one result per URL, in order */
export function parseCurlHeads(stdout: string): ProbeResult[] {
  const out: ProbeResult[] = [];
  let digest: string | undefined;
  for (const raw of stdout.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const m = /^docker-content-digest:\s*(\S+)/i.exec(line);
    if (m) digest = m[1];
    const mark = line.indexOf(MARK);
    if (mark >= 0) {
      const [status, url] = line.slice(mark + MARK.length).trim().split(' ');
      out.push({ url, status: Number(status) || 0, ...(digest ? { digest } : {}) });
      digest = undefined;
    }
  }
  return out;
}

export async function headUrls(urls: string[], opts: { netnsPath?: string; accept?: string } = {}): Promise<ProbeResult[]> {
  if (urls.length === 0) return [];
  const [cmd, args] = inNetns(opts.netnsPath, 'curl', curlHeadArgs(urls, opts.accept));
  // curl exits non-zero when the last URL fails to connect; the markers still tell each result.
  const r = await run(cmd, args, { allowFailure: true, timeoutMs: 10_000 + urls.length * 1000 });
  const results = parseCurlHeads(r.stdout);
  if (results.length !== urls.length) {
    // a refused connection writes the marker with code 000; fewer markers means curl itself failed
    if (r.code !== 0 && results.length === 0) return urls.map((url) => ({ url, status: 0 }));
    throw new Error(`curl answered ${results.length} of ${urls.length} URLs: ${r.stderr.trim()}`);
  }
  return results;
}
