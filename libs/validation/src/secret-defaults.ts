// Secret defaulting: type Opaque, and the write-only stringData folded into data (base64),
// winning over a data key of the same name, as Kubernetes' v1 conversion does.
import type { Secret } from '@svcnet/api-types';

export function defaultSecret(secret: Secret): Secret {
  const out = structuredClone(secret);
  out.type ||= 'Opaque';
  if (out.stringData) {
    out.data ??= {};
    for (const [k, v] of Object.entries(out.stringData)) out.data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    delete out.stringData;
  }
  return out;
}
