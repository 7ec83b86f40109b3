// Runs one probe against a container: httpGet and tcpSocket from the node to the pod IP (as the
// kubelet does), exec inside the container through CRI ExecSync.
import * as http from 'node:http';
import * as net from 'node:net';
import type { Container, Probe } from '@svcnet/api-types';
import { resolveProbePort } from './probe-tracker';

export interface ProbeResult {
  success: boolean;
  message: string;
}

export interface ProbeTarget {
  podIP: string;
  container: Container;
  /** runs a command in the container (CRI ExecSync); timedOut when the deadline passed */
  exec(command: string[], timeoutMs: number): Promise<{ exitCode: number; output: string; timedOut?: boolean }>;
}

export function runProbe(probe: Probe, t: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  if (probe.httpGet) return httpProbe(probe.httpGet, t, timeoutMs);
  if (probe.tcpSocket) return tcpProbe(probe.tcpSocket, t, timeoutMs);
  if (probe.exec?.command?.length) return execProbe(probe.exec.command, t, timeoutMs);
  return Promise.resolve({ success: false, message: 'probe has no handler (httpGet, tcpSocket or exec)' });
}

function httpProbe(h: NonNullable<Probe['httpGet']>, t: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  const port = resolveProbePort(h.port, t.container.ports);
  if (!port) return Promise.resolve({ success: false, message: `unknown port ${h.port}` });
  const host = h.host || t.podIP;
  const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.32', Accept: '*/*' };
  for (const hh of h.httpHeaders ?? []) headers[hh.name] = hh.value;
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: h.path || '/', timeout: timeoutMs, headers }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve({ success: code >= 200 && code < 400, message: `HTTP probe failed with statuscode: ${code}` });
    });
    req.on('timeout', () => {
      req.destroy();
      resolve({ success: false, message: `Get "http://${host}:${port}${h.path || '/'}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)` });
    });
    req.on('error', (e) => resolve({ success: false, message: `Get "http://${host}:${port}${h.path || '/'}": ${e.message.replace(/^connect /, 'dial tcp ')}` }));
  });
}

function tcpProbe(s: NonNullable<Probe['tcpSocket']>, t: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  const port = resolveProbePort(s.port, t.container.ports);
  if (!port) return Promise.resolve({ success: false, message: `unknown port ${s.port}` });
  const host = s.host || t.podIP;
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const timer = setTimeout(() => {
      sock.destroy();
      resolve({ success: false, message: `dial tcp ${host}:${port}: i/o timeout` });
    }, timeoutMs);
    sock.on('connect', () => {
      clearTimeout(timer);
      sock.destroy();
      resolve({ success: true, message: '' });
    });
    sock.on('error', (e) => {
      clearTimeout(timer);
      resolve({ success: false, message: `dial tcp ${host}:${port}: ${e.message.replace(/^connect /, '')}` });
    });
  });
}

async function execProbe(command: string[], t: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  try {
    const r = await t.exec(command, timeoutMs);
    if (r.timedOut) return { success: false, message: `command ${JSON.stringify(command.join(' '))} timed out` };
    return { success: r.exitCode === 0, message: r.output.trim().slice(0, 1024) };
  } catch (e) {
    return { success: false, message: (e as Error).message };
  }
}
