// CriClient against an in-process gRPC server on a unix socket that serves the same proto:
// proves method/field mapping, int64/bytes/enum encoding and error propagation without root.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { CriClient } from './client';
import { CriError } from './errors';
import { criServiceConstructors } from './load';
import { nanosToDate } from './time';

type Handler = (req: any) => any;

async function fakeRuntime(runtime: Record<string, Handler>, images: Record<string, Handler>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cri-client-test-'));
  const sock = path.join(dir, 'cri.sock');
  const server = new grpc.Server();
  const wrap = (h: Record<string, Handler>) =>
    Object.fromEntries(
      Object.entries(h).map(([k, fn]) => [
        k,
        (call: grpc.ServerUnaryCall<any, any>, cb: grpc.sendUnaryData<any>) => {
          try {
            cb(null, fn(call.request));
          } catch (e: any) {
            cb({ code: e.code ?? grpc.status.UNKNOWN, details: e.message });
          }
        },
      ]),
    );
  const { RuntimeService, ImageService } = criServiceConstructors();
  server.addService(RuntimeService.service, wrap(runtime));
  server.addService(ImageService.service, wrap(images));
  await new Promise<void>((res, rej) => server.bindAsync(`unix://${sock}`, grpc.ServerCredentials.createInsecure(), (e) => (e ? rej(e) : res())));
  const dispose = async () => {
    await new Promise<void>((res) => server.tryShutdown(() => res()));
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { sock, dispose };
}

test('CriClient maps requests and responses of runtime.v1', async (t) => {
  const seen: Record<string, any> = {};
  const srv = await fakeRuntime(
    {
      Version: (r) => ((seen.Version = r), { version: '0.1.0', runtimeName: 'fake', runtimeVersion: '9', runtimeApiVersion: 'v1' }),
      RunPodSandbox: (r) => ((seen.RunPodSandbox = r), { podSandboxId: 'sb1' }),
      CreateContainer: (r) => ((seen.CreateContainer = r), { containerId: 'c1' }),
      ContainerStatus: (r) => ({
        status: { id: r.containerId, state: 'CONTAINER_EXITED', exitCode: 3, startedAt: '1700000000123456789', reason: 'Error' },
        info: r.verbose ? { info: '{"pid":42}' } : {},
      }),
      ExecSync: (r) => ((seen.ExecSync = r), { stdout: Buffer.from('out\n'), stderr: Buffer.from([0xff, 0x00]), exitCode: 1 }),
      StopContainer: (r) => ((seen.StopContainer = r), {}),
      PortForward: (r) => ((seen.PortForward = r), { url: 'http://127.0.0.1:1/pf' }),
      PodSandboxStatus: () => {
        throw Object.assign(new Error('an error occurred when try to find sandbox "x": not found'), { code: grpc.status.NOT_FOUND });
      },
    },
    {
      ImageStatus: (r) => (r.image.image === 'present' ? { image: { id: 'sha256:abc', repoTags: ['present'], size: '123' } } : {}),
      PullImage: () => {
        throw Object.assign(new Error('failed to pull and unpack image "docker.io/library/nginx:latest": dial tcp: lookup registry-1.docker.io: no such host'), {
          code: grpc.status.UNKNOWN,
        });
      },
    },
  );
  const cri = new CriClient({ endpoint: `unix://${srv.sock}`, callTimeoutMs: 5000 });
  t.after(async () => {
    cri.close();
    await srv.dispose();
  });

  const v = await cri.version();
  assert.equal(v.runtimeName, 'fake');
  assert.equal(seen.Version.version, 'v1');

  const sandboxConfig = {
    metadata: { name: 'p', uid: 'u', namespace: 'default' },
    linux: { securityContext: { namespaceOptions: { network: 'NODE' as const }, runAsGroup: { value: 5 } } },
  };
  assert.equal(await cri.runPodSandbox(sandboxConfig, 'runc'), 'sb1');
  assert.equal(seen.RunPodSandbox.runtimeHandler, 'runc');
  assert.equal(seen.RunPodSandbox.config.linux.securityContext.namespaceOptions.network, 'NODE');
  assert.equal(seen.RunPodSandbox.config.linux.securityContext.runAsGroup.value, '5');

  const cid = await cri.createContainer('sb1', { metadata: { name: 'c' }, image: { image: 'busybox' }, command: ['sh'], envs: [{ key: 'A', value: 'b' }] }, sandboxConfig);
  assert.equal(cid, 'c1');
  assert.deepEqual(seen.CreateContainer.config.envs, [{ key: 'A', value: 'b' }]);
  assert.equal(seen.CreateContainer.sandboxConfig.metadata.name, 'p');

  const st = await cri.containerStatus('c1', true);
  assert.equal(st.status.state, 'CONTAINER_EXITED');
  assert.equal(st.status.exitCode, 3);
  assert.equal(st.status.finishedAt, '0'); // defaults: true fills unset int64 with "0"
  assert.equal(nanosToDate(st.status.startedAt).toISOString(), '2023-11-14T22:13:20.123Z');
  assert.equal(JSON.parse(st.info.info).pid, 42);

  const ex = await cri.execSync('c1', ['cat', '/x'], 2);
  assert.equal(ex.stdout.toString(), 'out\n');
  assert.deepEqual([...ex.stderr], [0xff, 0x00]);
  assert.equal(ex.exitCode, 1);
  assert.equal(seen.ExecSync.timeout, '2');

  await cri.stopContainer('c1', 7);
  assert.equal(seen.StopContainer.timeout, '7');
  assert.equal(await cri.portForward('sb1', [80]), 'http://127.0.0.1:1/pf');
  assert.deepEqual(seen.PortForward.port, [80]);

  const present = await cri.imageStatus('present');
  assert.equal(present.image?.size, '123');
  assert.equal((await cri.imageStatus('absent')).image, undefined);

  await assert.rejects(cri.podSandboxStatus('x'), (e: unknown) => e instanceof CriError && e.code === grpc.status.NOT_FOUND && /not found/.test(e.details));
  await assert.rejects(cri.pullImage('nginx'), (e: unknown) => e instanceof CriError && /no such host/.test(e.details));
  // An rpc the fake does not implement answers UNIMPLEMENTED, as an older runtime would.
  await assert.rejects(cri.reopenContainerLog('c1'), (e: unknown) => e instanceof CriError && e.code === grpc.status.UNIMPLEMENTED);
});

test('CriClient reports an unreachable socket with the gRPC code', async () => {
  const cri = new CriClient({ endpoint: path.join(os.tmpdir(), `no-such-cri-${process.pid}.sock`), callTimeoutMs: 500 });
  try {
    await assert.rejects(cri.version(), (e: unknown) => e instanceof CriError && (e.code === grpc.status.UNAVAILABLE || e.code === grpc.status.DEADLINE_EXCEEDED));
  } finally {
    cri.close();
  }
});
