// What a running local cluster records about itself in <run-dir>/cluster.json, so that
// `svcnet down` (another process) can stop exactly what `svcnet up` started.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ClusterState {
  supervisorPid: number;
  prefix: string;
  nodes: number;
  processes: { name: string; pid: number; logFile: string }[];
  kubeconfig?: string;
  startedAt: string;
}

export function statePath(runDir: string): string {
  return path.join(runDir, 'cluster.json');
}

export function readState(runDir: string): ClusterState | undefined {
  try {
    return JSON.parse(fs.readFileSync(statePath(runDir), 'utf8')) as ClusterState;
  } catch {
    // no state file (or a torn one): no cluster is recorded as running
    return undefined;
  }
}

export function writeState(runDir: string, s: ClusterState): void {
  fs.mkdirSync(runDir, { recursive: true });
  fs.writeFileSync(statePath(runDir), JSON.stringify(s, null, 2));
}

export function removeState(runDir: string): void {
  fs.rmSync(statePath(runDir), { force: true });
}
