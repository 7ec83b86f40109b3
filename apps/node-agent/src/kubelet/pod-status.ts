// Pod status from the runtime's view of its containers, following kubelet's rules for phase
// and the PodScheduled / Initialized / ContainersReady / Ready conditions.
import type { Condition, ContainerStatus, Pod, PodStatus } from '@svcnet/api-types';

export type ContainerState = NonNullable<ContainerStatus['state']>;

export interface ContainerView {
  name: string;
  image?: string;
  state: ContainerState;
  lastState?: ContainerState;
  ready: boolean;
  restartCount: number;
  containerID?: string;
  imageID?: string;
  /** the startup probe passed (or there is none) */
  started?: boolean;
}

export interface PodView {
  containers: ContainerView[];
  /** init containers in spec order (absent: none) */
  initContainers?: ContainerView[];
  podIP?: string;
  hostIP?: string;
  startTime?: string;
  /** a pod-level failure (e.g. network setup) that keeps every container from starting */
  reason?: string;
  message?: string;
}

export function podPhase(pod: Pod, containers: ContainerView[]): NonNullable<PodStatus['phase']> {
  let waiting = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of containers) {
    if (c.state.running) running++;
    else if (c.state.terminated) {
      stopped++;
      if (c.state.terminated.exitCode === 0) succeeded++;
    } else if (c.lastState?.terminated) {
      // waiting to restart after having run: counts as stopped, the pod stays Running
      stopped++;
    } else waiting++;
  }
  if (containers.length === 0 || waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  const policy = pod.spec.restartPolicy ?? 'Always';
  if (policy === 'Always') return 'Running';
  if (stopped === succeeded) return 'Succeeded';
  if (policy === 'Never') return 'Failed';
  return 'Running'; // OnFailure: the failed ones will be restarted
}

function condition(type: string, ok: boolean, now: string, previous: Condition[] | undefined, reason?: string, message?: string): Condition {
  const status = ok ? 'True' : 'False';
  const prev = previous?.find((c) => c.type === type);
  const c: Condition = {
    type,
    status,
    lastProbeTime: null,
    // keep the transition time while the status does not change
    lastTransitionTime: prev && prev.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : now,
  };
  if (!ok && reason) c.reason = reason;
  if (!ok && message) c.message = message;
  return c;
}

/** init containers all done (exited 0), and the first that is not */
function initProgress(view: PodView): { done: boolean; failed: boolean; pending: string[] } {
  const inits = view.initContainers ?? [];
  const pending = inits.filter((c) => c.state.terminated?.exitCode !== 0).map((c) => c.name);
  const failed = inits.some((c) => c.state.terminated && c.state.terminated.exitCode !== 0) || inits.some((c) => !!c.lastState?.terminated && !c.state.running && c.state.terminated?.exitCode !== 0);
  return { done: pending.length === 0, failed, pending };
}

function toStatus(c: ContainerView): ContainerStatus {
  const s: ContainerStatus = {
    name: c.name,
    image: c.image,
    imageID: c.imageID ?? '',
    ready: c.ready,
    started: !!c.state.running && c.started !== false,
    restartCount: c.restartCount,
    state: c.state,
  };
  if (c.containerID) s.containerID = c.containerID;
  if (c.lastState) s.lastState = c.lastState;
  return s;
}

export function computePodStatus(pod: Pod, view: PodView, now: string): PodStatus {
  const prev = pod.status?.conditions;
  const init = initProgress(view);
  if (!init.done) {
    // app containers wait for the init containers (kubelet: PodInitializing)
    view = { ...view, containers: view.containers.map((c) => (c.state.waiting || !c.containerID ? { ...c, state: { waiting: { reason: 'PodInitializing' } } } : c)) };
  }
  let phase = podPhase(pod, view.containers);
  if (!init.done) phase = init.failed && pod.spec.restartPolicy === 'Never' ? 'Failed' : 'Pending';
  const unready = view.containers.filter((c) => !c.ready).map((c) => c.name);
  const completed = phase === 'Succeeded' || phase === 'Failed';
  const containersReady = !completed && view.containers.length > 0 && unready.length === 0;
  const notReadyReason = completed ? 'PodCompleted' : 'ContainersNotReady';
  const notReadyMsg = completed ? undefined : `containers with unready status: [${unready.join(' ')}]`;
  const status: PodStatus = {
    phase,
    conditions: [
      condition('PodReadyToStartContainers', !!view.podIP, now, prev),
      condition('Initialized', init.done, now, prev, 'ContainersNotInitialized', `containers with incomplete status: [${init.pending.join(' ')}]`),
      condition('Ready', containersReady, now, prev, notReadyReason, notReadyMsg),
      condition('ContainersReady', containersReady, now, prev, notReadyReason, notReadyMsg),
      condition('PodScheduled', true, now, prev),
    ],
    containerStatuses: view.containers.map(toStatus),
  };
  if (view.initContainers?.length) status.initContainerStatuses = view.initContainers.map(toStatus);
  if (view.hostIP) {
    status.hostIP = view.hostIP;
    status.hostIPs = [{ ip: view.hostIP }];
  }
  if (view.podIP) {
    status.podIP = view.podIP;
    status.podIPs = [{ ip: view.podIP }];
  }
  if (view.startTime) status.startTime = view.startTime;
  if (view.reason) status.reason = view.reason;
  if (view.message) status.message = view.message;
  return status;
}

function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** whether a status write is needed (key order and undefined fields do not count) */
export function statusChanged(a: PodStatus | undefined, b: PodStatus): boolean {
  return stable(a ?? {}) !== stable(b);
}
