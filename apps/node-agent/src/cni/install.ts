// Puts the plugin where containerd's CRI looks: binDir gets a svcnet-bridge shim plus the
// loopback (CRI always runs it) and portmap plugins; confDir gets our conflist. Idempotent, and
// every file appears atomically (tmp + rename), since containerd watches confDir and may run
// binaries at any moment.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { PLUGIN_TYPE } from './cni-config';

export const CONFLIST_FILE = '10-svcnet.conflist';
export const SYSTEM_PLUGIN_DIRS = ['/usr/lib/cni', '/opt/cni/bin'];
const LINKED_PLUGINS = ['loopback', 'portmap'];

export interface InstallOptions {
  binDir: string;
  confDir: string;
  conflist: string;
  nodeBinary?: string;
  /** the node-agent's plugin socket (plugin-server.ts): the shim hands calls there when it answers */
  agentSocket?: string;
  // where to find loopback/portmap; tests may override
  pluginDirs?: string[];
}

function atomicWrite(path: string, content: string, mode: number): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, content, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, path);
}

function atomicSymlink(target: string, path: string): void {
  try {
    if (readlinkSync(path) === target) return;
  } catch {
    /* missing or not a link */
  }
  const tmp = `${path}.tmp-${process.pid}`;
  rmSync(tmp, { force: true });
  symlinkSync(target, tmp);
  renameSync(tmp, path);
}

export function shimScript(nodeBinary: string, mainJs: string, agentSocket?: string): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const direct = `exec ${q(nodeBinary)} ${q(mainJs)} "$@"`;
  if (!agentSocket) return `#!/bin/sh\n# svcnet-bridge CNI plugin (written by svcnet node-agent)\n${direct}\n`;
  // curl exits 7 when nothing listens on the socket: then the plugin runs here, from the same config
  return [
    '#!/bin/sh',
    '# svcnet-bridge CNI plugin (written by svcnet node-agent): handed to the agent over its socket,',
    '# or run here when the agent is not up',
    'conf=$(cat)',
    `sock=${q(agentSocket)}`,
    'if [ -S "$sock" ] && command -v curl >/dev/null 2>&1; then',
    '  printf %s "$conf" | curl -sS --fail-with-body --max-time 120 --unix-socket "$sock" -X POST \\',
    '    -H "CNI-Command: $CNI_COMMAND" -H "CNI-ContainerID: $CNI_CONTAINERID" -H "CNI-Netns: $CNI_NETNS" \\',
    '    -H "CNI-Ifname: $CNI_IFNAME" -H "CNI-Args: $CNI_ARGS" -H "CNI-Path: $CNI_PATH" \\',
    '    --data-binary @- http://svcnet-cni/ 2>/dev/null',
    '  rc=$?',
    '  [ $rc -ne 7 ] && exit $rc',
    'fi',
    `printf %s "$conf" | ${direct}`,
    '',
  ].join('\n');
}

/** a conf file of ours: its plugin (or any plugin of its list) is svcnet-bridge */
export function isSvcnetConf(text: string): boolean {
  try {
    const c = JSON.parse(text) as { type?: unknown; plugins?: { type?: unknown }[] };
    return c.type === PLUGIN_TYPE || (Array.isArray(c.plugins) && c.plugins.some((p) => p?.type === PLUGIN_TYPE));
  } catch {
    // not JSON: not a conf file of ours
    return false;
  }
}

export function installCniPlugin(o: InstallOptions): void {
  const nodeBinary = resolve(o.nodeBinary ?? process.execPath);
  const mainJs = join(__dirname, 'main.js');
  if (!existsSync(mainJs)) throw new Error(`installCniPlugin: ${mainJs} not found (run from the compiled dist/cni)`);
  if (!isAbsolute(o.binDir) || !isAbsolute(o.confDir)) throw new Error('installCniPlugin: binDir and confDir must be absolute');
  JSON.parse(o.conflist); // never hand containerd a broken file

  mkdirSync(o.binDir, { recursive: true });
  atomicWrite(join(o.binDir, PLUGIN_TYPE), shimScript(nodeBinary, mainJs, o.agentSocket), 0o755);
  for (const name of LINKED_PLUGINS) {
    const src = (o.pluginDirs ?? SYSTEM_PLUGIN_DIRS).map((d) => join(d, name)).find((p) => existsSync(p) && resolve(p) !== resolve(o.binDir, name));
    if (src) atomicSymlink(src, join(o.binDir, name));
    else if (!existsSync(join(o.binDir, name))) throw new Error(`installCniPlugin: CNI plugin "${name}" not found in ${(o.pluginDirs ?? SYSTEM_PLUGIN_DIRS).join(', ')}`);
  }

  mkdirSync(o.confDir, { recursive: true });
  // containerd loads the lexically first file; drop our older ones so they cannot win
  for (const f of readdirSync(o.confDir)) {
    if (f === CONFLIST_FILE || !/\.(conf|conflist)$/.test(f)) continue;
    const p = join(o.confDir, f);
    let text = '';
    try {
      text = readFileSync(p, 'utf8');
    } catch {
      // removed meanwhile or unreadable: nothing of ours to clean up there
      continue;
    }
    if (isSvcnetConf(text)) rmSync(p, { force: true });
  }
  atomicWrite(join(o.confDir, CONFLIST_FILE), o.conflist, 0o644);
}
