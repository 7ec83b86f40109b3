// An in-memory ClusterView built from Kubernetes objects. The server calls
// upsert*/delete* from informer handlers; every lookup is a map access, so answers
// reflect a change as soon as the handler ran.
import type { EndpointSlice, Namespace, Pod, Service } from '@svcnet/api-types';
import { LABEL_SERVICE_NAME, clusterIPsOf, dedupeEndpoints, endpointState, isHeadless } from '@svcnet/api-types';
import type { ClusterView, EndpointInfo, PortInfo, ServiceInfo } from './view';

const TOLERATE_UNREADY = 'service.alpha.kubernetes.io/tolerate-unready-endpoints';
const key = (ns: string, name: string) => `${ns}/${name}`;

function addTo<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(v);
}
function removeFrom<K, V>(m: Map<K, Set<V>>, k: K, v: V): void {
  const s = m.get(k);
  if (!s) return;
  s.delete(v);
  if (s.size === 0) m.delete(k);
}

export function serviceInfo(svc: Service): ServiceInfo {
  const spec = svc.spec ?? {};
  const ns = svc.metadata.namespace ?? 'default';
  const ips = clusterIPsOf(svc);
  const kind = spec.type === 'ExternalName' ? 'ExternalName' : isHeadless(svc) || ips.length === 0 ? 'Headless' : 'ClusterIP';
  return {
    namespace: ns,
    name: svc.metadata.name ?? '',
    kind,
    clusterIPs: kind === 'ClusterIP' ? ips : [],
    externalName: spec.externalName,
    ports: (spec.ports ?? []).map((p) => ({ name: p.name || undefined, protocol: p.protocol ?? 'TCP', port: p.port })),
    // The spec's older spelling of the same wish is still honoured.
    publishNotReadyAddresses: spec.publishNotReadyAddresses === true || svc.metadata.annotations?.[TOLERATE_UNREADY] === 'true',
  };
}

/** Endpoints of one slice; FQDN slices carry no addresses DNS can publish. */
export function sliceEndpoints(slice: EndpointSlice): EndpointInfo[] {
  if (slice.addressType === 'FQDN') return [];
  const ports: PortInfo[] = (slice.ports ?? [])
    .filter((p) => p.port !== undefined)
    .map((p) => ({ name: p.name || undefined, protocol: p.protocol ?? 'TCP', port: p.port as number }));
  const out: EndpointInfo[] = [];
  for (const e of slice.endpoints ?? []) {
    const { ready } = endpointState(e);
    for (const ip of e.addresses ?? []) out.push({ ip, hostname: e.hostname, ready, ports });
  }
  return out;
}

interface SliceEntry {
  svcKey: string;
  endpoints: EndpointInfo[];
}

export class ClusterIndex implements ClusterView {
  private services = new Map<string, ServiceInfo>();
  private slices = new Map<string, SliceEntry>();
  private slicesBySvc = new Map<string, Set<string>>();
  private merged = new Map<string, EndpointInfo[]>();
  private svcByIP = new Map<string, Set<string>>();
  private sliceByIP = new Map<string, Set<string>>();
  private pods = new Map<string, string[]>(); // pod key -> IPs
  private podIPs = new Map<string, number>(); // "ns/ip" -> pods holding it
  private namespaces = new Set<string>();
  private nsRefs = new Map<string, number>();
  /** bumped on every change; the server uses it as the SOA serial */
  generation = 0;
  private listeners: Array<(serviceKey: string | undefined) => void> = [];

  upsertService(svc: Service): void {
    const info = serviceInfo(svc);
    const k = key(info.namespace, info.name);
    this.deleteServiceKey(k);
    this.services.set(k, info);
    for (const ip of info.clusterIPs) addTo(this.svcByIP, ip, k);
    this.ref(info.namespace, 1);
    this.changed(k);
  }

  deleteService(svc: Service): void {
    const k = key(svc.metadata.namespace ?? 'default', svc.metadata.name ?? '');
    this.deleteServiceKey(k);
    this.changed(k);
  }

  private deleteServiceKey(k: string): void {
    const old = this.services.get(k);
    if (!old) return;
    for (const ip of old.clusterIPs) removeFrom(this.svcByIP, ip, k);
    this.services.delete(k);
    this.ref(old.namespace, -1);
  }

  upsertEndpointSlice(slice: EndpointSlice): void {
    const ns = slice.metadata.namespace ?? 'default';
    const svcName = slice.metadata.labels?.[LABEL_SERVICE_NAME];
    const sk = key(ns, slice.metadata.name ?? '');
    const oldSvc = this.deleteSliceKey(sk);
    // a slice that lost its service label still changed the old service's answers
    if (oldSvc !== undefined && (!svcName || oldSvc !== key(ns, svcName))) this.changed(oldSvc);
    if (!svcName) return;
    const entry: SliceEntry = { svcKey: key(ns, svcName), endpoints: sliceEndpoints(slice) };
    this.slices.set(sk, entry);
    addTo(this.slicesBySvc, entry.svcKey, sk);
    for (const e of entry.endpoints) addTo(this.sliceByIP, e.ip, sk);
    this.merged.delete(entry.svcKey);
    this.changed(entry.svcKey);
  }

