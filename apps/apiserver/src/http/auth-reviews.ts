// `kubectl auth whoami` and `kubectl auth can-i`: SelfSubjectReview (authentication.k8s.io/v1)
// and SelfSubjectAccessReview/SelfSubjectRulesReview (authorization.k8s.io/v1). svcnet has
// no RBAC: every authenticated user may do everything, and the reviews say so.
import { ApiError } from '@svcnet/api-types';
import type { UserInfo } from './auth';

export const REVIEW_GROUPS = [
  { group: 'authentication.k8s.io', version: 'v1', resources: [{ name: 'selfsubjectreviews', singularName: 'selfsubjectreview', namespaced: false, kind: 'SelfSubjectReview', verbs: ['create'] }] },
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    resources: [
      { name: 'selfsubjectaccessreviews', singularName: 'selfsubjectaccessreview', namespaced: false, kind: 'SelfSubjectAccessReview', verbs: ['create'] },
      { name: 'selfsubjectrulesreviews', singularName: 'selfsubjectrulesreview', namespaced: false, kind: 'SelfSubjectRulesReview', verbs: ['create'] },
    ],
  },
];

export function reviewResourceList(group: string, version: string): unknown | undefined {
  const g = REVIEW_GROUPS.find((x) => x.group === group && x.version === version);
  return g && { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${group}/${version}`, resources: g.resources };
}

/** Answers a review POST, or undefined when the path is not one. */
export function answerReview(pathname: string, body: unknown, user: UserInfo): { code: number; body: unknown } | undefined {
  const m = /^\/apis\/(authentication\.k8s\.io|authorization\.k8s\.io)\/v1\/(selfsubjectreviews|selfsubjectaccessreviews|selfsubjectrulesreviews)$/.exec(pathname);
  if (!m) return undefined;
  const input = (body && typeof body === 'object' ? body : {}) as { spec?: unknown };
  const kind = { selfsubjectreviews: 'SelfSubjectReview', selfsubjectaccessreviews: 'SelfSubjectAccessReview', selfsubjectrulesreviews: 'SelfSubjectRulesReview' }[m[2]]!;
  if ((m[1] === 'authentication.k8s.io') !== (m[2] === 'selfsubjectreviews')) throw new ApiError('NotFound', 'the server could not find the requested resource');
  const base = { kind, apiVersion: `${m[1]}/v1`, metadata: { creationTimestamp: null } };
  switch (m[2]) {
    case 'selfsubjectreviews':
      return { code: 201, body: { ...base, status: { userInfo: { username: user.name, ...(user.uid ? { uid: user.uid } : {}), groups: user.groups } } } };
    case 'selfsubjectaccessreviews':
      return { code: 201, body: { ...base, spec: input.spec ?? {}, status: { allowed: true, reason: 'svcnet authorizes every authenticated user' } } };
    default:
      return {
        code: 201,
        body: { ...base, spec: input.spec ?? {}, status: { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false } },
      };
  }
}
