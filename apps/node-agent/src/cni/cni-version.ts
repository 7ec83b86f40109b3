// Spec versions this plugin speaks. 0.3.x/0.4.0 and 1.0.0 results differ only in ips[].version;
// CHECK exists from 0.4.0 on.
export const SUPPORTED_VERSIONS = ['0.3.0', '0.3.1', '0.4.0', '1.0.0'] as const;
export const LATEST_VERSION = '1.0.0';

export function isSupportedVersion(v: unknown): v is string {
  return typeof v === 'string' && (SUPPORTED_VERSIONS as readonly string[]).includes(v);
}

export function hasCheck(v: string): boolean {
  return v !== '0.3.0' && v !== '0.3.1';
}
