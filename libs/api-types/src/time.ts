// metav1.Time on the wire: RFC 3339 in UTC with whole seconds, as Kubernetes writes timestamps.
export function rfc3339(at: Date | number = new Date()): string {
  return new Date(at).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
