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
  /** the node's own resolv.conf options, kept for dnsPolicy Default */
  hostOptions?: string[];
}

const MAX_DNS_NAMESERVERS = 3;
const MAX_DNS_SEARCH_PATHS = 32;
const MAX_DNS_SEARCH_LIST_CHARS = 2048;
const MAX_SEARCH_DOMAIN_LENGTH = 253;

const omitDuplicates = (xs: string[]) => [...new Set(xs)];

/** formDNSSearchFitsLimits: at most 32 domains, none longer than 253 characters, and the
 *  search line within 2048 characters (domains dropped from the end) */
function searchFitsLimits(searches: string[]): string[] {
  let out = searches.slice(0, MAX_DNS_SEARCH_PATHS).filter((d) => d.length <= MAX_SEARCH_DOMAIN_LENGTH);
  while (out.length && out.join(' ').length > MAX_DNS_SEARCH_LIST_CHARS) out = out.slice(0, -1);
  return out;
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
    // generateSearchesForDNSClusterFirst: the cluster's domains before the node's, once each
    searches = d ? omitDuplicates([`${ns}.svc.${d}`, `svc.${d}`, d, ...(cfg.hostSearches ?? [])]) : [...(cfg.hostSearches ?? [])];
    options = ['ndots:5'];
  } else if (policy !== 'None') {
    // Default (and ClusterFirst without a cluster DNS): the node's resolv.conf as it is
    servers = [...(cfg.hostNameservers ?? [])];
    searches = [...(cfg.hostSearches ?? [])];
    options = [...(cfg.hostOptions ?? [])];
  }
  const extra = pod.spec.dnsConfig;
  if (extra) {
    // appendDNSConfig: duplicates merged; mergeDNSOptions: the pod's option of a name wins, an
    // empty value is the bare name
    servers = omitDuplicates([...servers, ...(extra.nameservers ?? [])]);
    searches = omitDuplicates([...searches, ...(extra.searches ?? [])]);
    const byName = new Map<string, string>();
    for (const o of options) {
      const i = o.indexOf(':');
      byName.set(i < 0 ? o : o.slice(0, i), i < 0 ? '' : o.slice(i + 1));
    }
    for (const o of extra.options ?? []) byName.set(o.name, o.value ?? '');
    options = [...byName].map(([k, v]) => (v ? `${k}:${v}` : k));
  }
  // formDNSConfigFitsLimits: 3 nameservers, the search line limits
  return { servers: servers.slice(0, MAX_DNS_NAMESERVERS), searches: searchFitsLimits(searches), options };
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
  // hostsEntriesFromHostAliases: a blank line, a comment, then one line per IP
  const aliases = pod.spec.hostAliases ?? [];
  if (aliases.length) lines.push('', '# Entries added by HostAliases.', ...aliases.map((a) => `${a.ip}\t${(a.hostnames ?? []).join('\t')}`));
  return lines.join('\n') + '\n';
}

/** search domains of a resolv.conf text (kubelet parseResolvConf: the last search line wins,
 *  "." is dropped and a trailing dot trimmed) */
export function parseSearches(text: string): string[] {
  let searches: string[] = [];
  for (const l of text.split('\n')) {
    const f = l.trim().split(/\s+/);
    if (f[0] === 'search') searches = f.slice(1).filter((d) => d !== '.').map((d) => d.replace(/\.$/, ''));
  }
  return searches;
}

/** options of a resolv.conf text; a later option of the same name replaces the earlier one */
export function parseOptions(text: string): string[] {
  const byName = new Map<string, string>();
  for (const l of text.split('\n')) {
    const f = l.trim().split(/\s+/);
    if (f[0] === 'options') for (const o of f.slice(1)) byName.set(o.split(':')[0], o);
  }
  return [...byName.values()];
}

/** nameservers of a resolv.conf text (for dnsPolicy Default) */
export function parseNameservers(text: string): string[] {
  return text
    .split('\n')
    .map((l) => /^\s*nameserver\s+(\S+)/.exec(l)?.[1])
    .filter((s): s is string => !!s);
}
