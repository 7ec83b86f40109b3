// Kubernetes service environment variables (the docker-links style ones kubelet injects),
// following pkg/kubelet/envvars: FOO_SERVICE_HOST, FOO_SERVICE_PORT[_NAME], FOO_PORT, FOO_PORT_<p>_<PROTO>[_PROTO|_PORT|_ADDR].
import { primaryClusterIP, type Service } from '@svcnet/api-types';
import { joinHostPort } from '@svcnet/ipnet';

export interface EnvPair {
  name: string;
  value: string;
}

/** "my-svc" -> "MY_SVC" */
export function envVarName(serviceName: string): string {
  return serviceName.replace(/-/g, '_').toUpperCase();
}

/** a Service gets env vars only if it has a real cluster IP (not headless, not ExternalName) */
export function hasClusterIP(svc: Service): boolean {
  return primaryClusterIP(svc) !== undefined;
}

export function envForService(svc: Service): EnvPair[] {
  const ip = primaryClusterIP(svc);
  if (ip === undefined) return [];
  const ports = svc.spec.ports ?? [];
  if (ports.length === 0) return [];
  const prefix = envVarName(svc.metadata.name ?? '');
  const out: EnvPair[] = [
    { name: `${prefix}_SERVICE_HOST`, value: ip },
    { name: `${prefix}_SERVICE_PORT`, value: String(ports[0].port) },
  ];
  for (const p of ports) {
    if (p.name) out.push({ name: `${prefix}_SERVICE_PORT_${envVarName(p.name)}`, value: String(p.port) });
  }
  ports.forEach((p, i) => {
    const proto = p.protocol ?? 'TCP';
    const url = `${proto.toLowerCase()}://${joinHostPort(ip, p.port)}`;
    // docker links special-case the first port
    if (i === 0) out.push({ name: `${prefix}_PORT`, value: url });
    const pp = `${prefix}_PORT_${p.port}_${proto.toUpperCase()}`;
    out.push(
      { name: pp, value: url },
      { name: `${pp}_PROTO`, value: proto.toLowerCase() },
      { name: `${pp}_PORT`, value: String(p.port) },
      { name: `${pp}_ADDR`, value: ip },
    );
  });
  return out;
}

/** The services whose env vars a pod in `namespace` sees: the master "kubernetes" service
 *  from default always, the pod namespace's own services when enableServiceLinks (default true). */
export function servicesVisibleToPod(all: Service[], namespace: string, enableServiceLinks = true): Service[] {
  const byName = new Map<string, Service>();
  for (const s of all) {
    if (!hasClusterIP(s)) continue;
    const name = s.metadata.name ?? '';
    const ns = s.metadata.namespace ?? 'default';
    if (ns === 'default' && name === 'kubernetes') {
      if (!byName.has(name)) byName.set(name, s);
    } else if (ns === namespace && enableServiceLinks) {
      byName.set(name, s);
    }
  }
  // sorted by name so a pod's environment is deterministic
  return [...byName.values()].sort((a, b) => (a.metadata.name! < b.metadata.name! ? -1 : 1));
}

export function serviceEnv(all: Service[], namespace: string, enableServiceLinks = true): EnvPair[] {
  return servicesVisibleToPod(all, namespace, enableServiceLinks).flatMap(envForService);
}
