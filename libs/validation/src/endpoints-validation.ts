// core/v1 Endpoints and discovery/v1 EndpointSlice checks.
import type { EndpointPort, Endpoints, EndpointSlice, EndpointSlicePort } from '@svcnet/api-types';
import { FieldError } from './field-error';
import { isNonSpecialIP, isValidIP, isValidIPv4, isValidIPv6 } from './ip-formats';
import { isDNS1123Label, isDNS1123Subdomain, isValidPortNum } from './name-formats';
import { validateObjectMeta } from './object-meta-validation';
import { PORT_PROTOCOLS } from './service-validation';

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const MAX_SLICE_ENDPOINTS = 1000;
const MAX_SLICE_PORTS = 100;

function validatePorts(ports: (EndpointPort | EndpointSlicePort)[], path: string, portRequired: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const pp = `${path}[${i}]`;
    if (portRequired && ports.length > 1 && !p.name) errs.push(FieldError.required(`${pp}.name`));
    else if (p.name) {
      errs.push(...isDNS1123Label(p.name).map((m) => FieldError.invalid(`${pp}.name`, p.name, m)));
      if (names.has(p.name)) errs.push(FieldError.duplicate(`${pp}.name`, p.name));
      names.add(p.name);
    }
    if (portRequired || p.port !== undefined) errs.push(...isValidPortNum(p.port).map((m) => FieldError.invalid(`${pp}.port`, p.port, m)));
    if (!p.protocol) {
      if (portRequired) errs.push(FieldError.required(`${pp}.protocol`));
    } else if (!PORT_PROTOCOLS.includes(p.protocol)) errs.push(FieldError.notSupported(`${pp}.protocol`, p.protocol, PORT_PROTOCOLS));
  });
  return errs;
}

export function validateEndpoints(ep: Endpoints): FieldError[] {
  const errs = validateObjectMeta(ep.metadata, true, isDNS1123Subdomain);
  (ep.subsets ?? []).forEach((s, i) => {
    const sp = `subsets[${i}]`;
    const addresses = [...(s.addresses ?? [])];
    if (addresses.length + (s.notReadyAddresses?.length ?? 0) === 0) {
      errs.push(FieldError.required(sp, 'must specify `addresses` or `notReadyAddresses`'));
    }
    for (const [list, items] of [['addresses', s.addresses ?? []], ['notReadyAddresses', s.notReadyAddresses ?? []]] as const) {
      items.forEach((a, j) => {
        const ap = `${sp}.${list}[${j}]`;
        const bad = isValidIP(a.ip ?? '');
        errs.push(...(bad.length ? bad : isNonSpecialIP(a.ip)).map((m) => FieldError.invalid(`${ap}.ip`, a.ip, m)));
        if (a.hostname) errs.push(...isDNS1123Label(a.hostname).map((m) => FieldError.invalid(`${ap}.hostname`, a.hostname, m)));
      });
    }
    errs.push(...validatePorts(s.ports ?? [], `${sp}.ports`, true));
  });
  return errs;
}

export function validateEndpointSlice(slice: EndpointSlice): FieldError[] {
  const errs = validateObjectMeta(slice.metadata, true, isDNS1123Subdomain);
  const type = slice.addressType;
  if (!type) errs.push(FieldError.required('addressType'));
  else if (!ADDRESS_TYPES.includes(type)) errs.push(FieldError.notSupported('addressType', type, ADDRESS_TYPES));
  const endpoints = slice.endpoints ?? [];
  if (endpoints.length > MAX_SLICE_ENDPOINTS) errs.push(FieldError.tooMany('endpoints', endpoints.length, MAX_SLICE_ENDPOINTS));
  endpoints.forEach((e, i) => {
    const ep = `endpoints[${i}]`;
    const addrs = e.addresses ?? [];
    if (addrs.length === 0) errs.push(FieldError.required(`${ep}.addresses`, 'must contain at least 1 address'));
    else if (addrs.length > 1) errs.push(FieldError.tooMany(`${ep}.addresses`, addrs.length, 1));
    addrs.forEach((a, j) => {
      const check = type === 'IPv4' ? isValidIPv4 : type === 'IPv6' ? isValidIPv6 : type === 'FQDN' ? isDNS1123Subdomain : () => [];
      errs.push(...check(a).map((m) => FieldError.invalid(`${ep}.addresses[${j}]`, a, m)));
    });
    if (e.hostname) errs.push(...isDNS1123Label(e.hostname).map((m) => FieldError.invalid(`${ep}.hostname`, e.hostname, m)));
    if (e.nodeName) errs.push(...isDNS1123Subdomain(e.nodeName).map((m) => FieldError.invalid(`${ep}.nodeName`, e.nodeName, m)));
  });
  const ports = slice.ports ?? [];
  if (ports.length > MAX_SLICE_PORTS) errs.push(FieldError.tooMany('ports', ports.length, MAX_SLICE_PORTS));
  errs.push(...validatePorts(ports, 'ports', false));
  return errs;
}
