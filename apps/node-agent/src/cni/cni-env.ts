// The CNI_* environment of one invocation, validated (pure). Containerd always sets them; a
// missing or malformed one is the runtime's bug, reported as code 4.
import { isValidIfname } from '@svcnet/netns';
import { CNI_ERR, CniError } from './cni-errors';

export type CniCommand = 'ADD' | 'DEL' | 'CHECK' | 'VERSION';

export interface CniEnv {
  command: CniCommand;
  containerId: string;
  // path of the sandbox netns; may be empty or gone on DEL
  netns: string;
  ifname: string;
  path: string[];
}

// libcni's rule for container IDs
const ID_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;


export function parseCniEnv(env: NodeJS.ProcessEnv): CniEnv {
  const command = env.CNI_COMMAND;
  if (command !== 'ADD' && command !== 'DEL' && command !== 'CHECK' && command !== 'VERSION')
    throw new CniError(CNI_ERR.invalidEnv, `CNI_COMMAND: ${JSON.stringify(command ?? '')} is not one of ADD, DEL, CHECK, VERSION`);
  const e: CniEnv = {
    command,
    containerId: env.CNI_CONTAINERID ?? '',
    netns: env.CNI_NETNS ?? '',
    ifname: env.CNI_IFNAME ?? '',
    path: (env.CNI_PATH ?? '').split(':').filter(Boolean),
  };
  if (command === 'VERSION') return e;
  if (!ID_RE.test(e.containerId)) throw new CniError(CNI_ERR.invalidEnv, `CNI_CONTAINERID: ${JSON.stringify(e.containerId)} is not a valid container ID`);
  if (!isValidIfname(e.ifname)) throw new CniError(CNI_ERR.invalidEnv, `CNI_IFNAME: ${JSON.stringify(e.ifname)} is not a valid interface name`);
  if (command !== 'DEL' && !e.netns.startsWith('/')) throw new CniError(CNI_ERR.invalidEnv, `CNI_NETNS: ${JSON.stringify(e.netns)} must be an absolute path`);
  return e;
}
