// Tests only (crash.test.ts): opens a store from a --storage spec and creates objects as
// fast as it can from several concurrent writers, printing each key once the store has
// acknowledged it. The parent kill -9s this process and checks every printed key survived.
// stdout to a pipe is synchronous on Linux, so a printed line is out before the next write.
import { openStore } from './open-store';

async function main(): Promise<void> {
  const [spec, tag] = process.argv.slice(2);
  const compactBytes = Number(process.env.CRASH_COMPACT_BYTES ?? '') || undefined;
  const store = await openStore(spec, { etcdPrefix: process.env.CRASH_ETCD_PREFIX, file: { compactBytes } });
  process.stdout.write('ready\n');
  const writer = async (w: number): Promise<void> => {
    for (let i = 0; ; i++) {
      const key = `/crash/${tag}-${w}-${i}`;
      try {
        await store.create(key, { kind: 'ConfigMap', metadata: { name: `${tag}-${w}-${i}` }, data: { pad: 'x'.repeat(200) } });
        process.stdout.write(`ack ${key}\n`);
      } catch {
        // etcd may be down (the parent can kill it too): not acknowledged, so not
        // printed; go on with the next key (this one may or may not have landed)
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err) + '\n');
  process.exit(1);
});
