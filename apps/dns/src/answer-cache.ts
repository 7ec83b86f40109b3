// The fast path: encoded answers for cluster names, reused for every identical
// question. A hit costs a hash of the question's bytes, a compare, one copy and the id
// patched in: no decode, no answer logic, no encode, no per-query objects besides the
// outgoing buffer.
//
// What makes a reused answer exactly the answer the full path would give:
// - Only questions that parse cleanly take the fast path (QUERY, one question, no
//   compression in it, class IN, nothing but an EDNS0 version 0 OPT after it); anything
//   else (and every miss) goes the full way, which also fills the cache.
// - The key is the lowercased question (name, type, class) plus whether EDNS0 was used;
//   the response depends on the query only through that, the id, RD and CD (patched per
//   query), the question's case (the question section is copied from the query; owner
//   names are compression pointers into it, checked at fill time, see handler.ts) and
//   the UDP size limit (an entry larger than the query's limit is not used).
// - Only answers computed from the cluster index alone are stored (never forwarded ones,
//   which have their own TTL-counting cache). A positive answer under
//   <svc>.<ns>.svc.<zone> depends on that one service and its EndpointSlices and is
//   dropped when the index reports a change to that service; every other answer (NXDOMAIN
//   and NODATA carry the SOA serial, PTR, pods, the apex) is dropped on any change of the
//   index. The check is a version compare on every hit, so an answer changes as soon as
//   the informer event was applied, exactly as before.
import type { ClusterIndex } from '@svcnet/dns-records';

/** Scratch result of parseQuestion: reused, never allocated per query. */
export interface QuestionInfo {
  hash: number;
  /** offset just past the question's class: the question is bytes [12, end) */
  end: number;
  /** offset of the root label ending the name (the name's case ends here) */
  nameEnd: number;
  qtype: number;
  edns: boolean;
  udpSize: number;
}

const FNV_PRIME = 16777619;
// A per-process seed so nobody can precompute colliding names; chains are capped anyway.
const SEED = (0x811c9dc5 ^ Math.floor(Math.random() * 0x7fffffff)) >>> 0;
const MAX_CHAIN = 4;

/**
 * Parse just the header and question of a query, as decode() would accept it, without
 * allocating. false: not a plain query (or not parseable here); the full path decides.
 */
export function parseQuestion(buf: Buffer, out: QuestionInfo): boolean {
  const len = buf.length;
  if (len < 17) return false;
  // QR must be 0 and the opcode QUERY; counts exactly 1/0/0 and 0 or 1 additional
  if ((buf[2] & 0xf8) !== 0) return false;
  if (buf[4] !== 0 || buf[5] !== 1 || buf[6] !== 0 || buf[7] !== 0 || buf[8] !== 0 || buf[9] !== 0 || buf[10] !== 0) return false;
  const ar = buf[11];
  if (ar > 1) return false;
  let h = SEED;
  let p = 12;
  let wire = 1;
  for (;;) {
    if (p >= len) return false;
    const l = buf[p];
    if (l === 0) break;
    // pointers and extended label types: leave them to decode()
    if (l > 63) return false;
    wire += l + 1;
    if (wire > 255 || p + 1 + l > len) return false;
    h = Math.imul(h ^ l, FNV_PRIME);
    const stop = p + 1 + l;
    for (let i = p + 1; i < stop; i++) {
      let c = buf[i];
      if (c >= 0x41 && c <= 0x5a) c |= 0x20;
      h = Math.imul(h ^ c, FNV_PRIME);
    }
    p = stop;
  }
  out.nameEnd = p;
  p++;
  if (p + 4 > len) return false;
  const qtype = (buf[p] << 8) | buf[p + 1];
  // class IN only: other classes get REFUSED on the full path
  if (buf[p + 2] !== 0 || buf[p + 3] !== 1) return false;
  h = Math.imul(h ^ buf[p], FNV_PRIME);
  h = Math.imul(h ^ buf[p + 1], FNV_PRIME);
  p += 4;
  out.end = p;
  out.qtype = qtype;
  out.edns = false;
  out.udpSize = 0;
  if (ar === 1) {
    // root owner, type OPT, version 0 (other versions get BADVERS on the full path)
    if (p + 11 > len || buf[p] !== 0 || buf[p + 1] !== 0 || buf[p + 2] !== 41 || buf[p + 6] !== 0) return false;
    const end = p + 11 + ((buf[p + 9] << 8) | buf[p + 10]);
    if (end > len) return false;
    for (let o = p + 11; o < end; ) {
      if (o + 4 > end) return false;
      o += 4 + ((buf[o + 2] << 8) | buf[o + 3]);
      if (o > end) return false;
    }
    out.edns = true;
    out.udpSize = (buf[p + 3] << 8) | buf[p + 4];
    h = Math.imul(h ^ 0x100, FNV_PRIME);
  }
  // 30 bits: a small integer for V8, so the Map lookup neither hashes nor allocates a double
  out.hash = h & 0x3fffffff;
  return true;
}

/** What an entry depends on: one service ("ns/name") or the whole index. */
export type Dependency = { service: string } | 'index';

interface Cell {
  v: number;
}

