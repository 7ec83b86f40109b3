// TypeScript shapes of the runtime.v1 messages, camelCase as proto-loader produces them.
// Request-side messages have optional fields (unset = proto default). Response-side messages
// have every field present (loader option defaults: true); unset sub-messages arrive as null.
// int64/uint64 are decimal strings; enums are their names.

export type Int64 = string;
export type Map = Record<string, string>;

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export type MountPropagation = 'PROPAGATION_PRIVATE' | 'PROPAGATION_HOST_TO_CONTAINER' | 'PROPAGATION_BIDIRECTIONAL';
export type NamespaceMode = 'POD' | 'CONTAINER' | 'NODE' | 'TARGET';
export type PodSandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';
export type ContainerState = 'CONTAINER_CREATED' | 'CONTAINER_RUNNING' | 'CONTAINER_EXITED' | 'CONTAINER_UNKNOWN';
export type SecurityProfileType = 'RuntimeDefault' | 'Unconfined' | 'Localhost';

// ---------------------------------------------------------------- shared

export interface VersionResponse {
  version: string;
  runtimeName: string;
  runtimeVersion: string;
  runtimeApiVersion: string;
}

export interface DNSConfig {
  servers?: string[];
  searches?: string[];
  options?: string[];
}

export interface PortMapping {
  protocol?: Protocol;
  containerPort?: number;
  hostPort?: number;
  hostIp?: string;
}

export interface IDMapping {
  hostId?: number;
  containerId?: number;
  length?: number;
}

export interface Mount {
  containerPath?: string;
  hostPath?: string;
  readonly?: boolean;
  selinuxRelabel?: boolean;
  propagation?: MountPropagation;
  uidMappings?: IDMapping[];
  gidMappings?: IDMapping[];
}

export interface UserNamespace {
  mode?: NamespaceMode;
  uids?: IDMapping[];
  gids?: IDMapping[];
}

export interface NamespaceOption {
  network?: NamespaceMode;
  pid?: NamespaceMode;
  ipc?: NamespaceMode;
  targetId?: string;
  usernsOptions?: UserNamespace;
}

export interface Int64Value {
  value: Int64 | number;
}

export interface UInt64Value {
  value: Int64;
}

export interface SecurityProfile {
  profileType?: SecurityProfileType;
  localhostRef?: string;
}

export interface SELinuxOption {
  user?: string;
  role?: string;
  type?: string;
  level?: string;
}

export interface KeyValue {
  key: string;
  value: string;
}

export interface ImageSpec {
  image: string;
  annotations?: Map;
  userSpecifiedImage?: string;
  runtimeHandler?: string;
}

export interface HugepageLimit {
  pageSize?: string;
  limit?: Int64 | number;
}

export interface LinuxContainerResources {
  cpuPeriod?: Int64 | number;
  cpuQuota?: Int64 | number;
  cpuShares?: Int64 | number;
  memoryLimitInBytes?: Int64 | number;
  oomScoreAdj?: Int64 | number;
  cpusetCpus?: string;
  cpusetMems?: string;
  hugepageLimits?: HugepageLimit[];
  unified?: Map;
  memorySwapLimitInBytes?: Int64 | number;
}

// ---------------------------------------------------------------- pod sandbox

export interface LinuxSandboxSecurityContext {
  namespaceOptions?: NamespaceOption;
  selinuxOptions?: SELinuxOption;
  runAsUser?: Int64Value;
  runAsGroup?: Int64Value;
  readonlyRootfs?: boolean;
  supplementalGroups?: (Int64 | number)[];
  privileged?: boolean;
  seccomp?: SecurityProfile;
  apparmor?: SecurityProfile;
  /** @deprecated use seccomp */
  seccompProfilePath?: string;
}

export interface LinuxPodSandboxConfig {
  cgroupParent?: string;
  securityContext?: LinuxSandboxSecurityContext;
  sysctls?: Map;
  overhead?: LinuxContainerResources;
  resources?: LinuxContainerResources;
}

export interface PodSandboxMetadata {
  name: string;
  uid: string;
  namespace: string;
  attempt?: number;
}

export interface PodSandboxConfig {
  metadata: PodSandboxMetadata;
  hostname?: string;
  logDirectory?: string;
  dnsConfig?: DNSConfig;
  portMappings?: PortMapping[];
  labels?: Map;
  annotations?: Map;
  linux?: LinuxPodSandboxConfig;
}

export interface PodIP {
  ip: string;
}

export interface PodSandboxNetworkStatus {
  ip: string;
  additionalIps: PodIP[];
}

export interface PodSandboxStatus {
  id: string;
  metadata: Required<PodSandboxMetadata> | null;
  state: PodSandboxState;
  createdAt: Int64;
  network: PodSandboxNetworkStatus | null;
  linux: { namespaces: { options: Required<Omit<NamespaceOption, 'usernsOptions'>> & { usernsOptions: UserNamespace | null } | null } | null } | null;
  labels: Map;
  annotations: Map;
  runtimeHandler: string;
}

