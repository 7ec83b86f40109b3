// Test support: a throwaway node — a network namespace with a random name, a private
// containerd running in it (its own root, state, socket and runc root under a work dir), test
// images imported (the pause image and a busybox image), and the real node-agent process
// pointed at both. cleanup() removes all of it, also after failures: sandboxes through CRI,
// the agent, containerd, shims, mounts, cgroups, the work dir and the netns.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CriClient } from '@svcnet/cri-client';
import { importImageArchive, killRuncContainers, killShims, renderContainerdConfig, startContainerd, unmountUnder, type ContainerdProcess } from '@svcnet/containerd';
import { buildBusyboxImage, buildPauseImage } from '@svcnet/containerd/dist/testing/busybox-image';
import { startApp, type AppProcess } from '@svcnet/test-harness';

/** the busybox image every pod of the tests runs (IfNotPresent: no registry needed) */
export const TEST_IMAGE = 'docker.io/library/busybox:svcnet-test';

export function sh(cmd: string, args: string[], opts: { allowFail?: boolean; timeoutMs?: number } = {}): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', timeout: opts.timeoutMs ?? 15000, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    if (opts.allowFail) return '';
    const err = e as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')}: ${err.stderr || err.message}`);
  }
}

export interface ContainerdNodeOptions {
  nodeName: string;
  nodeIP: string;
  /** apiserver gRPC address (a unix socket crosses network namespaces) */
  apiserver: string;
  podCIDR?: string;
  /** extra node-agent flags */
  agentArgs?: string[];
  /** image archives (docker-archive/OCI) to import besides the test images */
  images?: string[];
  /**
   * The node's link to a network: the node IP goes on this interface with this prefix length
   * (instead of a /32 on lo), and start() brings it up. The test creates the interface in
   * `netns` after createNetns() and before start(), e.g. one end of a veth to another netns.
   */
  uplink?: { ifname: string; prefixLen: number };
}

export class ContainerdNode {
  readonly netns: string;
  readonly work: string;
  readonly socket: string;
  readonly stateDir: string;
  readonly runtimeState: string;
  private containerd?: ContainerdProcess;
  agent?: AppProcess;
  cri?: CriClient;
  private agentArgv: string[] = [];
  private netnsCreated = false;

  constructor(readonly o: ContainerdNodeOptions) {
    const id = randomBytes(3).toString('hex');
    this.netns = `svt-cn-${id}`;
    // not under /tmp: the CI checkout may be there, and containers get private mounts
    this.work = `/var/tmp/svcnet-node-${id}`;
    this.socket = path.join(this.work, 'containerd.sock');
    this.stateDir = path.join(this.work, 'agent');
    this.runtimeState = path.join(this.work, 'state');
  }

  /** creates the node netns (lo up) without starting anything; start() does it if needed */
  createNetns(): void {
    if (this.netnsCreated) return;
    sh('ip', ['netns', 'add', this.netns]);
    this.netnsCreated = true;
    sh('ip', ['-n', this.netns, 'link', 'set', 'lo', 'up']);
  }

  async start(): Promise<void> {
    const w = this.work;
    fs.mkdirSync(path.join(w, 'images'), { recursive: true });
    this.createNetns();
    if (this.o.uplink) {
      // the node's own address on its uplink (created by the test)
      sh('ip', ['-n', this.netns, 'addr', 'add', `${this.o.nodeIP}/${this.o.uplink.prefixLen}`, 'dev', this.o.uplink.ifname]);
      sh('ip', ['-n', this.netns, 'link', 'set', this.o.uplink.ifname, 'up']);
    } else {
      // the node's own address (on lo: nothing leaves the netns)
      sh('ip', ['-n', this.netns, 'addr', 'add', `${this.o.nodeIP}/32`, 'dev', 'lo']);
    }
    const cniBin = path.join(w, 'cni', 'bin');
    const cniConf = path.join(w, 'cni', 'net.d');
    const config = renderContainerdConfig({
      root: path.join(w, 'root'),
      state: this.runtimeState,
      socket: this.socket,
      cniBinDir: cniBin,
      cniConfDir: cniConf,
      registryConfigDir: path.join(w, 'certs.d'),
      sandboxImage: 'registry.k8s.io/pause:3.6',
      runcRoot: path.join(w, 'runc'),
    });
    fs.mkdirSync(path.join(w, 'certs.d'), { recursive: true });
    fs.writeFileSync(path.join(w, 'config.toml'), config);
    this.containerd = await startContainerd({ configPath: path.join(w, 'config.toml'), socket: this.socket, netnsPath: `/run/netns/${this.netns}`, logFile: path.join(w, 'containerd.log') });
    this.cri = new CriClient({ endpoint: `unix://${this.socket}` });
    const [pause, busybox] = await Promise.all([buildPauseImage(path.join(w, 'images')), buildBusyboxImage(path.join(w, 'images'), TEST_IMAGE)]);
    for (const a of [pause, busybox, ...(this.o.images ?? [])]) await importImageArchive(this.socket, a);
    this.agentArgv = [
      `--apiserver=${this.o.apiserver}`,
      '--insecure',
      `--node-name=${this.o.nodeName}`,
      `--node-ip=${this.o.nodeIP}`,
      `--state-dir=${this.stateDir}`,
      `--container-runtime-endpoint=unix://${this.socket}`,
      `--runtime-state-dir=${this.runtimeState}`,
      `--cni-bin-dir=${cniBin}`,
      `--cni-conf-dir=${cniConf}`,
      `--kubelet-socket=${path.join(w, 'kubelet.sock')}`,
      '--health-port=0',
      '--kubelet-port=0',
      '--heartbeat-interval=2',
      ...(this.o.podCIDR ? [`--pod-cidr=${this.o.podCIDR}`] : []),
      ...(this.o.agentArgs ?? []),
    ];
    await this.startAgent();
  }

