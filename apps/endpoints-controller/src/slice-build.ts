// Pure EndpointSlice desired state for a Service with a selector (Kubernetes'
// endpointslice controller): one group per port mapping, conditions ready/serving/terminating.
import type { Endpoint, EndpointSlicePort, Node, Pod, Service } from '@svcnet/api-types';
import { LABEL_ZONE } from './names';
import { endpointHostname, podEndpointState, serviceSelects } from './pod-endpoint-state';
import { addToGroup, addressTypeOf, type SliceGroup } from './slice-group';
import { resolveTargetPort } from './target-port';

export function desiredSliceGroups(svc: Service, pods: Pod[], nodeOf: (name: string) => Node | undefined): SliceGroup[] {
  const publish = !!svc.spec.publishNotReadyAddresses;
  const groups = new Map<string, SliceGroup>();
  for (const pod of pods) {
    if (!serviceSelects(svc, pod)) continue;
    const st = podEndpointState(pod, nodeOf);
    if (!st) continue;
    const ports: EndpointSlicePort[] = [];
    for (const sp of svc.spec.ports ?? []) {
      const port = resolveTargetPort(sp, pod);
      if (port === undefined) continue;
      ports.push({ name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
    }
    if (ports.length === 0 && (svc.spec.ports ?? []).length > 0) continue;
    const hostname = endpointHostname(svc, pod);
    const zone = pod.spec.nodeName ? nodeOf(pod.spec.nodeName)?.metadata.labels?.[LABEL_ZONE] : undefined;
    // Terminating pods stay listed (serving tells whether they still answer) but are never ready.
    const serving = publish || st.podReady;
    const ep: Endpoint = {
      addresses: [st.ip],
      conditions: { ready: publish || (st.podReady && !st.terminating), serving, terminating: st.terminating },
      ...(hostname ? { hostname } : {}),
      ...(pod.spec.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      ...(zone ? { zone } : {}),
      targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
    };
    addToGroup(groups, addressTypeOf(st.ip), ports, ep);
  }
  return [...groups.values()];
}
