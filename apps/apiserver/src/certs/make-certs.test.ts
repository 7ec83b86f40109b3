// The certificate tool: a chain openssl verifies, SANs, key usages, kubeconfigs with embedded
// data, tokens kept across runs, the CA kept so issued certificates stay valid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { makeCerts, APP_CLIENTS } from './make-certs';

const text = (file: string) => execFileSync('openssl', ['x509', '-in', file, '-noout', '-text'], { encoding: 'utf8' });
const verify = (dir: string, file: string) => execFileSync('openssl', ['verify', '-CAfile', path.join(dir, 'ca.crt'), file], { encoding: 'utf8' }).trim();

test('makeCerts: CA, serving and client certs, kubeconfigs, tokens', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'svcnet-certs-'));
  try {
    const made = makeCerts({ dir, hosts: ['127.0.0.1', 'localhost', 'apiserver.svcnet'], tokenUsers: ['alice'], clients: ['node-7'] });
    const server = text(made.serverCertFile);
    assert.match(server, /DNS:localhost/);
    assert.match(server, /IP Address:127\.0\.0\.1/);
    assert.match(server, /DNS:apiserver\.svcnet/);
    assert.match(server, /TLS Web Server Authentication/);
    assert.equal(verify(dir, made.serverCertFile), `${made.serverCertFile}: OK`);
    for (const app of [...APP_CLIENTS, 'node-7', 'admin']) {
      const f = path.join(dir, `${app}.crt`);
      assert.equal(verify(dir, f), `${f}: OK`);
      assert.match(text(f), /TLS Web Client Authentication/);
    }
    assert.match(text(path.join(dir, 'admin.crt')), /Subject: O\s?=\s?system:masters, CN\s?=\s?kubernetes-admin/);
    assert.equal((fs.statSync(path.join(dir, 'ca.key')).mode & 0o777).toString(8), '600');

    const kc = parseYaml(fs.readFileSync(made.adminKubeconfig, 'utf8'));
    assert.equal(kc.clusters[0].cluster.server, 'https://127.0.0.1:6443');
    assert.equal(Buffer.from(kc.clusters[0].cluster['certificate-authority-data'], 'base64').toString(), fs.readFileSync(made.caFile, 'utf8'));
    assert.ok(kc.users[0].user['client-certificate-data'] && kc.users[0].user['client-key-data']);
    assert.equal(kc['current-context'], 'kubernetes-admin@svcnet');
    const alice = parseYaml(fs.readFileSync(path.join(dir, 'alice.kubeconfig'), 'utf8'));
    assert.equal(alice.users[0].user.token, made.tokens.alice);
    assert.match(fs.readFileSync(made.tokenFile, 'utf8'), new RegExp(`^${made.tokens.alice},alice,[0-9a-f-]{36}\\n$`));

    // a second run keeps the CA and alice's token, adds bob
    const ca = fs.readFileSync(made.caFile, 'utf8');
    const again = makeCerts({ dir, hosts: ['127.0.0.1'], tokenUsers: ['alice', 'bob'], server: 'https://10.0.0.1:443' });
    assert.equal(fs.readFileSync(again.caFile, 'utf8'), ca);
    assert.equal(again.tokens.alice, made.tokens.alice);
    assert.equal(fs.readFileSync(again.tokenFile, 'utf8').trim().split('\n').length, 2);
    assert.equal(parseYaml(fs.readFileSync(again.adminKubeconfig, 'utf8')).clusters[0].cluster.server, 'https://10.0.0.1:443');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
