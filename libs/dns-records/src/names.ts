// Naming rules of the Kubernetes DNS spec: dashed IPs and the names we publish.
import { familyOf, isIPv4 } from '@svcnet/ipnet';

/** 10.1.2.3 -> 10-1-2-3, fd00::1 -> fd00--1 (as CoreDNS does for pod and endpoint names) */
export function dashedIP(ip: string): string {
  return ip.replace(/[.:]/g, '-');
}

/** Inverse of dashedIP; undefined when the label is not an address. */
export function ipFromDashed(label: string): string | undefined {
  const v4 = label.replace(/-/g, '.');
  if (isIPv4(v4)) return v4;
  if (!/^[0-9a-f-]+$/i.test(label) || !label.includes('-')) return undefined;
  const v6 = label.replace(/-/g, ':');
  const parts = v6.split('::');
  if (parts.length > 2) return undefined;
  const groups = v6.split(':').filter((g) => g !== '');
  if (groups.some((g) => g.length > 4)) return undefined;
  if (parts.length === 1 ? groups.length !== 8 : groups.length > 7) return undefined;
  return v6.toLowerCase();
}

export function isIPv6(ip: string): boolean {
  return familyOf(ip) === 6;
}

export function serviceFQDN(ns: string, svc: string, zone: string): string {
  return `${svc}.${ns}.svc.${zone}`;
}

/** The label a headless endpoint is published under: its hostname, else its dashed IP. */
export function endpointLabel(ep: { ip: string; hostname?: string }): string {
  return ep.hostname ? ep.hostname.toLowerCase() : dashedIP(ep.ip);
}
