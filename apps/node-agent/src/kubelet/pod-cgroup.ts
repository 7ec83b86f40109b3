// The pod-level cgroup (cgroupfs driver, cgroup v1: one directory per hierarchy). runc removes
// each container's cgroup, the kubelet removes the pod's parent once the sandbox is gone.
import * as fs from 'node:fs';
import * as path from 'node:path';

const CGROUP_MOUNT = '/sys/fs/cgroup';

/** the cgroup parent a pod's sandbox and containers live under */
export function podCgroupParent(cgroupRoot: string, uid: string): string {
  return `${cgroupRoot}/pod${uid}`;
}

/** rmdir the pod's cgroup in every hierarchy (busy or absent ones are left alone) */
export function removePodCgroup(cgroupRoot: string, uid: string): void {
  let hierarchies: string[] = [];
  try {
    hierarchies = fs.readdirSync(CGROUP_MOUNT);
  } catch {
    return; // no cgroupfs here
  }
  for (const h of hierarchies) {
    const dir = path.join(CGROUP_MOUNT, h, podCgroupParent(cgroupRoot, uid));
    try {
      fs.rmdirSync(dir);
    } catch {
      // ENOENT: this hierarchy never had it; EBUSY: a process still in it, retried on the next removal
    }
  }
}
