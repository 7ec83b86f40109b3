// A real apiserver process on free loopback ports with its own data directory.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiClient } from '@svcnet/api-client';
import { startApp, type AppProcess } from './app-process';

export interface TestApiserver {
  address: string;
  dataDir: string;
  client: ApiClient;
  proc: AppProcess;
  httpPort?: number;
  /** the args the app was started with, for restarts */
  args: string[];
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface TestApiserverOptions {
  storage?: string;
  extraArgs?: string[];
  /** serve the Kubernetes HTTP API on a free loopback port (TLS/auth flags go in extraArgs) */
  http?: boolean;
}

export async function startTestApiserver(opts: TestApiserverOptions = {}): Promise<TestApiserver> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'svcnet-apiserver-'));
  const storage = opts.storage ?? `file:${dataDir}`;
  let grpcPort = 0;
  let httpPort = 0;
  const args = () => [
    `--storage=${storage}`,
    `--grpc-listen=127.0.0.1:${grpcPort}`,
    '--insecure',
    '--bookmark-interval=1',
    ...(opts.http ? [`--http-listen=127.0.0.1:${httpPort}`] : []),
    ...(opts.extraArgs ?? []),
  ];
  let proc = await startApp({ app: 'apiserver', args: args() });
  grpcPort = proc.ready.grpcPort as number;
  httpPort = (proc.ready.httpPort as number | undefined) ?? 0;
  const address = `127.0.0.1:${grpcPort}`;
  const client = new ApiClient({ address, insecure: true, timeoutMs: 10_000 });
  const t: TestApiserver = {
    address,
    dataDir,
    client,
    proc,
    httpPort: proc.ready.httpPort as number | undefined,
    args: args(),
    restart: async () => {
      await proc.stop('SIGKILL');
      proc = await startApp({ app: 'apiserver', args: args() });
      t.proc = proc;
    },
    stop: async () => {
      client.close();
      await proc.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}
