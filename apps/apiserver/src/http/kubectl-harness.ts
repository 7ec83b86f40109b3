// Test helpers: an apiserver with the HTTPS API, certificates from the certs tool, and the
// real kubectl pointed at it through an admin kubeconfig (its own HOME, so no shared cache).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { startTestApiserver, type TestApiserver } from '@svcnet/test-harness';
import { makeCerts, type MadeCerts } from '../certs/make-certs';
import { writeKubeconfig } from '../certs/kubeconfig';

export const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';

export interface KubectlCluster {
  api: TestApiserver;
  dir: string;
  certs: MadeCerts;
  server: string;
  kubeconfig: string;
  kubectl(args: string[], opts?: { input?: string; kubeconfig?: string }): Promise<{ code: number; stdout: string; stderr: string }>;
  spawnKubectl(args: string[]): ChildProcess;
  /** runs kubectl, asserts exit 0, returns stdout */
  ok(args: string[], input?: string): Promise<string>;
  /** runs kubectl, asserts exit 1 (kubectl's error exit), returns stderr */
  fails(args: string[]): Promise<string>;
  /** writes a manifest into the dir kubectl runs in; returns the name as a user would type it */
  write(name: string, text: string): string;
  stop(): Promise<void>;
}

export async function startKubectlCluster(extraArgs: string[] = []): Promise<KubectlCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'svcnet-kubectl-'));
  const certs = makeCerts({ dir: path.join(dir, 'pki'), hosts: ['127.0.0.1', 'localhost'], tokenUsers: ['alice'] });
  const api = await startTestApiserver({
    http: true,
    extraArgs: [`--tls-cert-file=${certs.serverCertFile}`, `--tls-private-key-file=${certs.serverKeyFile}`, `--client-ca-file=${certs.caFile}`, `--token-auth-file=${certs.tokenFile}`, ...extraArgs],
  });
  const server = `https://127.0.0.1:${api.httpPort}`;
  const kubeconfig = path.join(dir, 'admin.kubeconfig');
  writeKubeconfig(kubeconfig, { server, caFile: certs.caFile, user: 'kubernetes-admin', clientCertFile: path.join(dir, 'pki', 'admin.crt'), clientKeyFile: path.join(dir, 'pki', 'admin.key') });
  const env = (kc: string) => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, KUBECONFIG: kc });
  const kubectl: KubectlCluster['kubectl'] = (args, opts = {}) =>
    new Promise((resolve) => {
      const child = execFile(KUBECTL, args, { env: env(opts.kubeconfig ?? kubeconfig), cwd: dir, timeout: 30_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
      if (opts.input !== undefined) child.stdin!.end(opts.input);
    });
  return {
    api,
    dir,
    certs,
    server,
    kubeconfig,
    kubectl,
    ok: async (args, input) => {
      const r = await kubectl(args, { input });
      assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
      return r.stdout;
    },
    fails: async (args) => {
      const r = await kubectl(args);
      assert.equal(r.code, 1, `kubectl ${args.join(' ')} should fail: ${r.stdout}`);
      return r.stderr.trim();
    },
    write: (name, text) => {
      fs.writeFileSync(path.join(dir, name), text);
      return name;
    },
    spawnKubectl: (args) => spawn(KUBECTL, args, { env: env(kubeconfig), cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }),
    stop: async () => {
      await api.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
