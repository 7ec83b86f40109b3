// GET /lb: the admin view of every LB — IP, Service, ports, nodes and their health — plus
// Services that could not get an IP and why.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Controller } from './controller';
import type { DataplaneHandle } from './dataplane-handle';

export function lbView(controller: Controller, dataplane: DataplaneHandle) {
  const snap = dataplane.snapshot();
  return {
    pool: { text: controller.allocator.pool.text, size: controller.allocator.pool.size, allocated: controller.allocator.allocated },
    loadBalancers: snap.lbs,
    allocationFailures: [...controller.problems.values()],
  };
}

export function lbRoute(controller: () => Controller | undefined, dataplane: () => DataplaneHandle | undefined) {
  return (_req: IncomingMessage, res: ServerResponse) => {
    const c = controller();
    const d = dataplane();
    if (!c || !d) return void res.writeHead(503, { 'content-type': 'text/plain' }).end('starting');
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(lbView(c, d), null, 2) + '\n');
  };
}
