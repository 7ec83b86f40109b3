// publishStandins: push every stand-in ref from the OCI layout into the local registry under its
// mirror path (repository without the registry host, see standins.ts). Refs whose manifest digest
// the registry already has are skipped, so a restart publishes nothing. Per repository, the first
// ref is copied with skopeo (blobs + manifest); its other tags get the same manifest bytes by PUT
// (what skopeo would do once the blobs exist, without a process per tag).
import { join } from 'node:path';
import { run } from '@svcnet/netns';
import { headUrls, MANIFEST_ACCEPT } from './curl-probe';
import { inNetns } from './netns-command';
import { readLayoutTags } from './oci-layout';
import { manifestUrl, planPublish, type PublishStep } from './publish-plan';
import { runPool } from './pool';
import { assertListen } from './registry-config';
import { standinRefs, type StandinRef } from './standins';

export interface PublishOptions {
  layoutDir: string; // build-standins.sh's DIR/layout
  registry: string; // host:port of the local registry
  netnsPath?: string; // the registry listens inside this network namespace
  onProgress?: (line: string) => void;
  refs?: readonly StandinRef[]; // default: every stand-in
  concurrency?: number; // parallel skopeo copies (default 3)
}

export interface PublishSummary {
  copied: number; // refs pushed (skopeo or manifest PUT)
  upToDate: number; // refs the registry already had
  ms: number;
}

export async function publishStandins(opts: PublishOptions): Promise<PublishSummary> {
  const start = Date.now();
  assertListen(opts.registry);
  const progress = opts.onProgress ?? (() => undefined);
  const refs = opts.refs ?? standinRefs();
  const tags = await readLayoutTags(opts.layoutDir);
  const remote = await remoteDigests(opts.registry, refs, opts.netnsPath);
  const plan = planPublish(refs, opts.layoutDir, tags, opts.registry, remote);
  const copies = plan.groups.reduce((n, g) => n + g.length, 0);
  progress(`publish: ${plan.upToDate.length} of ${refs.length} refs up to date, ${copies} to push to ${opts.registry}`);
  if (copies === 0) return { copied: 0, upToDate: plan.upToDate.length, ms: Date.now() - start };

  await runPool(plan.groups, opts.concurrency ?? 3, async (group) => {
    const [first, ...rest] = group;
    const t = Date.now();
    await skopeoCopy(first, opts.netnsPath);
    progress(`publish: ${first.ref.ref} -> ${first.dest} (${Date.now() - t} ms)`);
    if (rest.length > 0) {
      await putManifests(opts.layoutDir, opts.registry, rest, opts.netnsPath);
      progress(`publish: ${first.ref.registry}/${first.ref.repository}: ${rest.length} more tags`);
    }
  });

  // Check what the registry now serves: a digest mismatch would defeat the skip on the next start.
  const after = await remoteDigests(opts.registry, refs, opts.netnsPath);
  const wrong = refs.filter((r) => after.get(r.path) !== tags.get(r.image)?.digest);
  if (wrong.length > 0) throw new Error(`registry ${opts.registry} does not serve the layout's manifest for ${wrong.map((r) => r.path).join(', ')}`);
  progress(`publish: ${copies} refs pushed in ${Date.now() - start} ms`);
  return { copied: copies, upToDate: plan.upToDate.length, ms: Date.now() - start };
}

async function remoteDigests(registry: string, refs: readonly StandinRef[], netnsPath?: string): Promise<Map<string, string | undefined>> {
  const results = await headUrls(refs.map((r) => manifestUrl(registry, r)), { netnsPath, accept: MANIFEST_ACCEPT });
  const m = new Map<string, string | undefined>();
  refs.forEach((r, i) => m.set(r.path, results[i].status === 200 ? results[i].digest : undefined));
  return m;
}

async function skopeoCopy(step: PublishStep, netnsPath?: string): Promise<void> {
  const [cmd, args] = inNetns(netnsPath, 'skopeo', [
    '--insecure-policy', // the layout is ours; no signature policy applies to it
    'copy', '--quiet', '--preserve-digests', '--dest-tls-verify=false', '--retry-times', '2',
    step.source, step.dest,
  ]);
  await run(cmd, args, { timeoutMs: 300_000 });
}

/** PUT the layout's manifest bytes under more tags: one curl, one upload per URL */
async function putManifests(layoutDir: string, registry: string, steps: PublishStep[], netnsPath?: string): Promise<void> {
  // every stand-in has the same manifest media type (umoci writes OCI manifests)
  const args = ['-sS', '--fail', '--max-time', '30', '-H', `Content-Type: ${steps[0].mediaType}`];
  for (const s of steps) {
    const [algo, hex] = s.digest.split(':');
    args.push('-o', '/dev/null', '-T', join(layoutDir, 'blobs', algo, hex), manifestUrl(registry, s.ref));
  }
  const [cmd, a] = inNetns(netnsPath, 'curl', args);
  await run(cmd, a, { timeoutMs: 60_000 + steps.length * 1000 });
}
