// The embedded store: all objects in memory, every write appended to a write-ahead log
// and fdatasync'ed before it is acknowledged (group commit: writes of one event-loop turn
// share one sync). A snapshot compacts the log when it grows. On start, snapshot + log are
// replayed; a torn last line (kill -9 mid-write) was never acknowledged and is cut off.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KubeObject } from '@svcnet/api-types';
import { StoreError, withRevision, revisionOf, type ListResult, type Store, type StoreEvent, type StoreWatch, type StoreWatchHandlers } from './store';
import { WatchHub } from './watch-hub';

interface LogRecord {
  rev: number;
  op: 'put' | 'delete';
  key: string;
  obj: KubeObject;
}

interface Pending {
  record: LogRecord;
  event: StoreEvent;
  resolve: (o: KubeObject) => void;
}

export interface FileStoreOptions {
  dir: string;
  /** events kept for watch resume */
  historySize?: number;
  /** compact the log into a snapshot past this many bytes */
  compactBytes?: number;
}

export class FileStore implements Store {
  private objects = new Map<string, KubeObject>();
  private revision = 0;
  private hub: WatchHub;
  private fd: number;
  private walBytes = 0;
  private pending: Pending[] = [];
  private flushScheduled = false;
  private barrier: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(private readonly opts: Required<FileStoreOptions>) {
    this.hub = new WatchHub(opts.historySize, 0);
    this.fd = -1;
  }

  static open(options: FileStoreOptions): FileStore {
    const opts = { historySize: 20000, compactBytes: 64 * 1024 * 1024, ...options };
    fs.mkdirSync(opts.dir, { recursive: true });
    const s = new FileStore(opts);
    s.recover();
    return s;
  }

  private get walPath(): string {
    return path.join(this.opts.dir, 'wal.log');
  }
  private get snapshotPath(): string {
    return path.join(this.opts.dir, 'snapshot.json');
  }

  private recover(): void {
    let snapshotRev = 0;
    if (fs.existsSync(this.snapshotPath)) {
      const snap = JSON.parse(fs.readFileSync(this.snapshotPath, 'utf8')) as { revision: number; objects: [string, KubeObject][] };
      snapshotRev = snap.revision;
      for (const [k, o] of snap.objects) this.objects.set(k, o);
    }
    this.revision = snapshotRev;
    const events: StoreEvent[] = [];
    if (fs.existsSync(this.walPath)) {
      const buf = fs.readFileSync(this.walPath);
      let offset = 0;
      let good = 0;
      while (offset < buf.length) {
        const nl = buf.indexOf(0x0a, offset);
        if (nl < 0) break; // torn tail: never acknowledged
        let rec: LogRecord;
        try {
          rec = JSON.parse(buf.subarray(offset, nl).toString('utf8')) as LogRecord;
        } catch {
          // a line that does not parse is a torn write (never acknowledged): replay stops there, as at a missing newline
          break;
        }
        offset = nl + 1;
        good = offset;
        if (rec.rev <= snapshotRev) continue;
        const prev = this.objects.get(rec.key);
        if (rec.op === 'put') this.objects.set(rec.key, rec.obj);
        else this.objects.delete(rec.key);
        this.revision = rec.rev;
        events.push({ type: rec.op, key: rec.key, object: rec.obj, prevObject: prev, revision: rec.rev });
      }
      if (good < buf.length) fs.truncateSync(this.walPath, good);
      this.walBytes = good;
    }
    this.hub.seed(events, snapshotRev);
    this.fd = fs.openSync(this.walPath, 'a');
  }

  async get(key: string): Promise<KubeObject | undefined> {
    await this.barrier;
    return this.objects.get(key);
  }

