// ADD / DEL / CHECK for svcnet-bridge: bridge in the node netns, a veth per sandbox, the pod's
// /32 from the file-based IPAM. Runs in the node netns (containerd's); all pod-side changes go
// through CNI_NETNS.
import type { NetConf } from './cni-config';
import type { CniEnv } from './cni-env';
import { CNI_ERR, CniError } from './cni-errors';
import { prevResultIp, renderAddResult } from './cni-result';
import { allocateIp, IpamStore } from './ipam-store';
import { parseSubnet } from './ipam-choice';
import { attachHostVeth, configurePod, createVeth, deleteLink, ensureBridge, linkInfo, netnsUsable, podAddressing, setNodeSysctls } from './link-ops';
import type { PluginLog } from './plugin-log';
import { hostVethName } from './veth-name';

export async function cmdAdd(conf: NetConf, env: CniEnv, log: PluginLog): Promise<Record<string, unknown>> {
  if (!(await netnsUsable(env.netns))) throw new CniError(CNI_ERR.containerUnknown, `CNI_NETNS ${env.netns} is not a network namespace`);
  const prefix = parseSubnet(conf.subnet).prefix;
  await ensureBridge(conf.bridge, `${conf.gateway}/${prefix}`, conf.mtu);
  setNodeSysctls(conf.bridge);

  const store = new IpamStore(conf.dataDir);
  const { ip, fresh } = allocateIp(store, { subnet: conf.subnet, gateway: conf.gateway, containerId: env.containerId, ifname: env.ifname });
  const hostVeth = hostVethName(env.containerId);
  try {
    // a repeated ADD keeps a complete pair; half of one (earlier crash) is removed and redone
    const host = await linkInfo(hostVeth);
    const pod = await linkInfo(env.ifname, env.netns);
    if (!host || !pod || pod.kind !== 'veth') {
      if (host) await deleteLink(hostVeth);
      if (pod) await deleteLink(env.ifname, env.netns);
      await createVeth(env.netns, env.ifname, hostVeth, conf.mtu);
    }
    await attachHostVeth(hostVeth, conf.bridge, conf.hairpinMode);
    await configurePod(env.netns, env.ifname, ip, conf.gateway);
    const h = await linkInfo(hostVeth);
    const p = await linkInfo(env.ifname, env.netns);
    if (!h || !p) throw new Error(`veth ${hostVeth}/${env.ifname} vanished during setup`);
    log('info', 'added', { ip, hostVeth, fresh });
    return renderAddResult(conf.cniVersion, {
      hostVeth: { name: hostVeth, mac: h.mac },
      container: { name: env.ifname, mac: p.mac, sandbox: env.netns },
      ip,
      gateway: conf.gateway,
    });
  } catch (e) {
    // leave nothing behind for an ADD that fails; a repeated ADD's IP stays until its DEL
    await deleteLink(hostVeth).catch(() => undefined);
    if (fresh) store.release(env.containerId, env.ifname);
    throw e;
  }
}

/** idempotent; succeeds when the netns, the veth or the reservation are already gone */
export async function cmdDel(conf: NetConf, env: CniEnv, log: PluginLog): Promise<void> {
  const hostVeth = hostVethName(env.containerId);
  await deleteLink(hostVeth);
  // the pod end died with the host end; only an eth0 we did not pair (odd leftover) remains
  if (await netnsUsable(env.netns)) await deleteLink(env.ifname, env.netns).catch(() => undefined);
  const released = new IpamStore(conf.dataDir).release(env.containerId, env.ifname);
  log('info', 'deleted', { hostVeth, released });
}

export async function cmdCheck(conf: NetConf, env: CniEnv, log: PluginLog): Promise<void> {
  const fail = (msg: string) => new CniError(CNI_ERR.checkFailed, `check failed: ${msg}`);
  if (!(await netnsUsable(env.netns))) throw new CniError(CNI_ERR.containerUnknown, `CNI_NETNS ${env.netns} is not a network namespace`);
  const reserved = new IpamStore(conf.dataDir).find(env.containerId, env.ifname);
  const ip = prevResultIp(conf.prevResult) ?? reserved[0];
  if (!ip) throw fail(`no IP recorded for container ${env.containerId}`);
  if (!reserved.includes(ip)) throw fail(`${ip} is not reserved for container ${env.containerId} in ${conf.dataDir}`);
  const hostVeth = hostVethName(env.containerId);
  const host = await linkInfo(hostVeth);
  if (!host) throw fail(`host veth ${hostVeth} is missing`);
  if (host.master !== conf.bridge) throw fail(`host veth ${hostVeth} is not on bridge ${conf.bridge}`);
  if (!host.up) throw fail(`host veth ${hostVeth} is down`);
  const pod = await linkInfo(env.ifname, env.netns);
  if (!pod) throw fail(`${env.ifname} is missing in ${env.netns}`);
  if (!pod.up) throw fail(`${env.ifname} is down`);
  const a = await podAddressing(env.netns, env.ifname);
  if (!a.addresses.includes(`${ip}/32`)) throw fail(`${env.ifname} lacks ${ip}/32 (has ${a.addresses.join(', ') || 'none'})`);
  if (a.defaultVia !== conf.gateway || a.defaultDev !== env.ifname || !a.onlink) throw fail(`default route is not "via ${conf.gateway} dev ${env.ifname} onlink"`);
  log('info', 'checked', { ip, hostVeth });
}