  deleteEndpointSlice(slice: EndpointSlice): void {
    this.changed(this.deleteSliceKey(key(slice.metadata.namespace ?? 'default', slice.metadata.name ?? '')));
  }

  /** Returns the key of the service the removed slice belonged to. */
  private deleteSliceKey(sk: string): string | undefined {
    const old = this.slices.get(sk);
    if (!old) return undefined;
    for (const e of old.endpoints) removeFrom(this.sliceByIP, e.ip, sk);
    removeFrom(this.slicesBySvc, old.svcKey, sk);
    this.slices.delete(sk);
    this.merged.delete(old.svcKey);
    return old.svcKey;
  }

  upsertPod(p: Pod): void {
    const ns = p.metadata.namespace ?? 'default';
    const pk = key(ns, p.metadata.name ?? '');
    this.deletePodKey(pk, ns);
    const ips = new Set<string>();
    if (p.status?.podIP) ips.add(p.status.podIP);
    for (const x of p.status?.podIPs ?? []) ips.add(x.ip);
    this.pods.set(pk, [...ips]);
    for (const ip of ips) this.podIPs.set(key(ns, ip), (this.podIPs.get(key(ns, ip)) ?? 0) + 1);
    this.ref(ns, 1);
    this.changed();
  }

  deletePod(p: Pod): void {
    const ns = p.metadata.namespace ?? 'default';
    this.deletePodKey(key(ns, p.metadata.name ?? ''), ns);
    this.changed();
  }

  private deletePodKey(pk: string, ns: string): void {
    const ips = this.pods.get(pk);
    if (!ips) return;
    for (const ip of ips) {
      const k = key(ns, ip);
      const n = (this.podIPs.get(k) ?? 1) - 1;
      if (n <= 0) this.podIPs.delete(k);
      else this.podIPs.set(k, n);
    }
    this.pods.delete(pk);
    this.ref(ns, -1);
  }

  upsertNamespace(n: Namespace): void {
    if (n.metadata.name) this.namespaces.add(n.metadata.name);
    this.changed();
  }

  deleteNamespace(n: Namespace): void {
    if (n.metadata.name) this.namespaces.delete(n.metadata.name);
    this.changed();
  }

  /**
   * Called synchronously after every change, with the "namespace/name" key of the
   * service whose records (the service itself or its endpoints) changed, or undefined
   * for pods and namespaces. The server's answer cache invalidates with it.
   */
  onChange(listener: (serviceKey: string | undefined) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  private changed(serviceKey?: string): void {
    this.generation++;
    for (const l of this.listeners) l(serviceKey);
  }

  private ref(ns: string, d: number): void {
    const n = (this.nsRefs.get(ns) ?? 0) + d;
    if (n <= 0) this.nsRefs.delete(ns);
    else this.nsRefs.set(ns, n);
  }

  // ClusterView

  service(ns: string, name: string): ServiceInfo | undefined {
    return this.services.get(key(ns, name));
  }

  endpointsOf(ns: string, name: string): EndpointInfo[] {
    const k = key(ns, name);
    const cached = this.merged.get(k);
    if (cached) return cached;
    // Several slices may list the same IP while a pod moves between them: keep one.
    const all = [...(this.slicesBySvc.get(k) ?? [])].flatMap((sk) => this.slices.get(sk)?.endpoints ?? []);
    const out = dedupeEndpoints(all, (e) => e.ip);
    this.merged.set(k, out);
    return out;
  }

  servicesByIP(ip: string): ServiceInfo[] {
    return [...(this.svcByIP.get(ip) ?? [])].map((k) => this.services.get(k)).filter((s): s is ServiceInfo => !!s);
  }

  endpointsByIP(ip: string): Array<{ service: ServiceInfo; endpoint: EndpointInfo }> {
    const out: Array<{ service: ServiceInfo; endpoint: EndpointInfo }> = [];
    for (const sk of this.sliceByIP.get(ip) ?? []) {
      const entry = this.slices.get(sk);
      const service = entry && this.services.get(entry.svcKey);
      if (!entry || !service) continue;
      const endpoint = this.endpointsOf(service.namespace, service.name).find((e) => e.ip === ip);
      if (endpoint && !out.some((o) => o.service === service)) out.push({ service, endpoint });
    }
    return out;
  }

  podIPExists(ns: string, ip: string): boolean {
    return this.podIPs.has(key(ns, ip));
  }

  namespaceExists(ns: string): boolean {
    return this.namespaces.has(ns) || this.nsRefs.has(ns);
  }

  stats(): { services: number; endpointSlices: number; pods: number } {
    return { services: this.services.size, endpointSlices: this.slices.size, pods: this.pods.size };
  }
}
