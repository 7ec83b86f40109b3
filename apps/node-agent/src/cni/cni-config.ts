// The network configuration: what the node-agent writes to the CNI conf dir (renderCniConfList)
// and what the plugin reads on stdin (parseNetConf). Pure; errors name the offending field.
import { isAbsolute } from 'node:path';
import { CNI_ERR, CniError } from './cni-errors';
import { isSupportedVersion, LATEST_VERSION, SUPPORTED_VERSIONS } from './cni-version';
import { cidrContains, cidrLast, formatIPv4, isIPv4, mustParseIPv4 } from '@svcnet/ipnet';
import { parseSubnet } from './ipam-choice';

export const PLUGIN_TYPE = 'svcnet-bridge';
// containerd 1.6 (go-cni on libcni 1.x) and the installed loopback/portmap all speak 1.0.0
export const CONFLIST_VERSION = LATEST_VERSION;

export interface NetConf {
  cniVersion: string;
  name: string;
  type: typeof PLUGIN_TYPE;
  bridge: string;
  subnet: string;
  gateway: string;
  dataDir: string;
  mtu?: number;
  hairpinMode: boolean;
  logFile?: string;
  // set by the runtime for CHECK (and DEL in 1.0.0): the ADD result
  prevResult?: unknown;
}

export interface ConfListOptions {
  name: string;
  bridge: string;
  subnet: string;
  dataDir: string;
  logFile?: string;
  mtu?: number;
}

// libcni's rule for network names
const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
// stricter than the kernel (see @svcnet/netns isValidIfname): what a bridge in a config may be called
const LINK_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,14}$/;
// IFNAMSIZ is 16 with the NUL

const invalid = (field: string, why: string) => new CniError(CNI_ERR.invalidConfig, `invalid network config: ${field}: ${why}`);

export function parseNetConf(json: string | unknown): NetConf {
  let raw: unknown = json;
  if (typeof json === 'string') {
    try {
      raw = JSON.parse(json);
    } catch (e) {
      throw new CniError(CNI_ERR.decodeFailure, 'network config is not JSON', (e as Error).message);
    }
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new CniError(CNI_ERR.decodeFailure, 'network config must be a JSON object');
  const c = raw as Record<string, unknown>;

  if (!isSupportedVersion(c.cniVersion))
    throw new CniError(CNI_ERR.incompatibleVersion, `cniVersion: ${JSON.stringify(c.cniVersion)} is not supported (supported: ${SUPPORTED_VERSIONS.join(', ')})`);
  if (typeof c.name !== 'string' || !NAME_RE.test(c.name)) throw invalid('name', `${JSON.stringify(c.name)} must match ${NAME_RE.source}`);
  if (c.type !== PLUGIN_TYPE) throw invalid('type', `${JSON.stringify(c.type)} must be "${PLUGIN_TYPE}"`);
  if (typeof c.bridge !== 'string' || !LINK_RE.test(c.bridge)) throw invalid('bridge', `${JSON.stringify(c.bridge)} must be an interface name (max 15 chars)`);
  if (typeof c.subnet !== 'string') throw invalid('subnet', 'required, an IPv4 CIDR such as 10.244.1.0/24');
  let subnet;
  try {
    subnet = parseSubnet(c.subnet);
  } catch (e) {
    throw invalid('subnet', (e as Error).message);
  }
  // the first host address is the bridge/gateway by default
  let gateway = formatIPv4(subnet.base + 1);
  if (c.gateway !== undefined) {
    if (!isIPv4(c.gateway)) throw invalid('gateway', `${JSON.stringify(c.gateway)} is not an IPv4 address`);
    const g = mustParseIPv4(c.gateway);
    if (!cidrContains(subnet, g) || g === subnet.base || g === cidrLast(subnet)) throw invalid('gateway', `${c.gateway} is not a host address of ${c.subnet}`);
    gateway = c.gateway;
  }
  if (typeof c.dataDir !== 'string' || !isAbsolute(c.dataDir)) throw invalid('dataDir', `${JSON.stringify(c.dataDir)} must be an absolute path`);
  if (c.mtu !== undefined && (!Number.isInteger(c.mtu) || (c.mtu as number) < 68 || (c.mtu as number) > 65535))
    throw invalid('mtu', `${JSON.stringify(c.mtu)} must be an integer 68..65535`);
  if (c.hairpinMode !== undefined && typeof c.hairpinMode !== 'boolean') throw invalid('hairpinMode', `${JSON.stringify(c.hairpinMode)} must be a boolean`);
  if (c.logFile !== undefined && (typeof c.logFile !== 'string' || !isAbsolute(c.logFile))) throw invalid('logFile', `${JSON.stringify(c.logFile)} must be an absolute path`);

  return {
    cniVersion: c.cniVersion,
    name: c.name,
    type: PLUGIN_TYPE,
    bridge: c.bridge,
    subnet: c.subnet,
    gateway,
    dataDir: c.dataDir,
    ...(c.mtu !== undefined ? { mtu: c.mtu as number } : {}),
    hairpinMode: c.hairpinMode ?? true,
    ...(c.logFile !== undefined ? { logFile: c.logFile as string } : {}),
    ...(c.prevResult !== undefined ? { prevResult: c.prevResult } : {}),
  };
}

/** the conflist for containerd's CNI conf dir: one svcnet-bridge plugin. Throws (naming the
 *  field) on bad options, since libcni would inject name/cniVersion and the plugin reject it later. */
export function renderCniConfList(o: ConfListOptions): string {
  const plugin: Record<string, unknown> = {
    type: PLUGIN_TYPE,
    bridge: o.bridge,
    subnet: o.subnet,
    dataDir: o.dataDir,
    hairpinMode: true,
    ...(o.mtu !== undefined ? { mtu: o.mtu } : {}),
    ...(o.logFile !== undefined ? { logFile: o.logFile } : {}),
  };
  parseNetConf({ ...plugin, name: o.name, cniVersion: CONFLIST_VERSION });
  return JSON.stringify({ cniVersion: CONFLIST_VERSION, name: o.name, plugins: [plugin] }, null, 2) + '\n';
}
