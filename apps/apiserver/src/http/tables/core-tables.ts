// Server-side printing of core/v1 and discovery.k8s.io/v1 kinds, with the columns and cell
// formats of Kubernetes' pkg/printers/internalversion (the server prints wide; kubectl hides
// priority-1 columns unless -o wide).
import { joinHostPort } from '@svcnet/ipnet';
import { age, col, formatLabels, type TablePrinter } from './table-format';

const NAME = col('Name', 'string', 0, 'name', 'Name must be unique within a namespace.');
const AGE = col('Age', 'string', 0, '', 'CreationTimestamp is a timestamp representing the server time when this object was created.');

function makePortString(ports: any[] | undefined): string {
  return (ports ?? [])
    .map((p) => (p.nodePort > 0 ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`))
    .join(',');
}

function loadBalancerStatus(svc: any): string {
  const set = new Set<string>();
  for (const ing of svc.status?.loadBalancer?.ingress ?? []) {
    if (ing.ip) set.add(ing.ip);
    else if (ing.hostname) set.add(ing.hostname);
  }
  return [...set].sort().join(',');
}

export function serviceExternalIP(svc: any): string {
  const ext: string[] = svc.spec?.externalIPs ?? [];
  switch (svc.spec?.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return ext.length ? ext.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerStatus(svc);
      if (ext.length) return [...(lb ? lb.split(',') : []), ...ext].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return svc.spec.externalName ?? '';
  }
  return '<unknown>';
}

export const serviceTable: TablePrinter = {
  columns: [
    NAME,
    col('Type', 'string', 0, '', 'type determines how the Service is exposed.'),
    col('Cluster-IP', 'string', 0, '', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    col('External-IP', 'string', 0, '', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
    col('Port(s)', 'string', 0, '', 'The list of ports that are exposed by this service.'),
    AGE,
    col('Selector', 'string', 1, '', 'Route service traffic to pods with label keys and values matching this selector.'),
  ],
  row(s, now) {
    const ips: string[] = s.spec?.clusterIPs ?? (s.spec?.clusterIP ? [s.spec.clusterIP] : []);
    const ports = makePortString(s.spec?.ports);
    return [s.metadata.name, s.spec?.type ?? '', ips[0] ?? '<none>', serviceExternalIP(s), ports || '<none>', age(s.metadata.creationTimestamp, now), formatLabels(s.spec?.selector)];
  },
};

export function formatEndpoints(ep: any): string {
  const subsets: any[] = ep.subsets ?? [];
  if (!subsets.length) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addrs: any[] = ss.addresses ?? [];
    if (!ss.ports?.length) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(a.ip);
      }
      continue;
    }
    for (const p of ss.ports) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(joinHostPort(a.ip, p.port));
      }
    }
  }
  const ret = list.join(',');
  if (more) return `${ret} + ${count - max} more...`;
  return ret || '<none>';
}

export const endpointsTable: TablePrinter = {
  columns: [NAME, col('Endpoints', 'string', 0, '', 'Endpoints is the list of endpoints in the endpoints subset.'), AGE],
  row: (e, now) => [e.metadata.name, formatEndpoints(e), age(e.metadata.creationTimestamp, now)],
};

function listWithMore(list: string[], more: boolean, count: number, max: number): string {
  const ret = list.join(',');
  if (more) return `${ret} + ${count - max} more...`;
  return ret || '<unset>';
}

export const endpointSliceTable: TablePrinter = {
  columns: [
    NAME,
    col('AddressType', 'string', 0, '', 'Type of address carried by this EndpointSlice'),
    col('Ports', 'string', 0, '', 'Ports of the EndpointSlice'),
    col('Endpoints', 'string', 0, '', 'Endpoints of the EndpointSlice'),
    AGE,
  ],
  row(es, now) {
    const ports: string[] = [];
    let pmore = false;
    let pcount = 0;
    for (const p of es.ports ?? []) {
      if (ports.length < 3) ports.push(p.port != null ? String(p.port) : p.name != null ? p.name : '*');
      else pmore = true;
      pcount++;
    }
    const eps: string[] = [];
    let emore = false;
    let ecount = 0;
    for (const e of es.endpoints ?? []) {
      for (const a of e.addresses ?? []) {
        if (eps.length < 3) eps.push(a);
        else emore = true;
        ecount++;
      }
    }
    return [es.metadata.name, es.addressType ?? '', listWithMore(ports, pmore, pcount, 3), listWithMore(eps, emore, ecount, 3), age(es.metadata.creationTimestamp, now)];
  },
};

export const podTable: TablePrinter = {
  columns: [
    NAME,
    col('Ready', 'string', 0, '', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'string', 0, '', 'The aggregate status of the containers in this pod.'),
    col('Restarts', 'string', 0, '', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    AGE,
    col('IP', 'string', 1, '', 'IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.'),
    col('Node', 'string', 1, '', 'NodeName is a request to schedule this pod onto a specific node.'),
    col('Nominated Node', 'string', 1, '', 'nominatedNodeName is set only when this pod preempts other pods on the node.'),
    col('Readiness Gates', 'string', 1, '', 'If specified, all readiness gates will be evaluated for pod readiness.'),
  ],
  row(pod, now) {
    const status = pod.status ?? {};
    const total = pod.spec?.containers?.length ?? 0;
    let ready = 0;
    let restarts = 0;
    let lastRestart = 0;
    let reason: string = status.reason || status.phase || '';
    let hasRunning = false;
    const cs: any[] = status.containerStatuses ?? [];
    for (let i = cs.length - 1; i >= 0; i--) {
      const c = cs[i];
      restarts += c.restartCount ?? 0;
      const fin = c.lastState?.terminated?.finishedAt;
      if (fin && Date.parse(fin) > lastRestart) lastRestart = Date.parse(fin);
      const st = c.state ?? {};
      if (st.waiting?.reason) reason = st.waiting.reason;
      else if (st.terminated?.reason) reason = st.terminated.reason;
      else if (st.terminated) reason = st.terminated.signal ? `Signal:${st.terminated.signal}` : `ExitCode:${st.terminated.exitCode ?? 0}`;
      else if (c.ready && st.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = (status.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
    }
    if (pod.metadata.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
    else if (pod.metadata.deletionTimestamp && status.phase !== 'Succeeded' && status.phase !== 'Failed') reason = 'Terminating';
    let restartsStr = String(restarts);
    if (restarts !== 0 && lastRestart) restartsStr = `${restarts} (${age(new Date(lastRestart).toISOString(), now)} ago)`;
    const ip = status.podIPs?.[0]?.ip || status.podIP || '<none>';
    const gates: any[] = pod.spec?.readinessGates ?? [];
    let gatesStr = '<none>';
    if (gates.length) {
      const trueConds = new Set((status.conditions ?? []).filter((c: any) => c.status === 'True').map((c: any) => c.type));
      gatesStr = `${gates.filter((g) => trueConds.has(g.conditionType)).length}/${gates.length}`;
    }
    return [
      pod.metadata.name,
      `${ready}/${total}`,
      reason,
      restartsStr,
      age(pod.metadata.creationTimestamp, now),
      ip,
      pod.spec?.nodeName || '<none>',
      status.nominatedNodeName || '<none>',
      gatesStr,
    ];
  },
};

function nodeRoles(node: any): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries<string>(node.metadata.labels ?? {})) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const r = k.slice('node-role.kubernetes.io/'.length);
      if (r) roles.add(r);
    } else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return [...roles].sort().join(',') || '<none>';
}

const nodeAddress = (node: any, type: string) => (node.status?.addresses ?? []).find((a: any) => a.type === type)?.address ?? '<none>';

export const nodeTable: TablePrinter = {
  columns: [
    NAME,
    col('Status', 'string', 0, '', 'The status of the node'),
    col('Roles', 'string', 0, '', 'The roles of the node'),
    AGE,
    col('Version', 'string', 0, '', 'Kubelet Version reported by the node.'),
    col('Internal-IP', 'string', 1, '', 'List of addresses reachable to the node. Queried from cloud provider, if available.'),
    col('External-IP', 'string', 1, '', 'List of addresses reachable to the node. Queried from cloud provider, if available.'),
    col('OS-Image', 'string', 1, '', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).'),
    col('Kernel-Version', 'string', 1, '', 'Kernel Version reported by the node from "uname -r" (e.g. 3.16.0-0.bpo.4-amd64).'),
    col('Container-Runtime', 'string', 1, '', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).'),
  ],
  row(n, now) {
    const ready = (n.status?.conditions ?? []).find((c: any) => c.type === 'Ready');
    const status: string[] = [];
    if (ready) status.push(ready.status === 'True' ? 'Ready' : 'NotReady');
    if (!status.length) status.push('Unknown');
    if (n.spec?.unschedulable) status.push('SchedulingDisabled');
    const info = n.status?.nodeInfo ?? {};
    return [
      n.metadata.name,
      status.join(','),
      nodeRoles(n),
      age(n.metadata.creationTimestamp, now),
      info.kubeletVersion ?? '',
      nodeAddress(n, 'InternalIP'),
      nodeAddress(n, 'ExternalIP'),
      info.osImage || '<unknown>',
      info.kernelVersion || '<unknown>',
      info.containerRuntimeVersion || '<unknown>',
    ];
  },
};

export const namespaceTable: TablePrinter = {
  columns: [NAME, col('Status', 'string', 0, '', 'The status of the namespace'), AGE],
  row: (n, now) => [n.metadata.name, n.status?.phase ?? '', age(n.metadata.creationTimestamp, now)],
};

export const eventTable: TablePrinter = {
  columns: [
    col('Last Seen', 'string', 0, '', 'The last time the event was observed'),
    col('Type', 'string', 0, '', 'Type of this event (Normal, Warning), new types could be added in the future.'),
    col('Reason', 'string', 0, '', 'This should be a short, machine understandable string that gives the reason for this event being generated.'),
    col('Object', 'string', 0, '', 'The object this Event is about.'),
    col('Subobject', 'string', 1, '', 'The field of the object this Event is about.'),
    col('Source', 'string', 1, '', 'The component reporting this event. Should be a short machine understandable string.'),
    col('Message', 'string', 0, '', 'A human-readable description of the status of this operation.'),
    col('First Seen', 'string', 1, '', 'The time at which the event was first recorded.'),
    col('Count', 'string', 1, '', 'The number of times this event has occurred.'),
    col('Name', 'string', 1, 'name', 'Name must be unique within a namespace.'),
  ],
  row(e, now) {
    const first = e.firstTimestamp ? age(e.firstTimestamp, now) : age(e.eventTime, now);
    let last = e.lastTimestamp ? age(e.lastTimestamp, now) : first;
    let count = e.count ?? 0;
    if (e.series) {
      last = age(e.series.lastObservedTime, now);
      count = e.series.count ?? count;
    } else if (!count) count = 1;
    const io = e.involvedObject ?? {};
    const target = io.name ? `${String(io.kind ?? '').toLowerCase()}/${io.name}` : String(io.kind ?? '').toLowerCase();
    const src = e.source?.component ? (e.source.host ? `${e.source.component}, ${e.source.host}` : e.source.component) : e.reportingComponent ?? '';
    return [last, e.type ?? '', e.reason ?? '', target, io.fieldPath ?? '', src, String(e.message ?? '').trim(), first, count, e.metadata.name];
  },
};

export const configMapTable: TablePrinter = {
  columns: [NAME, col('Data', 'string', 0, '', 'Data contains the configuration data.'), AGE],
  row: (cm, now) => [cm.metadata.name, Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length, age(cm.metadata.creationTimestamp, now)],
};

export const secretTable: TablePrinter = {
  columns: [
    NAME,
    col('Type', 'string', 0, '', 'Used to facilitate programmatic handling of secret data.'),
    col('Data', 'string', 0, '', 'Data contains the secret data.'),
    AGE,
  ],
  row: (s, now) => [s.metadata.name, s.type ?? '', Object.keys(s.data ?? {}).length, age(s.metadata.creationTimestamp, now)],
};
