// Loads proto/svcnet/v1/api.proto once, with options that keep Kubernetes' JSON names.
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export const PROTO_ROOT = path.resolve(__dirname, '../../../proto');

let cached: grpc.GrpcObject | undefined;

export function loadApiPackage(): grpc.GrpcObject {
  if (cached) return cached;
  const def = protoLoader.loadSync('svcnet/v1/api.proto', {
    includeDirs: [PROTO_ROOT],
    keepCase: true, // field names are the Kubernetes JSON names
    longs: Number,
    enums: String,
    defaults: false, // unset stays absent, as in Kubernetes JSON
    arrays: false,
    objects: false,
    oneofs: false, // proto3 `optional` would otherwise add virtual "_field" keys
  });
  cached = grpc.loadPackageDefinition(def);
  return cached;
}

export function resourceApiService(): grpc.ServiceDefinition {
  const pkg = loadApiPackage() as any;
  return pkg.svcnet.v1.ResourceApi.service as grpc.ServiceDefinition;
}

export function resourceApiClientConstructor(): grpc.ServiceClientConstructor {
  const pkg = loadApiPackage() as any;
  return pkg.svcnet.v1.ResourceApi as grpc.ServiceClientConstructor;
}
