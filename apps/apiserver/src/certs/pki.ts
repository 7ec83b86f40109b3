// A small PKI made with the openssl CLI: one CA, the apiserver's serving certificate (with
// SANs), client certificates for the apps and admins (CN = user, O = groups), all EC P-256.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ipFamily } from '@svcnet/ipnet';

export interface CertPair {
  certFile: string;
  keyFile: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

function newKey(keyFile: string, dir: string): void {
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', keyFile], dir);
  fs.chmodSync(path.resolve(dir, keyFile), 0o600);
}

/** Creates ca.crt/ca.key in dir unless they exist (an existing CA is kept: certs stay valid). */
export function ensureCa(dir: string, commonName = 'svcnet-ca', days = 3650): CertPair {
  const pair = { certFile: path.join(dir, 'ca.crt'), keyFile: path.join(dir, 'ca.key') };
  if (fs.existsSync(pair.certFile) && fs.existsSync(pair.keyFile)) return pair;
  newKey('ca.key', dir);
  openssl(['req', '-x509', '-new', '-key', 'ca.key', '-out', 'ca.crt', '-days', String(days), '-subj', `/CN=${commonName}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature'], dir);
  return pair;
}

export interface IssueOptions {
  /** file name stem: <name>.crt, <name>.key */
  name: string;
  commonName: string;
  organizations?: string[];
  /** IPs and DNS names; makes a serving certificate */
  hosts?: string[];
  days?: number;
}

/** Issues a certificate signed by the CA in dir. Serving certs get serverAuth+clientAuth. */
export function issueCert(dir: string, o: IssueOptions): CertPair {
  const keyFile = `${o.name}.key`;
  const csr = `${o.name}.csr`;
  const ext = `${o.name}.ext`;
  newKey(keyFile, dir);
  const subj = `/${(o.organizations ?? []).map((g) => `O=${g}/`).join('')}CN=${o.commonName}`;
  openssl(['req', '-new', '-key', keyFile, '-out', csr, '-subj', subj], dir);
  const lines = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment'];
  if (o.hosts?.length) {
    lines.push('extendedKeyUsage=serverAuth,clientAuth');
    lines.push(`subjectAltName=${o.hosts.map((h) => (ipFamily(h) ? `IP:${h}` : `DNS:${h}`)).join(',')}`);
  } else {
    lines.push('extendedKeyUsage=clientAuth');
  }
  fs.writeFileSync(path.join(dir, ext), lines.join('\n') + '\n');
  openssl(['x509', '-req', '-in', csr, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${o.name}.crt`, '-days', String(o.days ?? 825), '-extfile', ext], dir);
  fs.rmSync(path.join(dir, csr));
  fs.rmSync(path.join(dir, ext));
  return { certFile: path.join(dir, `${o.name}.crt`), keyFile: path.join(dir, keyFile) };
}
