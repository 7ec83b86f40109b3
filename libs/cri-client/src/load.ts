// Loads proto/cri/runtime/v1/api.proto once. Options give camelCase fields, int64 as decimal
// strings (nanosecond timestamps overflow a JS number), enums as their names, and every
// scalar/map/repeated field present with its default so callers need no `?? ''` everywhere.
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

// dist/load.js -> repo root is three levels up (libs/cri-client/dist).
export const CRI_PROTO_ROOT = path.resolve(__dirname, '../../../proto/cri');
export const CRI_PROTO_FILE = 'runtime/v1/api.proto';

export const CRI_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

let cached: grpc.GrpcObject | undefined;

export function loadCriPackage(): grpc.GrpcObject {
  if (cached) return cached;
  const def = protoLoader.loadSync(CRI_PROTO_FILE, { ...CRI_LOADER_OPTIONS, includeDirs: [CRI_PROTO_ROOT] });
  cached = grpc.loadPackageDefinition(def);
  return cached;
}

export function criServiceConstructors(): {
  RuntimeService: grpc.ServiceClientConstructor;
  ImageService: grpc.ServiceClientConstructor;
} {
  const v1 = (loadCriPackage() as any).runtime.v1;
  return { RuntimeService: v1.RuntimeService, ImageService: v1.ImageService };
}
