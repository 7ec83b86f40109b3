// The labels and annotations the kubelet puts on CRI sandboxes and containers: they are the
// kubelet's only record of which pod and container a runtime object belongs to, so an agent
// restart recovers everything from the runtime.
export const LABEL_POD_NAME = 'io.kubernetes.pod.name';
export const LABEL_POD_NAMESPACE = 'io.kubernetes.pod.namespace';
export const LABEL_POD_UID = 'io.kubernetes.pod.uid';
export const LABEL_CONTAINER_NAME = 'io.kubernetes.container.name';
/** marks objects created by svcnet's kubelet of one node (several nodes may share a runtime in tests) */
export const LABEL_NODE = 'io.svcnet.node';
export const ANNOTATION_RESTART_COUNT = 'io.kubernetes.container.restartCount';
export const ANNOTATION_TERMINATION_MESSAGE_PATH = 'io.kubernetes.container.terminationMessagePath';
export const ANNOTATION_SPEC_HASH = 'io.kubernetes.container.hash';
