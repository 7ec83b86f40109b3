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
      if ((!username || !password) && e.auth) {
        const [u, ...p] = Buffer.from(e.auth, 'base64').toString('utf8').split(':');
        username ??= u;
        password ??= p.join(':');
      }
      return { username, password, serverAddress: registry };
    }
  }
  return undefined;
}
