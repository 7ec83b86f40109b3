// The local cluster's network, as data: every namespace, link and address `up` creates and
// `down` removes. Nothing here touches the host's own interfaces: the "LAN" is a bridge in
// its own namespace, nodes and the outside client hang off it by veth pairs.

export interface LocalNode {
  name: string; // node-1
  netns: string; // svcnet-node-1
  ip: string; // 172.30.0.11
  /** veth end in the lan namespace */
  lanLink: string;
}

export interface LocalTopology {
  prefix: string;
  lanNetns: string;
  lanBridge: string;
  lanGateway: string; // on the bridge; the nodes' default route
  lanCidr: string;
  dnsIP: string; // the DNS app listens here, inside the lan namespace
  registryIP: string; // the local OCI registry of stand-in images, inside the lan namespace
  clientNetns: string;
  clientIP: string;
  clientGateway: string;
  clientLanLink: string;
  nodes: LocalNode[];
  clusterDnsServiceIP: string;
  lbPool: string;
}

export function localTopology(nodeCount = 2, prefix = 'svcnet'): LocalTopology {
  const nodes: LocalNode[] = [];
  for (let i = 1; i <= nodeCount; i++) {
    nodes.push({ name: `node-${i}`, netns: `${prefix}-node-${i}`, ip: `172.30.0.${10 + i}`, lanLink: `vn${i}-${prefix}`.slice(0, 15) });
  }
  return {
    prefix,
    lanNetns: `${prefix}-lan`,
    lanBridge: 'br-lan',
    lanGateway: '172.30.0.1',
    lanCidr: '172.30.0.0/24',
    dnsIP: '172.30.0.2',
    registryIP: '172.30.0.3',
    clientNetns: `${prefix}-client`,
    clientIP: '172.31.0.2',
    clientGateway: '172.31.0.1',
    clientLanLink: `vcl-${prefix}`.slice(0, 15),
    nodes,
    clusterDnsServiceIP: '10.96.0.10',
    lbPool: '10.78.42.0/24',
  };
}

/** Every netns name the cluster owns, including pod namespaces the agents made. */
export function ownsNetns(t: LocalTopology, name: string): boolean {
  return name === t.lanNetns || name === t.clientNetns || t.nodes.some((n) => name === n.netns || name.startsWith(`${t.prefix}-${n.name}-`));
}