export interface PodSandboxStatusResult {
  status: PodSandboxStatus;
  /** Verbose only: JSON strings keyed by name (containerd: "info"). */
  info: Map;
}

export interface PodSandboxFilter {
  id?: string;
  state?: { state: PodSandboxState };
  labelSelector?: Map;
}

export interface PodSandbox {
  id: string;
  metadata: Required<PodSandboxMetadata> | null;
  state: PodSandboxState;
  createdAt: Int64;
  labels: Map;
  annotations: Map;
  runtimeHandler: string;
}

// ---------------------------------------------------------------- containers

export interface Capability {
  addCapabilities?: string[];
  dropCapabilities?: string[];
  addAmbientCapabilities?: string[];
}

export interface LinuxContainerSecurityContext {
  capabilities?: Capability;
  privileged?: boolean;
  namespaceOptions?: NamespaceOption;
  selinuxOptions?: SELinuxOption;
  runAsUser?: Int64Value;
  runAsGroup?: Int64Value;
  runAsUsername?: string;
  readonlyRootfs?: boolean;
  supplementalGroups?: (Int64 | number)[];
  noNewPrivs?: boolean;
  maskedPaths?: string[];
  readonlyPaths?: string[];
  seccomp?: SecurityProfile;
  apparmor?: SecurityProfile;
  /** @deprecated use apparmor */
  apparmorProfile?: string;
  /** @deprecated use seccomp */
  seccompProfilePath?: string;
}

export interface LinuxContainerConfig {
  resources?: LinuxContainerResources;
  securityContext?: LinuxContainerSecurityContext;
}

export interface ContainerMetadata {
  name: string;
  attempt?: number;
}

export interface Device {
  containerPath: string;
  hostPath: string;
  permissions?: string;
}

export interface ContainerConfig {
  metadata: ContainerMetadata;
  image: ImageSpec;
  command?: string[];
  args?: string[];
  workingDir?: string;
  envs?: KeyValue[];
  mounts?: Mount[];
  devices?: Device[];
  labels?: Map;
  annotations?: Map;
  /** Relative to PodSandboxConfig.logDirectory. */
  logPath?: string;
  stdin?: boolean;
  stdinOnce?: boolean;
  tty?: boolean;
  linux?: LinuxContainerConfig;
  CDIDevices?: { name: string }[];
}

export interface ContainerFilter {
  id?: string;
  state?: { state: ContainerState };
  podSandboxId?: string;
  labelSelector?: Map;
}

export interface Container {
  id: string;
  podSandboxId: string;
  metadata: Required<ContainerMetadata> | null;
  image: Required<ImageSpec> | null;
  imageRef: string;
  state: ContainerState;
  createdAt: Int64;
  labels: Map;
  annotations: Map;
}

export interface ContainerStatus {
  id: string;
  metadata: Required<ContainerMetadata> | null;
  state: ContainerState;
  createdAt: Int64;
  /** "0" when not started. */
  startedAt: Int64;
  /** "0" when not finished. */
  finishedAt: Int64;
  exitCode: number;
  image: Required<ImageSpec> | null;
  imageRef: string;
  /** e.g. "Completed", "Error", "OOMKilled". */
  reason: string;
  message: string;
  labels: Map;
  annotations: Map;
  mounts: Required<Mount>[];
  logPath: string;
  resources: { linux: LinuxContainerResources | null } | null;
}

export interface ContainerStatusResult {
  status: ContainerStatus;
  /** Verbose only: containerd puts a JSON document under "info" (pid, runtimeSpec, ...). */
  info: Map;
}

// ---------------------------------------------------------------- exec / attach / port-forward

export interface ExecSyncResult {
  stdout: Buffer;
  stderr: Buffer;
  exitCode: number;
}

export interface ExecRequest {
  containerId: string;
  cmd: string[];
  tty?: boolean;
  stdin?: boolean;
  stdout?: boolean;
  stderr?: boolean;
}

export interface AttachRequest {
  containerId: string;
  stdin?: boolean;
  tty?: boolean;
  stdout?: boolean;
  stderr?: boolean;
}

// ---------------------------------------------------------------- runtime status

export interface RuntimeCondition {
  /** "RuntimeReady" or "NetworkReady" (required); others informative. */
  type: string;
  status: boolean;
  reason: string;
  message: string;
}

export interface StatusResult {
  status: { conditions: RuntimeCondition[] } | null;
  info: Map;
}

// ---------------------------------------------------------------- images

export interface ImageFilter {
  image?: ImageSpec;
}

export interface Image {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: Int64;
  uid: { value: Int64 } | null;
  username: string;
  spec: Required<ImageSpec> | null;
  pinned: boolean;
}

export interface ImageStatusResult {
  /** Absent when the image is not present (CRI answers OK with no image). */
  image?: Image;
  info: Map;
}

export interface AuthConfig {
  username?: string;
  password?: string;
  auth?: string;
  serverAddress?: string;
  identityToken?: string;
  registryToken?: string;
}

export interface FilesystemUsage {
  timestamp: Int64;
  fsId: { mountpoint: string } | null;
  usedBytes: UInt64Value | null;
  inodesUsed: UInt64Value | null;
}
