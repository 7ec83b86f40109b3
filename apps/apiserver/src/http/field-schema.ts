// The known fields of each kind, as a compact tree with the Go struct names Kubernetes uses,
// for strict decoding (unknown fields) and type checks. Sub-structures svcnet does not
// interpret (affinity, tolerations, volume sources it has no plugin for, ...) are 'any':
// accepted as they are. 'bytes' is Go's []byte: base64 text in JSON.
export type Scalar = 'string' | 'int32' | 'int64' | 'bool' | 'intstr' | 'float' | 'time' | 'quantity' | 'bytes' | 'any';
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

const objectFieldSelector = struct('v1.ObjectFieldSelector', { apiVersion: 'string', fieldPath: 'string' });
const resourceFieldSelector = struct('v1.ResourceFieldSelector', { containerName: 'string', resource: 'string', divisor: 'quantity' });
const httpGet = struct('v1.HTTPGetAction', {
  path: 'string', port: 'intstr', host: 'string', scheme: 'string', httpHeaders: list(struct('v1.HTTPHeader', { name: 'string', value: 'string' })),
});
const exec = struct('v1.ExecAction', { command: list('string') });
const tcpSocket = struct('v1.TCPSocketAction', { port: 'intstr', host: 'string' });
const probe = struct('v1.Probe', {
  exec, httpGet, tcpSocket, grpc: struct('v1.GRPCAction', { port: 'int32', service: 'string' }),
  initialDelaySeconds: 'int32', timeoutSeconds: 'int32', periodSeconds: 'int32', successThreshold: 'int32',
  failureThreshold: 'int32', terminationGracePeriodSeconds: 'int64',
});
const lifecycleHandler = struct('v1.LifecycleHandler', { exec, httpGet, tcpSocket, sleep: struct('v1.SleepAction', { seconds: 'int64' }) });
const envVar = struct('v1.EnvVar', {
  name: 'string', value: 'string',
  valueFrom: struct('v1.EnvVarSource', {
    fieldRef: objectFieldSelector, resourceFieldRef: resourceFieldSelector,
    configMapKeyRef: struct('v1.ConfigMapKeySelector', { name: 'string', key: 'string', optional: 'bool' }),
    secretKeyRef: struct('v1.SecretKeySelector', { name: 'string', key: 'string', optional: 'bool' }),
  }),
});
const envFromSource = struct('v1.EnvFromSource', {
  prefix: 'string',
  configMapRef: struct('v1.ConfigMapEnvSource', { name: 'string', optional: 'bool' }),
  secretRef: struct('v1.SecretEnvSource', { name: 'string', optional: 'bool' }),
});
const seccompProfile = struct('v1.SeccompProfile', { type: 'string', localhostProfile: 'string' });
const seLinuxOptions = struct('v1.SELinuxOptions', { user: 'string', role: 'string', type: 'string', level: 'string' });
const securityContext = struct('v1.SecurityContext', {
  capabilities: struct('v1.Capabilities', { add: list('string'), drop: list('string') }), privileged: 'bool', seLinuxOptions,
  windowsOptions: 'any', runAsUser: 'int64', runAsGroup: 'int64', runAsNonRoot: 'bool', readOnlyRootFilesystem: 'bool',
  allowPrivilegeEscalation: 'bool', procMount: 'string', seccompProfile, appArmorProfile: 'any',
});
const resourceRequirements = struct('v1.ResourceRequirements', { limits: map('quantity'), requests: map('quantity'), claims: 'any' });
const container = struct('v1.Container', {
  name: 'string', image: 'string', command: list('string'), args: list('string'), workingDir: 'string',
  ports: list(struct('v1.ContainerPort', { name: 'string', hostPort: 'int32', containerPort: 'int32', protocol: 'string', hostIP: 'string' })),
  envFrom: list(envFromSource), env: list(envVar), resources: resourceRequirements, resizePolicy: 'any', restartPolicy: 'string',
  volumeMounts: list(struct('v1.VolumeMount', {
    name: 'string', readOnly: 'bool', recursiveReadOnly: 'string', mountPath: 'string', subPath: 'string', mountPropagation: 'string', subPathExpr: 'string',
  })),
  volumeDevices: 'any', livenessProbe: probe, readinessProbe: probe, startupProbe: probe,
  lifecycle: struct('v1.Lifecycle', { postStart: lifecycleHandler, preStop: lifecycleHandler, stopSignal: 'string' }),
  terminationMessagePath: 'string', terminationMessagePolicy: 'string', imagePullPolicy: 'string', securityContext, stdin: 'bool',
  stdinOnce: 'bool', tty: 'bool',
});
const keyToPath = list(struct('v1.KeyToPath', { key: 'string', path: 'string', mode: 'int32' }));
const downwardAPIFiles = list(struct('v1.DownwardAPIVolumeFile', { path: 'string', fieldRef: objectFieldSelector, resourceFieldRef: resourceFieldSelector, mode: 'int32' }));
const volume = struct('v1.Volume', {
  name: 'string',
  emptyDir: struct('v1.EmptyDirVolumeSource', { medium: 'string', sizeLimit: 'quantity' }),
  configMap: struct('v1.ConfigMapVolumeSource', { name: 'string', items: keyToPath, defaultMode: 'int32', optional: 'bool' }),
  secret: struct('v1.SecretVolumeSource', { secretName: 'string', items: keyToPath, defaultMode: 'int32', optional: 'bool' }),
  hostPath: struct('v1.HostPathVolumeSource', { path: 'string', type: 'string' }),
  downwardAPI: struct('v1.DownwardAPIVolumeSource', { items: downwardAPIFiles, defaultMode: 'int32' }),
  projected: struct('v1.ProjectedVolumeSource', {
    sources: list(struct('v1.VolumeProjection', {
      configMap: struct('v1.ConfigMapProjection', { name: 'string', items: keyToPath, optional: 'bool' }),
      secret: struct('v1.SecretProjection', { name: 'string', items: keyToPath, optional: 'bool' }),
      downwardAPI: struct('v1.DownwardAPIProjection', { items: downwardAPIFiles }),
      serviceAccountToken: struct('v1.ServiceAccountTokenProjection', { audience: 'string', expirationSeconds: 'int64', path: 'string' }),
      clusterTrustBundle: 'any',
    })),
    defaultMode: 'int32',
  }),
  persistentVolumeClaim: struct('v1.PersistentVolumeClaimVolumeSource', { claimName: 'string', readOnly: 'bool' }),
  // Sources svcnet does not implement are still Kubernetes fields: accepted, then refused by validation.
  gcePersistentDisk: 'any', awsElasticBlockStore: 'any', gitRepo: 'any', nfs: 'any', iscsi: 'any', glusterfs: 'any', rbd: 'any',
  flexVolume: 'any', cinder: 'any', cephfs: 'any', flocker: 'any', fc: 'any', azureFile: 'any', vsphereVolume: 'any', quobyte: 'any',
  azureDisk: 'any', photonPersistentDisk: 'any', portworxVolume: 'any', scaleIO: 'any', storageos: 'any', csi: 'any', ephemeral: 'any', image: 'any',
});
const podSecurityContext = struct('v1.PodSecurityContext', {
  seLinuxOptions, windowsOptions: 'any', runAsUser: 'int64', runAsGroup: 'int64', runAsNonRoot: 'bool', supplementalGroups: list('int64'),
  supplementalGroupsPolicy: 'string', fsGroup: 'int64', sysctls: list(struct('v1.Sysctl', { name: 'string', value: 'string' })),
  fsGroupChangePolicy: 'string', seccompProfile, appArmorProfile: 'any', seLinuxChangePolicy: 'string',
});
const podSpec = struct('v1.PodSpec', {
  volumes: list(volume), initContainers: list(container), containers: list(container), ephemeralContainers: 'any', restartPolicy: 'string',
  terminationGracePeriodSeconds: 'int64', activeDeadlineSeconds: 'int64', dnsPolicy: 'string', nodeSelector: strMap,
  serviceAccountName: 'string', serviceAccount: 'string', automountServiceAccountToken: 'bool', nodeName: 'string', hostNetwork: 'bool',
  hostPID: 'bool', hostIPC: 'bool', shareProcessNamespace: 'bool', securityContext: podSecurityContext,
  imagePullSecrets: list(struct('v1.LocalObjectReference', { name: 'string' })), hostname: 'string',
  subdomain: 'string', affinity: 'any', schedulerName: 'string', tolerations: 'any',
  hostAliases: list(struct('v1.HostAlias', { ip: 'string', hostnames: list('string') })), priorityClassName: 'string', priority: 'int32',
  dnsConfig: struct('v1.PodDNSConfig', {
    nameservers: list('string'), searches: list('string'), options: list(struct('v1.PodDNSConfigOption', { name: 'string', value: 'string' })),
  }),
  readinessGates: 'any', runtimeClassName: 'string', enableServiceLinks: 'bool',
  preemptionPolicy: 'string', overhead: 'any', topologySpreadConstraints: 'any', setHostnameAsFQDN: 'bool', os: 'any', hostUsers: 'bool',
  schedulingGates: 'any', resourceClaims: 'any', resources: 'any',
});
const podTemplate = struct('v1.PodTemplateSpec', { metadata: objectMeta, spec: podSpec });

