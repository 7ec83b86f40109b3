// Probes and lifecycle handlers (validateProbe, validateLifecycle, validateHandler).
import type { HTTPGetAction, Lifecycle, LifecycleHandler, Probe } from '@svcnet/api-types';
import { FieldError } from './field-error';
import { isValidPortName, isValidPortNum } from './name-formats';

const HTTP_SCHEMES = ['HTTP', 'HTTPS'];
const HTTP_HEADER_NAME = /^[-A-Za-z0-9!#$%&'*+.^_`|~]+$/;

function validatePortNumOrName(port: unknown, path: string): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => FieldError.invalid(path, port, m));
  if (typeof port === 'string') return isValidPortName(port).map((m) => FieldError.invalid(path, port, m));
  return [FieldError.invalid(path, port, 'must be an integer or a string')];
}

function validateHttpGet(h: HTTPGetAction, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!h.path) errs.push(FieldError.required(`${path}.path`));
  errs.push(...validatePortNumOrName(h.port, `${path}.port`));
  if (h.scheme !== undefined && !HTTP_SCHEMES.includes(h.scheme)) errs.push(FieldError.notSupported(`${path}.scheme`, h.scheme, HTTP_SCHEMES));
  (h.httpHeaders ?? []).forEach((hd, i) => {
    if (!HTTP_HEADER_NAME.test(hd.name ?? '')) {
      errs.push(FieldError.invalid(`${path}.httpHeaders[${i}].name`, hd.name ?? '', "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')"));
    }
  });
  return errs;
}

/** One handler of exec, httpGet, tcpSocket, grpc (probes) or sleep (lifecycle). */
function validateHandler(h: Probe | LifecycleHandler, kinds: readonly string[], path: string): FieldError[] {
  const raw = h as Record<string, unknown>;
  const set = kinds.filter((k) => raw[k] !== undefined && raw[k] !== null);
  if (set.length === 0) return [FieldError.required(path, 'must specify a handler type')];
  const errs = set.slice(1).map((k) => FieldError.forbidden(`${path}.${k}`, 'may not specify more than 1 handler type'));
  if (h.exec && !h.exec.command?.length) errs.push(FieldError.required(`${path}.exec.command`));
  if (h.httpGet) errs.push(...validateHttpGet(h.httpGet, `${path}.httpGet`));
  if (h.tcpSocket) errs.push(...validatePortNumOrName(h.tcpSocket.port, `${path}.tcpSocket.port`));
  const grpc = (h as Probe).grpc;
  if (grpc) errs.push(...isValidPortNum(grpc.port).map((m) => FieldError.invalid(`${path}.grpc.port`, grpc.port, m)));
  const sleep = (h as LifecycleHandler).sleep;
  if (sleep && !(sleep.seconds >= 0)) errs.push(FieldError.invalid(`${path}.sleep.seconds`, sleep.seconds, 'must be greater than or equal to 0'));
  return errs;
}

/** kind: readiness probes may report success after several tries; the others must use 1. */
export function validateProbe(p: Probe | undefined, kind: 'readiness' | 'liveness' | 'startup', path: string): FieldError[] {
  if (!p) return [];
  const errs = validateHandler(p, ['exec', 'httpGet', 'tcpSocket', 'grpc'], path);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const) {
    const v = p[f];
    if (v !== undefined && v < 0) errs.push(FieldError.invalid(`${path}.${f}`, v, 'must be greater than or equal to 0'));
  }
  if (kind !== 'readiness' && p.successThreshold !== undefined && p.successThreshold !== 1) {
    errs.push(FieldError.invalid(`${path}.successThreshold`, p.successThreshold, 'must be 1'));
  }
  if (kind === 'readiness' && p.terminationGracePeriodSeconds !== undefined) {
    errs.push(FieldError.invalid(`${path}.terminationGracePeriodSeconds`, p.terminationGracePeriodSeconds, 'must not be set for readinessProbes'));
  }
  if (p.terminationGracePeriodSeconds !== undefined && p.terminationGracePeriodSeconds <= 0) {
    errs.push(FieldError.invalid(`${path}.terminationGracePeriodSeconds`, p.terminationGracePeriodSeconds, 'must be greater than 0'));
  }
  return errs;
}

export function validateLifecycle(l: Lifecycle | undefined, path: string): FieldError[] {
  if (!l) return [];
  const errs: FieldError[] = [];
  for (const k of ['postStart', 'preStop'] as const) {
    const h = l[k];
    if (h) errs.push(...validateHandler(h, ['exec', 'httpGet', 'tcpSocket', 'sleep'], `${path}.${k}`));
  }
  return errs;
}
