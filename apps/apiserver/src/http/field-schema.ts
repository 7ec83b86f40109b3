// The known fields of each kind, as a compact tree with the Go struct names Kubernetes uses,
// for strict decoding (unknown fields) and type checks. Large sub-structures svcnet does not
// interpret (volumes, affinity, securityContext, ...) are 'any': accepted as they are.
export type Scalar = 'string' | 'int32' | 'int64' | 'bool' | 'intstr' | 'float' | 'time' | 'quantity' | 'any';
export interface StructT {
  s: string; // Go type name, e.g. "v1.ServiceSpec"
  f: Record<string, FieldT>;
}
export interface ListT {
  list: FieldT;
}
export interface MapT {
  map: FieldT;
}
export type FieldT = Scalar | StructT | ListT | MapT;

const struct = (s: string, f: Record<string, FieldT>): StructT => ({ s, f });
const list = (t: FieldT): ListT => ({ list: t });
const map = (t: FieldT): MapT => ({ map: t });
const strMap = map('string');

const ownerReference = struct('v1.OwnerReference', { apiVersion: 'string', kind: 'string', name: 'string', uid: 'string', controller: 'bool', blockOwnerDeletion: 'bool' });
export const objectMeta = struct('v1.ObjectMeta', {
  name: 'string', generateName: 'string', namespace: 'string', selfLink: 'string', uid: 'string', resourceVersion: 'string',
  generation: 'int64', creationTimestamp: 'time', deletionTimestamp: 'time', deletionGracePeriodSeconds: 'int64',
  labels: strMap, annotations: strMap, ownerReferences: list(ownerReference), finalizers: list('string'), managedFields: 'any',
});
const labelSelector = struct('v1.LabelSelector', {
  matchLabels: strMap,
  matchExpressions: list(struct('v1.LabelSelectorRequirement', { key: 'string', operator: 'string', values: list('string') })),
});
const objectReference = struct('v1.ObjectReference', { kind: 'string', namespace: 'string', name: 'string', uid: 'string', apiVersion: 'string', resourceVersion: 'string', fieldPath: 'string' });

const servicePort = struct('v1.ServicePort', { name: 'string', protocol: 'string', appProtocol: 'string', port: 'int32', targetPort: 'intstr', nodePort: 'int32' });
const serviceSpec = struct('v1.ServiceSpec', {
  ports: list(servicePort), selector: strMap, clusterIP: 'string', clusterIPs: list('string'), type: 'string', externalIPs: list('string'),
  sessionAffinity: 'string', loadBalancerIP: 'string', loadBalancerSourceRanges: list('string'), externalName: 'string',
  externalTrafficPolicy: 'string', healthCheckNodePort: 'int32', publishNotReadyAddresses: 'bool',
  sessionAffinityConfig: struct('v1.SessionAffinityConfig', { clientIP: struct('v1.ClientIPConfig', { timeoutSeconds: 'int32' }) }),
  ipFamilies: list('string'), ipFamilyPolicy: 'string', allocateLoadBalancerNodePorts: 'bool', loadBalancerClass: 'string',
  internalTrafficPolicy: 'string', trafficDistribution: 'string',
});

