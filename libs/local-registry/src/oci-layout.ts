// Reading an OCI image layout's index: tag (org.opencontainers.image.ref.name) → manifest descriptor.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

export const REF_NAME = 'org.opencontainers.image.ref.name';

export function parseLayoutIndex(json: string): Map<string, Descriptor> {
  const index = JSON.parse(json) as { manifests?: Descriptor[] };
  const tags = new Map<string, Descriptor>();
  for (const m of index.manifests ?? []) {
    const tag = m.annotations?.[REF_NAME];
    if (tag) tags.set(tag, m);
  }
  return tags;
}

export async function readLayoutTags(layoutDir: string): Promise<Map<string, Descriptor>> {
  return parseLayoutIndex(await readFile(join(layoutDir, 'index.json'), 'utf8'));
}
