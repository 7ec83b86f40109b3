import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nginxConfig } from './nginx-config';

test('nginx config keeps every writable path under the pod dir and serves the Debian page on 80', () => {
  const c = nginxConfig({ prefix: '/var/lib/svcnet/pods/u1/c/' });
  assert.match(c, /^daemon off;$/m);
  assert.match(c, /^pid \/var\/lib\/svcnet\/pods\/u1\/c\/nginx\.pid;$/m);
  assert.match(c, /client_body_temp_path \/var\/lib\/svcnet\/pods\/u1\/c\/client_body;/);
  assert.match(c, /listen 80 default_server;/);
  assert.match(c, /root \/usr\/share\/nginx\/html;/);
  assert.doesNotMatch(c, /\/var\/log\/nginx|\/run\/nginx/);
});
