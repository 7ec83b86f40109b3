// SPDY/3.1 framing (the protocol under `kubectl port-forward`), pure: frames to bytes and back,
// header blocks compressed with zlib and the SPDY/3 dictionary. No I/O; spdy-session.ts runs
// streams over a transport with it.
//
// Every frame starts with 8 bytes:
//   control: |1| version (15) | type (16) | flags (8) | length (24) | data
//   data:    |0| stream id (31)          | flags (8) | length (24) | data
// Control frames: SYN_STREAM(1) SYN_REPLY(2) RST_STREAM(3) SETTINGS(4) PING(6) GOAWAY(7)
// HEADERS(8) WINDOW_UPDATE(9). A header block is a count of name/value pairs, each name and
// value 32-bit length prefixed (several values of a name NUL separated), compressed by one
// zlib stream per direction for the whole session, each block ending in a SYNC_FLUSH.
import * as zlib from 'node:zlib';

export const SPDY_VERSION = 3;

export const FrameType = {
  SynStream: 1,
  SynReply: 2,
  RstStream: 3,
  Settings: 4,
  Ping: 6,
  GoAway: 7,
  Headers: 8,
  WindowUpdate: 9,
} as const;

export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;
export const FLAG_SETTINGS_CLEAR_SETTINGS = 0x01;

/** RST_STREAM status codes */
export const RstStatus = {
  ProtocolError: 1,
  InvalidStream: 2,
  RefusedStream: 3,
  UnsupportedVersion: 4,
  Cancel: 5,
  InternalError: 6,
  FlowControlError: 7,
  StreamInUse: 8,
  StreamAlreadyClosed: 9,
  InvalidCredentials: 10,
  FrameTooLarge: 11,
} as const;

/** GOAWAY status codes */
export const GoAwayStatus = { Ok: 0, ProtocolError: 1, InternalError: 2 } as const;

/** SETTINGS ids */
export const Settings = {
  UploadBandwidth: 1,
  DownloadBandwidth: 2,
  RoundTripTime: 3,
  MaxConcurrentStreams: 4,
  CurrentCwnd: 5,
  DownloadRetransRate: 6,
  InitialWindowSize: 7,
  ClientCertificateVectorSize: 8,
} as const;

/** SPDY/3.1: streams and the session both start with a 64 KiB send window */
export const DEFAULT_INITIAL_WINDOW = 64 * 1024;
export const MAX_FRAME_LENGTH = 0xffffff;

/** header name (lower case) -> values */
export type SpdyHeaders = Record<string, string[]>;

export type Frame =
  | { type: 'data'; streamId: number; flags: number; data: Buffer }
  | { type: 'syn_stream'; streamId: number; associatedToStreamId: number; priority: number; slot: number; flags: number; headers: SpdyHeaders; headerBlock?: Buffer }
  | { type: 'syn_reply'; streamId: number; flags: number; headers: SpdyHeaders; headerBlock?: Buffer }
  | { type: 'rst_stream'; streamId: number; flags?: number; status: number }
  | { type: 'settings'; flags: number; entries: { flags: number; id: number; value: number }[] }
  | { type: 'ping'; flags?: number; id: number }
  | { type: 'goaway'; flags?: number; lastGoodStreamId: number; status: number }
  | { type: 'headers'; streamId: number; flags: number; headers: SpdyHeaders; headerBlock?: Buffer }
  | { type: 'window_update'; flags?: number; streamId: number; delta: number }
  | { type: 'unknown'; version: number; frameType: number; flags: number; payload: Buffer };

export class SpdyProtocolError extends Error {
  constructor(
    message: string,
    readonly streamId = 0,
    readonly status: number = RstStatus.ProtocolError,
  ) {
    super(message);
  }
}

// The SPDY/3 header compression dictionary (draft 3, 2.6.10.1): these length-prefixed
// strings followed by a run of plain text. 1423 bytes.
const DICTIONARY_WORDS = [
  'options', 'head', 'post', 'put', 'delete', 'trace', 'accept', 'accept-charset', 'accept-encoding', 'accept-language',
  'accept-ranges', 'age', 'allow', 'authorization', 'cache-control', 'connection', 'content-base', 'content-encoding',
  'content-language', 'content-length', 'content-location', 'content-md5', 'content-range', 'content-type', 'date', 'etag',
  'expect', 'expires', 'from', 'host', 'if-match', 'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since',
  'last-modified', 'location', 'max-forwards', 'pragma', 'proxy-authenticate', 'proxy-authorization', 'range', 'referer',
  'retry-after', 'server', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'vary', 'via', 'warning',
  'www-authenticate', 'method', 'get', 'status', '200 OK', 'version', 'HTTP/1.1', 'url', 'public', 'set-cookie', 'keep-alive', 'origin',
];
const DICTIONARY_TAIL =
  '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505' +
  '203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized' +
  '403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable' +
  'Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT' +
  'chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,' +
  'text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';

