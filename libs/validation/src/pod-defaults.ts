// Pod spec defaulting (SetDefaults_PodSpec, _Container, _Probe, _Volume, ... of k8s.io/kubernetes
// pkg/apis/core/v1), shared by Pods and pod templates.
import { canonicalQuantity, type Container, type HTTPGetAction, type Pod, type PodSpec, type Probe, type Volume } from '@svcnet/api-types';

/** 0644, the mode of files in configMap, secret, downwardAPI and projected volumes. */
export const DEFAULT_VOLUME_MODE = 0o644;
export const DEFAULT_TERMINATION_MESSAGE_PATH = '/dev/termination-log';
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

/** Always for `:latest` or no tag (and no digest), else IfNotPresent. */
export function defaultPullPolicy(image: string | undefined): string {
  if (!image) return 'Always';
  if (image.includes('@')) return 'IfNotPresent';
  const last = image.split('/').pop() ?? '';
  const tag = last.includes(':') ? last.slice(last.lastIndexOf(':') + 1) : '';
  return tag && tag !== 'latest' ? 'IfNotPresent' : 'Always';
}

function defaultHttpGet(h: HTTPGetAction | undefined): void {
  if (!h) return;
  h.path ??= '/';
  h.scheme ??= 'HTTP';
}

function defaultProbe(p: Probe | undefined): void {
  if (!p) return;
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  defaultHttpGet(p.httpGet);
}

/** Stores quantities in Kubernetes' canonical text ("1000m" -> "1", 1 -> "1"); bad ones are left for validation. */
function canonicalQuantities(m: Record<string, string> | undefined): void {
  for (const [k, v] of Object.entries(m ?? {})) {
    try {
      m![k] = canonicalQuantity(v as string | number);
    } catch {
      /* reported by validation */
    }
  }
}

function defaultContainer(c: Container): void {
  c.imagePullPolicy ??= defaultPullPolicy(c.image);
  c.terminationMessagePath ??= DEFAULT_TERMINATION_MESSAGE_PATH;
  c.terminationMessagePolicy ??= 'File';
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  for (const e of c.env ?? []) {
    if (e.valueFrom?.fieldRef) e.valueFrom.fieldRef.apiVersion ??= 'v1';
    if (e.valueFrom?.resourceFieldRef) e.valueFrom.resourceFieldRef.divisor ??= '1';
  }
  for (const p of [c.readinessProbe, c.livenessProbe, c.startupProbe]) defaultProbe(p);
  defaultHttpGet(c.lifecycle?.postStart?.httpGet);
  defaultHttpGet(c.lifecycle?.preStop?.httpGet);
  canonicalQuantities(c.resources?.limits);
  canonicalQuantities(c.resources?.requests);
}

function defaultVolume(v: Volume): void {
  // A volume that names no source is an emptyDir (SetDefaults_Volume).
  if (!Object.entries(v).some(([k, s]) => k !== 'name' && s !== undefined && s !== null)) v.emptyDir = {};
  if (v.configMap) v.configMap.defaultMode ??= DEFAULT_VOLUME_MODE;
  if (v.secret) v.secret.defaultMode ??= DEFAULT_VOLUME_MODE;
  if (v.hostPath) v.hostPath.type ??= '';
  if (v.downwardAPI) {
    v.downwardAPI.defaultMode ??= DEFAULT_VOLUME_MODE;
    for (const f of v.downwardAPI.items ?? []) if (f.fieldRef) f.fieldRef.apiVersion ??= 'v1';
  }
  if (v.projected) {
    v.projected.defaultMode ??= DEFAULT_VOLUME_MODE;
    for (const s of v.projected.sources ?? []) {
      if (s.serviceAccountToken) s.serviceAccountToken.expirationSeconds ??= 3600;
      for (const f of s.downwardAPI?.items ?? []) if (f.fieldRef) f.fieldRef.apiVersion ??= 'v1';
    }
  }
  if (v.emptyDir?.sizeLimit !== undefined) {
    try {
      v.emptyDir.sizeLimit = canonicalQuantity(v.emptyDir.sizeLimit);
    } catch {
      /* reported by validation */
    }
  }
}

/** Defaults a pod spec in place; callers pass a copy. */
export function defaultPodSpec(spec: PodSpec): void {
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ??= DEFAULT_SCHEDULER_NAME;
  spec.enableServiceLinks ??= true;
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) defaultContainer(c);
  for (const v of spec.volumes ?? []) defaultVolume(v);
}

/**
 * Pod-only defaults (SetDefaults_Pod, not applied to templates): a container limit without a
 * request is also its request.
 */
export function defaultPod(pod: Pod): void {
  if (!pod.spec) return;
  defaultPodSpec(pod.spec);
  for (const c of [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])]) {
    const limits = c.resources?.limits;
    if (!limits || !Object.keys(limits).length) continue;
    c.resources!.requests ??= {};
    for (const [k, v] of Object.entries(limits)) c.resources!.requests[k] ??= v;
  }
}
