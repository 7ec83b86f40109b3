import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as http from 'node:http';
import { handleContainerLogs, parseLogsPath, tailLines, type LogLookup } from './container-logs';

test('logs path names namespace, pod and optionally the container', () => {
  assert.deepEqual(parseLogsPath('/containerLogs/web/nginx-1/nginx'), { namespace: 'web', pod: 'nginx-1', container: 'nginx' });
  assert.deepEqual(parseLogsPath('/containerLogs/web/nginx-1'), { namespace: 'web', pod: 'nginx-1', container: undefined });
  assert.equal(parseLogsPath('/containerLogs/web'), undefined);
});

test('tailLines keeps the last n lines', () => {
  assert.equal(tailLines('a\nb\nc\n', 2), 'b\nc\n');
  assert.equal(tailLines('a\nb\nc', 1), 'c');
  assert.equal(tailLines('a\n', 5), 'a\n');
  assert.equal(tailLines('a\nb\n', -1), 'a\nb\n');
});


/** one request against handleContainerLogs with fake req/res (no follow: it ends synchronously) */
function get(url: string, lookup: LogLookup): { code: number; body: string } {
  let code = 0;
  let body = '';
  const res = {
    writeHead(c: number) {
      code = c;
      return res;
    },
    write(chunk: Buffer | string) {
      body += chunk.toString();
      return true;
    },
    end(chunk?: string) {
      if (chunk) body += chunk;
      return res;
    },
  };
  handleContainerLogs({ url, on() {} } as unknown as http.IncomingMessage, res as unknown as http.ServerResponse, lookup);
  return { code, body };
}

test('containerLogs renders the CRI log file: tailLines, timestamps, limitBytes, an unfinished record left out', (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'container-logs-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, '0.log');
  fs.writeFileSync(
    file,
    [
      '2024-05-01T10:00:00.000000000Z stdout F one',
      '2024-05-01T10:00:01.000000000Z stderr P tw',
      '2024-05-01T10:00:01.500000000Z stderr F o',
      '2024-05-01T10:00:02.000000000Z stdout F three',
      '2024-05-01T10:00:03.000000000Z stdout F still being writ',
    ].join('\n'),
  );
  const lookup: LogLookup = {
    logFile: (ns, pod, container) => (ns === 'web' && pod === 'p' && (container ?? 'c') === 'c' ? { path: file, running: () => false } : { error: `container ${container} not found`, code: 404 }),
  };
  const cases: [string, number, string][] = [
    ['/containerLogs/web/p/c', 200, 'one\ntwo\nthree\n'],
    ['/containerLogs/web/p', 200, 'one\ntwo\nthree\n'],
    ['/containerLogs/web/p/c?tailLines=2', 200, 'two\nthree\n'],
    ['/containerLogs/web/p/c?timestamps=true&tailLines=1', 200, '2024-05-01T10:00:02Z three\n'],
    ['/containerLogs/web/p/c?limitBytes=5', 200, 'one\nt'],
    ['/containerLogs/web/p/c?sinceTime=2024-05-01T10:00:01Z', 200, 'two\nthree\n'],
    ['/containerLogs/web/p/x', 404, 'container x not found\n'],
    ['/containerLogs/web', 404, 'not found\n'],
  ];
  for (const [url, code, body] of cases) assert.deepEqual(get(url, lookup), { code, body }, url);
});
