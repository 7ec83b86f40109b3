// `svcnet images load <archive>...`: a docker-archive (`docker save`) or OCI tarball imported
// into every node's containerd, as `kind load image-archive` does. Pods then use it with
// imagePullPolicy IfNotPresent (or Never); `:latest` images default to Always and would be pulled.
import * as fs from 'node:fs';
import { importImageArchive } from '@svcnet/containerd';

export async function loadImages(archives: string[], sockets: { node: string; socket: string }[], step: (m: string) => void): Promise<void> {
  if (archives.length === 0) throw new Error('usage: svcnet images load <image archive>...');
  for (const a of archives) if (!fs.existsSync(a)) throw new Error(`${a}: no such file`);
  if (sockets.length === 0) throw new Error('svcnet is not running (start it with "svcnet up")');
  for (const a of archives) {
    for (const s of sockets) {
      const refs = await importImageArchive(s.socket, a);
      step(`${s.node}: loaded ${refs.join(', ') || '(no named image)'} from ${a}`);
    }
  }
}
