// Pure Deployment reconcile (Kubernetes' deployment controller): which ReplicaSet is new,
// how to step a rolling update, which old ReplicaSets to prune, and the Deployment status.
import { canonicalJson, type Condition, type Deployment, type ReplicaSet } from '@svcnet/api-types';
import { ANNOTATION_REVISION, LABEL_POD_TEMPLATE_HASH, podTemplateHash, replicaSetName, stripHashLabel } from './names';
import { rollingParams } from './rolling-params';

export const ANNOTATION_DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const ANNOTATION_MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';

export type DeploymentStatus = NonNullable<Deployment['status']>;

export interface ScaleStep {
  rs: ReplicaSet;
  replicas: number;
}

export interface DeploymentPlan {
  /** create this ReplicaSet first; nothing else happens in this round */
  create?: ReplicaSet;
  /** set a new revision on an existing RS (a rollback to an old template) */
  revision?: { rs: ReplicaSet; revision: string };
  scale: ScaleStep[];
  /** old, empty ReplicaSets beyond revisionHistoryLimit */
  prune: ReplicaSet[];
  /** the Deployment's own revision annotation */
  deploymentRevision?: string;
  newReplicaSetName?: string;
}

export function revisionOf(rs: ReplicaSet): number {
  const n = Number(rs.metadata.annotations?.[ANNOTATION_REVISION] ?? '0');
  return Number.isFinite(n) ? n : 0;
}

function byCreation(a: ReplicaSet, b: ReplicaSet): number {
  const t = (r: ReplicaSet) => Date.parse(r.metadata.creationTimestamp ?? '') || 0;
  return t(a) - t(b) || String(a.metadata.name).localeCompare(String(b.metadata.name));
}

const replicasOf = (rs: ReplicaSet) => rs.spec.replicas ?? 0;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

export function sameTemplate(d: Deployment, rs: ReplicaSet): boolean {
  return canonicalJson(stripHashLabel(d.spec.template)) === canonicalJson(stripHashLabel(rs.spec.template));
}

/**
 * The RS running the Deployment's current template (oldest wins if several match). The
 * hash label is a second way to recognise it, should the apiserver default the RS template
 * differently from the Deployment's.
 */
export function findNewReplicaSet(d: Deployment, rss: ReplicaSet[]): ReplicaSet | undefined {
  const sorted = [...rss].sort(byCreation);
  const hash = podTemplateHash(d.spec.template);
  return sorted.find((rs) => sameTemplate(d, rs)) ?? sorted.find((rs) => rs.metadata.labels?.[LABEL_POD_TEMPLATE_HASH] === hash);
}

export function buildReplicaSet(d: Deployment, revision: number, replicas: number, maxSurge: number): ReplicaSet {
  const hash = podTemplateHash(d.spec.template);
  const tmplLabels = { ...(d.spec.template.metadata?.labels ?? {}), [LABEL_POD_TEMPLATE_HASH]: hash };
  const want = d.spec.replicas ?? 1;
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: replicaSetName(String(d.metadata.name), hash),
      namespace: d.metadata.namespace,
      labels: tmplLabels,
      annotations: {
        [ANNOTATION_DESIRED_REPLICAS]: String(want),
        [ANNOTATION_MAX_REPLICAS]: String(want + maxSurge),
        [ANNOTATION_REVISION]: String(revision),
      },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: String(d.metadata.name), uid: String(d.metadata.uid), controller: true, blockOwnerDeletion: true },
      ],
    },
    spec: {
      replicas,
      minReadySeconds: d.spec.minReadySeconds ?? 0,
      selector: {
        ...d.spec.selector,
        matchLabels: { ...(d.spec.selector.matchLabels ?? {}), [LABEL_POD_TEMPLATE_HASH]: hash },
      },
      template: {
        ...d.spec.template,
        metadata: { ...(d.spec.template.metadata ?? {}), labels: tmplLabels },
      },
    },
  };
}

