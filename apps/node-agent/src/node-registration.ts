// Registers this agent's Node, waits for the apiserver to assign spec.podCIDR, and renews the
// Ready condition's lastHeartbeatTime every few seconds through the status subresource.
import type { Node } from '@svcnet/api-types';
import type { ResourceClient } from '@svcnet/api-client';
import type { Logger } from '@svcnet/observability';
import { buildNode, nodeStatus, type NodeFacts } from './node-object';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function reasonOf(e: unknown): string | undefined {
  return (e as { reason?: string }).reason;
}

export class NodeRegistration {
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly nodes: ResourceClient<Node>,
    private readonly facts: NodeFacts,
    private readonly log: Logger,
  ) {}

  /** create the Node, or refresh the status of the existing one; retries until it works */
  async register(): Promise<Node> {
    for (let attempt = 0; !this.stopped; attempt++) {
      try {
        let node: Node;
        try {
          node = await this.nodes.create(buildNode(this.facts, new Date().toISOString()));
          this.log.info('registered node', { node: this.facts.name });
        } catch (e) {
          if (reasonOf(e) !== 'AlreadyExists') throw e;
          node = await this.nodes.get(undefined, this.facts.name);
          this.log.info('node already registered', { node: this.facts.name, podCIDR: node.spec?.podCIDR });
        }
        return await this.writeStatus(node);
      } catch (e) {
        this.log.warn('node registration failed, retrying', { err: (e as Error).message, attempt });
        await sleep(Math.min(5000, 200 * 2 ** attempt));
      }
    }
    throw new Error('stopped');
  }

  /** the podCIDR the apiserver assigned; polls until there is one */
  async waitForPodCIDR(pollMs = 500): Promise<string> {
    let logged = false;
    while (!this.stopped) {
      try {
        const n = await this.nodes.get(undefined, this.facts.name);
        if (n.spec?.podCIDR) return n.spec.podCIDR;
      } catch (e) {
        this.log.warn('reading node failed', { err: (e as Error).message });
      }
      if (!logged) this.log.info('waiting for spec.podCIDR to be assigned', { node: this.facts.name });
      logged = true;
      await sleep(pollMs);
    }
    throw new Error('stopped');
  }

  startHeartbeat(intervalMs: number): void {
    const beat = async () => {
      if (this.stopped) return;
      try {
        const n = await this.nodes.get(undefined, this.facts.name);
        await this.writeStatus(n);
      } catch (e) {
        if (reasonOf(e) === 'NotFound') {
          this.log.warn('node object was deleted; registering again');
          await this.register().catch(() => undefined);
        } else this.log.warn('heartbeat failed', { err: (e as Error).message });
      }
      if (!this.stopped) this.timer = setTimeout(() => void beat(), intervalMs);
    };
    this.timer = setTimeout(() => void beat(), intervalMs);
  }

  /** the container runtime's version and images go into every status write from now on */
  setRuntime(version: string, listImages: () => Promise<{ names: string[]; sizeBytes: number }[]>): void {
    this.facts.containerRuntimeVersion = version;
    this.listImages = listImages;
    void this.nodes
      .get(undefined, this.facts.name)
      .then((n) => this.writeStatus(n))
      .catch((e) => this.log.warn('node status write failed', { err: (e as Error).message }));
  }

  private listImages?: () => Promise<{ names: string[]; sizeBytes: number }[]>;

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async writeStatus(node: Node): Promise<Node> {
    if (this.listImages) this.facts.images = await this.listImages().catch(() => this.facts.images);
    return this.nodes.updateStatus({ ...node, status: nodeStatus(this.facts, new Date().toISOString(), node.status?.conditions) });
  }
}
