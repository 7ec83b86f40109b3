// The NetworkPolicy half's command-line flags (merged into the agent's).
export const NETPOL_FLAGS = {
  'network-policy': { default: 'true', boolean: true, help: 'enforce NetworkPolicy for this node\'s pods (nftables, forward hook)' },
  'network-policy-table': { default: 'svcnet-netpol', help: 'name of the nftables table (family ip) the NetworkPolicy enforcer owns, next to the proxy\'s' },
  'network-policy-sync-period': { default: '30s', help: 'period of full NetworkPolicy syncs (read the kernel table, repair drift)' },
  'network-policy-min-sync-period': { default: '50ms', help: 'minimum time between NetworkPolicy syncs; changes within it are batched' },
};
