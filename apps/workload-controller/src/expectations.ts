// Kubernetes' controller expectations: after creating or deleting pods for a ReplicaSet,
// wait until the informer has seen those changes before syncing it again, so a stale cache
// never makes the controller create (or delete) the same pods twice.
export class Expectations {
  private pending = new Map<string, { adds: number; dels: Set<string>; deadline: number }>();

  constructor(private readonly timeoutMs = 30_000) {}

  expect(key: string, adds: number, dels: string[]): void {
    this.pending.set(key, { adds, dels: new Set(dels), deadline: Date.now() + this.timeoutMs });
  }

  /** a create failed: the pod will never show up */
  lowerAdds(key: string): void {
    const e = this.pending.get(key);
    if (e) e.adds--;
  }

  observedAdd(key: string): void {
    const e = this.pending.get(key);
    if (e) e.adds--;
  }

  observedDelete(key: string, podName: string): void {
    this.pending.get(key)?.dels.delete(podName);
  }

  satisfied(key: string): boolean {
    const e = this.pending.get(key);
    if (!e) return true;
    if ((e.adds <= 0 && e.dels.size === 0) || Date.now() > e.deadline) {
      this.pending.delete(key);
      return true;
    }
    return false;
  }

  forget(key: string): void {
    this.pending.delete(key);
  }
}
