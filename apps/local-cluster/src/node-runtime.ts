// Each local node's container runtime: a containerd of its own, running in the node's network
// namespace (so CNI wires pods onto that node's bridge) with its own root, state, socket and
// runc root, and registry hosts that try the real registry first and the cluster's local
// registry of stand-in images second. Stopping a node's runtime stops its pods through CRI
// first, so no netns, mount or shim outlives `svcnet down`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CriClient } from '@svcnet/cri-client';
import { TUTORIAL_REGISTRIES, killRuncContainers, killShims, renderContainerdConfig, renderRegistryHosts, startContainerd, unmountUnder, writeRegistryHosts, type ContainerdProcess } from '@svcnet/containerd';
import type { LocalNode } from './topology';

export const SANDBOX_IMAGE = 'registry.k8s.io/pause:3.6';

export interface NodeRuntimePaths {
  config: string;
  root: string;
  state: string;
  socket: string;
  runcRoot: string;
  cniBin: string;
  cniConf: string;
  registryHosts: string;
  log: string;
}

/** where a node's containerd keeps things: persistent under the state dir, the rest under the run dir */
export function nodeRuntimePaths(stateDir: string, runDir: string, node: LocalNode): NodeRuntimePaths {
  const persistent = path.join(stateDir, 'containerd', node.name);
  const volatile = path.join(runDir, 'containerd', node.name);
  return {
    config: path.join(persistent, 'config.toml'),
    root: path.join(persistent, 'root'),
    state: path.join(volatile, 'state'),
    socket: path.join(volatile, 'containerd.sock'),
    runcRoot: path.join(volatile, 'runc'),
    cniBin: path.join(stateDir, 'nodes', node.name, 'cni', 'bin'),
    cniConf: path.join(stateDir, 'nodes', node.name, 'cni', 'net.d'),
    registryHosts: path.join(persistent, 'certs.d'),
    log: path.join(runDir, 'logs', `containerd-${node.name}.log`),
  };
}

export async function startNodeRuntime(node: LocalNode, p: NodeRuntimePaths, mirrorUrl: string): Promise<ContainerdProcess> {
  fs.mkdirSync(path.dirname(p.config), { recursive: true });
  fs.writeFileSync(
    p.config,
    renderContainerdConfig({
      root: p.root,
      state: p.state,
      socket: p.socket,
      cniBinDir: p.cniBin,
      cniConfDir: p.cniConf,
      registryConfigDir: p.registryHosts,
      sandboxImage: SANDBOX_IMAGE,
      runcRoot: p.runcRoot,
      // pod netns under the node's state dir: nodes never see each other's, and a crashed
      // cluster's leftovers are found by path
      netnsMountsUnderStateDir: true,
    }),
  );
  await writeRegistryHosts(p.registryHosts, renderRegistryHosts(TUTORIAL_REGISTRIES(mirrorUrl)));
  return startContainerd({ configPath: p.config, socket: p.socket, netnsPath: `/run/netns/${node.netns}`, logFile: p.log });
}

/** stops every pod of the node (CRI), then containerd, then whatever a crash left behind */
export async function stopNodeRuntime(p: NodeRuntimePaths, proc?: ContainerdProcess | { pid: number }): Promise<void> {
  if (fs.existsSync(p.socket)) {
    const cri = new CriClient({ endpoint: `unix://${p.socket}`, callTimeoutMs: 10_000 });
    try {
      for (const sb of await cri.listPodSandbox()) await cri.stopPodSandbox(sb.id).catch(() => undefined);
    } catch {
      /* containerd not answering: the kill below cleans up */
    } finally {
      cri.close();
    }
  }
  if (proc && 'stop' in proc) await proc.stop();
  else if (proc) {
    try {
      process.kill(proc.pid, 'SIGTERM');
    } catch {
      /* gone */
    }
  }
  await killShims(p.socket).catch(() => undefined);
  await killRuncContainers(p.runcRoot).catch(() => undefined);
  await unmountUnder(p.state, p.root).catch(() => undefined);
  fs.rmSync(p.socket, { force: true });
}

/** the cgroup parent of a node's pods (the kubelet's --cgroup-root) */
export function nodeCgroupRoot(prefix: string, node: LocalNode): string {
  return `/${prefix}/${node.name}`;
}

/** rmdir what is left of a node's cgroups once its pods are gone (pod dirs first, then the node's,
 *  then the cluster's if empty); busy directories stay */
export function removeNodeCgroups(root: string): void {
  const mount = '/sys/fs/cgroup';
  let hierarchies: string[] = [];
  try {
    hierarchies = fs.readdirSync(mount);
  } catch {
    return; // no cgroupfs
  }
  const rmTree = (dir: string): void => {
    let entries: fs.Dirent[] = [];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // this hierarchy never had it
    }
    for (const e of entries) if (e.isDirectory()) rmTree(path.join(dir, e.name));
    try {
      fs.rmdirSync(dir);
    } catch {
      // EBUSY: a process is still in it; left for the next down
    }
  };
  for (const h of hierarchies) {
    rmTree(path.join(mount, h, root));
    try {
      fs.rmdirSync(path.join(mount, h, path.dirname(root)));
    } catch {
      // another node of the cluster still has pods there, or it never existed
    }
  }
}
