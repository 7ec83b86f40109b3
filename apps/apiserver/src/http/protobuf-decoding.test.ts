// Protobuf request bodies as kubectl 1.32's typed clients sent them (captured from
// `kubectl create deployment web01 --image=nginx --port=80 --replicas=2`,
// `kubectl create service nodeport np1 --tcp=80:http --node-port=30001`, `kubectl create ns blue`)
// decode to the JSON those commands would send.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '@svcnet/api-types';
import { decodeProtobufObject } from './protobuf-decoding';

const CAPTURED: { name: string; base64: string; json: unknown }[] = [
  {
    name: "deployment",
    base64:
      "azhzAAoVCgdhcHBzL3YxEgpEZXBsb3ltZW50EsABCiMKBXdlYjAxEgAaACIAKgAyADgAQgBaDAoDYXBwEgV3ZWIwMRKKAQgCEg4KDAoDYXBwEgV3ZWIwMRpuCh4KABIAGgAiACoAMgA4AEIAWgwKA2FwcBIFd2ViMDESTBIuCgVuZ2lueBIFbmdpbngqADIKCgAQABhQIgAqAEIAagByAIABAIgBAJABAKIBABoAMgBCAEoAUgBYAGAAaACCAQCKAQCaAQDCAQAiAgoAKAA4ABoMCAAQABgAIAAoADgAGgAiAA==",
    json: {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web01", "creationTimestamp": null, "labels": {"app": "web01"}}, "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web01"}}, "template": {"metadata": {"creationTimestamp": null, "labels": {"app": "web01"}}, "spec": {"containers": [{"name": "nginx", "image": "nginx", "ports": [{"containerPort": 80}], "resources": {}}]}}, "strategy": {}}, "status": {}},
  },
  {
    name: "nodeport service",
    base64:
      "azhzAAoNCgJ2MRIHU2VydmljZRJtCh8KA25wMRIAGgAiACoAMgA4AEIAWgoKA2FwcBIDbnAxEkYKIAoHODAtaHR0cBIDVENQGFAiCggBEAAaBGh0dHAoseoBEgoKA2FwcBIDbnAxGgAiCE5vZGVQb3J0OgBCAFIAWgBgAGgAGgIKABoAIgA=",
    json: {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "np1", "creationTimestamp": null, "labels": {"app": "np1"}}, "spec": {"ports": [{"name": "80-http", "protocol": "TCP", "port": 80, "targetPort": "http", "nodePort": 30001}], "selector": {"app": "np1"}, "type": "NodePort"}, "status": {}},
  },
  {
    name: "namespace",
    base64:
      "azhzAAoPCgJ2MRIJTmFtZXNwYWNlEhwKFAoEYmx1ZRIAGgAiACoAMgA4AEIAEgAaAgoAGgAiAA==",
    json: {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "blue", "creationTimestamp": null}, "spec": {}, "status": {}},
  },
];

for (const c of CAPTURED) {
  test(`kubectl's protobuf ${c.name} decodes to its JSON form`, () => {
    assert.deepEqual(decodeProtobufObject(Buffer.from(c.base64, 'base64')), c.json);
  });
}

test('a body without the k8s magic is refused', () => {
  assert.throws(() => decodeProtobufObject(Buffer.from('{"kind":"Service"}')), (e: unknown) => e instanceof ApiError && e.code === 400 && /expected prefix \[107 56 115 0\]/.test(e.message));
});

