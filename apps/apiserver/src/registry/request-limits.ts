// How large a request may be. Kubernetes' apiserver refuses a request body over 3 MiB
// (genericapiserver's MaxRequestBodyBytes = 3 * 1024 * 1024) with 413 "Request entity too
// large: limit is 3145728"; etcd's own 1.5 MiB request limit ("etcdserver: request is too
// large") is a property of that storage backend, not an API rule, and the FileStore has no
// such limit. So svcnet applies the Kubernetes API limit, with the message Kubernetes sends,
// to the HTTP body and (in ApiCore, where gRPC requests arrive without an HTTP body) to the
// serialized object, so both transports refuse the same objects with the same words.
import { ApiError } from '@svcnet/api-types';

export const MAX_REQUEST_BYTES = 3 * 1024 * 1024;

export function requestTooLarge(): ApiError {
  return new ApiError('RequestEntityTooLarge', `Request entity too large: limit is ${MAX_REQUEST_BYTES}`);
}
