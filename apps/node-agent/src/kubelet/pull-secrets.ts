// imagePullSecrets: kubernetes.io/dockerconfigjson (and legacy dockercfg) Secrets turned into
// the CRI AuthConfig for the registry an image comes from, as the kubelet's keyring does. Pure.
import type { Secret } from '@svcnet/api-types';

export interface RegistryAuth {
  username?: string;
  password?: string;
  auth?: string;
  serverAddress?: string;
}

interface DockerConfigEntry {
  username?: string;
  password?: string;
  auth?: string;
}

/** registry host of a docker config key: "https://index.docker.io/v1/" -> "docker.io" */
export function registryHostOfKey(key: string): string {
  const host = key.replace(/^https?:\/\//, '').split('/')[0];
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? 'docker.io' : host;
}

function entriesOf(secret: Secret): Record<string, DockerConfigEntry> {
  const data = secret.data ?? {};
  const decode = (k: string) => (data[k] !== undefined ? Buffer.from(data[k], 'base64').toString('utf8') : undefined);
  try {
    const json = decode('.dockerconfigjson');
    if (json) return (JSON.parse(json) as { auths?: Record<string, DockerConfigEntry> }).auths ?? {};
    const legacy = decode('.dockercfg');
    if (legacy) return JSON.parse(legacy) as Record<string, DockerConfigEntry>;
  } catch {
    /* malformed: no credentials from this secret */
  }
  return {};
}

/** the credentials for `registry` from the pod's pull secrets, first match wins */
export function authForRegistry(secrets: Secret[], registry: string): RegistryAuth | undefined {
  for (const s of secrets) {
    for (const [key, e] of Object.entries(entriesOf(s))) {
      if (registryHostOfKey(key) !== registry) continue;
      let { username, password } = e;
      // credentialprovider DockerConfigEntry.UnmarshalJSON: a non-empty auth field wins over
      // username/password, split at its first ':'
      if (e.auth) {
        const decoded = Buffer.from(e.auth, 'base64').toString('utf8');
        const i = decoded.indexOf(':');
        if (i < 0) continue; // "unable to parse auth field": the entry gives no credentials
        username = decoded.slice(0, i);
        password = decoded.slice(i + 1);
      }
      return { username, password, serverAddress: registry };
    }
  }
  return undefined;
}
