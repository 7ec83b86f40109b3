// Pod subresources served by the node-agent that runs the pod: log (GET, follow streams)
// is proxied to the agent's kubelet port, found from the Node: InternalIP and
// status.daemonEndpoints.kubeletEndpoint.Port (default 10250).
import * as http from 'node:http';
import { ApiError, type Node, type Pod } from '@svcnet/api-types';
import type { ApiCore } from '../registry/api-core';
import type { Logger } from '@svcnet/observability';

export interface KubeletTarget {
  host: string;
  port: number;
  /** a unix socket the agent also serves on, when the node's address is not routable from here (local mode) */
  socketPath?: string;
}

/** Node annotation with the agent's kubelet endpoint as `unix:<path>` (set by the node-agent's --kubelet-socket). */
export const KUBELET_ENDPOINT_ANNOTATION = 'svcnet.io/kubelet-endpoint';

export class PodProxy {
  constructor(
    private readonly core: ApiCore,
    private readonly log: Logger,
  ) {}

  /** The pod, its container (defaulted when it has one) and the kubelet that runs it. */
  async target(namespace: string, name: string, container: string | null, what = 'container'): Promise<{ pod: Pod; container: string; kubelet: KubeletTarget }> {
    const pod = (await this.core.get('pods', namespace, name)) as Pod;
    const names = (pod.spec.containers ?? []).map((c) => c.name);
    let c = container ?? '';
    if (!c) {
      const def = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
      if (def && names.includes(def)) c = def;
      else if (names.length === 1) c = names[0];
      else throw new ApiError('BadRequest', `a container name must be specified for pod ${name}, choose one of: [${names.join(' ')}]`);
    } else if (!names.includes(c)) {
      throw new ApiError('BadRequest', `${what} ${c} is not valid for pod ${name}`);
    }
    const nodeName = pod.spec.nodeName;
    if (!nodeName) throw new ApiError('BadRequest', `pod ${name} does not have a host assigned`);
    const node = (await this.core.get('nodes', undefined, nodeName)) as Node & { status?: { daemonEndpoints?: { kubeletEndpoint?: { Port?: number } } } };
    const ip = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    if (!ip) throw new ApiError('InternalError', `Internal error occurred: node ${nodeName} has no InternalIP`);
    const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port || 10250;
    const endpoint = node.metadata.annotations?.[KUBELET_ENDPOINT_ANNOTATION];
    const socketPath = endpoint?.startsWith('unix:') ? endpoint.slice('unix:'.length) : undefined;
    return { pod, container: c, kubelet: { host: ip, port, socketPath } };
  }

  async logs(req: http.IncomingMessage, res: http.ServerResponse, namespace: string, name: string, q: URLSearchParams): Promise<void> {
    const t = await this.target(namespace, name, q.get('container'));
    const phase = t.pod.status?.phase;
    const cs = t.pod.status?.containerStatuses?.find((s) => s.name === t.container);
    if (!cs || (cs.state?.waiting && !cs.lastState?.terminated && (cs.restartCount ?? 0) === 0)) {
      const reason = cs?.state?.waiting?.reason ?? 'ContainerCreating';
      throw new ApiError('BadRequest', `container "${t.container}" in pod "${name}" is waiting to start: ${phase === 'Pending' && !cs ? 'ContainerCreating' : reason.toLowerCase() === 'containercreating' ? 'ContainerCreating' : reason}`);
    }
    const params = new URLSearchParams();
    for (const k of ['follow', 'tailLines', 'previous', 'timestamps', 'sinceSeconds', 'limitBytes']) {
      const v = q.get(k);
      if (v !== null) params.set(k, v);
    }
    const path = `/containerLogs/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}/${encodeURIComponent(t.container)}${params.size ? `?${params}` : ''}`;
    await new Promise<void>((resolve, reject) => {
      const where = t.kubelet.socketPath ? { socketPath: t.kubelet.socketPath } : { host: t.kubelet.host, port: t.kubelet.port };
      const up = http.get({ ...where, path, timeout: 10_000 }, (ur) => {
        if ((ur.statusCode ?? 500) >= 400) {
          let body = '';
          ur.on('data', (d) => (body += d));
          ur.on('end', () => reject(new ApiError(ur.statusCode === 404 ? 'NotFound' : 'InternalError', body.trim() || `kubelet answered ${ur.statusCode}`)));
          return;
        }
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
        res.socket?.setNoDelay(true);
        ur.pipe(res);
        ur.on('end', resolve);
        ur.on('error', () => resolve());
      });
      up.setTimeout(0);
      up.on('error', (e) => reject(new ApiError('InternalError', `Get "http://${t.kubelet.host}:${t.kubelet.port}${path}": ${e.message}`)));
      req.on('close', () => {
        up.destroy();
        resolve();
      });
    }).catch((e) => {
      this.log.debug('log proxy failed', { pod: name, error: String(e) });
      throw e;
    });
  }
}
