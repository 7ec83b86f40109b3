// The stdin of a container started with `stdin: true`: containerd's CRI plugin keeps a FIFO per
// container in its state directory that the shim reads; writing to it is writing to the
// container's stdin (what CRI Attach does inside containerd).
import * as fs from 'node:fs';
import * as path from 'node:path';

export function stdinFifo(runtimeStateDir: string, containerId: string): string | undefined {
  const io = path.join(runtimeStateDir, 'io.containerd.grpc.v1.cri', 'containers', containerId, 'io');
  try {
    for (const d of fs.readdirSync(io)) {
      const p = path.join(io, d, `${containerId}-stdin`);
      if (fs.existsSync(p)) return p;
    }
  } catch {
    /* no stdin */
  }
  return undefined;
}
