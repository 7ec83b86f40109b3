// CriClient: the kubelet side of CRI (runtime.v1) over a unix socket, one typed async method
// per rpc. Each call has a deadline; calls that legitimately take long (pulls, exec with a
// timeout, stop with a grace period) get theirs extended rather than failing at callTimeoutMs.
import * as grpc from '@grpc/grpc-js';
import { criServiceConstructors } from './load';
import { grpcTarget } from './endpoint';
import { toCriError } from './errors';
import type {
  AttachRequest,
  AuthConfig,
  Container,
  ContainerConfig,
  ContainerFilter,
  ContainerStatusResult,
  ExecRequest,
  ExecSyncResult,
  FilesystemUsage,
  Image,
  ImageFilter,
  ImageStatusResult,
  LinuxContainerResources,
  PodSandbox,
  PodSandboxConfig,
  PodSandboxFilter,
  PodSandboxStatusResult,
  StatusResult,
  VersionResponse,
} from './types';

export interface CriClientOptions {
  /** "unix:///run/containerd/containerd.sock" or a plain absolute socket path. */
  endpoint: string;
  /** Deadline of ordinary calls. Default 30 s. */
  callTimeoutMs?: number;
  /** Deadline of PullImage. Default 15 min (large images over slow links). */
  pullTimeoutMs?: number;
}

const DEFAULT_CALL_TIMEOUT_MS = 30_000;
const DEFAULT_PULL_TIMEOUT_MS = 15 * 60_000;
// CRI caps ExecSync stdout and stderr at 16 MiB each; grpc-js' default receive limit is 4 MiB.
const MAX_MESSAGE_BYTES = 40 * 1024 * 1024;

export class CriClient {
  readonly endpoint: string;
  private readonly runtime: grpc.Client;
  private readonly images: grpc.Client;
  private readonly callTimeoutMs: number;
  private readonly pullTimeoutMs: number;

  constructor(opts: CriClientOptions) {
    this.endpoint = opts.endpoint;
    this.callTimeoutMs = opts.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS;
    this.pullTimeoutMs = opts.pullTimeoutMs ?? DEFAULT_PULL_TIMEOUT_MS;
    const target = grpcTarget(opts.endpoint);
    const { RuntimeService, ImageService } = criServiceConstructors();
    const channelOptions: grpc.ChannelOptions = {
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
    };
    const creds = grpc.credentials.createInsecure();
    this.runtime = new RuntimeService(target, creds, channelOptions);
    // Share the runtime client's channel: one connection to the socket for both services.
    this.images = new ImageService(target, creds, { ...channelOptions, channelOverride: this.runtime.getChannel() });
  }

  close(): void {
    this.images.close();
    this.runtime.close();
  }

  private call<Res>(client: grpc.Client, rpc: string, req: object, timeoutMs = this.callTimeoutMs): Promise<Res> {
    return new Promise((resolve, reject) => {
      const fn = (client as any)[rpc] as Function | undefined;
      if (typeof fn !== 'function') return reject(new Error(`CRI rpc ${rpc} is not in the loaded proto`));
      fn.call(client, req, { deadline: new Date(Date.now() + timeoutMs) }, (err: grpc.ServiceError | null, res: Res) => {
        if (err) reject(toCriError(rpc, err));
        else resolve(res);
      });
    });
  }

  private rt<Res>(rpc: string, req: object, timeoutMs?: number): Promise<Res> {
    return this.call<Res>(this.runtime, rpc, req, timeoutMs);
  }

  private img<Res>(rpc: string, req: object, timeoutMs?: number): Promise<Res> {
    return this.call<Res>(this.images, rpc, req, timeoutMs);
  }

  // ------------------------------------------------------------ runtime

  version(apiVersion = 'v1'): Promise<VersionResponse> {
    return this.rt('Version', { version: apiVersion });
  }

  async runPodSandbox(config: PodSandboxConfig, runtimeHandler = ''): Promise<string> {
    // Sandbox setup includes CNI ADD, which may itself wait on IPAM; allow a few call timeouts.
    const r = await this.rt<{ podSandboxId: string }>('RunPodSandbox', { config, runtimeHandler }, this.callTimeoutMs * 4);
    return r.podSandboxId;
  }

  async stopPodSandbox(podSandboxId: string): Promise<void> {
    await this.rt('StopPodSandbox', { podSandboxId }, this.callTimeoutMs * 4);
  }

  async removePodSandbox(podSandboxId: string): Promise<void> {
    await this.rt('RemovePodSandbox', { podSandboxId }, this.callTimeoutMs * 4);
  }