export interface CacheEntry {
  hash: number;
  edns: boolean;
  /** lowercased question bytes (name, type, class) */
  key: Buffer;
  /** the full (untruncated) response; id, RD, CD and the question's case are patched */
  bytes: Buffer;
  /** index.generation when filled (index-wide dependency) */
  generation: number;
  /** the service's version cell and its value when filled (service dependency) */
  cell: Cell | undefined;
  version: number;
  next: CacheEntry | undefined;
  /** per-entry slot the metrics read (type and rcode are fixed for an entry) */
  stats: unknown;
}

export interface AnswerCacheOptions {
  index: ClusterIndex;
  /** entries before the cache starts over (bounded memory whatever the query mix) */
  maxEntries?: number;
}

export class AnswerCache {
  private table = new Map<number, CacheEntry>();
  private cells = new Map<string, Cell>();
  private size = 0;
  private readonly max: number;
  readonly index: ClusterIndex;
  hits = 0;
  misses = 0;

  constructor(o: AnswerCacheOptions) {
    this.index = o.index;
    this.max = o.maxEntries ?? 20_000;
    o.index.onChange((serviceKey) => {
      if (serviceKey === undefined) return; // index-wide entries check the generation
      const c = this.cells.get(serviceKey);
      if (c) c.v++;
    });
  }

  get entries(): number {
    return this.size;
  }

  /** The stored entry for this question if it is still valid and fits `limit`, else undefined. */
  find(buf: Buffer, q: QuestionInfo, limit: number): CacheEntry | undefined {
    let e = this.table.get(q.hash);
    while (e !== undefined) {
      if (e.hash === q.hash && e.edns === q.edns && sameQuestion(e.key, buf, q.end)) break;
      e = e.next;
    }
    if (e === undefined) return undefined;
    if (e.cell === undefined ? e.generation !== this.index.generation : e.cell.v !== e.version) return undefined;
    if (e.bytes.length > limit) return undefined;
    return e;
  }

  /** The response for this query from entry `e`: a copy with id, RD, CD and the question patched. */
  static respond(e: CacheEntry, buf: Buffer, q: QuestionInfo): Buffer {
    const src = e.bytes;
    const out = Buffer.allocUnsafe(src.length);
    out.set(src);
    out[0] = buf[0];
    out[1] = buf[1];
    out[2] = (src[2] & 0xfe) | (buf[2] & 0x01);
    out[3] = (src[3] & 0xef) | (buf[3] & 0x10);
    for (let i = 12; i < q.nameEnd; i++) out[i] = buf[i];
    return out;
  }

  /** A snapshot of the version the answer about to be computed depends on. */
  version(dep: Dependency): { cell: Cell | undefined; version: number; generation: number } {
    const generation = this.index.generation;
    if (dep === 'index') return { cell: undefined, version: 0, generation };
    let cell = this.cells.get(dep.service);
    if (!cell) this.cells.set(dep.service, (cell = { v: 0 }));
    return { cell, version: cell.v, generation };
  }

  /** Store `response` (the full answer to `buf`) with the versions taken before computing it. */
  store(buf: Buffer, q: QuestionInfo, response: Buffer, at: { cell: Cell | undefined; version: number; generation: number }, stats: unknown): void {
    if (this.size >= this.max) this.clear();
    const key = Buffer.allocUnsafe(q.end - 12);
    for (let i = 12; i < q.end; i++) {
      const c = buf[i];
      key[i - 12] = c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
    }
    const head = this.table.get(q.hash);
    let chain = 0;
    for (let e = head; e !== undefined; e = e.next) {
      if (e.edns === q.edns && e.key.equals(key)) {
        // refresh in place
        e.bytes = Buffer.from(response);
        e.generation = at.generation;
        e.cell = at.cell;
        e.version = at.version;
        e.stats = stats;
        return;
      }
      chain++;
    }
    if (chain >= MAX_CHAIN) return;
    const entry: CacheEntry = { hash: q.hash, edns: q.edns, key, bytes: Buffer.from(response), generation: at.generation, cell: at.cell, version: at.version, next: head, stats };
    this.table.set(q.hash, entry);
    this.size++;
  }

  clear(): void {
    this.table.clear();
    this.cells.clear();
    this.size = 0;
  }
}

function sameQuestion(key: Buffer, buf: Buffer, end: number): boolean {
  if (key.length !== end - 12) return false;
  for (let i = 0; i < key.length; i++) {
    let c = buf[12 + i];
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== key[i]) return false;
  }
  return true;
}

/**
 * The dependency of a cluster answer to `name` (lowercased, no trailing dot): a positive
 * answer under <svc>.<ns>.svc.<zone> depends on that service only, everything else on
 * the whole index.
 */
export function dependencyOf(name: string, zone: string, positive: boolean): Dependency {
  if (!positive) return 'index';
  const suffix = '.svc.' + zone;
  if (!name.endsWith(suffix)) return 'index';
  const labels = name.slice(0, -suffix.length).split('.');
  if (labels.length < 2) return 'index';
  return { service: `${labels[labels.length - 1]}/${labels[labels.length - 2]}` };
}
