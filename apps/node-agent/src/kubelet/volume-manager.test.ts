import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeAtomically } from './volume-manager';
import { VolumeSetupError, type VolumeFile } from './volume-files';

const f = (p: string, content: string, mode = 0o644): VolumeFile => ({ path: p, content: Buffer.from(content), mode });
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-writer-'));
const read = (dir: string, p: string) => fs.readFileSync(path.join(dir, p), 'utf8');
const tsDirs = (dir: string) => fs.readdirSync(dir).filter((n) => n.startsWith('..') && n !== '..data');

test('writeAtomically lays files out like AtomicWriter: ..data -> ..<timestamp>, names linked through ..data', (t) => {
  const dir = tmp();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  writeAtomically(dir, [f('a.conf', 'A'), f('sub/b.conf', 'B', 0o400)]);
  const data = fs.readlinkSync(path.join(dir, '..data'));
  assert.match(data, /^\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.\w+$/);
  assert.deepEqual(tsDirs(dir), [data]);
  assert.equal(fs.statSync(path.join(dir, data)).mode & 0o777, 0o755);
  assert.equal(fs.readlinkSync(path.join(dir, 'a.conf')), '..data/a.conf');
  assert.equal(fs.readlinkSync(path.join(dir, 'sub')), '..data/sub');
  assert.equal(read(dir, 'a.conf'), 'A');
  assert.equal(read(dir, 'sub/b.conf'), 'B');
  assert.equal(fs.statSync(path.join(dir, 'sub/b.conf')).mode & 0o777, 0o400);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['..data', data, 'a.conf', 'sub'].sort());
});

test('an update swaps ..data, removes keys that went away and the old timestamped directory', (t) => {
  const dir = tmp();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  writeAtomically(dir, [f('keep', '1'), f('gone', 'x'), f('d/inner', 'i')]);
  const first = fs.readlinkSync(path.join(dir, '..data'));
  writeAtomically(dir, [f('keep', '2'), f('new', 'n')]);
  const second = fs.readlinkSync(path.join(dir, '..data'));
  assert.notEqual(second, first);
  assert.deepEqual(fs.readdirSync(dir).sort(), ['..data', second, 'keep', 'new'].sort());
  assert.equal(read(dir, 'keep'), '2');
  assert.equal(read(dir, 'new'), 'n');
  // a mode change alone is an update too
  writeAtomically(dir, [f('keep', '2', 0o600), f('new', 'n')]);
  assert.equal(fs.statSync(path.join(dir, 'keep')).mode & 0o777, 0o600);
});

test('unchanged content is a no-op that still restores missing user-visible links', (t) => {
  const dir = tmp();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const payload = [f('a', 'A'), f('b', 'B')];
  writeAtomically(dir, payload);
  const data = fs.readlinkSync(path.join(dir, '..data'));
  writeAtomically(dir, payload);
  assert.equal(fs.readlinkSync(path.join(dir, '..data')), data);
  fs.unlinkSync(path.join(dir, 'b'));
  writeAtomically(dir, payload);
  assert.equal(fs.readlinkSync(path.join(dir, '..data')), data);
  assert.equal(read(dir, 'b'), 'B');
  // an empty payload empties the volume
  writeAtomically(dir, []);
  assert.deepEqual(fs.readdirSync(dir).filter((n) => !n.startsWith('..')), []);
});

test('unsafe paths are refused before anything is written', (t) => {
  const dir = tmp();
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const p of ['../escape', '/abs', '..data', 'a/../../b']) {
    assert.throws(() => writeAtomically(dir, [f('ok', '1'), f(p, 'x')]), VolumeSetupError, p);
  }
  assert.deepEqual(fs.readdirSync(dir), []);
});
