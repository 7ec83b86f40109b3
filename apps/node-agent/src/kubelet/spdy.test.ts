// SPDY/3.1 framing: byte layouts worked out from the draft 3.1 spec, the dictionary, header
// blocks through independent zlib code, and a session over an in-memory transport.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as zlib from 'node:zlib';
import { Duplex, PassThrough } from 'node:stream';
import {
  FLAG_FIN,
  FrameDecoder,
  HeaderCompressor,
  HeaderDecompressor,
  RstStatus,
  SPDY_DICTIONARY,
  Settings,
  adler32,
  decodeHeaderBlock,
  encodeFrame,
  encodeHeaderBlock,
  readHeaders,
  type Frame,
} from './spdy';
import { SpdySession, type SpdyStream } from './spdy-session';

const hex = (b: Buffer) => b.toString('hex');

test('control and data frames: the spec byte layouts', () => {
  // PING id 1: control bit + version 3, type 6, flags 0, length 4, id
  assert.equal(hex(encodeFrame({ type: 'ping', id: 1 })), '80030006000000040000000' + '1');
  // RST_STREAM stream 1, CANCEL (5)
  assert.equal(hex(encodeFrame({ type: 'rst_stream', streamId: 1, status: RstStatus.Cancel })), '800300030000000800000001' + '00000005');
  // WINDOW_UPDATE stream 3, delta 65536
  assert.equal(hex(encodeFrame({ type: 'window_update', streamId: 3, delta: 65536 })), '800300090000000800000003' + '00010000');
  // GOAWAY last good stream 7, status OK
  assert.equal(hex(encodeFrame({ type: 'goaway', lastGoodStreamId: 7, status: 0 })), '800300070000000800000007' + '00000000');
  // SETTINGS with one entry: flags 0, id 7 (INITIAL_WINDOW_SIZE) = 1 MiB
  assert.equal(hex(encodeFrame({ type: 'settings', flags: 0, entries: [{ flags: 0, id: Settings.InitialWindowSize, value: 1 << 20 }] })), '800300040000000c00000001' + '00000007' + '00100000');
  // DATA stream 1, FIN, "hi": no control bit
  assert.equal(hex(encodeFrame({ type: 'data', streamId: 1, flags: FLAG_FIN, data: Buffer.from('hi') })), '0000000101000002' + '6869');
  // the stream id is 31 bits: the high bit of a DATA frame is the control bit and stays clear
  assert.equal(hex(encodeFrame({ type: 'data', streamId: 0x7fffffff, flags: 0, data: Buffer.alloc(0) })), '7fffffff00000000');
});

test('the decoder reads frames split anywhere, and several per chunk', () => {
  const frames: Frame[] = [
    { type: 'ping', id: 7 },
    { type: 'data', streamId: 5, flags: 0, data: Buffer.from('hello') },
    { type: 'rst_stream', streamId: 5, status: RstStatus.Cancel },
    { type: 'window_update', streamId: 0, delta: 1234 },
    { type: 'settings', flags: 1, entries: [{ flags: 1, id: 4, value: 100 }] },
    { type: 'goaway', lastGoodStreamId: 5, status: 0 },
  ];
  const wire = Buffer.concat(frames.map((f) => encodeFrame(f)));
  const d = new FrameDecoder();
  const out: Frame[] = [];
  for (let i = 0; i < wire.length; i++) out.push(...d.push(wire.subarray(i, i + 1)));
  assert.deepEqual(out, frames.map((f) => ({ flags: 0, ...f })));
  assert.deepEqual(new FrameDecoder().push(wire).length, frames.length);
});

test('the SPDY/3 dictionary: 1423 bytes, length-prefixed words then text', () => {
  assert.equal(SPDY_DICTIONARY.length, 1423);
  assert.equal(hex(SPDY_DICTIONARY.subarray(0, 11)), '00000007' + Buffer.from('options').toString('hex'));
  assert.equal(SPDY_DICTIONARY.subarray(-6).toString(), 'enq=0.');
  // a compressor that knows nothing of ours names the same dictionary (zlib DICTID)
  const z = zlib.deflateSync(Buffer.from('x'), { dictionary: SPDY_DICTIONARY });
  assert.equal(z[1] & 0x20, 0x20);
  assert.equal(z.readUInt32BE(2), adler32(SPDY_DICTIONARY));
});

