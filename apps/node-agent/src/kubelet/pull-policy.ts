// imagePullPolicy as the kubelet applies it. The apiserver defaults the policy (Always for
// :latest or no tag, else IfNotPresent, SetDefaults_Container); an unset policy here follows
// the same rule: a digest with an explicit :latest tag is still Always. Pure.
import type { ImageReference } from './image-reference';

export type PullDecision = 'pull' | 'use-present' | 'never-pull-missing';

export function effectivePullPolicy(policy: string | undefined, ref: ImageReference): 'Always' | 'IfNotPresent' | 'Never' {
  if (policy === 'Always' || policy === 'IfNotPresent' || policy === 'Never') return policy;
  return ref.tag === 'latest' ? 'Always' : 'IfNotPresent';
}

export function pullDecision(policy: 'Always' | 'IfNotPresent' | 'Never', present: boolean): PullDecision {
  if (policy === 'Always') return 'pull';
  if (present) return 'use-present';
  return policy === 'Never' ? 'never-pull-missing' : 'pull';
}
