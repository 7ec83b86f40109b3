// Pins field numbers that are easy to get wrong against upstream cri-api runtime/v1:
// containerd decodes by number, so a wrong number silently drops a setting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as protoLoader from '@grpc/proto-loader';
import { CRI_PROTO_FILE, CRI_PROTO_ROOT } from './load';

test('proto field numbers match upstream runtime.v1', () => {
  const def = protoLoader.loadSync(CRI_PROTO_FILE, { includeDirs: [CRI_PROTO_ROOT], keepCase: true });
  const num = (msg: string, field: string): number => {
    const t = (def[`runtime.v1.${msg}`] as any).type;
    const f = t.field.find((x: any) => x.name === field);
    assert.ok(f, `${msg}.${field} missing`);
    return f.number;
  };
  const expected: [string, string, number][] = [
    ['LinuxSandboxSecurityContext', 'run_as_group', 8],
    ['LinuxSandboxSecurityContext', 'seccomp', 9],
    ['LinuxContainerSecurityContext', 'run_as_group', 12],
    ['LinuxContainerSecurityContext', 'no_new_privs', 11],
    ['LinuxContainerSecurityContext', 'seccomp', 15],
    ['Namespace', 'options', 2],
    ['ImageSpec', 'user_specified_image', 18],
    ['ImageSpec', 'runtime_handler', 19],
    ['ContainerConfig', 'log_path', 11],
    ['ContainerConfig', 'linux', 15],
    ['ContainerConfig', 'CDI_devices', 17],
    ['PodSandboxConfig', 'linux', 8],
    ['ContainerStatus', 'log_path', 15],
    ['ContainerStatus', 'resources', 16],
    ['PodSandboxStatusResponse', 'timestamp', 4],
    ['LinuxContainerResources', 'memory_swap_limit_in_bytes', 10],
    ['Mount', 'uidMappings', 6],
    ['UpdateContainerResourcesRequest', 'annotations', 4],
  ];
  for (const [m, f, n] of expected) assert.equal(num(m, f), n, `${m}.${f}`);
  const services = Object.keys(def).filter((k) => k.endsWith('Service'));
  assert.deepEqual(services.sort(), ['runtime.v1.ImageService', 'runtime.v1.RuntimeService']);
});
