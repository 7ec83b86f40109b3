// What a proxy listener asks the data path for each new connection or flow.

export interface Target {
  /** node name */
  node: string;
  ip: string;
  port: number;
}

export interface Route {
  /** loadBalancerSourceRanges */
  allowed(sourceIp: string): boolean;
  /** a healthy node, none of `exclude` (node names) */
  pick(exclude?: ReadonlySet<string>): Target | undefined;
  /** still worth sending to (a UDP flow moves when its node fails) */
  usable(t: Target): boolean;
  connected(t: Target): void;
  closed(t: Target): void;
  connectFailed(t: Target, err: string): void;
  rejected(reason: 'source-range' | 'no-backend'): void;
}
