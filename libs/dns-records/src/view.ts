// What the answer logic needs to know about the cluster, and nothing more. The server
// keeps one in-memory implementation (ClusterIndex) fed by informers; tests use fixtures.

export interface PortInfo {
  /** DNS only publishes SRV records for named ports */
  name?: string;
  protocol: 'TCP' | 'UDP' | 'SCTP';
  port: number;
}

export type ServiceKind = 'ClusterIP' | 'Headless' | 'ExternalName';

export interface ServiceInfo {
  namespace: string;
  name: string;
  kind: ServiceKind;
  /** empty for Headless and ExternalName */
  clusterIPs: string[];
  externalName?: string;
  ports: PortInfo[];
  publishNotReadyAddresses: boolean;
}

export interface EndpointInfo {
  ip: string;
  hostname?: string;
  ready: boolean;
  ports: PortInfo[];
}

export interface ClusterView {
  service(namespace: string, name: string): ServiceInfo | undefined;
  /** every endpoint address of the service, ready or not; deduplicated by IP */
  endpointsOf(namespace: string, name: string): EndpointInfo[];
  /** services whose ClusterIP is ip */
  servicesByIP(ip: string): ServiceInfo[];
  /** endpoints with this IP, with the service they belong to */
  endpointsByIP(ip: string): Array<{ service: ServiceInfo; endpoint: EndpointInfo }>;
  /** a pod in this namespace has this IP ("pods verified" in CoreDNS terms) */
  podIPExists(namespace: string, ip: string): boolean;
  namespaceExists(namespace: string): boolean;
}
