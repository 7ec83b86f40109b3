// The CRI ContainerConfig for one container of a pod (kuberuntime_container.go): command and
// args with $(VAR) expanded, env, mounts (volumes, the pod's /etc/hosts, the termination log),
// log path, stdin/tty, resources and security context, labels that tie it to its pod. Pure.
import * as path from 'node:path';
import type { Container, Pod } from '@svcnet/api-types';
import type { ContainerConfig, Mount } from '@svcnet/cri-client';
import { expandVars } from './container-env';
import { ANNOTATION_RESTART_COUNT, ANNOTATION_TERMINATION_MESSAGE_PATH, LABEL_CONTAINER_NAME, LABEL_NODE, LABEL_POD_NAME, LABEL_POD_NAMESPACE, LABEL_POD_UID } from './kubelet-labels';
import { linuxResources } from './resources';
import { containerSecurityContext } from './security-context';

export interface ContainerConfigInput {
  nodeName: string;
  /** the image id (or ref) the runtime resolved */
  image: string;
  attempt: number;
  env: Map<string, string>;
  /** volume name -> host path */
  volumes: Map<string, string>;
  /** the pod's managed /etc/hosts (absent for hostNetwork pods) */
  hostsFile?: string;
  /** host file mounted at terminationMessagePath */
  terminationLogFile?: string;
  memoryCapacity: number;
}

export class ContainerConfigError extends Error {}

/** log file of one attempt, relative to the sandbox's log directory (as the kubelet names it) */
export function containerLogPath(name: string, attempt: number): string {
  return path.join(name, `${attempt}.log`);
}

/** subPathExpr expanded with the container's env (ExpandContainerVolumeMounts): a reference to
 *  an unset or empty variable is an error */
export function expandSubPathExpr(expr: string, env: Map<string, string>): string {
  const missing = new Set<string>();
  const out = expr.replace(/\$\$|\$\(([^)]*)\)/g, (m, name?: string) => {
    if (m === '$$') return '$';
    const v = env.get(name!);
    if (!v) missing.add(name!);
    return v ?? '';
  });
  if (missing.size) throw new ContainerConfigError(`missing value for ${[...missing].sort().join(', ')}`);
  return out;
}

export function volumeMounts(pod: Pod, c: Container, volumes: Map<string, string>, env: Map<string, string> = new Map()): Mount[] {
  const readOnlyKinds = new Set((pod.spec.volumes ?? []).filter((v) => v.configMap || v.secret || v.downwardAPI || v.projected).map((v) => v.name));
  return (c.volumeMounts ?? []).map((m) => {
    const host = volumes.get(m.name);
    if (!host) throw new ContainerConfigError(`cannot find volume "${m.name}" to mount into container "${c.name}"`);
    const subPath = m.subPathExpr ? expandSubPathExpr(m.subPathExpr, env) : m.subPath;
    // makeMounts' subPath checks, with its messages
    if (subPath?.startsWith('/')) throw new ContainerConfigError(`error SubPath \`${subPath}\` must not be an absolute path`);
    if (subPath?.split('/').includes('..')) throw new ContainerConfigError(`unable to provision SubPath \`${subPath}\`: must not contain '..'`);
    const propagation = m.mountPropagation === 'Bidirectional' ? 'PROPAGATION_BIDIRECTIONAL' : m.mountPropagation === 'HostToContainer' ? 'PROPAGATION_HOST_TO_CONTAINER' : 'PROPAGATION_PRIVATE';
    return {
      containerPath: m.mountPath,
      hostPath: subPath ? path.join(host, subPath) : host,
      readonly: !!m.readOnly || readOnlyKinds.has(m.name),
      selinuxRelabel: false,
      propagation,
    } as Mount;
  });
}

export function containerConfig(pod: Pod, c: Container, i: ContainerConfigInput): ContainerConfig {
  const mounts = volumeMounts(pod, c, i.volumes, i.env);
  const has = (p: string) => mounts.some((m) => m.containerPath === p);
  if (i.hostsFile && !has('/etc/hosts')) mounts.push({ containerPath: '/etc/hosts', hostPath: i.hostsFile, readonly: false, selinuxRelabel: false, propagation: 'PROPAGATION_PRIVATE' } as Mount);
  const termPath = c.terminationMessagePath ?? '/dev/termination-log';
  if (i.terminationLogFile && !has(termPath)) mounts.push({ containerPath: termPath, hostPath: i.terminationLogFile, readonly: false, selinuxRelabel: false, propagation: 'PROPAGATION_PRIVATE' } as Mount);
  const env = i.env;
  const res = linuxResources(pod, c, i.memoryCapacity);
  return {
    metadata: { name: c.name, attempt: i.attempt },
    image: { image: i.image },
    // CRI's command is the entrypoint (Kubernetes' command), args its arguments
    command: (c.command ?? []).map((a) => expandVars(a, env)),
    args: (c.args ?? []).map((a) => expandVars(a, env)),
    workingDir: c.workingDir ?? '',
    envs: [...env].map(([key, value]) => ({ key, value })),
    mounts,
    labels: {
      [LABEL_POD_NAME]: pod.metadata.name ?? '',
      [LABEL_POD_NAMESPACE]: pod.metadata.namespace ?? 'default',
      [LABEL_POD_UID]: pod.metadata.uid ?? '',
      [LABEL_CONTAINER_NAME]: c.name,
      [LABEL_NODE]: i.nodeName,
    },
    annotations: { [ANNOTATION_RESTART_COUNT]: String(i.attempt), [ANNOTATION_TERMINATION_MESSAGE_PATH]: termPath },
    logPath: containerLogPath(c.name, i.attempt),
    stdin: !!c.stdin,
    stdinOnce: !!c.stdinOnce,
    tty: !!c.tty,
    linux: {
      resources: {
        cpuPeriod: res.cpuPeriod ?? 0,
        cpuQuota: res.cpuQuota ?? 0,
        cpuShares: res.cpuShares,
        memoryLimitInBytes: res.memoryLimitInBytes ?? 0,
        oomScoreAdj: res.oomScoreAdj,
      },
      securityContext: containerSecurityContext(pod, c),
    },
  } as ContainerConfig;
}
