// networking.k8s.io/v1 NetworkPolicy, in Kubernetes' JSON shape.
import type { KubeObject, LabelSelector, ObjectMeta } from './meta';

export type PolicyType = 'Ingress' | 'Egress';

export interface IPBlock {
  cidr: string;
  except?: string[];
}

/** One peer: podSelector and/or namespaceSelector (ANDed), or an ipBlock alone. */
export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: IPBlock;
}

export interface NetworkPolicyPort {
  /** TCP (default), UDP or SCTP */
  protocol?: string;
  /** a number or a named container port; absent: every port */
  port?: number | string;
  /** with a numeric port: the last port of the range */
  endPort?: number;
}

export interface NetworkPolicyIngressRule {
  ports?: NetworkPolicyPort[];
  from?: NetworkPolicyPeer[];
}

export interface NetworkPolicyEgressRule {
  ports?: NetworkPolicyPort[];
  to?: NetworkPolicyPeer[];
}

export interface NetworkPolicySpec {
  podSelector: LabelSelector;
  ingress?: NetworkPolicyIngressRule[];
  egress?: NetworkPolicyEgressRule[];
  policyTypes?: PolicyType[];
}

export interface NetworkPolicy extends KubeObject {
  metadata: ObjectMeta;
  spec: NetworkPolicySpec;
}
