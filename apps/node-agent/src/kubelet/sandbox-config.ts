// The CRI PodSandboxConfig for a pod (kuberuntime_sandbox.go): metadata and labels the kubelet
// finds the sandbox by, hostname, DNS, log directory, cgroup parent and the namespaces the
// containers share. containerd creates the network namespace and calls CNI with it. Pure.
import * as path from 'node:path';
import type { Pod } from '@svcnet/api-types';
import type { PodSandboxConfig } from '@svcnet/cri-client';
import { podHostname } from './container-env';
import { podDnsConfig, type DnsConfig } from './dns-files';
import { LABEL_NODE, LABEL_POD_NAME, LABEL_POD_NAMESPACE, LABEL_POD_UID } from './kubelet-labels';
import { podSupplementalGroups } from './security-context';
import { podCgroupParent } from './pod-cgroup';

export interface SandboxOptions {
  nodeName: string;
  /** directory under which each pod gets <namespace>_<name>_<uid>/ for its container logs */
  podLogsDir: string;
  /** cgroup parent of all pods of this node, e.g. /svcnet/node-1 */
  cgroupRoot: string;
  dns: DnsConfig;
  attempt: number;
}

export function podLogDirectory(podLogsDir: string, pod: Pod): string {
  return path.join(podLogsDir, `${pod.metadata.namespace ?? 'default'}_${pod.metadata.name}_${pod.metadata.uid}`);
}

/** the sandbox's hostname: the pod hostname, or with setHostnameAsFQDN and a subdomain its FQDN
 *  (GetNodenameForKernel; validation keeps it within 64 characters) */
export function kernelHostname(pod: Pod, clusterDomain: string): string {
  const host = podHostname(pod);
  if (!pod.spec.setHostnameAsFQDN || !pod.spec.subdomain) return host;
  return `${host}.${pod.spec.subdomain}.${pod.metadata.namespace ?? 'default'}.svc.${clusterDomain}`;
}

export function podLabels(pod: Pod, nodeName: string): Record<string, string> {
  return {
    ...(pod.metadata.labels ?? {}),
    [LABEL_POD_NAME]: pod.metadata.name ?? '',
    [LABEL_POD_NAMESPACE]: pod.metadata.namespace ?? 'default',
    [LABEL_POD_UID]: pod.metadata.uid ?? '',
    [LABEL_NODE]: nodeName,
  };
}

export function podSandboxConfig(pod: Pod, o: SandboxOptions): PodSandboxConfig {
  const spec = pod.spec;
  const psc = spec.securityContext ?? {};
  const hostNetwork = !!spec.hostNetwork;
  const portMappings = spec.containers.flatMap((c) =>
    (c.ports ?? []).filter((p) => p.hostPort).map((p) => ({ protocol: p.protocol ?? 'TCP', containerPort: p.containerPort, hostPort: p.hostPort!, hostIp: p.hostIP ?? '' })),
  );
  const config: PodSandboxConfig = {
    metadata: { name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '', namespace: pod.metadata.namespace ?? 'default', attempt: o.attempt },
    hostname: hostNetwork ? '' : kernelHostname(pod, o.dns.clusterDomain),
    logDirectory: podLogDirectory(o.podLogsDir, pod),
    dnsConfig: podDnsConfig(pod, o.dns),
    portMappings,
    labels: podLabels(pod, o.nodeName),
    annotations: { ...(pod.metadata.annotations ?? {}) },
    linux: {
      cgroupParent: podCgroupParent(o.cgroupRoot, pod.metadata.uid ?? ''),
      securityContext: {
        namespaceOptions: {
          network: hostNetwork ? 'NODE' : 'POD',
          pid: spec.hostPID ? 'NODE' : spec.shareProcessNamespace ? 'POD' : 'CONTAINER',
          ipc: spec.hostIPC ? 'NODE' : 'POD',
        },
        ...(psc.runAsUser !== undefined ? { runAsUser: { value: psc.runAsUser } } : {}),
        ...(psc.runAsGroup !== undefined ? { runAsGroup: { value: psc.runAsGroup } } : {}),
        supplementalGroups: podSupplementalGroups(psc),
        // HasPrivilegedContainer looks at init containers too
        privileged: [...(spec.initContainers ?? []), ...spec.containers].some((c) => c.securityContext?.privileged),
        // the sandbox always runs RuntimeDefault so pods may use stricter profiles (kubernetes#84623)
        seccomp: { profileType: 'RuntimeDefault', localhostRef: '' },
      },
      sysctls: Object.fromEntries((psc.sysctls ?? []).map((s) => [s.name, s.value])),
    },
  };
  return config;
}