const top = (kind: string, f: Record<string, FieldT>): StructT => struct(`v1.${kind}`, { apiVersion: 'string', kind: 'string', metadata: objectMeta, ...f });

const networkPolicyPeer = struct('v1.NetworkPolicyPeer', {
  podSelector: labelSelector, namespaceSelector: labelSelector, ipBlock: struct('v1.IPBlock', { cidr: 'string', except: list('string') }),
});
const networkPolicyPort = struct('v1.NetworkPolicyPort', { protocol: 'string', port: 'intstr', endPort: 'int32' });
const networkPolicySpec = struct('v1.NetworkPolicySpec', {
  podSelector: labelSelector,
  ingress: list(struct('v1.NetworkPolicyIngressRule', { ports: list(networkPolicyPort), from: list(networkPolicyPeer) })),
  egress: list(struct('v1.NetworkPolicyEgressRule', { ports: list(networkPolicyPort), to: list(networkPolicyPeer) })),
  policyTypes: list('string'),
});

export const KIND_SCHEMAS: Record<string, StructT> = {
  NetworkPolicy: top('NetworkPolicy', { spec: networkPolicySpec, status: 'any' }),
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
  ConfigMap: top('ConfigMap', { data: strMap, binaryData: map('bytes'), immutable: 'bool' }),
  Secret: top('Secret', { data: map('bytes'), stringData: strMap, type: 'string', immutable: 'bool' }),
  ReplicaSet: top('ReplicaSet', {
    spec: struct('v1.ReplicaSetSpec', { replicas: 'int32', minReadySeconds: 'int32', selector: labelSelector, template: podTemplate }),
    status: 'any',
  }),
};
