import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Secret } from '@svcnet/api-types';
import { authForRegistry, registryHostOfKey } from './pull-secrets';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const dockerconfigjson = (auths: Record<string, unknown>): Secret =>
  ({ metadata: { name: 'regcred', namespace: 'web' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': b64(JSON.stringify({ auths })) } }) as Secret;
const dockercfg = (cfg: Record<string, unknown>): Secret =>
  ({ metadata: { name: 'old', namespace: 'web' }, type: 'kubernetes.io/dockercfg', data: { '.dockercfg': b64(JSON.stringify(cfg)) } }) as Secret;

test('registry host of a docker config key', () => {
  const cases: [string, string][] = [
    ['https://index.docker.io/v1/', 'docker.io'],
    ['index.docker.io', 'docker.io'],
    ['docker.io', 'docker.io'],
    ['r.deso.tech', 'r.deso.tech'],
    ['https://r.deso.tech/v2/', 'r.deso.tech'],
    ['http://localhost:5000', 'localhost:5000'],
    ['quay.io/coreos', 'quay.io'],
  ];
  for (const [key, want] of cases) assert.equal(registryHostOfKey(key), want, key);
});

test('credentials from dockerconfigjson with auth, with username/password, legacy dockercfg, no match', () => {
  const cases: [string, Secret[], string, unknown][] = [
    ['auth field', [dockerconfigjson({ 'r.deso.tech': { auth: b64('alice:s3:cret') } })], 'r.deso.tech', { username: 'alice', password: 's3:cret', serverAddress: 'r.deso.tech' }],
    ['username/password', [dockerconfigjson({ 'r.deso.tech': { username: 'bob', password: 'pw' } })], 'r.deso.tech', { username: 'bob', password: 'pw', serverAddress: 'r.deso.tech' }],
    // DockerConfigEntry.UnmarshalJSON: a non-empty auth replaces username/password
    ['auth wins', [dockerconfigjson({ 'r.deso.tech': { username: 'bob', password: 'pw', auth: b64('carol:x') } })], 'r.deso.tech', { username: 'carol', password: 'x', serverAddress: 'r.deso.tech' }],
    ['docker hub key', [dockerconfigjson({ 'https://index.docker.io/v1/': { auth: b64('hub:tok') } })], 'docker.io', { username: 'hub', password: 'tok', serverAddress: 'docker.io' }],
    ['legacy dockercfg', [dockercfg({ 'https://r.deso.tech': { auth: b64('old:pw'), email: 'x@y' } })], 'r.deso.tech', { username: 'old', password: 'pw', serverAddress: 'r.deso.tech' }],
    ['port kept', [dockerconfigjson({ 'localhost:5000': { auth: b64('l:p') } })], 'localhost:5000', { username: 'l', password: 'p', serverAddress: 'localhost:5000' }],
    ['no match', [dockerconfigjson({ 'quay.io': { auth: b64('q:q') } })], 'r.deso.tech', undefined],
    ['first secret wins', [dockerconfigjson({ 'r.deso.tech': { auth: b64('one:1') } }), dockerconfigjson({ 'r.deso.tech': { auth: b64('two:2') } })], 'r.deso.tech', { username: 'one', password: '1', serverAddress: 'r.deso.tech' }],
    ['malformed secret skipped', [{ metadata: { name: 'bad' }, data: { '.dockerconfigjson': b64('{not json') } } as Secret, dockerconfigjson({ 'r.deso.tech': { auth: b64('ok:1') } })], 'r.deso.tech', { username: 'ok', password: '1', serverAddress: 'r.deso.tech' }],
    ['no secrets', [], 'docker.io', undefined],
  ];
  for (const [name, secrets, registry, want] of cases) assert.deepEqual(authForRegistry(secrets, registry), want, name);
});
