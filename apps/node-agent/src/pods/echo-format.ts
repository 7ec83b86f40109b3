// What the echo images answer, as pure functions of the request (used by echo-server.ts).

export interface EchoRequest {
  method: string;
  url: string;
  httpVersion: string;
  rawHeaders: string[]; // [name, value, name, value, ...] as received
  remoteAddress: string;
  remotePort: number;
}

export interface EchoHost {
  hostname: string;
  ips: string[]; // every address of the pod, loopback first
  name?: string; // WHOAMI_NAME / NAME_APPLICATION
}

/** traefik/whoami: Hostname, IPs, RemoteAddr, then the request line and headers */
export function whoamiBody(req: EchoRequest, host: EchoHost): string {
  const lines = [`Hostname: ${host.hostname}`];
  if (host.name) lines.push(`Name: ${host.name}`);
  for (const ip of host.ips) lines.push(`IP: ${ip}`);
  // Go shows IPv4-mapped peers as plain IPv4
  const addr = req.remoteAddress.replace(/^::ffff:/, '');
  const remote = addr.includes(':') ? `[${addr}]` : addr;
  lines.push(`RemoteAddr: ${remote}:${req.remotePort}`);
  lines.push(`${req.method} ${req.url} HTTP/${req.httpVersion}`);
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  return lines.join('\n') + '\n\n';
}

function header(req: EchoRequest, name: string): string | undefined {
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) if (req.rawHeaders[i].toLowerCase() === name) return req.rawHeaders[i + 1];
  return undefined;
}

/** amsy810/echo-nginx: one line built from nginx variables ($host has no port; missing values are "-") */
export function echoNginxBody(req: EchoRequest, host: EchoHost): string {
  const hostHeader = (header(req, 'host') ?? host.hostname).replace(/:\d+$/, '');
  const xff = header(req, 'x-forwarded-for') ?? '-';
  const client = req.remoteAddress.replace(/^::ffff:/, '');
  return `Host=${hostHeader} Path=${req.url} From=${host.hostname} ClientIP=${client} XFF=${xff}\n`;
}

/** the port an echo server listens on: --port/-port flag, then the image's env var, then its default */
export function echoPort(mode: string, args: string[], env: Record<string, string | undefined>): number {
  for (let i = 0; i < args.length; i++) {
    const m = /^--?port(?:=(\d+))?$/.exec(args[i]);
    if (m) return Number(m[1] ?? args[i + 1]);
  }
  const num = (v: string | undefined) => (v && /^\d+$/.test(v) ? Number(v) : undefined);
  if (mode === 'echo-nginx') {
    // NGINX_PORT may be a docker-link value (tcp://ip:port) when a Service "nginx" exists; only a number counts
    return num(env.NGINX_PORT) ?? 80;
  }
  if (mode === 'whoami') return num(env.WHOAMI_PORT_NUMBER) ?? 80;
  return num(env.PORT) ?? 8080;
}