/** Kubernetes' NewRSNewReplicas for RollingUpdate: grow the new RS within maxSurge. */
export function newReplicaSetTarget(d: Deployment, all: ReplicaSet[], newRS: ReplicaSet | undefined): number {
  const want = d.spec.replicas ?? 1;
  const current = newRS ? replicasOf(newRS) : 0;
  if (d.spec.strategy?.type === 'Recreate') return want;
  if (current >= want) return want;
  const { maxSurge } = rollingParams(d);
  const total = sum(all.map(replicasOf));
  const maxTotal = want + maxSurge;
  if (total >= maxTotal) return current;
  return current + Math.min(maxTotal - total, want - current);
}

/**
 * Old ReplicaSets to scale down in a rolling update: first unhealthy replicas (they cost no
 * availability), then healthy ones down to the minimum available (oldest RS first).
 */
export function scaleDownOld(d: Deployment, all: ReplicaSet[], newRS: ReplicaSet, old: ReplicaSet[]): ScaleStep[] {
  const oldCount = sum(old.map(replicasOf));
  if (oldCount === 0) return [];
  const want = d.spec.replicas ?? 1;
  const { maxUnavailable } = rollingParams(d);
  const minAvailable = want - maxUnavailable;
  const allCount = sum(all.map(replicasOf));
  const newUnavailable = replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0);
  let maxScaledDown = allCount - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return [];
  const targets = new Map<ReplicaSet, number>();
  const sorted = [...old].sort(byCreation);
  for (const rs of sorted) {
    if (maxScaledDown <= 0) break;
    const unhealthy = replicasOf(rs) - (rs.status?.availableReplicas ?? 0);
    if (replicasOf(rs) === 0 || unhealthy <= 0) continue;
    const down = Math.min(unhealthy, maxScaledDown);
    targets.set(rs, replicasOf(rs) - down);
    maxScaledDown -= down;
  }
  const available = sum(all.map((rs) => rs.status?.availableReplicas ?? 0));
  // Pods removed as unhealthy above were not available, so they do not count here.
  let canRemove = available - minAvailable;
  for (const rs of sorted) {
    if (canRemove <= 0) break;
    const cur = targets.get(rs) ?? replicasOf(rs);
    if (cur === 0) continue;
    const healthy = Math.min(cur, rs.status?.availableReplicas ?? 0);
    const down = Math.min(cur, canRemove, Math.max(healthy, 0));
    if (down <= 0) continue;
    targets.set(rs, cur - down);
    canRemove -= down;
  }
  return [...targets].filter(([rs, n]) => n !== replicasOf(rs)).map(([rs, replicas]) => ({ rs, replicas }));
}

export function planDeployment(d: Deployment, rss: ReplicaSet[]): DeploymentPlan {
  const plan: DeploymentPlan = { scale: [], prune: [] };
  const want = d.spec.replicas ?? 1;
  const { maxSurge } = rollingParams(d);
  const newRS = findNewReplicaSet(d, rss);
  const old = rss.filter((rs) => rs !== newRS);
  const maxOldRevision = Math.max(0, ...old.map(revisionOf));
  const newRevision = String(maxOldRevision + 1);

  if (!newRS) {
    const recreateWaits = d.spec.strategy?.type === 'Recreate' && old.some((rs) => replicasOf(rs) > 0 || (rs.status?.replicas ?? 0) > 0);
    const initial = recreateWaits ? 0 : newReplicaSetTarget(d, rss, undefined);
    plan.create = buildReplicaSet(d, maxOldRevision + 1, initial, maxSurge);
    plan.deploymentRevision = newRevision;
    plan.newReplicaSetName = plan.create.metadata.name;
    return plan;
  }
  plan.newReplicaSetName = newRS.metadata.name;
  if (revisionOf(newRS) < maxOldRevision + 1) plan.revision = { rs: newRS, revision: newRevision };
  plan.deploymentRevision = plan.revision ? newRevision : String(revisionOf(newRS));
  if (d.spec.paused) return plan;

  if (d.spec.strategy?.type === 'Recreate') {
    const running = old.filter((rs) => replicasOf(rs) > 0);
    if (running.length) {
      plan.scale = running.map((rs) => ({ rs, replicas: 0 }));
      return plan;
    }
    if (old.some((rs) => (rs.status?.replicas ?? 0) > 0)) return plan; // wait for old pods to go
    if (replicasOf(newRS) !== want) plan.scale = [{ rs: newRS, replicas: want }];
  } else {
    const target = newReplicaSetTarget(d, rss, newRS);
    if (target !== replicasOf(newRS)) {
      plan.scale = [{ rs: newRS, replicas: target }];
      return plan;
    }
    plan.scale = scaleDownOld(d, rss, newRS, old);
    if (plan.scale.length) return plan;
  }
  plan.prune = historyToPrune(d, old);
  return plan;
}