export const SPDY_DICTIONARY: Buffer = Buffer.concat([
  ...DICTIONARY_WORDS.flatMap((w) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(w.length);
    return [len, Buffer.from(w, 'latin1')];
  }),
  Buffer.from(DICTIONARY_TAIL, 'latin1'),
]);

/** Adler-32 (RFC 1950), the zlib checksum that names the dictionary in a stream's header */
export function adler32(b: Buffer): number {
  let a = 1;
  let s2 = 0;
  for (let i = 0; i < b.length; i++) {
    a = (a + b[i]) % 65521;
    s2 = (s2 + a) % 65521;
  }
  return ((s2 << 16) | a) >>> 0;
}

/**
 * Writes the header blocks of one direction of a session as one zlib stream (RFC 1950) that
 * names the SPDY dictionary, each block as stored (uncompressed) deflate blocks (RFC 1951
 * 3.2.4), never final, followed by the empty stored block a SYNC_FLUSH writes: any inflater
 * with the dictionary reads it. Our header blocks are empty SYN_REPLYs, so there
 * is nothing to gain from compressing them, and it keeps writing synchronous.
 */
export class HeaderCompressor {
  private started = false;

  compress(raw: Buffer): Buffer {
    const parts: Buffer[] = [];
    if (!this.started) {
      this.started = true;
      // CMF: deflate, 32 KiB window; FLG: FDICT, FCHECK making CMF*256+FLG a multiple of 31
      const cmf = 0x78;
      let flg = 0x20;
      flg += 31 - ((cmf * 256 + flg) % 31);
      const h = Buffer.alloc(6);
      h[0] = cmf;
      h[1] = flg;
      h.writeUInt32BE(adler32(SPDY_DICTIONARY), 2);
      parts.push(h);
    }
    let off = 0;
    do {
      const n = Math.min(0xffff, raw.length - off);
      const b = Buffer.alloc(5);
      b[0] = 0x00; // BFINAL 0, BTYPE 00 (stored)
      b.writeUInt16LE(n, 1);
      b.writeUInt16LE(~n & 0xffff, 3);
      parts.push(b, raw.subarray(off, off + n));
      off += n;
    } while (off < raw.length);
    // and an empty stored block, as SYNC_FLUSH ends a block: Go's inflater (client-go's
    // spdystream) hands out a stored block's bytes only once it has read the next block's header
    parts.push(Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]));
    return Buffer.concat(parts);
  }

  close(): void {
    /* nothing held */
  }
}

/**
 * Inflates the header blocks the peer sends: one zlib stream with the dictionary for the
 * whole session, each block ending in a SYNC_FLUSH. Node's inflater is asynchronous; blocks
 * are decompressed in the order they are given.
 */
export class HeaderDecompressor {
  private z = zlib.createInflate({ dictionary: SPDY_DICTIONARY });
  private chain: Promise<unknown> = Promise.resolve();
  private failed?: Error;

  constructor() {
    this.z.on('error', (e) => (this.failed = e));
  }

  decompress(compressed: Buffer): Promise<Buffer> {
    const run = () =>
      new Promise<Buffer>((resolve, reject) => {
        if (this.failed) return reject(new SpdyProtocolError(`header block decompression failed: ${this.failed.message}`));
        const out: Buffer[] = [];
        const onData = (d: Buffer) => out.push(d);
        const onError = (e: Error) => {
          this.z.off('data', onData);
          reject(new SpdyProtocolError(`header block decompression failed: ${e.message}`));
        };
        this.z.on('data', onData);
        this.z.once('error', onError);
        this.z.write(compressed);
        this.z.flush(zlib.constants.Z_SYNC_FLUSH, () => {
          this.z.off('data', onData);
          this.z.off('error', onError);
          if (this.failed) return reject(new SpdyProtocolError(`header block decompression failed: ${this.failed.message}`));
          resolve(Buffer.concat(out));
        });
      });
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => undefined);
    return p;
  }

  close(): void {
    this.z.close();
  }
}

