// Object names (tables, chains, sets) that are safe to splice into nft syntax.
// nft's lexer accepts [A-Za-z_.][A-Za-z0-9/\-_.]* as an unquoted identifier; we accept a
// slightly stricter subset and never quote, so no name can smuggle syntax into a script.
import { createHash } from 'node:crypto';

const NAME_RE = /^[A-Za-z][A-Za-z0-9/_.-]*$/;
// The kernel limit (NFT_NAME_MAXLEN) is 256 including NUL; stay well below.
const NAME_MAX = 128;

export function isValidName(name: string): boolean {
  return typeof name === 'string' && name.length <= NAME_MAX && NAME_RE.test(name);
}

export function assertValidName(name: string, what = 'name'): string {
  if (!isValidName(name)) throw new Error(`invalid nftables ${what}: ${JSON.stringify(name)}`);
  return name;
}

// shortHash gives 8 base32 characters of sha256, like kube-proxy's chain hashes: enough to
// make collisions between a node's services practically impossible.
export function shortHash(input: string): string {
  const digest = createHash('sha256').update(input).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < 8) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (out.length >= 8) break;
  }
  return out;
}

// derivedName builds "<prefix>-<HASH>-<readable>" from user-controlled parts (namespace,
// service name, port name...). Uniqueness comes from the hash of the raw parts; the readable
// tail is only for humans, so any character outside [a-z0-9.-] is replaced and it is cut short.
export function derivedName(prefix: string, parts: readonly (string | number)[]): string {
  assertValidName(prefix, 'name prefix');
  const raw = parts.map(String);
  const hash = shortHash(raw.join('\u0000'));
  const readable = raw.map((p) => p.toLowerCase().replace(/[^a-z0-9.-]/g, '_')).join('/');
  const name = `${prefix}-${hash}-${readable}`.slice(0, NAME_MAX);
  return assertValidName(name.replace(/[/.-]+$/, ''), 'derived name');
}