  async podSandboxStatus(podSandboxId: string, verbose = false): Promise<PodSandboxStatusResult> {
    const r = await this.rt<PodSandboxStatusResult>('PodSandboxStatus', { podSandboxId, verbose });
    return { status: r.status, info: r.info ?? {} };
  }

  async listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]> {
    const r = await this.rt<{ items: PodSandbox[] }>('ListPodSandbox', filter ? { filter } : {});
    return r.items;
  }

  async createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    const r = await this.rt<{ containerId: string }>('CreateContainer', { podSandboxId, config, sandboxConfig });
    return r.containerId;
  }

  async startContainer(containerId: string): Promise<void> {
    await this.rt('StartContainer', { containerId });
  }

  /** timeoutSeconds: grace period before SIGKILL (0 = kill now). */
  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    await this.rt('StopContainer', { containerId, timeout: timeoutSeconds }, timeoutSeconds * 1000 + this.callTimeoutMs);
  }

  async removeContainer(containerId: string): Promise<void> {
    await this.rt('RemoveContainer', { containerId });
  }

  async listContainers(filter?: ContainerFilter): Promise<Container[]> {
    const r = await this.rt<{ containers: Container[] }>('ListContainers', filter ? { filter } : {});
    return r.containers;
  }

  async containerStatus(containerId: string, verbose = false): Promise<ContainerStatusResult> {
    const r = await this.rt<ContainerStatusResult>('ContainerStatus', { containerId, verbose });
    return { status: r.status, info: r.info ?? {} };
  }

  async updateContainerResources(containerId: string, linux: LinuxContainerResources, annotations?: Record<string, string>): Promise<void> {
    await this.rt('UpdateContainerResources', { containerId, linux, annotations: annotations ?? {} });
  }

  async reopenContainerLog(containerId: string): Promise<void> {
    await this.rt('ReopenContainerLog', { containerId });
  }

  /** timeoutSeconds: 0 = no limit on the command (the call deadline still applies). */
  async execSync(containerId: string, cmd: string[], timeoutSeconds = 0): Promise<ExecSyncResult> {
    const deadline = timeoutSeconds > 0 ? timeoutSeconds * 1000 + this.callTimeoutMs : this.callTimeoutMs;
    const r = await this.rt<ExecSyncResult>('ExecSync', { containerId, cmd, timeout: timeoutSeconds }, deadline);
    return { stdout: Buffer.from(r.stdout ?? []), stderr: Buffer.from(r.stderr ?? []), exitCode: r.exitCode };
  }

  /** Returns the streaming server URL to connect to (SPDY/WebSocket upgrade). */
  async exec(req: ExecRequest): Promise<string> {
    return (await this.rt<{ url: string }>('Exec', req)).url;
  }

  async attach(req: AttachRequest): Promise<string> {
    return (await this.rt<{ url: string }>('Attach', req)).url;
  }

  async portForward(podSandboxId: string, ports: number[] = []): Promise<string> {
    return (await this.rt<{ url: string }>('PortForward', { podSandboxId, port: ports })).url;
  }

  async status(verbose = false): Promise<StatusResult> {
    const r = await this.rt<StatusResult>('Status', { verbose });
    return { status: r.status, info: r.info ?? {} };
  }

  // ------------------------------------------------------------ images

  async listImages(filter?: ImageFilter): Promise<Image[]> {
    const r = await this.img<{ images: Image[] }>('ListImages', filter ? { filter } : {});
    return r.images;
  }

  async imageStatus(imageRef: string, verbose = false): Promise<ImageStatusResult> {
    const r = await this.img<{ image: Image | null; info: Record<string, string> }>('ImageStatus', { image: { image: imageRef }, verbose });
    return r.image ? { image: r.image, info: r.info ?? {} } : { info: r.info ?? {} };
  }

  /** Returns the image reference containerd resolved (sha256:... image id). */
  async pullImage(imageRef: string, auth?: AuthConfig, sandboxConfig?: PodSandboxConfig): Promise<string> {
    const req: Record<string, unknown> = { image: { image: imageRef } };
    if (auth) req.auth = auth;
    if (sandboxConfig) req.sandboxConfig = sandboxConfig;
    const r = await this.img<{ imageRef: string }>('PullImage', req, this.pullTimeoutMs);
    return r.imageRef;
  }

  async removeImage(imageRef: string): Promise<void> {
    await this.img('RemoveImage', { image: { image: imageRef } });
  }

  async imageFsInfo(): Promise<FilesystemUsage[]> {
    const r = await this.img<{ imageFilesystems: FilesystemUsage[] }>('ImageFsInfo', {});
    return r.imageFilesystems;
  }
}