/** the uncompressed name/value block */
export function encodeHeaderBlock(headers: SpdyHeaders): Buffer {
  const parts: Buffer[] = [];
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const names = Object.keys(headers);
  parts.push(u32(names.length));
  for (const name of names) {
    const n = Buffer.from(name.toLowerCase(), 'utf8');
    const v = Buffer.from(headers[name].join('\0'), 'utf8');
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

export function decodeHeaderBlock(raw: Buffer, streamId = 0): SpdyHeaders {
  const fail = (why: string): never => {
    throw new SpdyProtocolError(`invalid header block: ${why}`, streamId);
  };
  if (raw.length < 4) fail('truncated');
  const count = raw.readUInt32BE(0);
  let off = 4;
  const headers: SpdyHeaders = {};
  const str = (): string => {
    if (off + 4 > raw.length) fail('truncated');
    const len = raw.readUInt32BE(off);
    off += 4;
    if (off + len > raw.length) fail('truncated');
    const s = raw.toString('utf8', off, off + len);
    off += len;
    return s;
  };
  for (let i = 0; i < count; i++) {
    const name = str();
    if (!name) fail('empty header name');
    if (name !== name.toLowerCase()) fail(`header ${JSON.stringify(name)} is not lower case`);
    const value = str();
    if (headers[name]) fail(`duplicate header ${JSON.stringify(name)}`);
    headers[name] = value.split('\0');
  }
  return headers;
}

function controlHeader(type: number, flags: number, length: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  b.writeUInt16BE(type, 2);
  b.writeUInt32BE((((flags & 0xff) << 24) | length) >>> 0, 4);
  return b;
}

function control(type: number, flags: number, body: Buffer): Buffer {
  if (body.length > MAX_FRAME_LENGTH) throw new RangeError('frame too large');
  return Buffer.concat([controlHeader(type, flags, body.length), body]);
}

const u31 = (n: number) => (n & 0x7fffffff) >>> 0;

/** one frame, as it goes on the wire; frames with header blocks need the session's compressor */
export function encodeFrame(f: Frame, compressor?: HeaderCompressor): Buffer {
  const block = (h: SpdyHeaders) => {
    if (!compressor) throw new Error(`${f.type} needs the session's header compressor`);
    return compressor.compress(encodeHeaderBlock(h));
  };
  switch (f.type) {
    case 'data': {
      if (f.data.length > MAX_FRAME_LENGTH) throw new RangeError('frame too large');
      const h = Buffer.alloc(8);
      h.writeUInt32BE(u31(f.streamId), 0);
      h.writeUInt32BE((((f.flags & 0xff) << 24) | f.data.length) >>> 0, 4);
      return Buffer.concat([h, f.data]);
    }
    case 'syn_stream': {
      const b = Buffer.alloc(10);
      b.writeUInt32BE(u31(f.streamId), 0);
      b.writeUInt32BE(u31(f.associatedToStreamId), 4);
      b[8] = (f.priority & 0x07) << 5;
      b[9] = f.slot & 0xff;
      return control(FrameType.SynStream, f.flags, Buffer.concat([b, block(f.headers)]));
    }
    case 'syn_reply':
    case 'headers': {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(u31(f.streamId), 0);
      return control(f.type === 'syn_reply' ? FrameType.SynReply : FrameType.Headers, f.flags, Buffer.concat([b, block(f.headers)]));
    }
    case 'rst_stream': {
      const b = Buffer.alloc(8);
      b.writeUInt32BE(u31(f.streamId), 0);
      b.writeUInt32BE(f.status >>> 0, 4);
      return control(FrameType.RstStream, f.flags ?? 0, b);
    }
    case 'settings': {
      const b = Buffer.alloc(4 + 8 * f.entries.length);
      b.writeUInt32BE(f.entries.length, 0);
      f.entries.forEach((e, i) => {
        b.writeUInt32BE((((e.flags & 0xff) << 24) | (e.id & 0xffffff)) >>> 0, 4 + 8 * i);
        b.writeUInt32BE(e.value >>> 0, 8 + 8 * i);
      });
      return control(FrameType.Settings, f.flags, b);
    }
    case 'ping': {
      const b = Buffer.alloc(4);
      b.writeUInt32BE(f.id >>> 0, 0);
      return control(FrameType.Ping, f.flags ?? 0, b);
    }
    case 'goaway': {
      const b = Buffer.alloc(8);
      b.writeUInt32BE(u31(f.lastGoodStreamId), 0);
      b.writeUInt32BE(f.status >>> 0, 4);
      return control(FrameType.GoAway, f.flags ?? 0, b);
    }
    case 'window_update': {
      const b = Buffer.alloc(8);
      b.writeUInt32BE(u31(f.streamId), 0);
      b.writeUInt32BE(u31(f.delta), 4);
      return control(FrameType.WindowUpdate, f.flags ?? 0, b);
    }
    case 'unknown': {
      const h = Buffer.alloc(8);
      h.writeUInt16BE(0x8000 | f.version, 0);
      h.writeUInt16BE(f.frameType, 2);
      h.writeUInt32BE((((f.flags & 0xff) << 24) | f.payload.length) >>> 0, 4);
      return Buffer.concat([h, f.payload]);
    }
  }
}

/** a frame that carries a header block (SYN_STREAM, SYN_REPLY, HEADERS) */
export function hasHeaderBlock(f: Frame): f is Extract<Frame, { headerBlock?: Buffer }> {
  return f.type === 'syn_stream' || f.type === 'syn_reply' || f.type === 'headers';
}

/** decompresses a decoded frame's header block into its headers (blocks in arrival order!) */
export async function readHeaders(f: Frame, d: HeaderDecompressor): Promise<Frame> {
  if (hasHeaderBlock(f) && f.headerBlock) {
    f.headers = decodeHeaderBlock(await d.decompress(f.headerBlock), f.streamId);
    delete f.headerBlock;
  }
  return f;
}

/**
 * Splits a byte stream into frames. Header blocks stay compressed (headerBlock): they are
 * one zlib stream, readHeaders() decompresses them, in order.
 */
export class FrameDecoder {
  private pending: Buffer[] = [];
  private pendingLength = 0;

  constructor(private readonly maxFrameLength = MAX_FRAME_LENGTH) {}

  /** the frames completed by this chunk; throws SpdyProtocolError on a malformed frame */
  push(chunk: Buffer): Frame[] {
    if (chunk.length) {
      this.pending.push(chunk);
      this.pendingLength += chunk.length;
    }
    const frames: Frame[] = [];
    while (this.pendingLength >= 8) {
      const head = this.peek(8);
      const length = head.readUInt32BE(4) & 0xffffff;
      if (length > this.maxFrameLength) throw new SpdyProtocolError(`frame of ${length} bytes is too large`, 0, RstStatus.FrameTooLarge);
      if (this.pendingLength < 8 + length) break;
      const frame = this.take(8 + length);
      frames.push(this.decode(frame));
    }
    return frames;
  }

  private peek(n: number): Buffer {
    if (this.pending[0].length >= n) return this.pending[0].subarray(0, n);
    const all = Buffer.concat(this.pending);
    this.pending = [all];
    return all.subarray(0, n);
  }

  private take(n: number): Buffer {
    let first = this.pending[0];
    if (first.length < n) {
      first = Buffer.concat(this.pending);
      this.pending = [first];
    }
    const out = first.subarray(0, n);
    if (first.length === n) this.pending.shift();
    else this.pending[0] = first.subarray(n);
    this.pendingLength -= n;
    return out;
  }

  private decode(b: Buffer): Frame {
    const flags = b[4];
    const body = b.subarray(8);
    if ((b[0] & 0x80) === 0) return { type: 'data', streamId: b.readUInt32BE(0) & 0x7fffffff, flags, data: body };
    const version = b.readUInt16BE(0) & 0x7fff;
    const type = b.readUInt16BE(2);
    if (version !== SPDY_VERSION) return { type: 'unknown', version, frameType: type, flags, payload: body };
    const need = (n: number) => {
      if (body.length < n) throw new SpdyProtocolError(`control frame ${type} too short (${body.length} bytes)`);
    };
    const sid = (off: number) => body.readUInt32BE(off) & 0x7fffffff;
    switch (type) {
      case FrameType.SynStream: {
        need(10);
        const streamId = sid(0);
        if (streamId === 0) throw new SpdyProtocolError('SYN_STREAM with stream id 0');
        return { type: 'syn_stream', streamId, associatedToStreamId: sid(4), priority: body[8] >> 5, slot: body[9], flags, headers: {}, headerBlock: body.subarray(10) };
      }
      case FrameType.SynReply:
      case FrameType.Headers: {
        need(4);
        const streamId = sid(0);
        const headerBlock = body.subarray(4);
        return type === FrameType.SynReply ? { type: 'syn_reply', streamId, flags, headers: {}, headerBlock } : { type: 'headers', streamId, flags, headers: {}, headerBlock };
      }
      case FrameType.RstStream:
        need(8);
        return { type: 'rst_stream', streamId: sid(0), flags, status: body.readUInt32BE(4) };
      case FrameType.Settings: {
        need(4);
        const n = body.readUInt32BE(0);
        need(4 + 8 * n);
        const entries = [];
        for (let i = 0; i < n; i++) {
          const w = body.readUInt32BE(4 + 8 * i);
          entries.push({ flags: w >>> 24, id: w & 0xffffff, value: body.readUInt32BE(8 + 8 * i) });
        }
        return { type: 'settings', flags, entries };
      }
      case FrameType.Ping:
        need(4);
        return { type: 'ping', flags, id: body.readUInt32BE(0) };
      case FrameType.GoAway:
        need(4);
        // SPDY/3 added the status; tolerate SPDY/2-sized frames
        return { type: 'goaway', flags, lastGoodStreamId: sid(0), status: body.length >= 8 ? body.readUInt32BE(4) : GoAwayStatus.Ok };
      case FrameType.WindowUpdate:
        need(8);
        return { type: 'window_update', flags, streamId: sid(0), delta: body.readUInt32BE(4) & 0x7fffffff };
      default:
        return { type: 'unknown', version, frameType: type, flags, payload: body };
    }
  }
}
