import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLogTimestamp, parseLogLine, renderLog } from './cri-log-format';

test('parseLogLine reads "<time> <stream> <tag> <text>" and refuses anything else', () => {
  const cases: [string, unknown][] = [
    ['2024-05-01T10:00:00.123456789Z stdout F hello world', { time: '2024-05-01T10:00:00.123456789Z', stream: 'stdout', partial: false, text: 'hello world' }],
    ['2024-05-01T10:00:00.123456789Z stderr P part', { time: '2024-05-01T10:00:00.123456789Z', stream: 'stderr', partial: true, text: 'part' }],
    ['2024-05-01T10:00:00.123456789Z stdout F ', { time: '2024-05-01T10:00:00.123456789Z', stream: 'stdout', partial: false, text: '' }],
    ['2024-05-01T10:00:00Z stdout F  two  spaces ', { time: '2024-05-01T10:00:00Z', stream: 'stdout', partial: false, text: ' two  spaces ' }],
    // tags are ':'-separated, only the first one counts (forward compatible)
    ['2024-05-01T10:00:00Z stdout P:x:y text', { time: '2024-05-01T10:00:00Z', stream: 'stdout', partial: true, text: 'text' }],
    ['2024-05-01T10:00:00Z stdin F text', undefined],
    ['2024-05-01T10:00:00Z stdout F', undefined], // no delimiter after the tag
    ['2024-05-01T10:00:00Z stdout', undefined],
    ['not-a-time stdout F text', undefined],
    ['', undefined],
  ];
  for (const [line, want] of cases) assert.deepEqual(parseLogLine(line), want, JSON.stringify(line));
});

test('timestamps are re-formatted as Go RFC3339Nano (trailing zeros dropped)', () => {
  const cases: [string, string][] = [
    ['2024-05-01T10:00:00.123456789Z', '2024-05-01T10:00:00.123456789Z'],
    ['2024-05-01T10:00:00.120000000Z', '2024-05-01T10:00:00.12Z'],
    ['2024-05-01T10:00:00.000000000Z', '2024-05-01T10:00:00Z'],
    ['2024-05-01T10:00:00.500000000+02:00', '2024-05-01T10:00:00.5+02:00'],
    ['2024-05-01T10:00:00Z', '2024-05-01T10:00:00Z'],
  ];
  for (const [t, want] of cases) assert.equal(formatLogTimestamp(t), want, t);
});

const LOG = [
  '2024-05-01T10:00:00.100000000Z stdout F first',
  '2024-05-01T10:00:01.000000000Z stderr P par',
  '2024-05-01T10:00:01.500000000Z stderr P ti',
  '2024-05-01T10:00:02.000000000Z stderr F al',
  'garbage line',
  '2024-05-01T10:00:03.000000000Z stdout F last',
  '',
].join('\n');

test('renderLog joins partial records and prefixes timestamps only at line starts', () => {
  assert.equal(renderLog(LOG), 'first\npartial\nlast\n');
  assert.equal(
    renderLog(LOG, { timestamps: true }),
    '2024-05-01T10:00:00.1Z first\n2024-05-01T10:00:01Z partial\n2024-05-01T10:00:03Z last\n',
  );
  assert.equal(renderLog(''), '');
});

test('renderLog sinceMs drops earlier records but keeps the line structure', () => {
  const cases: [number, boolean, string][] = [
    [Date.parse('2024-05-01T10:00:01Z'), false, 'partial\nlast\n'],
    [Date.parse('2024-05-01T10:00:02.5Z'), false, 'last\n'],
    // the continuation of a line begun before since is not a line start: no timestamp
    [Date.parse('2024-05-01T10:00:01.2Z'), true, 'tial\n2024-05-01T10:00:03Z last\n'],
    [Date.parse('2030-01-01T00:00:00Z'), false, ''],
  ];
  for (const [sinceMs, timestamps, want] of cases) assert.equal(renderLog(LOG, { sinceMs, timestamps }), want, `${sinceMs} ${timestamps}`);
});
