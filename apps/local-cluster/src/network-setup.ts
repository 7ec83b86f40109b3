// Creates and removes the local cluster's namespaces and links (see topology.ts).
import { addAddress, addBridge, addRoute, addVethPair, createNetns, deleteNetns, linkUp, listNetns, netnsExists, netnsPids, setMaster, setSysctl, execIn } from '@svcnet/netns';
import type { LocalTopology } from './topology';
import { ownsNetns } from './topology';

export async function createNetwork(t: LocalTopology, step: (msg: string) => void): Promise<void> {
  step(`namespace ${t.lanNetns} with bridge ${t.lanBridge} (${t.lanGateway})`);
  await createNetns(t.lanNetns);
  await linkUp(t.lanNetns, 'lo');
  await addBridge(t.lanNetns, t.lanBridge);
  await addAddress(t.lanNetns, t.lanBridge, `${t.lanGateway}/24`);
  await addAddress(t.lanNetns, t.lanBridge, `${t.dnsIP}/32`);
  await addAddress(t.lanNetns, t.lanBridge, `${t.registryIP}/32`);
  await linkUp(t.lanNetns, t.lanBridge);
  await setSysctl(t.lanNetns, 'net.ipv4.ip_forward', 1);
  // The LAN has no way out. Refuse what it cannot route with an error the sender sees at once
  // (a UDP socket ignores "net unreachable"), so a pull that tries the real registry first
  // (its DNS lookup) falls back to the local registry immediately instead of after a timeout.
  // A packet with no route never reaches the forward hook, so the default route points into a
  // veth pair that ends inside this namespace: routed, then rejected, never sent anywhere.
  await addVethPair({ netns: t.lanNetns, name: 'sink0', peerNetns: t.lanNetns, peerName: 'sink1' });
  await linkUp(t.lanNetns, 'sink0');
  await linkUp(t.lanNetns, 'sink1');
  await addRoute(t.lanNetns, { to: 'default', dev: 'sink0' });
  await execIn(t.lanNetns, 'nft', ['-f', '-'], {
    input: [
      'table ip svcnet-lan-edge {',
      '  chain forward {',
      '    type filter hook forward priority filter; policy accept;',
      '    oifname "sink0" meta l4proto udp reject with icmp type port-unreachable',
      '    oifname "sink0" meta l4proto tcp reject with tcp reset',
      '    oifname "sink0" reject with icmp type net-unreachable',
      '  }',
      '}',
    ].join('\n'),
  });

  for (const n of t.nodes) {
    step(`node namespace ${n.netns} (${n.ip})`);
    await createNetns(n.netns);
    await linkUp(n.netns, 'lo');
    await addVethPair({ netns: n.netns, name: 'eth0', peerNetns: t.lanNetns, peerName: n.lanLink });
    await setMaster(t.lanNetns, n.lanLink, t.lanBridge);
    await linkUp(t.lanNetns, n.lanLink);
    await addAddress(n.netns, 'eth0', `${n.ip}/24`);
    await linkUp(n.netns, 'eth0');
    await addRoute(n.netns, { to: 'default', via: t.lanGateway });
    await setSysctl(n.netns, 'net.ipv4.ip_forward', 1);
    // CNI-style ip-masq: pod traffic to anything outside the pod network leaves with the
    // node's address, so the LAN needs no routes to pod CIDRs.
    await execIn(n.netns, 'nft', ['-f', '-'], {
      input: [
        'table ip svcnet-cni {',
        '  chain postrouting {',
        '    type nat hook postrouting priority srcnat + 10; policy accept;',
        '    ip saddr 10.244.0.0/16 ip daddr != 10.244.0.0/16 oifname "eth0" masquerade',
        '  }',
        '}',
      ].join('\n'),
    });
  }

  step(`outside client namespace ${t.clientNetns} (${t.clientIP})`);
  await createNetns(t.clientNetns);
  await linkUp(t.clientNetns, 'lo');
  await addVethPair({ netns: t.clientNetns, name: 'eth0', peerNetns: t.lanNetns, peerName: t.clientLanLink });
  await addAddress(t.lanNetns, t.clientLanLink, `${t.clientGateway}/24`);
  await linkUp(t.lanNetns, t.clientLanLink);
  await addAddress(t.clientNetns, 'eth0', `${t.clientIP}/24`);
  await linkUp(t.clientNetns, 'eth0');
  await addRoute(t.clientNetns, { to: 'default', via: t.clientGateway });
}

/** Kills whatever still runs inside our namespaces (pods) and deletes them. */
export async function destroyNetwork(t: LocalTopology, step: (msg: string) => void): Promise<void> {
  const all = (await listNetns()).filter((n) => ownsNetns(t, n));
  // Pod namespaces first, then nodes, client and the lan.
  all.sort((a, b) => b.length - a.length);
  for (const ns of all) {
    await killAllIn(ns);
    step(`delete namespace ${ns}`);
    await deleteNetns(ns);
  }
}

async function killAllIn(ns: string): Promise<void> {
  if (!netnsExists(ns)) return;
  for (const pid of await netnsPids(ns)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}
