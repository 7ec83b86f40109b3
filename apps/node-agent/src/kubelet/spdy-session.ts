// A SPDY/3.1 session, server side, over any byte transport (a TCP socket after an
// `Upgrade: SPDY/3.1`, or a WebSocket carrying SPDY in binary messages): the peer's streams
// as Node Duplex streams. SYN_STREAM is accepted (SYN_REPLY) or refused (RST_STREAM), DATA
// and FIN flow both ways with backpressure, PINGs are answered, GOAWAY drains the session.
//
// Flow control (SPDY/3.1: 64 KiB per stream and per session): what we receive is
// acknowledged with WINDOW_UPDATE (stream and session) as the consumer takes it; a stream
// whose consumer is full pauses the transport, as a blocked kubelet stream does. What we send
// stays within the peer's windows once the peer shows it keeps them (it sent a
// WINDOW_UPDATE or SETTINGS_INITIAL_WINDOW_SIZE). client-go's spdystream sends neither and
// never reads ours (it ignores WINDOW_UPDATE frames): holding it to 64 KiB would stall every
// transfer after the first 64 KiB, so for it TCP's own flow control is what applies.
import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import {
  DEFAULT_INITIAL_WINDOW,
  FLAG_FIN,
  FLAG_UNIDIRECTIONAL,
  FrameDecoder,
  GoAwayStatus,
  HeaderCompressor,
  RstStatus,
  Settings,
  HeaderDecompressor,
  SpdyProtocolError,
  encodeFrame,
  hasHeaderBlock,
  readHeaders,
  type Frame,
  type SpdyHeaders,
} from './spdy';

/** largest DATA frame we send */
const MAX_DATA_CHUNK = 32 * 1024;
const MAX_WINDOW = 0x7fffffff;

export interface SpdySessionOptions {
  /** accept a stream the peer opens, or refuse it with a reason (it is reset) */
  accept?(headers: SpdyHeaders, streamId: number): string | undefined;
  log?: { debug(msg: string, f?: Record<string, unknown>): void; warn(msg: string, f?: Record<string, unknown>): void };
}

export class SpdyStream extends Duplex {
  /** bytes the peer lets us send on this stream (kept when the peer does flow control) */
  sendWindow: number;
  localClosed = false;
  remoteClosed = false;
  wasReset = false;
  /** the RST_STREAM status the peer reset the stream with */
  resetStatus?: number;
  private recvUnacked = 0;
  private pendingWrite?: { data: Buffer; cb: (e?: Error | null) => void };

  constructor(
    private readonly session: SpdySession,
    readonly id: number,
    readonly headers: SpdyHeaders,
    sendWindow: number,
  ) {
    super({ allowHalfOpen: true, highWaterMark: 256 * 1024 });
    this.sendWindow = sendWindow;
    // writes after a reset are dropped; there is nothing to report them to
    this.on('error', () => undefined);
  }

  /** the first value of a header */
  header(name: string): string | undefined {
    return this.headers[name.toLowerCase()]?.[0];
  }

  override _read(): void {
    this.ack();
    this.session.resumeFor(this);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.sendData(chunk, cb);
  }

  override _final(cb: (e?: Error | null) => void): void {
    if (!this.localClosed && !this.wasReset) {
      this.session.writeFrame({ type: 'data', streamId: this.id, flags: FLAG_FIN, data: Buffer.alloc(0) });
      this.localClosed = true;
      this.session.maybeRemove(this);
    }
    cb();
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    if (!this.wasReset && !(this.localClosed && this.remoteClosed)) {
      this.wasReset = true;
      this.session.writeFrame({ type: 'rst_stream', streamId: this.id, status: RstStatus.Cancel });
    }
    const p = this.pendingWrite;
    this.pendingWrite = undefined;
    p?.cb();
    this.session.remove(this);
    cb(err);
  }

  /** sends RST_STREAM and drops the stream */
  reset(status: number = RstStatus.Cancel): void {
    if (!this.wasReset && !this.destroyed) {
      this.wasReset = true;
      this.session.writeFrame({ type: 'rst_stream', streamId: this.id, status });
    }
    this.destroy();
  }

  private sendData(data: Buffer, cb: (e?: Error | null) => void): void {
    if (this.wasReset || this.localClosed || this.destroyed) return cb();
    while (data.length) {
      let n = Math.min(data.length, MAX_DATA_CHUNK);
      if (this.session.peerFlowControl) {
        n = Math.min(n, this.sendWindow, this.session.sendWindow);
        if (n <= 0) {
          this.pendingWrite = { data, cb };
          return;
        }
      }
      this.session.writeFrame({ type: 'data', streamId: this.id, flags: 0, data: data.subarray(0, n) });
      this.sendWindow -= n;
      this.session.sendWindow -= n;
      data = data.subarray(n);
    }
    this.session.afterDrain(cb);
  }

