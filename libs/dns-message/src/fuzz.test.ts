// Throws random and mutated packets at the parser: it may only ever throw DnsFormatError,
// and a round trip of whatever it accepts must not throw anything else either.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, encode, DnsFormatError } from './index';
import { fuzzPackets } from './fuzz';

test('fuzz: 120k random and mutated packets only ever raise DnsFormatError', { timeout: 60_000 }, () => {
  let accepted = 0;
  let rejected = 0;
  const started = Date.now();
  fuzzPackets(120_000, 0x5eed, (pkt) => {
    try {
      const m = decode(pkt);
      accepted++;
      // whatever we accept we must be able to write back and read again
      const again = decode(encode(m));
      assert.equal(again.questions.length, m.questions.length);
    } catch (e) {
      if (!(e instanceof DnsFormatError)) {
        throw new Error(`unexpected ${(e as Error).name}: ${(e as Error).message} for ${pkt.toString('hex')}`);
      }
      rejected++;
    }
  });
  assert.equal(accepted + rejected, 120_000);
  assert.ok(accepted > 1000, `mutations should still be accepted often (${accepted})`);
  assert.ok(rejected > 1000);
  assert.ok(Date.now() - started < 60_000, 'fuzzing took too long (hang?)');
});
