// Images for containers (pkg/kubelet/images): the pull policy, pulls through CRI with the pod's
// pull secrets, kubelet's events and its per-image back-off (ErrImagePull, then
// ImagePullBackOff until the back-off expires).
import type { Container, Pod, Secret } from '@svcnet/api-types';
import type { CriClient } from '@svcnet/cri-client';
import type { EventRecorder } from '@svcnet/api-client';
import { parseImageReference } from './image-reference';
import { effectivePullPolicy, pullDecision } from './pull-policy';
import { authForRegistry } from './pull-secrets';
import { nextBackoff, type BackoffSettings } from './restart-policy';

export type ImageResult = { ok: true; imageRef: string; uid?: number; username?: string } | { ok: false; reason: string; message: string; retryAfterMs?: number };

export const STANDIN_LABEL = 'io.svcnet.standin';

interface BackoffEntry {
  until: number;
  delayMs: number;
  message: string;
}

export class ImageManager {
  private readonly backoff = new Map<string, BackoffEntry>();

  constructor(
    private readonly cri: CriClient,
    private readonly events: EventRecorder,
    private readonly settings: BackoffSettings,
  ) {}

  async ensureImage(pod: Pod, c: Container, pullSecrets: Secret[]): Promise<ImageResult> {
    const image = c.image ?? '';
    const ref = parseImageReference(image);
    const fieldPath = `spec.containers{${c.name}}`;
    if ('error' in ref) {
      this.events.warning(pod, 'InspectFailed', ref.error, fieldPath);
      return { ok: false, reason: 'InvalidImageName', message: ref.error };
    }
    const present = await this.cri.imageStatus(ref.full).catch(() => undefined);
    const decision = pullDecision(effectivePullPolicy(c.imagePullPolicy, ref), !!present?.image);
    if (decision === 'use-present') {
      this.events.normal(pod, 'Pulled', `Container image "${image}" already present on machine`, fieldPath);
      return { ok: true, imageRef: present!.image!.id, uid: imageUid(present!.image), username: present!.image!.username };
    }
    if (decision === 'never-pull-missing') {
      const message = `Container image "${image}" is not present with pull policy of Never`;
      this.events.warning(pod, 'ErrImageNeverPull', message, fieldPath);
      return { ok: false, reason: 'ErrImageNeverPull', message };
    }
    const key = `${pod.metadata.uid}/${ref.full}`;
    const b = this.backoff.get(key);
    if (b && Date.now() < b.until) {
      this.events.normal(pod, 'BackOff', `Back-off pulling image "${image}"`, fieldPath);
      this.events.warning(pod, 'Failed', 'Error: ImagePullBackOff', fieldPath);
      return { ok: false, reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}": ${b.message}`, retryAfterMs: b.until - Date.now() };
    }
    this.events.normal(pod, 'Pulling', `Pulling image "${image}"`, fieldPath);
    const started = Date.now();
    try {
      const auth = authForRegistry(pullSecrets, ref.registry);
      const imageRef = await this.cri.pullImage(ref.full, auth);
      const st = await this.cri.imageStatus(imageRef, true).catch(() => undefined);
      const secs = ((Date.now() - started) / 1000).toFixed(3);
      const standin = isStandin(st?.info) ? ' (svcnet stand-in image from the local registry: no real registry was reachable)' : '';
      this.events.normal(pod, 'Pulled', `Successfully pulled image "${image}" in ${secs}s (${secs}s including waiting). Image size: ${st?.image?.size ?? 0} bytes.${standin}`, fieldPath);
      this.backoff.delete(key);
      return { ok: true, imageRef: st?.image?.id ?? imageRef, uid: imageUid(st?.image), username: st?.image?.username };
    } catch (e) {
      const err = (e as { details?: string }).details || (e as Error).message;
      const message = `Failed to pull image "${image}": ${err}`;
      const delayMs = nextBackoff(b?.delayMs, 0, this.settings);
      this.backoff.set(key, { until: Date.now() + delayMs, delayMs, message: err });
      this.events.warning(pod, 'Failed', message, fieldPath);
      this.events.warning(pod, 'Failed', 'Error: ErrImagePull', fieldPath);
      return { ok: false, reason: 'ErrImagePull', message, retryAfterMs: delayMs };
    }
  }

  /** forget a pod's back-off entries (pod removed) */
  forgetPod(uid: string): void {
    for (const k of this.backoff.keys()) if (k.startsWith(`${uid}/`)) this.backoff.delete(k);
  }
}

function imageUid(img: { uid?: { value?: string | number } | null } | undefined): number | undefined {
  const v = img?.uid?.value;
  return v === undefined || v === null ? undefined : Number(v);
}

/** containerd's verbose ImageStatus info carries the image config, labels included */
function isStandin(info: Record<string, string> | undefined): boolean {
  return !!info && Object.values(info).some((v) => v.includes(`"${STANDIN_LABEL}":"true"`));
}
