// A tiny echo server for test pods, run as `node echo-server.js NAME TCP_PORT UDP_PORT`
// inside a pod namespace. Each answer says who answered and whom it saw, one fact a line
// like traefik/whoami: "Hostname: pod-0" and "RemoteAddr: 10.244.1.100:41234".
// Prints "ready" once both sockets listen.
import { createServer } from 'node:http';
import { createSocket } from 'node:dgram';

export const ECHO_SERVER_SCRIPT = __filename;

function main(): void {
  const [name, tcpPort, udpPort] = process.argv.slice(2);
  const answer = (ip: string | undefined, port: number | undefined) => `Hostname: ${name}\nRemoteAddr: ${ip}:${port}\n`;
  const http = createServer((req, res) => {
    res.setHeader('Connection', 'close');
    res.end(answer(req.socket.remoteAddress, req.socket.remotePort));
  });
  const udp = createSocket('udp4');
  udp.on('message', (_msg, rinfo) => udp.send(answer(rinfo.address, rinfo.port), rinfo.port, rinfo.address));
  let pending = 2;
  const ready = () => {
    if (--pending === 0) process.stdout.write('ready\n');
  };
  http.listen(Number(tcpPort), '0.0.0.0', ready);
  udp.bind(Number(udpPort), '0.0.0.0', ready);
  process.on('SIGTERM', () => process.exit(0));
  // The parent holds our stdin open; when it dies (even by SIGKILL) we go too, so no echo
  // server outlives its test.
  process.stdin.on('end', () => process.exit(0)).on('error', () => process.exit(0));
  process.stdin.resume();
}

if (require.main === module) main();
