// CNI errors: a code from the spec's well-known list (or 100+ for ours) that main.ts prints
// as {cniVersion, code, msg, details} on stdout with exit status 1.

export const CNI_ERR = {
  incompatibleVersion: 1,
  unsupportedField: 2,
  containerUnknown: 3,
  invalidEnv: 4,
  ioFailure: 5,
  decodeFailure: 6,
  invalidConfig: 7,
  tryAgainLater: 11,
  // plugin specific (100+)
  checkFailed: 100,
  subnetExhausted: 101,
  linkSetupFailed: 102,
} as const;

export class CniError extends Error {
  constructor(
    readonly code: number,
    msg: string,
    readonly details = '',
  ) {
    super(msg);
  }
}

export function toCniError(e: unknown): CniError {
  if (e instanceof CniError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new CniError(CNI_ERR.linkSetupFailed, 'svcnet-bridge failed', msg);
}
