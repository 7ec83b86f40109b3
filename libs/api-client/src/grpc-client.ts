// The typed gRPC client every app uses. One channel per ApiClient; `resource<T>(name)` gives
// a ResourceClient for one resource. Errors come back as ApiError with Kubernetes reasons.
import * as fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { ApiError, type KubeObject, type ObjectList, resourceByName, apiVersionOf } from '@svcnet/api-types';
import { fromGrpcError, fromWire, resourceApiClientConstructor, toWire } from '@svcnet/api-proto';
import type { DeleteOptions, ListOptions, PatchType, ResourceClient, Watch, WatchHandlers, WatchOptions } from './contract';

export interface ApiClientOptions {
  /** host:port of the apiserver's gRPC endpoint */
  address: string;
  /** plaintext (loopback/tests); otherwise mutual TLS with the files below */
  insecure?: boolean;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  /** per-call deadline for unary calls */
  timeoutMs?: number;
}

type Json = Record<string, any>;

export class ApiClient {
  private readonly stub: grpc.Client & Record<string, any>;
  private readonly timeoutMs: number;

  constructor(readonly opts: ApiClientOptions) {
    const Ctor = resourceApiClientConstructor();
    let creds: grpc.ChannelCredentials;
    if (opts.insecure) creds = grpc.credentials.createInsecure();
    else {
      if (!opts.caFile || !opts.certFile || !opts.keyFile) throw new Error('TLS needs --tls-ca-file, --tls-cert-file and --tls-private-key-file (or --insecure)');
      creds = grpc.credentials.createSsl(fs.readFileSync(opts.caFile), fs.readFileSync(opts.keyFile), fs.readFileSync(opts.certFile));
    }
    this.stub = new Ctor(opts.address, creds, {
      'grpc.max_receive_message_length': 256 * 1024 * 1024,
      'grpc.max_send_message_length': 64 * 1024 * 1024,
      'grpc.keepalive_time_ms': 20_000,
      'grpc.initial_reconnect_backoff_ms': 200,
      'grpc.max_reconnect_backoff_ms': 2000,
    }) as grpc.Client & Record<string, any>;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  resource<T extends KubeObject>(resource: string): ResourceClient<T> {
    if (!resourceByName(resource)) throw new Error(`unknown resource ${resource}`);
    return new GrpcResourceClient<T>(this, resource);
  }

  close(): void {
    this.stub.close();
  }

  /** @internal */
  unary(method: string, req: Json): Promise<Json> {
    return new Promise((resolve, reject) => {
      this.stub[method](req, { deadline: Date.now() + this.timeoutMs, waitForReady: true }, (err: grpc.ServiceError | null, res: Json) => {
        if (err) reject(fromGrpcError(err));
        else resolve(res);
      });
    });
  }

  /** @internal */
  stream(method: string, req: Json): grpc.ClientReadableStream<Json> {
    return this.stub[method](req, { waitForReady: true });
  }
}

class GrpcResourceClient<T extends KubeObject> implements ResourceClient<T> {
  private readonly kind: string;
  constructor(
    private readonly api: ApiClient,
    readonly resource: string,
  ) {
    this.kind = resourceByName(resource)!.kind;
  }

  async list(opts: ListOptions = {}): Promise<ObjectList<T>> {
    const res = await this.api.unary('List', { resource: this.resource, namespace: opts.namespace ?? '', labelSelector: opts.labelSelector ?? '', fieldSelector: opts.fieldSelector ?? '' });
    const info = resourceByName(this.resource)!;
    return {
      apiVersion: apiVersionOf(info),
      kind: `${info.kind}List`,
      metadata: { resourceVersion: res.resourceVersion },
      items: (res.items ?? []).map((o: Json) => fromWire<T>(o)),
    };
  }

  async get(namespace: string | undefined, name: string): Promise<T> {
    return fromWire<T>(await this.api.unary('Get', { resource: this.resource, namespace: namespace ?? '', name }));
  }

  async create(obj: T): Promise<T> {
    return fromWire<T>(await this.api.unary('Create', { resource: this.resource, namespace: obj.metadata.namespace ?? '', object: toWire(obj, this.kind) }));
  }

  async update(obj: T): Promise<T> {
    return fromWire<T>(await this.api.unary('Update', { resource: this.resource, namespace: obj.metadata.namespace ?? '', object: toWire(obj, this.kind) }));
  }

  async updateStatus(obj: T): Promise<T> {
    return fromWire<T>(await this.api.unary('Update', { resource: this.resource, namespace: obj.metadata.namespace ?? '', object: toWire(obj, this.kind), subresource: 'status' }));
  }

  async patch(namespace: string | undefined, name: string, patch: unknown, type: PatchType = 'merge', subresource?: 'status'): Promise<T> {
    return fromWire<T>(
      await this.api.unary('Patch', { resource: this.resource, namespace: namespace ?? '', name, patchType: type, patch: JSON.stringify(patch), subresource: subresource ?? '' }),
    );
  }

  async delete(namespace: string | undefined, name: string, opts: DeleteOptions = {}): Promise<T> {
    return fromWire<T>(
      await this.api.unary('Delete', {
        resource: this.resource,
        namespace: namespace ?? '',
        name,
        gracePeriodSeconds: opts.gracePeriodSeconds,
        preconditions: opts.preconditions,
      }),
    );
  }

  watch(opts: WatchOptions, handlers: WatchHandlers<T>): Watch {
    const call = this.api.stream('Watch', {
      resource: this.resource,
      namespace: opts.namespace ?? '',
      labelSelector: opts.labelSelector ?? '',
      fieldSelector: opts.fieldSelector ?? '',
      resourceVersion: opts.resourceVersion ?? '',
      allowBookmarks: opts.allowBookmarks ?? false,
    });
    let stopped = false;
    let closed = false;
    const close = (err?: Error) => {
      if (closed) return;
      closed = true;
      handlers.onClose(err);
    };
    call.on('data', (ev: Json) => {
      if (stopped) return;
      try {
        handlers.onEvent({ type: ev.type, object: fromWire<T>(ev.object) });
      } catch (e) {
        call.cancel();
        close(e as Error);
      }
    });
    call.on('error', (err: grpc.ServiceError) => {
      if (stopped && err.code === grpc.status.CANCELLED) return;
      close(fromGrpcError(err));
    });
    call.on('end', () => close());
    return {
      stop: () => {
        stopped = true;
        call.cancel();
      },
    };
  }
}

export function isGone(err: unknown): boolean {
  return err instanceof ApiError && err.reason === 'Gone';
}