  async list(prefix: string): Promise<ListResult> {
    await this.barrier;
    const items: KubeObject[] = [];
    const keys = [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
    for (const k of keys) items.push(this.objects.get(k)!);
    return { items, revision: this.revision };
  }

  create(key: string, obj: KubeObject): Promise<KubeObject> {
    this.checkOpen();
    if (this.objects.has(key)) return Promise.reject(new StoreError('KeyExists', `key ${key} already exists`));
    return this.write('put', key, obj, undefined);
  }

  update(key: string, obj: KubeObject, expectedRevision?: number): Promise<KubeObject> {
    this.checkOpen();
    const cur = this.objects.get(key);
    if (!cur) return Promise.reject(new StoreError('NotFound', `key ${key} not found`));
    if (expectedRevision !== undefined && revisionOf(cur) !== expectedRevision) {
      return Promise.reject(new StoreError('Conflict', `key ${key} is at revision ${revisionOf(cur)}, not ${expectedRevision}`));
    }
    return this.write('put', key, obj, cur);
  }

  delete(key: string, expectedRevision?: number): Promise<KubeObject> {
    this.checkOpen();
    const cur = this.objects.get(key);
    if (!cur) return Promise.reject(new StoreError('NotFound', `key ${key} not found`));
    if (expectedRevision !== undefined && revisionOf(cur) !== expectedRevision) {
      return Promise.reject(new StoreError('Conflict', `key ${key} is at revision ${revisionOf(cur)}, not ${expectedRevision}`));
    }
    return this.write('delete', key, cur, cur);
  }

  watch(prefix: string, fromRevision: number, handlers: StoreWatchHandlers): StoreWatch {
    return this.hub.watch(prefix, fromRevision, handlers, this.revision);
  }

  async currentRevision(): Promise<number> {
    await this.barrier;
    return this.revision;
  }

  watcherCount(): number {
    return this.hub.watcherCount();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.barrier;
    this.closed = true;
    fs.closeSync(this.fd);
  }

  private checkOpen(): void {
    if (this.closed) throw new Error('store is closed');
  }

  /**
   * Applies the change to memory at once (so later writes in the same turn see it) but
   * resolves, and tells watchers, only after the log is synced.
   */
  private write(op: 'put' | 'delete', key: string, obj: KubeObject, prev: KubeObject | undefined): Promise<KubeObject> {
    const rev = ++this.revision;
    const stored = withRevision(obj, rev);
    if (op === 'put') this.objects.set(key, stored);
    else this.objects.delete(key);
    const record: LogRecord = { rev, op, key, obj: stored };
    const event: StoreEvent = { type: op, key, object: stored, prevObject: prev, revision: rev };
    return new Promise((resolve) => {
      this.pending.push({ record, event, resolve });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        let done!: () => void;
        const b = new Promise<void>((r) => (done = r));
        this.barrier = b;
        setImmediate(() => {
          this.flush();
          done();
        });
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const data = Buffer.from(batch.map((p) => JSON.stringify(p.record) + '\n').join(''), 'utf8');
    // A failed write or sync leaves memory ahead of disk; the only safe answer is to stop.
    try {
      let off = 0;
      while (off < data.length) off += fs.writeSync(this.fd, data, off);
      fs.fdatasyncSync(this.fd);
    } catch (err) {
      process.stderr.write(JSON.stringify({ level: 'error', msg: 'store write failed, exiting', error: String(err) }) + '\n');
      process.exit(70);
    }
    this.walBytes += data.length;
    for (const p of batch) {
      this.hub.publish(p.event);
      p.resolve(p.record.obj);
    }
    if (this.walBytes > this.opts.compactBytes) this.compact();
  }

  /** Writes a snapshot (tmp + fsync + rename) and starts an empty log. */
  private compact(): void {
    const tmp = this.snapshotPath + '.tmp';
    const fd = fs.openSync(tmp, 'w');
    fs.writeSync(fd, JSON.stringify({ revision: this.revision, objects: [...this.objects.entries()] }));
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, this.snapshotPath);
    const dfd = fs.openSync(this.opts.dir, 'r');
    fs.fsyncSync(dfd);
    fs.closeSync(dfd);
    fs.closeSync(this.fd);
    fs.truncateSync(this.walPath, 0);
    this.fd = fs.openSync(this.walPath, 'a');
    this.walBytes = 0;
  }
}
