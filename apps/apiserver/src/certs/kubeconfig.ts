// Writes kubeconfig files (clientcmd v1 YAML) with embedded CA and client cert or token.
import * as fs from 'node:fs';

export interface KubeconfigOptions {
  server: string;
  caFile: string;
  user: string;
  clientCertFile?: string;
  clientKeyFile?: string;
  token?: string;
  clusterName?: string;
  namespace?: string;
}

const b64 = (file: string) => fs.readFileSync(file).toString('base64');

export function renderKubeconfig(o: KubeconfigOptions): string {
  const cluster = o.clusterName ?? 'svcnet';
  const userLines = o.token
    ? [`    token: ${o.token}`]
    : [`    client-certificate-data: ${b64(o.clientCertFile!)}`, `    client-key-data: ${b64(o.clientKeyFile!)}`];
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${cluster}`,
    '  cluster:',
    `    server: ${o.server}`,
    `    certificate-authority-data: ${b64(o.caFile)}`,
    'users:',
    `- name: ${o.user}`,
    '  user:',
    ...userLines,
    'contexts:',
    `- name: ${o.user}@${cluster}`,
    '  context:',
    `    cluster: ${cluster}`,
    `    user: ${o.user}`,
    ...(o.namespace ? [`    namespace: ${o.namespace}`] : []),
    `current-context: ${o.user}@${cluster}`,
    'preferences: {}',
    '',
  ].join('\n');
}

export function writeKubeconfig(file: string, o: KubeconfigOptions): void {
  fs.writeFileSync(file, renderKubeconfig(o), { mode: 0o600 });
}
