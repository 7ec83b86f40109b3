// The node side of pod networking: forwarding on, the CNI plugin installed where containerd
// looks for it, and the agent's socket the plugin's shim hands its calls to.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderCniConfList } from './cni/cni-config';
import { installCniPlugin } from './cni/install';
import { startPluginServer } from './cni/plugin-server';
import { enableForwarding } from './node-routes';

export interface PodNetworkOptions {
  stateDir: string;
  podCIDR: string;
  bridge: string;
  /** containerd's CNI directories; default <stateDir>/cni/{bin,net.d} */
  binDir?: string;
  confDir?: string;
}

export interface PodNetwork {
  /** stops serving CNI calls: from then on the shim runs the plugin executable itself */
  close(): void;
}

export async function setUpPodNetwork(o: PodNetworkOptions): Promise<PodNetwork> {
  await enableForwarding();
  const cniSocket = path.join(o.stateDir, 'cni', 'agent.sock');
  fs.mkdirSync(path.dirname(cniSocket), { recursive: true });
  const cniServer = await startPluginServer(cniSocket);
  installCniPlugin({
    agentSocket: cniSocket,
    binDir: o.binDir ?? path.join(o.stateDir, 'cni', 'bin'),
    confDir: o.confDir ?? path.join(o.stateDir, 'cni', 'net.d'),
    conflist: renderCniConfList({ name: 'svcnet', bridge: o.bridge, subnet: o.podCIDR, dataDir: path.join(o.stateDir, 'cni', 'ipam'), logFile: path.join(o.stateDir, 'cni', 'cni.log') }),
  });
  return {
    close: () => {
      cniServer.close();
      fs.rmSync(cniSocket, { force: true });
    },
  };
}