const probe = struct('v1.Probe', {
  exec: struct('v1.ExecAction', { command: list('string') }),
  httpGet: struct('v1.HTTPGetAction', { path: 'string', port: 'intstr', host: 'string', scheme: 'string', httpHeaders: 'any' }),
  tcpSocket: struct('v1.TCPSocketAction', { port: 'intstr', host: 'string' }),
  grpc: 'any', initialDelaySeconds: 'int32', timeoutSeconds: 'int32', periodSeconds: 'int32', successThreshold: 'int32',
  failureThreshold: 'int32', terminationGracePeriodSeconds: 'int64',
});
const envVar = struct('v1.EnvVar', { name: 'string', value: 'string', valueFrom: 'any' });
const container = struct('v1.Container', {
  name: 'string', image: 'string', command: list('string'), args: list('string'), workingDir: 'string',
  ports: list(struct('v1.ContainerPort', { name: 'string', hostPort: 'int32', containerPort: 'int32', protocol: 'string', hostIP: 'string' })),
  envFrom: 'any', env: list(envVar), resources: 'any', resizePolicy: 'any', restartPolicy: 'string', volumeMounts: 'any', volumeDevices: 'any',
  livenessProbe: probe, readinessProbe: probe, startupProbe: probe, lifecycle: 'any', terminationMessagePath: 'string',
  terminationMessagePolicy: 'string', imagePullPolicy: 'string', securityContext: 'any', stdin: 'bool', stdinOnce: 'bool', tty: 'bool',
});
const podSpec = struct('v1.PodSpec', {
  volumes: 'any', initContainers: list(container), containers: list(container), ephemeralContainers: 'any', restartPolicy: 'string',
  terminationGracePeriodSeconds: 'int64', activeDeadlineSeconds: 'int64', dnsPolicy: 'string', nodeSelector: strMap,
  serviceAccountName: 'string', serviceAccount: 'string', automountServiceAccountToken: 'bool', nodeName: 'string', hostNetwork: 'bool',
  hostPID: 'bool', hostIPC: 'bool', shareProcessNamespace: 'bool', securityContext: 'any', imagePullSecrets: 'any', hostname: 'string',
  subdomain: 'string', affinity: 'any', schedulerName: 'string', tolerations: 'any', hostAliases: 'any', priorityClassName: 'string',
  priority: 'int32', dnsConfig: 'any', readinessGates: 'any', runtimeClassName: 'string', enableServiceLinks: 'bool',
  preemptionPolicy: 'string', overhead: 'any', topologySpreadConstraints: 'any', setHostnameAsFQDN: 'bool', os: 'any', hostUsers: 'bool',
  schedulingGates: 'any', resourceClaims: 'any', resources: 'any',
});
const podTemplate = struct('v1.PodTemplateSpec', { metadata: objectMeta, spec: podSpec });

const top = (kind: string, f: Record<string, FieldT>): StructT => struct(`v1.${kind}`, { apiVersion: 'string', kind: 'string', metadata: objectMeta, ...f });

export const KIND_SCHEMAS: Record<string, StructT> = {
  Service: top('Service', { spec: serviceSpec, status: 'any' }),
  Pod: top('Pod', { spec: podSpec, status: 'any' }),
  Namespace: top('Namespace', { spec: struct('v1.NamespaceSpec', { finalizers: list('string') }), status: 'any' }),
  Node: top('Node', {
    spec: struct('v1.NodeSpec', { podCIDR: 'string', podCIDRs: list('string'), providerID: 'string', unschedulable: 'bool', taints: 'any', configSource: 'any', externalID: 'string' }),
    status: 'any',
  }),
  Endpoints: top('Endpoints', {
    subsets: list(struct('v1.EndpointSubset', {
      addresses: list(struct('v1.EndpointAddress', { ip: 'string', hostname: 'string', nodeName: 'string', targetRef: objectReference })),
      notReadyAddresses: list(struct('v1.EndpointAddress', { ip: 'string', hostname: 'string', nodeName: 'string', targetRef: objectReference })),
      ports: list(struct('v1.EndpointPort', { name: 'string', port: 'int32', protocol: 'string', appProtocol: 'string' })),
    })),
  }),
  Event: top('Event', {
    involvedObject: objectReference, reason: 'string', message: 'string', source: struct('v1.EventSource', { component: 'string', host: 'string' }),
    firstTimestamp: 'time', lastTimestamp: 'time', count: 'int32', type: 'string', eventTime: 'time', series: 'any', action: 'string',
    related: objectReference, reportingComponent: 'string', reportingInstance: 'string',
  }),
  EndpointSlice: top('EndpointSlice', {
    addressType: 'string',
    endpoints: list(struct('v1.Endpoint', {
      addresses: list('string'), conditions: struct('v1.EndpointConditions', { ready: 'bool', serving: 'bool', terminating: 'bool' }),
      hostname: 'string', targetRef: objectReference, deprecatedTopology: strMap, nodeName: 'string', zone: 'string', hints: 'any',
    })),
    ports: list(struct('v1.EndpointPort', { name: 'string', protocol: 'string', port: 'int32', appProtocol: 'string' })),
  }),
  Deployment: top('Deployment', {
    spec: struct('v1.DeploymentSpec', {
      replicas: 'int32', selector: labelSelector, template: podTemplate,
      strategy: struct('v1.DeploymentStrategy', { type: 'string', rollingUpdate: struct('v1.RollingUpdateDeployment', { maxUnavailable: 'intstr', maxSurge: 'intstr' }) }),
      minReadySeconds: 'int32', revisionHistoryLimit: 'int32', paused: 'bool', progressDeadlineSeconds: 'int32',
    }),
    status: 'any',
  }),
  ReplicaSet: top('ReplicaSet', {
    spec: struct('v1.ReplicaSetSpec', { replicas: 'int32', minReadySeconds: 'int32', selector: labelSelector, template: podTemplate }),
    status: 'any',
  }),
};
