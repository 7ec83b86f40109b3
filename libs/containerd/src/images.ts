// `svcnet images load`: import an image archive (docker-archive or OCI archive, e.g. from
// `docker save`/`skopeo copy`) into containerd's k8s.io namespace, where the CRI plugin sees it.
import { run } from '@svcnet/netns';

// ctr prints one "unpacking <ref> (sha256:...)...done" line per imported image.
export function parseImportOutput(stdout: string): string[] {
  const refs: string[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^unpacking (\S+) \(sha256:[0-9a-f]+\)/.exec(line.trim());
    if (m && !refs.includes(m[1])) refs.push(m[1]);
  }
  return refs;
}

export async function importImageArchive(socket: string, archivePath: string, opts: { timeoutMs?: number } = {}): Promise<string[]> {
  const r = await run('ctr', ['--address', socket, '-n', 'k8s.io', 'images', 'import', '--all-platforms', archivePath], {
    timeoutMs: opts.timeoutMs ?? 10 * 60_000,
  });
  const refs = parseImportOutput(r.stdout);
  if (refs.length === 0) throw new Error(`ctr images import ${archivePath}: no image imported (output: ${r.stdout.trim() || r.stderr.trim()})`);
  return refs;
}