test('header blocks: layout, lower-case names, NUL-separated values', () => {
  assert.equal(hex(encodeHeaderBlock({ port: ['80'] })), '00000001' + '00000004' + Buffer.from('port').toString('hex') + '00000002' + Buffer.from('80').toString('hex'));
  assert.deepEqual(decodeHeaderBlock(encodeHeaderBlock({ streamtype: ['data'], accept: ['a', 'b'] })), { streamtype: ['data'], accept: ['a', 'b'] });
  assert.throws(() => decodeHeaderBlock(Buffer.from('0000000100000004506f7274000000023830', 'hex')), /not lower case/);
  assert.throws(() => decodeHeaderBlock(Buffer.from('000000010000', 'hex')), /truncated/);
});

test('our header blocks are one zlib stream with the dictionary that stock zlib inflates', () => {
  const c = new HeaderCompressor();
  const a = c.compress(encodeHeaderBlock({}));
  const b = c.compress(encodeHeaderBlock({ port: ['80'] }));
  // zlib header: deflate, FDICT, the dictionary's Adler-32
  assert.equal(a[0], 0x78);
  assert.equal((a[0] * 256 + a[1]) % 31, 0);
  assert.equal(a[1] & 0x20, 0x20);
  assert.equal(a.readUInt32BE(2), adler32(SPDY_DICTIONARY));
  // every block ends as a SYNC_FLUSH does
  assert.equal(hex(a.subarray(-5)), '000000ffff');
  assert.equal(hex(b.subarray(-5)), '000000ffff');
  const raw = zlib.inflateSync(Buffer.concat([a, b]), { dictionary: SPDY_DICTIONARY, finishFlush: zlib.constants.Z_SYNC_FLUSH });
  assert.equal(hex(raw), hex(Buffer.concat([encodeHeaderBlock({}), encodeHeaderBlock({ port: ['80'] })])));
});

test('header blocks from a real zlib (sync flushed, shared context) decompress in order', async () => {
  // what spdystream writes: zlib level 9 with the dictionary, a SYNC_FLUSH after each block
  const z = zlib.createDeflate({ dictionary: SPDY_DICTIONARY, level: 9 });
  const block = (h: Record<string, string[]>) =>
    new Promise<Buffer>((resolve) => {
      const out: Buffer[] = [];
      const on = (d: Buffer) => out.push(d);
      z.on('data', on);
      z.write(encodeHeaderBlock(h));
      z.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        z.off('data', on);
        resolve(Buffer.concat(out));
      });
    });
  const h1 = { streamtype: ['error'], port: ['80'], requestid: ['0'] };
  const h2 = { streamtype: ['data'], port: ['80'], requestid: ['0'] };
  const b1 = await block(h1);
  const b2 = await block(h2);
  z.close();
  assert.ok(b2.length < b1.length, 'the second block refers back into the first');
  const wire = Buffer.concat([
    encodeFrame({ type: 'syn_stream', streamId: 1, associatedToStreamId: 0, priority: 0, slot: 0, flags: 0, headers: {} }, { compress: () => b1 } as unknown as HeaderCompressor),
    encodeFrame({ type: 'syn_stream', streamId: 3, associatedToStreamId: 0, priority: 0, slot: 0, flags: 0, headers: {} }, { compress: () => b2 } as unknown as HeaderCompressor),
  ]);
  const d = new HeaderDecompressor();
  const frames = await Promise.all(new FrameDecoder().push(wire).map((f) => readHeaders(f, d)));
  d.close();
  assert.deepEqual(frames.map((f) => (f.type === 'syn_stream' ? [f.streamId, f.headers] : undefined)), [
    [1, h1],
    [3, h2],
  ]);
});

/** the client's end of an in-memory transport to a session */
function connect(o: ConstructorParameters<typeof SpdySession>[1] = {}) {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const serverSide = Duplex.from({ readable: toServer, writable: toClient });
  const session = new SpdySession(serverSide, o);
  const frames: Frame[] = [];
  const decoder = new FrameDecoder();
  const dec = new HeaderDecompressor();
  let chain = Promise.resolve();
  toClient.on('data', (c: Buffer) => {
    for (const f of decoder.push(c)) chain = chain.then(() => readHeaders(f, dec).then((x) => void frames.push(x)));
  });
  const comp = new HeaderCompressor();
  const send = (f: Frame) => toServer.write(encodeFrame(f, comp));
  const until = async (what: string, ok: () => boolean) => {
    for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
    assert.ok(ok(), what);
  };
  return { session, frames, send, until };
}

