// Event wording, kept identical to Kubernetes so `kubectl describe` reads the same.
export const scaledMessage = (dir: 'up' | 'down', rs: string, from: number, to: number) => `Scaled ${dir} replica set ${rs} from ${from} to ${to}`;
export const createdPodMessage = (pod: string) => `Created pod: ${pod}`;
export const deletedPodMessage = (pod: string) => `Deleted pod: ${pod}`;
export const scheduledMessage = (ns: string, pod: string, node: string) => `Successfully assigned ${ns}/${pod} to ${node}`;