  async startAgent(): Promise<AppProcess> {
    this.agent = await startApp({ app: 'node-agent', prefix: ['nsenter', `--net=/run/netns/${this.netns}`], args: this.agentArgv, readyTimeoutMs: 60_000 });
    return this.agent;
  }

  /** runs a command in the node's network namespace */
  inNode(cmd: string, args: string[], allowFail = false): string {
    return sh('nsenter', [`--net=/run/netns/${this.netns}`, cmd, ...args], { allowFail });
  }

  /** the host pid of a running container (its id with or without "containerd://") */
  containerPid(containerID: string): number {
    const id = containerID.replace('containerd://', '');
    const line = this.inNode('ctr', ['-a', this.socket, '-n', 'k8s.io', 'task', 'ls'])
      .split('\n')
      .find((l) => l.startsWith(id));
    const pid = Number(line?.trim().split(/\s+/)[1]);
    if (!pid) throw new Error(`no running task for container ${id}`);
    return pid;
  }

  /** runs a host command in the network namespace of the container with this pid (its pod's) */
  inPodNet(pid: number, cmd: string, args: string[], opts: { allowFail?: boolean; timeoutMs?: number } = {}): string {
    return sh('nsenter', ['-t', String(pid), '-n', cmd, ...args], opts);
  }

  /** the agent's logs, for failure messages */
  logs(): string {
    return `--- node-agent ${this.o.nodeName} ---\n${this.agent?.logs().slice(-6000) ?? ''}\n--- containerd ---\n${fs.existsSync(path.join(this.work, 'containerd.log')) ? fs.readFileSync(path.join(this.work, 'containerd.log'), 'utf8').slice(-3000) : ''}`;
  }

  async cleanup(): Promise<void> {
    await this.agent?.stop().catch(() => undefined);
    if (this.cri) {
      const sandboxes = await this.cri.listPodSandbox().catch(() => []);
      for (const sb of sandboxes) {
        await this.cri.stopPodSandbox(sb.id).catch(() => undefined);
        await this.cri.removePodSandbox(sb.id).catch(() => undefined);
      }
      this.cri.close();
    }
    await this.containerd?.stop().catch(() => undefined);
    await killShims(this.socket).catch(() => undefined);
    await killRuncContainers(path.join(this.work, 'runc')).catch(() => undefined);
    await unmountUnder(this.work).catch(() => undefined);
    // the pods' cgroups (cgroupfs driver: /<hierarchy>/svcnet/<node>/pod<uid>/<container>)
    for (const h of fs.existsSync('/sys/fs/cgroup') ? fs.readdirSync('/sys/fs/cgroup') : []) {
      const dir = path.join('/sys/fs/cgroup', h, 'svcnet', this.o.nodeName);
      if (fs.existsSync(dir)) removeCgroupTree(dir);
    }
    if (this.netnsCreated) sh('ip', ['netns', 'del', this.netns], { allowFail: true });
    fs.rmSync(this.work, { recursive: true, force: true });
  }
}

/** cgroup directories are removed bottom-up with rmdir (their files cannot be deleted) */
function removeCgroupTree(dir: string): void {
  try {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) removeCgroupTree(path.join(dir, e.name));
    fs.rmdirSync(dir);
  } catch {
    /* busy or gone */
  }
}
