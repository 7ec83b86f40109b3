// Placeholder entry of the HTTP/JSON API for kubectl; filled in by the kubectl issue.
import type { ApiCore } from '../registry/api-core';
import type { ApiMetrics } from '../api-metrics';
import type { Logger } from '@svcnet/observability';

export interface HttpApiOptions {
  listen: string;
  certFile?: string;
  keyFile?: string;
  clientCaFile?: string;
  tokenFile?: string;
  insecure: boolean;
}

export async function startHttpApi(_core: ApiCore, _metrics: ApiMetrics, log: Logger, opts: HttpApiOptions): Promise<number> {
  log.warn('the HTTP API is not built yet', { listen: opts.listen });
  throw new Error('--http-listen: the HTTP/JSON API is not available in this build');
}
