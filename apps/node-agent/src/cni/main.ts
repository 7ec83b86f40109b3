// The svcnet-bridge CNI plugin executable: CNI_* env + network config on stdin, result or
// error JSON on stdout, exit status 1 on error. Containerd's CRI plugin runs it per sandbox.
import { parseNetConf, type NetConf } from './cni-config';
import { parseCniEnv } from './cni-env';
import { CNI_ERR, CniError, toCniError } from './cni-errors';
import { renderError, renderVersionResult } from './cni-result';
import { hasCheck } from './cni-version';
import { cmdAdd, cmdCheck, cmdDel } from './plugin';
import { fileLog, type PluginLog } from './plugin-log';

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let s = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (d: string) => (s += d));
    process.stdin.on('end', () => resolve(s));
    process.stdin.on('error', reject);
  });
}

function peekVersion(stdin: string): string | undefined {
  try {
    const v = (JSON.parse(stdin) as { cniVersion?: unknown }).cniVersion;
    return typeof v === 'string' ? v : undefined;
  } catch {
    // not JSON: parseNetConf reports the decode error with the proper CNI code
    return undefined;
  }
}

export async function runPlugin(env: NodeJS.ProcessEnv, stdin: string): Promise<{ stdout: string; exitCode: number }> {
  let conf: NetConf | undefined;
  let log: PluginLog = () => undefined;
  const started = Date.now();
  try {
    const e = parseCniEnv(env);
    if (e.command === 'VERSION') return { stdout: JSON.stringify(renderVersionResult()), exitCode: 0 };
    conf = parseNetConf(stdin);
    log = fileLog(conf.logFile, { command: e.command, containerId: e.containerId, netns: e.netns, ifname: e.ifname });
    switch (e.command) {
      case 'ADD':
        return { stdout: JSON.stringify(await cmdAdd(conf, e, log)), exitCode: 0 };
      case 'DEL':
        await cmdDel(conf, e, log);
        return { stdout: '', exitCode: 0 };
      case 'CHECK':
        if (!hasCheck(conf.cniVersion)) throw new CniError(CNI_ERR.incompatibleVersion, `CHECK is not defined for cniVersion ${conf.cniVersion}`);
        await cmdCheck(conf, e, log);
        return { stdout: '', exitCode: 0 };
    }
  } catch (err) {
    const ce = toCniError(err);
    log('error', ce.message, { code: ce.code, details: ce.details, ms: Date.now() - started });
    return { stdout: JSON.stringify(renderError(conf?.cniVersion ?? peekVersion(stdin), ce)), exitCode: 1 };
  }
}

async function main(): Promise<void> {
  const stdin = process.env.CNI_COMMAND === 'VERSION' && process.stdin.isTTY ? '' : await readStdin();
  const r = await runPlugin(process.env, stdin);
  if (r.stdout) process.stdout.write(r.stdout + '\n');
  process.exitCode = r.exitCode;
}

if (require.main === module) void main();
