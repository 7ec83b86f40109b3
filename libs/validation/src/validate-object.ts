// The apiserver's entry points: default and validate any stored kind by name.
import type { ConfigMap, Deployment, Endpoints, EndpointSlice, Event, KubeObject, Namespace, NetworkPolicy, Node, Pod, ReplicaSet, Secret, Service } from '@svcnet/api-types';
import { defaultNetworkPolicy } from './network-policy-defaults';
import { validateNetworkPolicy, validateNetworkPolicyUpdate } from './network-policy-validation';
import { validateConfigMap, validateConfigMapUpdate, validateSecret, validateSecretUpdate } from './config-validation';
import { defaultSecret } from './secret-defaults';
import type { FieldError } from './field-error';
import { validateEndpoints, validateEndpointSlice } from './endpoints-validation';
import { validateEvent, validateNamespace, validateNode, validateNodeUpdate } from './cluster-object-validation';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta-validation';
import { isDNS1123Subdomain } from './name-formats';
import { defaultPod, defaultPodSpec } from './pod-defaults';
import { validatePod, validatePodUpdate } from './pod-validation';
import { defaultService } from './service-defaults';
import { validateService, validateServiceUpdate, type ServiceValidationOptions } from './service-validation';
import { validateWorkload, validateWorkloadUpdate } from './workload-validation';

/** Validates obj as `kind`; with oldObj, as an update of it. Unknown kinds get metadata checks only. */
export function validateObject(kind: string, obj: KubeObject, oldObj?: KubeObject, opts: ServiceValidationOptions = {}): FieldError[] {
  const meta = oldObj ? validateObjectMetaUpdate(obj.metadata, oldObj.metadata) : [];
  switch (kind) {
    case 'Service':
      return oldObj ? validateServiceUpdate(obj as Service, oldObj as Service, opts) : validateService(obj as Service, opts);
    case 'Pod':
      return oldObj ? validatePodUpdate(obj as Pod, oldObj as Pod) : validatePod(obj as Pod);
    case 'Deployment':
    case 'ReplicaSet': {
      const label = kind === 'Deployment' ? 'deployment' : 'replicaset';
      const w = obj as Deployment | ReplicaSet;
      return oldObj ? validateWorkloadUpdate(w, oldObj as Deployment | ReplicaSet, label) : validateWorkload(w, label);
    }
    case 'Node':
      return oldObj ? validateNodeUpdate(obj as Node, oldObj as Node) : validateNode(obj as Node);
    case 'Namespace':
      return [...meta, ...validateNamespace(obj as Namespace)];
    case 'Endpoints':
      return [...meta, ...validateEndpoints(obj as Endpoints)];
    case 'EndpointSlice':
      return [...meta, ...validateEndpointSlice(obj as EndpointSlice)];
    case 'Event':
      return [...meta, ...validateEvent(obj as Event)];
    case 'ConfigMap':
      return oldObj ? validateConfigMapUpdate(obj as ConfigMap, oldObj as ConfigMap) : validateConfigMap(obj as ConfigMap);
    case 'Secret':
      return oldObj ? validateSecretUpdate(obj as Secret, oldObj as Secret) : validateSecret(obj as Secret);
    case 'NetworkPolicy':
      return oldObj ? validateNetworkPolicyUpdate(obj as NetworkPolicy, oldObj as NetworkPolicy) : validateNetworkPolicy(obj as NetworkPolicy);
    default:
      return [...meta, ...validateObjectMeta(obj.metadata, true, isDNS1123Subdomain)];
  }
}

/** Returns a defaulted copy of obj; the input is not modified. */
export function defaultObject<T extends KubeObject>(kind: string, obj: T): T {
  switch (kind) {
    case 'Service':
      return defaultService(obj as unknown as Service) as unknown as T;
    case 'Pod': {
      const out = structuredClone(obj) as unknown as Pod;
      defaultPod(out);
      return out as unknown as T;
    }
    case 'Deployment':
    case 'ReplicaSet': {
      const out = structuredClone(obj) as unknown as Deployment;
      out.spec ??= {} as Deployment['spec'];
      out.spec.replicas ??= 1;
      if (kind === 'Deployment') {
        out.spec.revisionHistoryLimit ??= 10;
        out.spec.strategy ??= { type: 'RollingUpdate' };
        if (out.spec.strategy.type === 'RollingUpdate') {
          out.spec.strategy.rollingUpdate ??= {};
          out.spec.strategy.rollingUpdate.maxSurge ??= '25%';
          out.spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
        }
      }
      if (out.spec.template?.spec) defaultPodSpec(out.spec.template.spec);
      return out as unknown as T;
    }
    case 'Endpoints': {
      const out = structuredClone(obj) as unknown as Endpoints;
      for (const s of out.subsets ?? []) for (const p of s.ports ?? []) p.protocol ??= 'TCP';
      return out as unknown as T;
    }
    case 'EndpointSlice': {
      const out = structuredClone(obj) as unknown as EndpointSlice;
      for (const p of out.ports ?? []) p.protocol ??= 'TCP';
      return out as unknown as T;
    }
    case 'NetworkPolicy':
      return defaultNetworkPolicy(obj as unknown as NetworkPolicy) as unknown as T;
    case 'Secret':
      return defaultSecret(obj as unknown as Secret) as unknown as T;
    case 'Namespace': {
      const out = structuredClone(obj) as unknown as Namespace;
      const name = out.metadata?.name;
      // Kubernetes labels every namespace with its own name.
      if (name) out.metadata.labels = { ...out.metadata.labels, 'kubernetes.io/metadata.name': name };
      return out as unknown as T;
    }
    default:
      return structuredClone(obj);
  }
}
