// Running deploy/images/build-standins.sh (cached: returns in milliseconds when nothing changed).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const DEFAULT_STANDINS_DIR = '/var/cache/svcnet/standins';

/** the OCI layout inside a build-standins.sh output directory */
export function standinsLayoutDir(outDir: string = DEFAULT_STANDINS_DIR): string {
  return join(outDir, 'layout');
}

/** the script in this checkout (libs/local-registry/dist → ../../../deploy/images); SVCNET_STANDINS_SCRIPT overrides */
export function buildStandinsScript(): string {
  const p = process.env.SVCNET_STANDINS_SCRIPT ?? resolve(__dirname, '../../../deploy/images/build-standins.sh');
  if (!existsSync(p)) throw new Error(`build-standins.sh not found at ${p} (set SVCNET_STANDINS_SCRIPT)`);
  return p;
}

export interface BuildStandinsOptions {
  outDir?: string;
  force?: boolean;
  onLine?: (line: string) => void; // progress lines (stdout and stderr)
}

/** runs the build; resolves with the layout directory */
export function buildStandins(opts: BuildStandinsOptions = {}): Promise<string> {
  const outDir = opts.outDir ?? DEFAULT_STANDINS_DIR;
  const args = ['--out', outDir, ...(opts.force ? ['--force'] : [])];
  return new Promise((resolvePromise, reject) => {
    const child = spawn('bash', [buildStandinsScript(), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const onData = (buf: Buffer) => {
      for (const line of buf.toString('utf8').split('\n')) {
        if (!line) continue;
        tail.push(line);
        if (tail.length > 20) tail.shift();
        opts.onLine?.(line);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolvePromise(standinsLayoutDir(outDir));
      else reject(new Error(`build-standins.sh exited ${code}: ${tail.join('\n')}`));
    });
  });
}
