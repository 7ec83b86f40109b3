// The per-pod /etc/resolv.conf and /etc/hosts, as kubelet writes them for dnsPolicy ClusterFirst.
import type { Pod } from '@svcnet/api-types';
import { podHostname } from './container-env';

export interface DnsConfig {
  clusterDNS: string[];
  clusterDomain: string;
  /** the node's own resolv.conf nameservers, used for dnsPolicy Default (and when no cluster DNS is set) */
  hostNameservers?: string[];
  /** the node's own resolv.conf search domains */
  hostSearches?: string[];
}

/** the pod's DNS settings as CRI's DNSConfig (containerd writes the pod's resolv.conf from it),
 *  following kubelet's dnsPolicy rules (ClusterFirst, ClusterFirstWithHostNet, Default, None) */
export function podDnsConfig(pod: Pod, cfg: DnsConfig): { servers: string[]; searches: string[]; options: string[] } {
  const ns = pod.metadata.namespace ?? 'default';
  let policy = pod.spec.dnsPolicy ?? 'ClusterFirst';
  // a hostNetwork pod with ClusterFirst uses the node's resolver (kubelet: ClusterFirstWithHostNet opts in)
  if (policy === 'ClusterFirst' && pod.spec.hostNetwork) policy = 'Default';
  if (policy === 'ClusterFirstWithHostNet') policy = 'ClusterFirst';
  let servers: string[] = [];
  let searches: string[] = [];
  let options: string[] = [];
  if (policy === 'ClusterFirst' && cfg.clusterDNS.length > 0) {
    const d = cfg.clusterDomain;
    servers = [...cfg.clusterDNS];
    searches = [`${ns}.svc.${d}`, `svc.${d}`, d, ...(cfg.hostSearches ?? [])];
    options = ['ndots:5'];
  } else if (policy !== 'None') {
    servers = [...(cfg.hostNameservers ?? [])];
    searches = [...(cfg.hostSearches ?? [])];
  }
  const extra = pod.spec.dnsConfig;
  if (extra) {
    servers = [...new Set([...servers, ...(extra.nameservers ?? [])])];
    searches = [...new Set([...searches, ...(extra.searches ?? [])])];
    const byName = new Map(options.map((o) => [o.split(':')[0], o]));
    for (const o of extra.options ?? []) byName.set(o.name, o.value !== undefined ? `${o.name}:${o.value}` : o.name);
    options = [...byName.values()];
  }
  // resolv.conf allows 3 nameservers and 32 search domains
  return { servers: servers.slice(0, 3), searches: searches.slice(0, 32), options };
}

export function resolvConf(pod: Pod, cfg: DnsConfig): string {
  const ns = pod.metadata.namespace ?? 'default';
  const policy = pod.spec.dnsPolicy ?? 'ClusterFirst';
  if (policy === 'Default' || cfg.clusterDNS.length === 0) {
    const servers = cfg.hostNameservers ?? [];
    return servers.map((s) => `nameserver ${s}`).join('\n') + (servers.length ? '\n' : '');
  }
  const d = cfg.clusterDomain;
  return [
    ...cfg.clusterDNS.map((s) => `nameserver ${s}`),
    `search ${ns}.svc.${d} svc.${d} ${d}`,
    'options ndots:5',
    '',
  ].join('\n');
}

export function hostsFile(pod: Pod, podIP: string, clusterDomain: string): string {
  const host = podHostname(pod);
  const lines = [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
  ];
  if (pod.spec.subdomain) {
    const ns = pod.metadata.namespace ?? 'default';
    lines.push(`${podIP}\t${host}.${pod.spec.subdomain}.${ns}.svc.${clusterDomain}\t${host}`);
  } else {
    lines.push(`${podIP}\t${host}`);
  }
  return lines.join('\n') + '\n';
}

/** search domains of a resolv.conf text */
export function parseSearches(text: string): string[] {
  return text
    .split('\n')
    .flatMap((l) => /^\s*search\s+(.+)$/.exec(l)?.[1].trim().split(/\s+/) ?? []);
}

/** nameservers of a resolv.conf text (for dnsPolicy Default) */
export function parseNameservers(text: string): string[] {
  return text
    .split('\n')
    .map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1])
    .filter((s): s is string => !!s);
}