  /** the peer's window grew: continue a write that waited for it */
  windowOpened(): void {
    const p = this.pendingWrite;
    if (!p) return;
    this.pendingWrite = undefined;
    this.sendData(p.data, p.cb);
  }

  /** WINDOW_UPDATE for what the consumer has taken */
  private ack(): void {
    if (this.recvUnacked <= 0) return;
    const n = this.recvUnacked;
    this.recvUnacked = 0;
    if (!this.remoteClosed && !this.wasReset) this.session.writeFrame({ type: 'window_update', streamId: this.id, delta: n });
    this.session.consumed(n);
  }

  onPeerData(data: Buffer, fin: boolean): void {
    if (this.remoteClosed || this.destroyed) return;
    if (data.length) {
      this.recvUnacked += data.length;
      if (this.push(data)) this.ack();
      else this.session.pauseFor(this);
    }
    if (fin) {
      this.remoteClosed = true;
      this.push(null);
      this.session.maybeRemove(this);
    }
  }

  onPeerReset(status: number): void {
    this.wasReset = true;
    this.resetStatus = status;
    this.emit('reset', status);
    this.destroy();
  }
}

export class SpdySession extends EventEmitter {
  readonly streams = new Map<number, SpdyStream>();
  /** the peer keeps flow control windows (it told us about ours) */
  peerFlowControl = false;
  /** the session-level window the peer lets us send into */
  sendWindow = DEFAULT_INITIAL_WINDOW;
  closed = false;
  private streamInitialWindow = DEFAULT_INITIAL_WINDOW;
  private decoder = new FrameDecoder();
  private decompressor = new HeaderDecompressor();
  private compressor = new HeaderCompressor();
  /** frames read but not handled yet: those behind a header block wait for its inflation */
  private queue: Frame[] = [];
  private pumping = false;
  private lastPeerStreamId = 0;
  private goneAway = false;
  private sentGoAway = false;
  private pausedBy = new Set<SpdyStream>();
  private drainWaiters: (() => void)[] = [];

  constructor(
    private readonly transport: Duplex,
    private readonly o: SpdySessionOptions = {},
  ) {
    super();
    transport.on('data', (chunk: Buffer) => this.onData(chunk));
    transport.on('drain', () => this.flushDrainWaiters());
    transport.on('end', () => this.shutdown('transport ended'));
    transport.on('close', () => this.shutdown('transport closed'));
    transport.on('error', (e: Error) => this.shutdown(`transport error: ${e.message}`));
  }

  writeFrame(f: Frame): void {
    if (this.closed || this.transport.destroyed || this.transport.writableEnded) return;
    this.transport.write(encodeFrame(f, this.compressor));
  }

  /** cb once the transport has room again */
  afterDrain(cb: () => void): void {
    if (this.closed || !this.transport.writableNeedDrain) cb();
    else this.drainWaiters.push(cb);
  }

  /** the consumer of a stream took n bytes: the session window opens by as much */
  consumed(n: number): void {
    this.writeFrame({ type: 'window_update', streamId: 0, delta: n });
  }

  pauseFor(s: SpdyStream): void {
    this.pausedBy.add(s);
    this.transport.pause();
  }

  resumeFor(s: SpdyStream): void {
    if (this.pausedBy.delete(s) && this.pausedBy.size === 0 && !this.closed) this.transport.resume();
  }

  maybeRemove(s: SpdyStream): void {
    if (s.localClosed && s.remoteClosed) this.remove(s);
  }

  remove(s: SpdyStream): void {
    if (this.streams.get(s.id) !== s) return;
    this.streams.delete(s.id);
    this.resumeFor(s);
    if (this.goneAway && this.streams.size === 0) this.close();
  }

  /** GOAWAY, then the transport ends */
  close(status: number = GoAwayStatus.Ok): void {
    if (this.closed) return;
    if (!this.sentGoAway) {
      this.sentGoAway = true;
      this.writeFrame({ type: 'goaway', lastGoodStreamId: this.lastPeerStreamId, status });
    }
    this.transport.end();
  }

  /** the session is over: every stream goes */
  destroy(): void {
    this.shutdown('destroyed');
    this.transport.destroy();
  }

  private flushDrainWaiters(): void {
    const w = this.drainWaiters;
    this.drainWaiters = [];
    for (const cb of w) cb();
  }

  private shutdown(why: string): void {
    if (this.closed) return;
    this.closed = true;
    this.o.log?.debug('spdy session closed', { why, streams: this.streams.size });
    for (const s of [...this.streams.values()]) s.destroy();
    this.streams.clear();
    this.flushDrainWaiters();
    this.queue = [];
    this.decompressor.close();
    this.compressor.close();
    this.emit('close');
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    let frames: Frame[];
    try {
      frames = this.decoder.push(chunk);
    } catch (e) {
      this.o.log?.warn('spdy protocol error', { error: (e as Error).message });
      this.close(GoAwayStatus.ProtocolError);
      this.shutdown('protocol error');
      return;
    }
    this.queue.push(...frames);
    void this.pump();
  }

