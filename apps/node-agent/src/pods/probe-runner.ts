// Runs one probe against a container: httpGet and tcpSocket from the node to the pod IP (like
// kubelet), exec inside the container's namespaces via nsenter.
import * as http from 'node:http';
import * as net from 'node:net';
import { spawn } from 'node:child_process';
import type { Container, Probe } from '@svcnet/api-types';
import { resolveProbePort } from './probe-tracker';

export interface ProbeResult {
  success: boolean;
  message: string;
}

export interface ProbeTarget {
  podIP: string;
  container: Container;
  /** pid whose namespaces exec probes enter */
  pid: number;
  env: Map<string, string>;
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
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: h.path || '/', timeout: timeoutMs, headers: { 'User-Agent': 'kube-probe/1.32', Accept: '*/*' } }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve({ success: code >= 200 && code < 400, message: `HTTP probe returned ${code}` });
    });
    req.on('timeout', () => {
      req.destroy();
      resolve({ success: false, message: `Get "http://${host}:${port}${h.path || '/'}": context deadline exceeded` });
    });
    req.on('error', (e) => resolve({ success: false, message: `Get "http://${host}:${port}${h.path || '/'}": ${e.message}` }));
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
      resolve({ success: false, message: `dial tcp ${host}:${port}: ${e.message}` });
    });
  });
}

/** run a command inside the container (its net, uts and mount namespaces) with its env */
export function execInContainer(pid: number, command: string[], env: Map<string, string>, timeoutMs: number): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('nsenter', ['-t', String(pid), '-n', '-u', '-m', '--', ...command], { env: Object.fromEntries(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal === 'SIGKILL' ? -1 : 128), output });
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: 127, output: e.message });
    });
  });
}

async function execProbe(command: string[], t: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  const r = await execInContainer(t.pid, command, t.env, timeoutMs);
  if (r.code === -1) return { success: false, message: `command timed out after ${timeoutMs}ms` };
  return { success: r.code === 0, message: r.output.trim().slice(0, 1024) };
}
