// The per-pod /etc/resolv.conf and /etc/hosts, as kubelet writes them for dnsPolicy ClusterFirst.
import type { Pod } from '@svcnet/api-types';
import { podHostname } from './container-env';

export interface DnsConfig {
  clusterDNS: string[];
  clusterDomain: string;
  /** the node's own resolv.conf nameservers, used for dnsPolicy Default (and when no cluster DNS is set) */
  hostNameservers?: string[];
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

/** nameservers of a resolv.conf text (for dnsPolicy Default) */
export function parseNameservers(text: string): string[] {
  return text
    .split('\n')
    .map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1])
    .filter((s): s is string => !!s);
}
