// Result JSON for stdout (pure): the ADD result in the config's cniVersion, VERSION's answer,
// and the error object.
import type { CniError } from './cni-errors';
import { LATEST_VERSION, SUPPORTED_VERSIONS } from './cni-version';

export interface AddOutcome {
  hostVeth: { name: string; mac: string };
  container: { name: string; mac: string; sandbox: string };
  ip: string;
  gateway: string;
  mtu?: number;
}

export function renderAddResult(cniVersion: string, o: AddOutcome): Record<string, unknown> {
  // ips[].version exists before 1.0.0 only
  const pre1 = cniVersion !== '1.0.0';
  return {
    cniVersion,
    interfaces: [
      { name: o.hostVeth.name, mac: o.hostVeth.mac },
      { name: o.container.name, mac: o.container.mac, sandbox: o.container.sandbox },
    ],
    // interface: index into interfaces, here the container's eth0
    ips: [{ ...(pre1 ? { version: '4' } : {}), address: `${o.ip}/32`, gateway: o.gateway, interface: 1 }],
    routes: [{ dst: '0.0.0.0/0', gw: o.gateway }],
    dns: {},
  };
}

export function renderVersionResult(): Record<string, unknown> {
  return { cniVersion: LATEST_VERSION, supportedVersions: [...SUPPORTED_VERSIONS] };
}

export function renderError(cniVersion: string | undefined, e: CniError): Record<string, unknown> {
  return { cniVersion: cniVersion ?? LATEST_VERSION, code: e.code, msg: e.message, ...(e.details ? { details: e.details } : {}) };
}

/** the container IP a previous ADD result reported (for CHECK), if any */
export function prevResultIp(prev: unknown): string | undefined {
  const ips = (prev as { ips?: { address?: unknown }[] } | undefined)?.ips;
  const a = Array.isArray(ips) ? ips[0]?.address : undefined;
  return typeof a === 'string' ? a.split('/')[0] : undefined;
}