  /** handles the queued frames in order; a header block is inflated before its frame is handled */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length && !this.closed) {
        const f = this.queue.shift()!;
        try {
          if (hasHeaderBlock(f) && f.headerBlock) await readHeaders(f, this.decompressor);
          if (this.closed) return;
          this.handle(f);
        } catch (e) {
          if (!(e instanceof SpdyProtocolError)) throw e;
          this.o.log?.warn('spdy protocol error', { error: e.message });
          if (e.streamId && hasHeaderBlock(f) && !/decompression/.test(e.message)) {
            this.writeFrame({ type: 'rst_stream', streamId: e.streamId, status: e.status });
          } else {
            // the header compression context is lost: the session cannot go on
            this.close(GoAwayStatus.ProtocolError);
            this.shutdown('protocol error');
          }
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private handle(f: Frame): void {
    switch (f.type) {
      case 'syn_stream': {
        // client streams are odd and increasing
        if (f.streamId % 2 !== 1 || f.streamId <= this.lastPeerStreamId) {
          this.writeFrame({ type: 'rst_stream', streamId: f.streamId, status: RstStatus.ProtocolError });
          return;
        }
        this.lastPeerStreamId = f.streamId;
        if (this.goneAway || this.sentGoAway) {
          this.writeFrame({ type: 'rst_stream', streamId: f.streamId, status: RstStatus.RefusedStream });
          return;
        }
        const refusal = this.o.accept?.(f.headers, f.streamId);
        if (refusal) {
          this.o.log?.warn('stream rejected', { stream: f.streamId, reason: refusal });
          this.writeFrame({ type: 'rst_stream', streamId: f.streamId, status: RstStatus.Cancel });
          return;
        }
        const s = new SpdyStream(this, f.streamId, f.headers, this.streamInitialWindow);
        this.streams.set(f.streamId, s);
        // the reply goes before any data of ours on the stream
        this.writeFrame({ type: 'syn_reply', streamId: f.streamId, flags: 0, headers: {} });
        if (f.flags & FLAG_UNIDIRECTIONAL) s.localClosed = true;
        if (f.flags & FLAG_FIN) s.onPeerData(Buffer.alloc(0), true);
        this.emit('stream', s);
        return;
      }
      case 'data': {
        const s = this.streams.get(f.streamId);
        // data for a stream that is gone (reset meanwhile) is dropped, as spdystream does
        if (s) s.onPeerData(f.data, (f.flags & FLAG_FIN) !== 0);
        else this.consumed(f.data.length);
        return;
      }
      case 'rst_stream':
        this.streams.get(f.streamId)?.onPeerReset(f.status);
        return;
      case 'settings':
        for (const e of f.entries) {
          if (e.id !== Settings.InitialWindowSize) continue;
          const delta = e.value - this.streamInitialWindow;
          this.streamInitialWindow = e.value;
          this.peerFlowControl = true;
          for (const s of this.streams.values()) s.sendWindow += delta;
        }
        this.windowsOpened();
        return;
      case 'ping':
        // the client's pings are odd: echo them; ours (even) we never send
        if (f.id % 2 === 1) this.writeFrame({ type: 'ping', id: f.id });
        return;
      case 'goaway':
        this.goneAway = true;
        this.emit('goaway', f.lastGoodStreamId, f.status);
        if (this.streams.size === 0) this.close();
        return;
      case 'window_update': {
        this.peerFlowControl = true;
        if (f.streamId === 0) {
          this.sendWindow = Math.min(MAX_WINDOW, this.sendWindow + f.delta);
        } else {
          const s = this.streams.get(f.streamId);
          if (!s) return;
          if (s.sendWindow + f.delta > MAX_WINDOW) {
            s.reset(RstStatus.FlowControlError);
            return;
          }
          s.sendWindow += f.delta;
        }
        this.windowsOpened();
        return;
      }
      case 'headers': {
        const s = this.streams.get(f.streamId);
        if (s) Object.assign(s.headers, f.headers);
        if (s && f.flags & FLAG_FIN) s.onPeerData(Buffer.alloc(0), true);
        return;
      }
      case 'syn_reply':
      case 'unknown':
        // we open no streams; unknown control frames are ignored (SPDY/3 2.2.1)
        return;
    }
  }

  private windowsOpened(): void {
    for (const s of [...this.streams.values()]) {
      if (this.sendWindow <= 0) return;
      s.windowOpened();
    }
  }
}
