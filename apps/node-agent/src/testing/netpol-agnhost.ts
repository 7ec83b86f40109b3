// A tiny agnhost for the NetworkPolicy root tests, run by the host inside a pod's network
// namespace (nsenter -t <pid> -n node netpol-agnhost.js ...): busybox has no UDP server, so
// UDP 80/81 (and a TCP echo on 7 for the established-connection case) are served from here.
//   serve             UDP 80, 81: answer "ok"; TCP 7: echo
//   probe <json>      [{ip, port, protocol}] -> prints [{..., result: ok|refused|timeout}]
//   hold <ip>         TCP to ip:7; echo once, then once more after each line on stdin
import * as dgram from 'node:dgram';
import * as net from 'node:net';

const TIMEOUT_MS = Number(process.env.PROBE_TIMEOUT_MS ?? 1000);

type Target = { ip: string; port: number; protocol: string };
type Result = Target & { result: 'ok' | 'refused' | 'timeout' };

function probeTcp(t: Target): Promise<Result> {
  return new Promise((resolve) => {
    const s = net.connect({ host: t.ip, port: t.port });
    const done = (result: Result['result']) => {
      s.destroy();
      resolve({ ...t, result });
    };
    const timer = setTimeout(() => done('timeout'), TIMEOUT_MS);
    s.once('connect', () => (clearTimeout(timer), done('ok')));
    s.once('error', (e: NodeJS.ErrnoException) => (clearTimeout(timer), done(e.code === 'ECONNREFUSED' ? 'refused' : 'timeout')));
  });
}

function probeUdp(t: Target): Promise<Result> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    let finished = false;
    const done = (result: Result['result']) => {
      if (finished) return;
      finished = true;
      s.close();
      resolve({ ...t, result });
    };
    const timer = setTimeout(() => done('timeout'), TIMEOUT_MS);
    s.on('message', () => (clearTimeout(timer), done('ok')));
    s.on('error', (e: NodeJS.ErrnoException) => (clearTimeout(timer), done(e.code === 'ECONNREFUSED' ? 'refused' : 'timeout')));
    s.connect(t.port, t.ip, () => s.send('probe'));
  });
}

function serve(): void {
  for (const port of [80, 81]) {
    const s = dgram.createSocket('udp4');
    s.on('message', (_m, from) => s.send('ok', from.port, from.address));
    s.bind(port);
  }
  net.createServer((c) => c.pipe(c)).listen(7);
  process.stdout.write('serving\n');
}

function hold(ip: string): void {
  const s = net.connect({ host: ip, port: 7 });
  let n = 0;
  s.setEncoding('utf8');
  s.on('data', (d) => process.stdout.write(`echo ${String(d).trim()}\n`));
  s.on('error', (e) => process.stdout.write(`error ${e.message}\n`));
  s.on('connect', () => s.write(`${++n}\n`));
  process.stdin.setEncoding('utf8').on('data', () => s.write(`${++n}\n`));
}

const [mode, arg] = process.argv.slice(2);
if (mode === 'serve') serve();
else if (mode === 'hold') hold(arg);
else if (mode === 'probe') {
  const targets = JSON.parse(arg) as Target[];
  void Promise.all(targets.map((t) => (t.protocol === 'UDP' ? probeUdp(t) : probeTcp(t)))).then((r) => process.stdout.write(JSON.stringify(r)));
}
