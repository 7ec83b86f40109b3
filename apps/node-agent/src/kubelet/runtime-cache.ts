// The kubelet's view of the runtime (PLEG): every second it lists this node's sandboxes and
// containers through CRI, keeps the full status of each container (exited ones never change,
// so they are fetched once), and tells which pods changed so their workers run.
import type { Container as CriContainer, ContainerStatus as CriContainerStatus, CriClient, PodSandbox } from '@svcnet/cri-client';
import { LABEL_CONTAINER_NAME, LABEL_NODE, LABEL_POD_UID } from './kubelet-labels';

export interface PodRuntimeState {
  sandboxes: PodSandbox[];
  /** container statuses, newest attempt first per container name */
  containers: Map<string, CriContainerStatus[]>;
}

export class RuntimeCache {
  private byPod = new Map<string, PodRuntimeState>();
  private statuses = new Map<string, CriContainerStatus>();
  private pids = new Map<string, number>();
  private fingerprints = new Map<string, string>();

  /** called after every relist with the pods that changed, whoever asked for the relist */
  onChanged: (uids: string[]) => void = () => undefined;
  private inflight?: Promise<unknown>;
  private queued?: Promise<string[]>;

  constructor(
    private readonly cri: CriClient,
    private readonly nodeName: string,
  ) {}

  /** lists the runtime; the listing starts after this call (a caller that just created a
   *  container sees it), callers that wait for the same listing share it */
  relist(): Promise<string[]> {
    if (this.queued) return this.queued;
    const run = async () => {
      this.queued = undefined;
      const p = this.list();
      this.inflight = p;
      try {
        const changed = await p;
        if (changed.length) this.onChanged(changed);
        return changed;
      } finally {
        if (this.inflight === p) this.inflight = undefined;
      }
    };
    const q = (this.inflight ?? Promise.resolve()).then(run, run);
    this.queued = q;
    return q;
  }

  pod(uid: string): PodRuntimeState {
    return this.byPod.get(uid) ?? { sandboxes: [], containers: new Map() };
  }

  /** the init pid of a running container, as the runtime reported it */
  pidOf(containerId: string): number | undefined {
    return this.statuses.get(containerId)?.state === 'CONTAINER_RUNNING' ? this.pids.get(containerId) : undefined;
  }

  uids(): string[] {
    return [...this.byPod.keys()];
  }

  private async list(): Promise<string[]> {
    const selector = { [LABEL_NODE]: this.nodeName };
    const [sandboxes, containers] = await Promise.all([this.cri.listPodSandbox({ labelSelector: selector }), this.cri.listContainers({ labelSelector: selector })]);
    const next = new Map<string, PodRuntimeState>();
    const state = (uid: string) => {
      let s = next.get(uid);
      if (!s) next.set(uid, (s = { sandboxes: [], containers: new Map() }));
      return s;
    };
    for (const sb of sandboxes) state(sb.labels?.[LABEL_POD_UID] ?? '').sandboxes.push(sb);
    const live = new Set<string>();
    await Promise.all(containers.map((c) => this.refreshStatus(c).then(() => live.add(c.id))));
    for (const c of containers) {
      const st = this.statuses.get(c.id);
      if (!st) continue;
      const list = state(c.labels?.[LABEL_POD_UID] ?? '').containers;
      const name = c.labels?.[LABEL_CONTAINER_NAME] ?? c.metadata?.name ?? '';
      if (!list.has(name)) list.set(name, []);
      list.get(name)!.push(st);
    }
    for (const s of next.values()) {
      s.sandboxes.sort((a, b) => Number(BigInt(b.createdAt ?? '0') - BigInt(a.createdAt ?? '0')));
      for (const l of s.containers.values()) l.sort((a, b) => (b.metadata?.attempt ?? 0) - (a.metadata?.attempt ?? 0) || Number(BigInt(b.createdAt ?? '0') - BigInt(a.createdAt ?? '0')));
    }
    for (const id of this.statuses.keys()) if (!live.has(id)) this.statuses.delete(id);
    for (const id of this.pids.keys()) if (!live.has(id)) this.pids.delete(id);
    const changed: string[] = [];
    const uids = new Set([...next.keys(), ...this.byPod.keys()]);
    for (const uid of uids) {
      const fp = fingerprint(next.get(uid));
      if (this.fingerprints.get(uid) !== fp) changed.push(uid);
      if (next.has(uid)) this.fingerprints.set(uid, fp);
      else this.fingerprints.delete(uid);
    }
    this.byPod = next;
    return changed;
  }

  private async refreshStatus(c: CriContainer): Promise<void> {
    const prev = this.statuses.get(c.id);
    if (prev && prev.state === c.state && c.state !== 'CONTAINER_RUNNING') return;
    if (prev && prev.state === 'CONTAINER_RUNNING' && c.state === 'CONTAINER_RUNNING') return;
    try {
      // verbose: containerd's info carries the container's init pid (exec enters its namespaces)
      const { status, info } = await this.cri.containerStatus(c.id, true);
      this.statuses.set(c.id, status);
      const pid = pidFromInfo(info);
      if (pid) this.pids.set(c.id, pid);
      else this.pids.delete(c.id);
    } catch {
      /* removed meanwhile */
    }
  }
}

function fingerprint(s: PodRuntimeState | undefined): string {
  if (!s) return '';
  const sb = s.sandboxes.map((x) => `${x.id}:${x.state}`).join(',');
  const cs = [...s.containers.values()].flat().map((c) => `${c.id}:${c.state}`).sort().join(',');
  return `${sb}|${cs}`;
}

function pidFromInfo(info: Record<string, string> | undefined): number | undefined {
  try {
    const pid = (JSON.parse(info?.info ?? '{}') as { pid?: number }).pid;
    return pid && pid > 0 ? pid : undefined;
  } catch {
    // info is runtime-specific verbose output; without a parsable pid there is none to use
    return undefined;
  }
}
