// The apiserver's Prometheus metrics under kube-apiserver's names, labels and buckets:
// apiserver_request_total{verb,resource,subresource,component,code} with the verbs in upper
// case (GET, LIST, WATCH, CREATE, UPDATE, PATCH, DELETE, DELETECOLLECTION) and
// apiserver_request_duration_seconds with the upstream SLO buckets; plus open watches and the
// store revision. `transport` (http | grpc) is svcnet's own extra label.
import { Registry, type Counter, type Gauge, type Histogram } from '@svcnet/observability';

/** kube-apiserver's apiserver_request_duration_seconds buckets */
export const REQUEST_DURATION_BUCKETS = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];

/** The request labels as kube-apiserver spells them: upper-case verb, resource and subresource apart. */
export function requestLabels(verb: string, resource: string): { verb: string; resource: string; subresource: string; component: string } {
  const slash = resource.indexOf('/');
  return {
    verb: verb.toUpperCase(),
    resource: slash >= 0 ? resource.slice(0, slash) : resource,
    subresource: slash >= 0 ? resource.slice(slash + 1) : '',
    component: 'apiserver',
  };
}

export class ApiMetrics {
  readonly registry = new Registry();
  readonly requests: Counter = this.registry.counter('apiserver_request_total', 'Counter of apiserver requests broken out for each verb, resource, subresource, component, transport and HTTP response code.');
  readonly latency: Histogram = this.registry.histogram('apiserver_request_duration_seconds', 'Response latency distribution in seconds for each verb, resource, subresource and component.', REQUEST_DURATION_BUCKETS);
  readonly watches: Gauge = this.registry.gauge('apiserver_registered_watchers', 'Number of currently registered watchers for a given resource.');
  readonly revision: Gauge = this.registry.gauge('apiserver_storage_revision', 'Current store revision (svcnet).');

  startRequest(verb: string, resource: string, transport: string): (code: number) => void {
    const labels = requestLabels(verb, resource);
    const stop = this.latency.startTimer(labels);
    return (code) => {
      stop();
      this.requests.inc({ ...labels, transport, code: String(code) });
    };
  }
}
