#!/usr/bin/env node
// The data path as its own process, started by the controller with `ip netns exec NS` when
// --netns is given: the controller keeps talking to the apiserver from its namespace while
// addresses, listeners and health checks live in the LB's. JSON lines on stdin/stdout.
import { createInterface } from 'node:readline';
import { createLogger } from '@svcnet/observability';
import { IpAddressManager } from './addresses';
import { parseBalanceMode } from './backend-picker';
import { Dataplane, parseDataplaneMode } from './dataplane';
import { conntrackDelete, nftablesDeps } from './nft-deps';
import { NftExecutor } from '@svcnet/nftables';
import type { FromWorker, ToWorker } from './dataplane-handle';
import { parsePool } from './pool';

export const WORKER_SCRIPT = __filename;

function main(): void {
  const [iface, poolText, balance, intervalMs, netns, modeText] = process.argv.slice(2);
  const mode = parseDataplaneMode(modeText ?? 'userspace');
  const log = createLogger('cloud-lb', { part: 'dataplane', netns });
  const send = (m: FromWorker) => process.stdout.write(JSON.stringify(m) + '\n');
  let pending: NodeJS.Timeout | undefined;
  const dp: Dataplane = new Dataplane({
    addresses: new IpAddressManager(iface, parsePool(poolText)),
    balance: parseBalanceMode(balance),
    healthIntervalMs: Number(intervalMs),
    log,
    mode,
    // We run inside the LB's namespace (ip netns exec): forwarding there is ours to switch on.
    ...(mode === 'nftables' ? nftablesDeps({ setForwarding: true, log }) : { nft: new NftExecutor(), conntrackDelete }),
    onChange: () => {
      // Health flaps come in bursts; one snapshot per 50 ms is plenty.
      pending ??= setTimeout(() => {
        pending = undefined;
        send({ type: 'snapshot', snapshot: dp.snapshot() });
      }, 50);
    },
  });
  setInterval(() => send({ type: 'snapshot', snapshot: dp.snapshot() }), 1000);
  createInterface({ input: process.stdin }).on('line', (line) => {
    let m: ToWorker;
    try {
      m = JSON.parse(line);
    } catch {
      // only the parent writes here, one JSON message a line; anything else is not a message
      return;
    }
    if (m.type === 'apply') {
      dp.apply(m.specs).then(
        () => {
          send({ type: 'applied', gen: m.gen });
          send({ type: 'snapshot', snapshot: dp.snapshot() });
        },
        (e) => send({ type: 'applied', gen: m.gen, error: (e as Error).message }),
      );
    }
  });
  // The controller is our only reason to exist: when it goes (even kill -9), so do we.
  process.stdin.on('end', () => dp.close().finally(() => process.exit(0)));
  process.on('SIGTERM', () => dp.close().finally(() => process.exit(0)));
  process.on('uncaughtException', (err) => log.error('uncaught exception (continuing)', { err, stack: err.stack }));
  send({ type: 'ready' });
}

if (require.main === module) main();
