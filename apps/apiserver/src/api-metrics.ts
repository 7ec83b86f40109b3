// The apiserver's Prometheus metrics: requests by verb/resource/code, latency, watches, store revision.
import { Registry, type Counter, type Gauge, type Histogram } from '@svcnet/observability';

export class ApiMetrics {
  readonly registry = new Registry();
  readonly requests: Counter = this.registry.counter('apiserver_request_total', 'Requests by verb, resource, transport and HTTP code.');
  readonly latency: Histogram = this.registry.histogram('apiserver_request_duration_seconds', 'Request latency by verb and resource.');
  readonly watches: Gauge = this.registry.gauge('apiserver_registered_watchers', 'Open watches by resource.');
  readonly revision: Gauge = this.registry.gauge('apiserver_storage_revision', 'Current store revision.');

  startRequest(verb: string, resource: string, transport: string): (code: number) => void {
    const stop = this.latency.startTimer({ verb, resource });
    return (code) => {
      stop();
      this.requests.inc({ verb, resource, transport, code: String(code) });
    };
  }
}
