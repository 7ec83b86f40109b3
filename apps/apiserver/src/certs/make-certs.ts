// Everything a cluster needs to talk TLS: CA, apiserver serving cert, client certs for the
// apps (gRPC mTLS) and for the admin, bearer tokens (tokens.csv as kube-apiserver reads it)
// and kubeconfigs. Idempotent for the CA; the leaf certificates are made anew.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { joinHostPort } from '@svcnet/ipnet';
import { ensureCa, issueCert } from './pki';
import { writeKubeconfig } from './kubeconfig';

export const APP_CLIENTS = ['endpoints-controller', 'workload-controller', 'node-agent', 'dns', 'cloud-lb'];

export interface MakeCertsOptions {
  dir: string;
  /** SANs of the apiserver certificate */
  hosts: string[];
  /** kubeconfig server URL, default https://<first host>:6443 */
  server?: string;
  /** users that get a bearer token (and a kubeconfig <user>.kubeconfig using it) */
  tokenUsers?: string[];
  apps?: string[];
  /** extra client certificates, e.g. one per node: <name>.crt with CN system:svcnet:<name> */
  clients?: string[];
}

export interface MadeCerts {
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  adminKubeconfig: string;
  tokenFile: string;
  tokens: Record<string, string>;
}

export function makeCerts(o: MakeCertsOptions): MadeCerts {
  fs.mkdirSync(o.dir, { recursive: true });
  const ca = ensureCa(o.dir);
  const hosts = o.hosts.length ? o.hosts : ['127.0.0.1', 'localhost'];
  const server = issueCert(o.dir, { name: 'apiserver', commonName: 'svcnet-apiserver', hosts });
  for (const app of [...(o.apps ?? APP_CLIENTS), ...(o.clients ?? [])]) issueCert(o.dir, { name: app, commonName: `system:svcnet:${app}`, organizations: ['system:svcnet'] });
  const admin = issueCert(o.dir, { name: 'admin', commonName: 'kubernetes-admin', organizations: ['system:masters'] });
  const url = o.server ?? `https://${joinHostPort(hosts[0], 6443)}`;
  const adminKubeconfig = path.join(o.dir, 'admin.kubeconfig');
  writeKubeconfig(adminKubeconfig, { server: url, caFile: ca.certFile, user: 'kubernetes-admin', clientCertFile: admin.certFile, clientKeyFile: admin.keyFile });

  // tokens.csv: token,user,uid[,"groups"] — existing lines are kept, new users appended.
  const tokenFile = path.join(o.dir, 'tokens.csv');
  const tokens: Record<string, string> = {};
  const lines = fs.existsSync(tokenFile) ? fs.readFileSync(tokenFile, 'utf8').split('\n').filter((l) => l.trim()) : [];
  for (const l of lines) {
    const [tok, user] = l.split(',');
    if (tok && user) tokens[user] = tok;
  }
  for (const user of o.tokenUsers ?? []) {
    if (!tokens[user]) {
      tokens[user] = crypto.randomBytes(24).toString('hex');
      lines.push(`${tokens[user]},${user},${crypto.randomUUID()}`);
    }
    writeKubeconfig(path.join(o.dir, `${user}.kubeconfig`), { server: url, caFile: ca.certFile, user, token: tokens[user] });
  }
  fs.writeFileSync(tokenFile, lines.join('\n') + (lines.length ? '\n' : ''), { mode: 0o600 });
  return { caFile: ca.certFile, serverCertFile: server.certFile, serverKeyFile: server.keyFile, adminKubeconfig, tokenFile, tokens };
}
