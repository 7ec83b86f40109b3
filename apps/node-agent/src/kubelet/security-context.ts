// securityContext -> CRI LinuxContainerSecurityContext, with the kubelet's defaults: masked and
// read-only /proc paths unless privileged, container fields over pod fields. Pure.
import * as path from 'node:path';
import type { Container, Pod, SeccompProfile } from '@svcnet/api-types';
import type { LinuxContainerSecurityContext, SecurityProfile } from '@svcnet/cri-client';

// pkg/securitycontext: the paths the runtime hides from unprivileged containers
export const DEFAULT_MASKED_PATHS = [
  '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
];
export const DEFAULT_READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** where Localhost seccomp profiles live: <kubelet root dir>/seccomp, as the kubelet has it */
export const DEFAULT_SECCOMP_PROFILE_ROOT = '/var/lib/kubelet/seccomp';

/** kuberuntime fieldSeccompProfile: a Localhost profile is a path under the profile root
 *  (the runtime reads the file, so it must be absolute); no profile is Unconfined */
export function seccompProfile(p: SeccompProfile | undefined, profileRoot = DEFAULT_SECCOMP_PROFILE_ROOT): SecurityProfile {
  if (p?.type === 'RuntimeDefault') return { profileType: 'RuntimeDefault', localhostRef: '' };
  if (p?.type === 'Localhost') return { profileType: 'Localhost', localhostRef: p.localhostProfile ? path.join(profileRoot, p.localhostProfile) : '' };
  return { profileType: 'Unconfined', localhostRef: '' };
}

/** pod securityContext groups as the kubelet sends them: fsGroup first, then supplementalGroups */
export function podSupplementalGroups(psc: { supplementalGroups?: number[]; fsGroup?: number }): number[] {
  return [...(psc.fsGroup !== undefined ? [psc.fsGroup] : []), ...(psc.supplementalGroups ?? [])];
}

export function containerSecurityContext(pod: Pod, c: Container, seccompProfileRoot?: string): LinuxContainerSecurityContext {
  const psc = pod.spec.securityContext ?? {};
  const sc = c.securityContext ?? {};
  const privileged = !!sc.privileged;
  // procMount: Unmasked leaves /proc as it is (ConvertToRuntimeMaskedPaths)
  const unmasked = privileged || sc.procMount === 'Unmasked';
  const runAsUser = sc.runAsUser ?? psc.runAsUser;
  const runAsGroup = sc.runAsGroup ?? psc.runAsGroup;
  return {
    capabilities: { addCapabilities: sc.capabilities?.add ?? [], dropCapabilities: sc.capabilities?.drop ?? [] },
    privileged,
    namespaceOptions: {
      network: pod.spec.hostNetwork ? 'NODE' : 'POD',
      pid: pod.spec.hostPID ? 'NODE' : pod.spec.shareProcessNamespace ? 'POD' : 'CONTAINER',
      ipc: pod.spec.hostIPC ? 'NODE' : 'POD',
    },
    ...(runAsUser !== undefined ? { runAsUser: { value: runAsUser } } : {}),
    ...(runAsGroup !== undefined ? { runAsGroup: { value: runAsGroup } } : {}),
    readonlyRootfs: !!sc.readOnlyRootFilesystem,
    supplementalGroups: podSupplementalGroups(psc),
    // allowPrivilegeEscalation: false is no_new_privs; privileged containers always may escalate
    noNewPrivs: !privileged && sc.allowPrivilegeEscalation === false,
    maskedPaths: unmasked ? [] : DEFAULT_MASKED_PATHS,
    readonlyPaths: unmasked ? [] : DEFAULT_READONLY_PATHS,
    seccomp: seccompProfile(sc.seccompProfile ?? psc.seccompProfile, seccompProfileRoot),
  };
}

/** runAsNonRoot is checked against the user the container will run as (kubelet verifyRunAsNonRoot) */
export function verifyRunAsNonRoot(pod: Pod, c: Container, image: { uid?: number; username?: string }): string | undefined {
  const psc = pod.spec.securityContext ?? {};
  const sc = c.securityContext ?? {};
  if (!(sc.runAsNonRoot ?? psc.runAsNonRoot)) return undefined;
  const who = `(pod: "${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})", container: ${c.name})`;
  const uid = sc.runAsUser ?? psc.runAsUser;
  if (uid !== undefined) return uid === 0 ? `container's runAsUser breaks non-root policy ${who}` : undefined;
  if (image.uid !== undefined) return image.uid === 0 ? `container has runAsNonRoot and image will run as root ${who}` : undefined;
  if (image.username) return `container has runAsNonRoot and image has non-numeric user (${image.username}), cannot verify user is non-root ${who}`;
  return `container has runAsNonRoot and image will run as root ${who}`;
}
