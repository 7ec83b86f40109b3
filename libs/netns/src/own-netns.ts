// For a process that runs inside the namespace it configures (the node-agent in its node's
// netns, the CNI plugin that containerd starts there): routes and sysctls of "here". Other
// namespaces are always addressed by name (links.ts, sysctl.ts), never by being in them.
import { readFileSync, writeFileSync } from 'node:fs';
import { assertCidr, assertIPv4 } from './names';
import { run, tryRun } from './run';
import { assertSysctl, sysctlPath } from './sysctl';

/** /proc/sys is the network namespace of the process that opens it: this sets the caller's. */
export function setOwnSysctl(key: string, value: string | number): void {
  const v = assertSysctl(key, value);
  writeFileSync(sysctlPath(key), v);
}

export function getOwnSysctl(key: string): string {
  assertSysctl(key, 0);
  return readFileSync(sysctlPath(key), 'utf8').trim();
}

/** `ip route replace CIDR via GW` here */
export async function replaceOwnRoute(cidr: string, via: string): Promise<void> {
  await run('ip', ['route', 'replace', assertCidr(cidr), 'via', assertIPv4(via)], { timeoutMs: 15_000 });
}

/** `ip route del CIDR` here; a route that is already gone is fine */
export async function deleteOwnRoute(cidr: string): Promise<void> {
  await tryRun('ip', ['route', 'del', assertCidr(cidr)], { timeoutMs: 15_000 });
}