/** Old ReplicaSets with no replicas left, oldest first, beyond revisionHistoryLimit. */
export function historyToPrune(d: Deployment, old: ReplicaSet[]): ReplicaSet[] {
  const limit = d.spec.revisionHistoryLimit ?? 10;
  const empty = old.filter((rs) => replicasOf(rs) === 0 && (rs.status?.replicas ?? 0) === 0 && !rs.metadata.deletionTimestamp);
  if (empty.length <= limit) return [];
  return [...empty].sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b)).slice(0, empty.length - limit);
}

function condition(type: string, status: Condition['status'], reason: string, message: string): Condition {
  return { type, status, reason, message };
}

/** Deployment status from its ReplicaSets; conditions carry no timestamps yet (see mergeConditions). */
export function deploymentStatus(d: Deployment, rss: ReplicaSet[], newRS: ReplicaSet | undefined): DeploymentStatus {
  const want = d.spec.replicas ?? 1;
  const { maxUnavailable } = rollingParams(d);
  const replicas = sum(rss.map((r) => r.status?.replicas ?? 0));
  const updatedReplicas = newRS?.status?.replicas ?? 0;
  const readyReplicas = sum(rss.map((r) => r.status?.readyReplicas ?? 0));
  const availableReplicas = sum(rss.map((r) => r.status?.availableReplicas ?? 0));
  const unavailableReplicas = Math.max(0, sum(rss.map(replicasOf)) - availableReplicas);
  const conds: Condition[] = [];
  conds.push(
    availableReplicas >= want - maxUnavailable
      ? condition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.')
      : condition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'),
  );
  const rsName = newRS?.metadata.name ?? '';
  const complete = !!newRS && updatedReplicas === want && replicas === want && availableReplicas === want;
  if (d.spec.paused) conds.push(condition('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused'));
  else if (!newRS) conds.push(condition('Progressing', 'True', 'ReplicaSetUpdated', 'Deployment is progressing.'));
  else if (complete) conds.push(condition('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${rsName}" has successfully progressed.`));
  else conds.push(condition('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${rsName}" is progressing.`));
  return {
    observedGeneration: d.metadata.generation ?? 0,
    replicas,
    updatedReplicas,
    readyReplicas,
    availableReplicas,
    unavailableReplicas,
    conditions: conds,
  };
}

/**
 * Adds timestamps: lastTransitionTime kept while the status value stays, lastUpdateTime kept
 * while reason and message stay, so a steady Deployment compares equal and is not rewritten.
 */
export function mergeConditions(prev: Condition[] | undefined, next: Condition[], nowIso: string): Condition[] {
  return next.map((c) => {
    const p = prev?.find((x) => x.type === c.type);
    const sameStatus = p?.status === c.status;
    const sameDetail = sameStatus && p?.reason === c.reason && p?.message === c.message;
    return {
      ...c,
      lastUpdateTime: sameDetail && p?.lastUpdateTime ? p.lastUpdateTime : nowIso,
      lastTransitionTime: sameStatus && p?.lastTransitionTime ? p.lastTransitionTime : nowIso,
    };
  });
}

export function deploymentStatusEqual(a: DeploymentStatus | undefined, b: DeploymentStatus): boolean {
  return canonicalJson(a ?? {}) === canonicalJson(b);
}
