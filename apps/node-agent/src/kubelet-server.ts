// The kubelet endpoint the apiserver proxies kubectl to: container logs, exec/attach and
// port-forward on one HTTP server (upgrades for the last two).
import * as http from 'node:http';
import type { Pod } from '@svcnet/api-types';
import type { Logger } from '@svcnet/observability';
import { handleContainerLogs } from './kubelet/container-logs';
import { stdinFifo } from './kubelet/container-stdin';
import { attachExecServer } from './kubelet/exec-server';
import type { Kubelet } from './kubelet/kubelet';
import { attachPortForwardServer, kubeletPortForwardLookup } from './kubelet/port-forward';

export interface KubeletServerOptions {
  runtime: Kubelet;
  findPod: (ns: string, name: string) => Pod | undefined;
  /** containerd's state directory (containers' stdin FIFOs for attach) */
  runtimeStateDir: string;
  port: number;
  host: string;
  log: Logger;
}

type ContainerChoice = { pod: Pod; container: string } | { error: string; code?: number };

/** the container a request names, with kubectl's errors when there is none or it is ambiguous */
function pickContainer(findPod: KubeletServerOptions['findPod'], ns: string, name: string, container: string | undefined): ContainerChoice {
  const pod = findPod(ns, name);
  if (!pod) return { error: `pods "${name}" not found` };
  const names = pod.spec.containers.map((c) => c.name);
  const c = container ?? (names.length === 1 ? names[0] : undefined);
  if (!c) return { error: `a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`, code: 400 };
  if (!names.includes(c) && !(pod.spec.initContainers ?? []).some((x) => x.name === c)) return { error: `container ${c} is not valid for pod ${name}`, code: 400 };
  return { pod, container: c };
}

export async function startKubeletServer(o: KubeletServerOptions): Promise<{ server: http.Server; port: number }> {
  const { runtime, log } = o;
  const pick = (ns: string, name: string, container: string | undefined) => pickContainer(o.findPod, ns, name, container);
  const server = http.createServer((req, res) =>
    handleContainerLogs(req, res, {
      logFile: (ns, name, container, previous) => {
        const t = pick(ns, name, container);
        if ('error' in t) return t;
        const uid = t.pod.metadata.uid!;
        const st = runtime.container(uid, t.container, previous);
        if (!st?.logPath) return previous ? { error: `previous terminated container "${t.container}" in pod "${name}" not found`, code: 400 } : { error: `container "${t.container}" in pod "${name}" is waiting to start: ContainerCreating`, code: 400 };
        return { path: st.logPath, running: () => runtime.container(uid, t.container)?.id === st.id && runtime.container(uid, t.container)?.state === 'CONTAINER_RUNNING' };
      },
    }),
  );
  // exec/attach (WebSocket, v5.channel.k8s.io) for kubectl, proxied by the apiserver
  attachExecServer(server, {
    target: (ns, name, container) => {
      const t = pick(ns, name, container);
      if ('error' in t) return t;
      const st = runtime.container(t.pod.metadata.uid!, t.container);
      const pid = st ? runtime.runtime.pidOf(st.id) : undefined;
      if (!st || !pid) return { error: `container not found ("${t.container}")` };
      const spec = t.pod.spec.containers.find((x) => x.name === t.container);
      return { pid, logPath: st.logPath ?? '', stdinPath: spec?.stdin ? stdinFifo(o.runtimeStateDir, st.id) : undefined, fromStart: !!spec?.stdinOnce };
    },
  }, log);
  // port-forward (SPDY/3.1, plain or tunnelled in a WebSocket); after exec: it keeps the other upgrades
  attachPortForwardServer(server, kubeletPortForwardLookup(o.findPod, runtime.runtime), log);
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve((server.address() as { port: number }).port));
  });
  return { server, port };
}
