// Authentication of the HTTP API, like kube-apiserver's: bearer tokens from a static CSV
// (token,user,uid[,"group1,group2"]) or client certificates signed by --client-ca-file
// (user = CN, groups = O). Anything else is 401.
import * as fs from 'node:fs';
import type * as http from 'node:http';
import type { TLSSocket } from 'node:tls';

export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  via: 'token' | 'cert' | 'anonymous';
}

export interface Authenticator {
  authenticate(req: http.IncomingMessage): UserInfo | undefined;
}

/** Parses kube-apiserver's --token-auth-file format. */
export function parseTokenFile(text: string): Map<string, UserInfo> {
  const out = new Map<string, UserInfo>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const cols = splitCsv(line);
    if (cols.length < 2 || !cols[0]) continue;
    const groups = cols[3] ? cols[3].split(',').map((g) => g.trim()).filter(Boolean) : [];
    out.set(cols[0], { name: cols[1], uid: cols[2], groups: [...groups, 'system:authenticated'], via: 'token' });
  }
  return out;
}

function splitCsv(line: string): string[] {
  const cols: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cols.push(cur);
      cur = '';
    } else cur += c;
  }
  cols.push(cur);
  return cols.map((s) => s.trim());
}

export interface AuthOptions {
  tokenFile?: string;
  /** client certificates are checked by TLS (requestCert + ca); here we read the verified peer */
  clientCerts: boolean;
  /** no authenticator configured and --insecure: everyone is admin (loopback development) */
  allowAnonymous: boolean;
}

export function createAuthenticator(o: AuthOptions): Authenticator {
  const tokens = o.tokenFile ? parseTokenFile(fs.readFileSync(o.tokenFile, 'utf8')) : new Map<string, UserInfo>();
  return {
    authenticate(req) {
      const h = req.headers.authorization;
      if (h) {
        const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
        return m ? tokens.get(m[1]) : undefined;
      }
      const sock = req.socket as TLSSocket;
      if (o.clientCerts && typeof sock.getPeerCertificate === 'function' && sock.authorized) {
        const cert = sock.getPeerCertificate();
        if (cert && cert.subject) {
          const org = cert.subject.O;
          const groups = Array.isArray(org) ? org : org ? [org] : [];
          const cn = Array.isArray(cert.subject.CN) ? cert.subject.CN[0] : cert.subject.CN;
          return { name: cn ?? '', groups: [...groups, 'system:authenticated'], via: 'cert' };
        }
      }
      if (o.allowAnonymous) return { name: 'system:anonymous', groups: ['system:unauthenticated'], via: 'anonymous' };
      return undefined;
    },
  };
}
