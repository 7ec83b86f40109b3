// The proxy half's command-line flags (merged into the agent's).
export const PROXY_FLAGS = {
  proxy: { default: 'true', boolean: true, help: 'run the service proxy (nftables) in this node netns' },
  'cluster-cidr': { default: '10.244.0.0/16', help: 'pod CIDR(s) of the whole cluster, comma separated; traffic from outside them to a ClusterIP is masqueraded' },
  'proxy-sync-period': { default: '30s', help: 'period of full syncs (read the kernel table, repair drift)' },
  'proxy-min-sync-period': { default: '100ms', help: 'minimum time between syncs; changes within it are batched' },
  'proxy-table': { default: 'svcnet', help: 'name of the nftables table (family ip) the proxy owns' },
  'healthz-bind-address': { default: '0.0.0.0', help: 'address of the health-check node port servers (externalTrafficPolicy Local)' },
};

// "30s", "100ms", "1m", or a plain number of seconds, as kube-proxy's durations.
export function parseDurationMs(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(s.trim());
  if (!m) throw new Error(`invalid duration: ${JSON.stringify(s)}`);
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return Math.round(n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit]!);
}
