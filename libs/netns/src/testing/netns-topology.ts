// What every test topology shares: a random id for its namespace names, the namespaces it
// made (removed in reverse, pods before their node), and build-or-clean-up on create.
import { randomBytes } from 'node:crypto';
import { createNetns, deleteNetns } from '../netns';

export abstract class NetnsTopology {
  readonly id = randomBytes(3).toString('hex');
  private readonly namespaces: string[] = [];

  abstract dispose(): Promise<void>;

  /** runs build(t); when it fails, disposes what was made and rethrows */
  protected static async built<T extends NetnsTopology>(t: T, build: (t: T) => Promise<void>): Promise<T> {
    try {
      await build(t);
    } catch (e) {
      await t.dispose();
      throw e;
    }
    return t;
  }

  protected async ns(name: string): Promise<string> {
    this.namespaces.push(name);
    await createNetns(name);
    return name;
  }

  /** deleting a namespace removes its veth ends too; `bestEffort` goes on past a failure */
  protected async deleteNamespaces(bestEffort = false): Promise<void> {
    for (const ns of [...this.namespaces].reverse()) {
      if (bestEffort) await deleteNetns(ns).catch(() => undefined); // cleanup: keep removing the others
      else await deleteNetns(ns);
    }
  }
}