test('a session: SYN_REPLY, echoed pings, data both ways with WINDOW_UPDATE, refusals, GOAWAY', async () => {
  const streams: SpdyStream[] = [];
  const c = connect({ accept: (h) => (h['port'] ? undefined : 'port header is required') });
  c.session.on('stream', (s: SpdyStream) => streams.push(s));
  c.send({ type: 'syn_stream', streamId: 1, associatedToStreamId: 0, priority: 0, slot: 0, flags: 0, headers: { port: ['80'], streamtype: ['data'] } });
  c.send({ type: 'ping', id: 1 });
  await c.until('the reply and the ping', () => c.frames.length >= 2);
  assert.deepEqual(c.frames[0], { type: 'syn_reply', streamId: 1, flags: 0, headers: {} });
  assert.deepEqual(c.frames[1], { type: 'ping', flags: 0, id: 1 });
  const s = streams[0];
  assert.equal(s.header('port'), '80');
  // the client's data arrives, and is acknowledged for the stream and the session
  const got: Buffer[] = [];
  s.on('data', (d: Buffer) => got.push(d));
  c.send({ type: 'data', streamId: 1, flags: 0, data: Buffer.from('ping?') });
  await c.until('window updates', () => c.frames.filter((f) => f.type === 'window_update').length >= 2);
  assert.equal(Buffer.concat(got).toString(), 'ping?');
  assert.deepEqual(c.frames.filter((f) => f.type === 'window_update').map((f) => f.type === 'window_update' && [f.streamId, f.delta]), [
    [1, 5],
    [0, 5],
  ]);
  // ours goes out as DATA, the end as an empty DATA with FIN
  s.end('pong!');
  await c.until('data and fin', () => c.frames.some((f) => f.type === 'data' && f.flags === FLAG_FIN));
  const data = c.frames.filter((f) => f.type === 'data');
  assert.deepEqual(data.map((f) => f.type === 'data' && [f.streamId, f.flags, f.data.toString()]), [
    [1, 0, 'pong!'],
    [1, FLAG_FIN, ''],
  ]);
  // refused: RST_STREAM; even ids are not the client's: protocol error
  c.send({ type: 'syn_stream', streamId: 3, associatedToStreamId: 0, priority: 0, slot: 0, flags: 0, headers: {} });
  c.send({ type: 'syn_stream', streamId: 4, associatedToStreamId: 0, priority: 0, slot: 0, flags: 0, headers: { port: ['1'] } });
  await c.until('resets', () => c.frames.filter((f) => f.type === 'rst_stream').length >= 2);
  assert.deepEqual(c.frames.filter((f) => f.type === 'rst_stream').map((f) => f.type === 'rst_stream' && [f.streamId, f.status]), [
    [3, RstStatus.Cancel],
    [4, RstStatus.ProtocolError],
  ]);
  // GOAWAY: the session ends (its GOAWAY, then the transport's end) once its streams are done
  c.send({ type: 'goaway', lastGoodStreamId: 0, status: 0 });
  c.send({ type: 'data', streamId: 1, flags: FLAG_FIN, data: Buffer.alloc(0) });
  await c.until('the session to end', () => c.frames.some((f) => f.type === 'goaway'));
  assert.equal(c.session.streams.size, 0);
  c.session.destroy();
});

test('a peer that keeps windows gets no more than its window until it opens it', async () => {
  const c = connect();
  let s: SpdyStream | undefined;
  c.session.on('stream', (x: SpdyStream) => (s = x));
  c.send({ type: 'syn_stream', streamId: 1, associatedToStreamId: 0, priority: 0, slot: 0, flags: 0, headers: { port: ['80'] } });
  // the peer says it does flow control: streams start with 1000 bytes
  c.send({ type: 'settings', flags: 0, entries: [{ flags: 0, id: Settings.InitialWindowSize, value: 1000 }] });
  await c.until('the stream', () => !!s && c.frames.length >= 1);
  await new Promise((r) => setTimeout(r, 20));
  s!.write(Buffer.alloc(3000, 1));
  const sent = () => c.frames.reduce((n, f) => n + (f.type === 'data' ? f.data.length : 0), 0);
  await c.until('the first window', () => sent() === 1000);
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(sent(), 1000);
  c.send({ type: 'window_update', streamId: 1, delta: 1500 });
  await c.until('the second window', () => sent() === 2500);
  c.send({ type: 'window_update', streamId: 1, delta: 5000 });
  await c.until('the rest', () => sent() === 3000);
  c.session.destroy();
});
