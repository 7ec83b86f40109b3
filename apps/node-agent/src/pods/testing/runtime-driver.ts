// Test helper: runs a PodRuntime in the process's current netns (the test starts it with
// `nsenter --net=<node netns>`) and executes calls received over the IPC channel.
import type { Node, Pod, Service } from '@svcnet/api-types';
import { createLogger } from '@svcnet/observability';
import { PodRuntime, type PodRuntimeOptions } from '../pod-runtime';
import { serviceEnv } from '../service-env';
import { NodeRoutes } from '../../node-routes';

type Msg = { id: number; op: string; args: unknown[] };

let runtime: PodRuntime | undefined;
let services: Service[] = [];
let routes: NodeRoutes | undefined;

async function handle(op: string, args: unknown[]): Promise<unknown> {
  switch (op) {
    case 'init': {
      const o = args[0] as Omit<PodRuntimeOptions, 'log' | 'serviceEnv'> & { services?: Service[] };
      services = o.services ?? [];
      runtime = new PodRuntime({ ...o, log: createLogger('test-node-agent'), serviceEnv: (ns, links) => serviceEnv(services, ns, links) });
      await runtime.init();
      return { gateway: runtime.gateway };
    }
    case 'sync':
      await runtime!.syncPod(args[0] as Pod);
      return { ip: runtime!.podIP((args[0] as Pod).metadata.uid!), netns: runtime!.netnsOf((args[0] as Pod).metadata.uid!) };
    case 'terminate':
      await runtime!.terminatePod(args[0] as string, args[1] as number);
      return null;
    case 'status':
      return runtime!.podStatus(args[0] as Pod) ?? null;
    case 'pid':
      return runtime!.containerPid(args[0] as string, args[1] as string) ?? null;
    case 'routes':
      routes ??= new NodeRoutes(runtime!.opts.nodeName, createLogger('test-node-agent'));
      await routes.sync(args[0] as Node[]);
      return null;
    case 'uids':
      return runtime!.podUids();
    case 'logPath':
      return runtime!.logPath(args[0] as string, args[1] as string);
    case 'cleanup':
      await runtime!.cleanupOrphans(new Set(args[0] as string[]));
      return null;
    case 'shutdown':
      runtime?.shutdown();
      setTimeout(() => process.exit(0), 10);
      return null;
    default:
      throw new Error(`unknown op ${op}`);
  }
}

process.on('message', (m: Msg) => {
  handle(m.op, m.args).then(
    (result) => process.send!({ id: m.id, result }),
    (e: Error) => process.send!({ id: m.id, error: e.stack ?? e.message }),
  );
});
process.on('disconnect', () => {
  runtime?.shutdown();
  process.exit(0);
});
