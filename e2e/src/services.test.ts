// End-to-end: the Compose topology in Docker (testcontainers), driven over gRPC, asserting
// what a user sees: HTTP bodies through ClusterIPs/NodePorts/LB IPs and DNS answers in pods.
// Pods are containers (containerd in each node container), their images pulled from the registry
// container. One cluster for the whole file; scenarios run in order (resilience last; 14c and 14d kill
// node-2, 14d replaces it first when 14c ran).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { waitFor } from '@svcnet/test-harness';
import { MODEL_PEERS as MODEL_SOURCES, TruthTable, nsOf, podOf } from '@svcnet/network-policy';
import { Cluster, deployment, service, toolsPod } from './cluster';
import { NetpolModel } from './netpol-model';

const cluster = new Cluster();
const log = (m: string) => process.stderr.write(`[e2e] ${m}\n`);
const WELCOME = 'Welcome to nginx!';
let failed = false;

/** n requests from a pod, one body per line (newlines inside bodies collapsed) */
async function curlMany(ns: string, pod: string, url: string, n: number, extra = ''): Promise<string[]> {
  const r = await cluster.inPod(ns, pod, `for i in $(seq 1 ${n}); do curl -s -m 3 ${extra} "${url}" | tr '\\n' ' '; echo; done`);
  return r.stdout.split('\n').filter((l) => l.length > 0 || false);
}
function hostnameOf(body: string): string | undefined {
  return /Hostname: (\S+)/.exec(body)?.[1];
}
async function clusterIP(ns: string, name: string): Promise<string> {
  return (await cluster.res('services').get(ns, name)).spec.clusterIP;
}
async function endpointIPs(ns: string, name: string): Promise<string[]> {
  const ep = await cluster.res('endpoints').get(ns, name).catch(() => undefined);
  return ((ep?.subsets ?? []) as any[]).flatMap((s) => (s.addresses ?? []).map((a: any) => a.ip)).sort();
}
async function dig(ns: string, pod: string, args: string): Promise<string[]> {
  const r = await cluster.inPod(ns, pod, `dig +short +time=2 +tries=2 ${args}`);
  return r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
}

// ---- NetworkPolicy (Kubernetes' e2e model, netpol-model.ts) ----------------------------------
function np(ns: string, name: string, spec: any): any {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: ns, name }, spec };
}
const all = () => new TruthTable();
/** every pair (from != to) where pred holds is denied, the rest allowed */
const deny = (pred: (f: string, t: string) => boolean) => new TruthTable().where((f, t) => f !== t && pred(f, t), false);
let modelSetup: Promise<NetpolModel> | undefined;
/** the model's namespaces and pods, made by the first NetworkPolicy scenario that runs (E2E_FILTER) */
function netpolModel(): Promise<NetpolModel> {
  return (modelSetup ??= (async () => {
    const t = Date.now();
    const m = new NetpolModel(cluster);
    await m.setup();
    log(`netpol model: 9 pods ready in ${Date.now() - t} ms (${[...m.nodes].map(([p, n]) => `${p}@${n}=${m.ip(p)}`).join(' ')})`);
    return m;
  })());
}
const policies = () => cluster.res('networkpolicies');
/** creates the policies, waits for each (port, table), deletes them and waits for all-allowed again */
async function withPolicies(list: any[], checks: [number, TruthTable][]): Promise<void> {
  const m = await netpolModel();
  for (const p of list) await policies().create(p);
  try {
    for (const [port, want] of checks) log(`  ${list.map((p) => p.metadata.name).join('+')} TCP/${port}: table after ${await m.expect(want, port)} ms`);
  } finally {
    for (const p of list) await policies().delete(p.metadata.namespace, p.metadata.name).catch(() => undefined);
  }
  // deleting the policies restores traffic
  log(`  deleted: all allowed again after ${await m.expect(all())} ms`);
}

describe('svcnet in Docker (Compose topology)', { timeout: 15 * 60_000 }, () => {
  before(async () => {
    const t0 = Date.now();
    try {
      await cluster.start(log);
    } catch (e) {
      log(`cluster start failed: ${(e as Error).message}\n${await cluster.dumpLogs()}`);
      await cluster.stop();
      throw e;
    }
    await cluster.apply(toolsPod('tools'));
    await cluster.apply(deployment('nginx', { replicas: 3, labels: { app: 'nginx' }, image: 'nginx', ports: [{ name: 'http', containerPort: 80 }] }));
    await cluster.apply(service('nginx', { selector: { app: 'nginx' }, ports: [{ port: 8080, targetPort: 80 }] }));
    await cluster.readyPods('default', 'role=tools', 1);
    log(`cluster + tools pod ready in ${Date.now() - t0} ms`);
  });

  after(async () => {
    if (failed || process.env.E2E_DUMP_LOGS) log(await cluster.dumpLogs(40));
    await cluster.stop();
    log('containers and network removed');
  });

  const it = (name: string, fn: () => Promise<void>) =>
    test(name, async () => {
      const t = Date.now();
      try {
        await fn();
      } catch (e) {
        failed = true;
        throw e;
      } finally {
        log(`${name}: ${Date.now() - t} ms`);
      }
    });

  it('1. Deployment nginx x3 + Service 8080->80: ClusterIP, DNS name, Endpoints, pod replacement', async () => {
    const pods = await cluster.readyPods('default', 'app=nginx', 3);
    const ip = await clusterIP('default', 'nginx');
    const want = pods.map((p) => p.status.podIP).sort();
    await waitFor('Endpoints nginx = 3 pod IPs', async () => JSON.stringify(await endpointIPs('default', 'nginx')) === JSON.stringify(want), 30_000, 300);
    const ep = await cluster.res('endpoints').get('default', 'nginx');
    assert.deepEqual(ep.subsets[0].ports.map((p: any) => p.port), [80]);
    await waitFor('curl ClusterIP:8080 from a pod', async () => (await curlMany('default', 'tools', `http://${ip}:8080/`, 1))[0]?.includes(WELCOME), 30_000, 500);
    const byName = await curlMany('default', 'tools', 'http://nginx:8080/', 3);
    assert.equal(byName.filter((b) => b.includes(WELCOME)).length, 3, `curl nginx:8080: ${byName.join('|')}`);
    const ns = await cluster.inPod('default', 'tools', 'nslookup nginx');
    assert.match(ns.stdout, new RegExp(`Name:\\s+nginx\\.default\\.svc\\.cluster\\.local\\s+Address: ${ip.replace(/\./g, '\\.')}`));
    // delete a pod: a replacement with a new name and IP joins the Endpoints, traffic keeps working
    const victim = pods[0];
    await cluster.res('pods').delete('default', victim.metadata.name);
    const fresh = await waitFor(
      'a replacement pod',
      async () => {
        const now = await cluster.readyPods('default', 'app=nginx', 3, 5_000).catch(() => undefined);
        return now && !now.some((p) => p.metadata.name === victim.metadata.name) ? now : undefined;
      },
      60_000,
      500,
    );
    const newPod = fresh.find((p) => !pods.some((o) => o.metadata.name === p.metadata.name));
    assert.ok(newPod, 'a new pod name');
    assert.notEqual(newPod.status.podIP, victim.status.podIP, 'the replacement has a new IP');
    await waitFor('Endpoints follow the replacement', async () => JSON.stringify(await endpointIPs('default', 'nginx')) === JSON.stringify(fresh.map((p) => p.status.podIP).sort()), 30_000, 300);
    const again = await curlMany('default', 'tools', `http://${ip}:8080/`, 10);
    assert.equal(again.filter((b) => b.includes(WELCOME)).length, 10, again.join('|'));
  });

  it('1b. the same with the real kubectl (HTTPS API, admin kubeconfig from the certs tool)', async () => {
    const k = (...args: string[]) => {
      const r = cluster.kubectl(args);
      assert.equal(r.status, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    assert.match(k('get', 'nodes'), /node-1\s+Ready[\s\S]*node-2\s+Ready/);
    assert.match(k('create', 'deployment', 'kweb', '--image=nginx', '--replicas=2'), /deployment.apps\/kweb created/);
    assert.match(k('expose', 'deployment', 'kweb', '--port=8080', '--target-port=80'), /service\/kweb exposed/);
    const ip = k('get', 'svc', 'kweb', '-o', 'jsonpath={.spec.clusterIP}').trim();
    await waitFor('kubectl get endpoints kweb: 2 addresses', () => k('get', 'endpoints', 'kweb', '-o', 'jsonpath={.subsets[*].addresses[*].ip}').trim().split(/\s+/).filter(Boolean).length === 2, 60_000, 500);
    await waitFor('curl kweb:8080 from a pod', async () => (await curlMany('default', 'tools', 'http://kweb:8080/', 1))[0]?.includes(WELCOME), 30_000, 500);
    const dns = await dig('default', 'tools', 'kweb.default.svc.cluster.local');
    assert.deepEqual(dns, [ip]);
    // kubectl exec (apiserver -> the node's kubelet port) runs in the pod
    assert.match(k('exec', 'tools', '--', 'curl', '-s', '-m', '3', 'http://kweb:8080/'), /Welcome to nginx!/);
    assert.match(k('exec', 'tools', '--', 'nslookup', 'kweb'), new RegExp(`Address: ${ip.replace(/\./g, '\\.')}`));
    k('delete', 'service', 'kweb');
    k('delete', 'deployment', 'kweb');
  });

  it('1c. pods are containers: own PID 1 and root file system, image pulled through the registry mirror', async () => {
    const k = (...args: string[]) => cluster.kubectl(args);
    const pod = await cluster.res('pods').get('default', 'tools');
    const st = pod.status.containerStatuses[0];
    assert.match(st.containerID, /^containerd:\/\/[0-9a-f]{64}$/);
    assert.match(st.imageID, /sha256:[0-9a-f]{64}/);
    // PID 1 in the container is its own command, not the node's init (the svcnet entrypoint)
    const cmdline = k('exec', 'tools', '--', 'cat', '/proc/1/cmdline');
    assert.equal(cmdline.status, 0, cmdline.stderr);
    assert.equal(cmdline.stdout.replace(/\0/g, ' ').trim(), 'sleep infinity');
    // the node's files (svcnet's tree, its state) are not in the container's root file system
    const ls = k('exec', 'tools', '--', 'ls', '/opt/svcnet');
    assert.notEqual(ls.status, 0, `ls /opt/svcnet in the pod succeeded: ${ls.stdout}`);
    assert.match(ls.stderr, /No such file or directory/);
    assert.equal(k('exec', 'tools', '--', 'test', '-e', '/var/lib/svcnet').status, 1);
    assert.equal(k('exec', 'tools', '--', 'hostname').stdout.trim(), 'tools');
    // the node pulled it from the registry container (the real registry is unreachable here)
    const node = pod.spec.nodeName as string;
    const images = await cluster.exec(node, 'ctr -n k8s.io images ls -q');
    assert.match(images.stdout, /^docker\.io\/nicolaka\/netshoot:latest$/m);
    assert.match(images.stdout, /^registry\.k8s\.io\/pause:3\.6$/m);
  });

  it('2. three echo pods: 60 requests reach all three hostnames', async () => {
    await cluster.apply(deployment('echo', { replicas: 3, labels: { app: 'echo' }, image: 'traefik/whoami' }));
    await cluster.apply(service('echo', { selector: { app: 'echo' }, ports: [{ port: 8080, targetPort: 80 }] }));
    const pods = await cluster.readyPods('default', 'app=echo', 3);
    await waitFor('echo endpoints', async () => (await endpointIPs('default', 'echo')).length === 3, 30_000, 300);
    const bodies = await curlMany('default', 'tools', 'http://echo:8080/', 60);
    const names = bodies.map(hostnameOf);
    assert.equal(names.filter(Boolean).length, 60, `60 answers: ${bodies.slice(0, 3).join('|')}`);
    assert.deepEqual([...new Set(names)].sort(), pods.map((p) => p.metadata.name).sort());
    assert.match(bodies[0], /Host: echo:8080/);
  });

  it('3. NodePort 30120 on every node IP from the outside client; range and allocation errors', async () => {
    await cluster.apply(service('nginx-np', { type: 'NodePort', selector: { app: 'nginx' }, ports: [{ port: 8080, targetPort: 80, nodePort: 30120 }] }));
    for (const node of ['node-1', 'node-2']) {
      const url = `http://${cluster.ip(node)}:30120/`;
      await waitFor(`curl ${url} from the client`, async () => (await cluster.exec('client', `curl -s -m 2 ${url}`)).stdout.includes(WELCOME), 30_000, 500);
    }
    await assert.rejects(cluster.res('services').create(service('bad-range', { type: 'NodePort', selector: { app: 'nginx' }, ports: [{ port: 80, nodePort: 8888 }] })), (e: Error) => {
      assert.match(e.message, /spec\.ports\[0\]\.nodePort: Invalid value: 8888: provided port is not in the valid range\. The range of valid ports is 30000-32767/);
      return true;
    });
    await assert.rejects(cluster.res('services').create(service('taken', { type: 'NodePort', selector: { app: 'nginx' }, ports: [{ port: 80, nodePort: 30120 }] })), (e: Error) => {
      assert.match(e.message, /spec\.ports\[0\]\.nodePort: Invalid value: 30120: provided port is already allocated/);
      return true;
    });
  });

  it('4. LoadBalancer with a requested loadBalancerIP from the pool, reachable from the client', async () => {
    const [first, last] = cluster.lbPool;
    const wanted = last.replace(/\d+$/, (d) => String(Number(d) - 5));
    assert.ok(first && wanted);
    await cluster.apply(service('nginx-lb', { type: 'LoadBalancer', loadBalancerIP: wanted, selector: { app: 'nginx' }, ports: [{ port: 80, targetPort: 80 }] }));
    const ingress = await waitFor('status.loadBalancer.ingress', async () => (await cluster.res('services').get('default', 'nginx-lb')).status?.loadBalancer?.ingress?.[0]?.ip, 30_000, 300);
    assert.equal(ingress, wanted);
    await waitFor(`curl http://${wanted}/ from the client`, async () => (await cluster.exec('client', `curl -s -m 2 http://${wanted}/`)).stdout.includes(WELCOME), 30_000, 500);
    // a second LB without a request gets another pool address
    await cluster.apply(service('echo-lb', { type: 'LoadBalancer', selector: { app: 'echo' }, ports: [{ port: 8080, targetPort: 80 }] }));
    const other = await waitFor('echo-lb ingress', async () => (await cluster.res('services').get('default', 'echo-lb')).status?.loadBalancer?.ingress?.[0]?.ip, 30_000, 300);
    assert.notEqual(other, wanted);
    await waitFor(`curl http://${other}:8080/ from the client`, async () => hostnameOf((await cluster.exec('client', `curl -s -m 2 http://${other}:8080/`)).stdout), 30_000, 500);
  });

  it('5. headless Service: DNS returns every pod IP', async () => {
    await cluster.apply(service('echo-headless', { clusterIP: 'None', selector: { app: 'echo' }, ports: [{ port: 80 }] }));
    const want = (await cluster.readyPods('default', 'app=echo', 3)).map((p) => p.status.podIP).sort();
    await waitFor('headless A records', async () => JSON.stringify((await dig('default', 'tools', 'echo-headless.default.svc.cluster.local')).sort()) === JSON.stringify(want), 30_000, 500);
  });

  it('6. ExternalName: a CNAME', async () => {
    await cluster.apply(service('ext', { type: 'ExternalName', externalName: 'nginx.default.svc.cluster.local' }));
    await waitFor('CNAME ext -> nginx', async () => (await dig('default', 'tools', '-t CNAME ext.default.svc.cluster.local')).includes('nginx.default.svc.cluster.local.'), 30_000, 500);
    const r = await cluster.inPod('default', 'tools', 'nslookup ext');
    assert.match(r.stdout, /ext\.default\.svc\.cluster\.local\s+canonical name = nginx\.default\.svc\.cluster\.local/);
    assert.match(r.stdout, new RegExp(`Address: ${(await clusterIP('default', 'nginx')).replace(/\./g, '\\.')}`));
  });

  it('7. Service without a selector + manual Endpoints', async () => {
    const target = (await cluster.readyPods('default', 'app=echo', 3))[0];
    await cluster.apply(service('manual', { ports: [{ port: 8080, targetPort: 80 }] }));
    await cluster.apply({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'manual', namespace: 'default' }, subsets: [{ addresses: [{ ip: target.status.podIP }], ports: [{ port: 80 }] }] });
    await waitFor('manual:8080 answers from the chosen pod', async () => hostnameOf((await curlMany('default', 'tools', 'http://manual:8080/', 1))[0] ?? '') === target.metadata.name, 30_000, 500);
    const all = (await curlMany('default', 'tools', 'http://manual:8080/', 5)).map(hostnameOf);
    assert.deepEqual(all, Array(5).fill(target.metadata.name));
  });

  it('8. named targetPort (pods on 80 and 81) and a two-port Service', async () => {
    await cluster.apply(deployment('named-a', { labels: { app: 'named', v: 'a' }, image: 'nginx', ports: [{ name: 'web', containerPort: 80 }] }));
    await cluster.apply(deployment('named-b', { labels: { app: 'named', v: 'b' }, image: 'amsy810/echo-nginx', env: { NGINX_PORT: '81' }, ports: [{ name: 'web', containerPort: 81 }] }));
    await cluster.apply(service('named', { selector: { app: 'named' }, ports: [{ port: 8080, targetPort: 'web' }] }));
    await cluster.readyPods('default', 'app=named', 2);
    await waitFor('Endpoints with ports 80 and 81', async () => {
      const ep = await cluster.res('endpoints').get('default', 'named');
      return JSON.stringify(((ep.subsets ?? []) as any[]).map((s) => s.ports[0].port).sort()) === '[80,81]';
    }, 30_000, 300);
    const bodies = await curlMany('default', 'tools', 'http://named:8080/', 30);
    assert.ok(bodies.some((b) => b.includes(WELCOME)), 'nginx on 80 answers');
    assert.ok(bodies.some((b) => /Host=named(:8080)? Path=\/ From=named-b-/.test(b)), `echo-nginx on 81 answers: ${bodies.slice(0, 4).join('|')}`);
    assert.equal(bodies.filter((b) => b.includes(WELCOME) || b.includes('Host=')).length, 30);
    // two ports on one Service: 8080 -> nginx :80, 9090 -> the echo container :9000 of the same pod
    await cluster.apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'two-port', namespace: 'default', labels: { app: 'two-port' } },
      spec: {
        containers: [
          { name: 'web', image: 'nginx', ports: [{ name: 'http', containerPort: 80 }] },
          { name: 'echo', image: 'traefik/whoami', env: [{ name: 'WHOAMI_PORT_NUMBER', value: '9000' }], ports: [{ name: 'echo', containerPort: 9000 }] },
        ],
      },
    });
    await cluster.apply(service('two-port', { selector: { app: 'two-port' }, ports: [{ name: 'http', port: 8080, targetPort: 'http' }, { name: 'echo', port: 9090, targetPort: 'echo' }] }));
    await cluster.readyPods('default', 'app=two-port', 1);
    await waitFor('two-port:8080 gives nginx', async () => (await curlMany('default', 'tools', 'http://two-port:8080/', 1))[0]?.includes(WELCOME), 30_000, 500);
    await waitFor('two-port:9090 gives the echo server', async () => hostnameOf((await curlMany('default', 'tools', 'http://two-port:9090/', 1))[0] ?? '') === 'two-port', 30_000, 500);
  });

  it('9. static clusterIP; changing it is rejected', async () => {
    const [base] = (await clusterIP('default', 'nginx')).split('.');
    const wanted = `${base}.96.200.200`;
    await cluster.apply(service('static', { clusterIP: wanted, selector: { app: 'nginx' }, ports: [{ port: 8080, targetPort: 80 }] }));
    assert.equal(await clusterIP('default', 'static'), wanted);
    await waitFor(`curl ${wanted}:8080`, async () => (await curlMany('default', 'tools', `http://${wanted}:8080/`, 1))[0]?.includes(WELCOME), 30_000, 500);
    const cur = await cluster.res('services').get('default', 'static');
    await assert.rejects(cluster.res('services').update({ ...cur, spec: { ...cur.spec, clusterIP: `${base}.96.200.201`, clusterIPs: [`${base}.96.200.201`] } }), (e: Error) => {
      assert.match(e.message, /spec\.clusterIPs?(\[0\])?: Invalid value: .*(may not change once set|field is immutable)/);
      return true;
    });
  });

  it('10. ExternalIPs on a node address, from the client', async () => {
    const nodeIP = cluster.ip('node-1');
    await cluster.apply(service('ext-ip', { selector: { app: 'nginx' }, externalIPs: [nodeIP], ports: [{ port: 8090, targetPort: 80 }] }));
    await waitFor(`curl ${nodeIP}:8090 from the client`, async () => (await cluster.exec('client', `curl -s -m 2 http://${nodeIP}:8090/`)).stdout.includes(WELCOME), 30_000, 500);
  });

  it('11. blue/green: switching the selector switches the traffic', async () => {
    for (const color of ['blue', 'green']) await cluster.apply(deployment(`app-${color}`, { replicas: 2, labels: { app: 'bg', color }, image: 'traefik/whoami', env: { NAME_APPLICATION: color } }));
    await cluster.apply(service('bg', { selector: { app: 'bg', color: 'blue' }, ports: [{ port: 8080, targetPort: 80 }] }));
    await cluster.readyPods('default', 'app=bg', 4);
    const blue = async () => (await curlMany('default', 'tools', 'http://bg:8080/', 10)).every((b) => b.includes('app-blue-'));
    await waitFor('all answers from blue', blue, 30_000, 500);
    await cluster.res('services').patch('default', 'bg', { spec: { selector: { app: 'bg', color: 'green' } } }, 'merge');
    await waitFor('all answers from green', async () => (await curlMany('default', 'tools', 'http://bg:8080/', 10)).every((b) => b.includes('app-green-')), 30_000, 500);
  });

  it('12. cross-namespace: curl svc.other-ns:8080', async () => {
    await cluster.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other-ns' } });
    await cluster.apply(deployment('web', { namespace: 'other-ns', labels: { app: 'web' }, image: 'traefik/whoami' }));
    await cluster.apply(service('svc', { selector: { app: 'web' }, ports: [{ port: 8080, targetPort: 80 }] }, 'other-ns'));
    const [pod] = await cluster.readyPods('other-ns', 'app=web', 1);
    await waitFor('curl svc.other-ns:8080', async () => hostnameOf((await curlMany('default', 'tools', 'http://svc.other-ns:8080/', 1))[0] ?? '') === pod.metadata.name, 30_000, 500);
    const short = await cluster.inPod('default', 'tools', 'curl -s -m 2 http://svc:8080/ || echo FAILED');
    assert.doesNotMatch(short.stdout, /Hostname:/, '"svc" alone does not resolve from the default namespace');
  });

  it('13. ClientIP affinity: 15 requests, one backend', async () => {
    await cluster.apply(service('sticky', { selector: { app: 'echo' }, sessionAffinity: 'ClientIP', ports: [{ port: 8080, targetPort: 80 }] }));
    await waitFor('sticky answers', async () => hostnameOf((await curlMany('default', 'tools', 'http://sticky:8080/', 1))[0] ?? ''), 30_000, 500);
    const names = (await curlMany('default', 'tools', 'http://sticky:8080/', 15)).map(hostnameOf);
    assert.equal(names.length, 15);
    assert.equal(new Set(names).size, 1, `one backend: ${names.join(',')}`);
  });

  // NetworkPolicy: Kubernetes' e2e model (namespaces x, y, z; pods a, b on node-1, c on node-2),
  // every case a probe matrix over both nodes; policies are removed at the end of each case.
  it('np1. NetworkPolicy model x,y,z x a,b,c over both nodes: without policies every pod reaches every pod on 80 and 81', async () => {
    const m = await netpolModel();
    assert.deepEqual([...new Set(m.nodes.values())].sort(), ['node-1', 'node-2']);
    await m.expect(all(), 80, 30_000);
    await m.expect(all(), 81);
  });

  it('np2. NetworkPolicy default-deny ingress (kubectl apply / get netpol / delete): x is isolated, its pods stay Ready', async () => {
    const m = await netpolModel();
    const k = (args: string[], input?: string) => {
      const r = cluster.kubectl(args, input);
      assert.equal(r.status, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    assert.match(k(['apply', '-f', '-'], JSON.stringify(np('x', 'deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] }))), /networkpolicy.networking.k8s.io\/deny-ingress created/);
    assert.match(k(['get', 'netpol', '-n', 'x']), /^NAME\s+POD-SELECTOR\s+AGE\s*\ndeny-ingress\s+<none>\s+\S+/);
    try {
      log(`  deny-ingress: table after ${await m.expect(deny((_f, t) => nsOf(t) === 'x'))} ms`);
      await m.expect(deny((_f, t) => nsOf(t) === 'x'), 81);
      // dropped, not reset: the client's connect hangs until timeout kills it (143), no "refused" (1)
      const drop = await cluster.inPod('y', 'a', `timeout 2 wget -q -O /dev/null http://${m.ip('x/a')}/; echo rc=$?`);
      assert.match(drop.stdout, /rc=143/, `y/a -> x/a under deny-ingress: ${drop.stdout}${drop.stderr}`);
      // the node's own traffic (readiness probes every second) is not isolated
      await new Promise((r) => setTimeout(r, 2500));
      await cluster.readyPods('x', 'pod', 3, 1000);
    } finally {
      k(['delete', 'netpol', 'deny-ingress', '-n', 'x']);
    }
    await m.expect(all());
  });

  it('np3. NetworkPolicy allow from the same namespace', async () => {
    await withPolicies([np('x', 'same-ns', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] })], [[80, deny((f, t) => nsOf(t) === 'x' && nsOf(f) !== 'x')]]);
  });

  it('np4. NetworkPolicy allow from a namespace by label', async () => {
    const p = np('x', 'from-y', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }] }] });
    await withPolicies([p], [[80, deny((f, t) => t === 'x/a' && nsOf(f) !== 'y')]]);
  });

  it('np5. NetworkPolicy pod AND namespace selector (one peer) vs OR (two peers)', async () => {
    const and = np('x', 'and', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } }, podSelector: { matchLabels: { pod: 'c' } } }] }] });
    await withPolicies([and], [[80, deny((f, t) => t === 'x/a' && f !== 'y/c')]]);
    // two peers: namespace y, or pod c of x itself (a podSelector alone is the policy's namespace)
    const or = np('x', 'or', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }, { podSelector: { matchLabels: { pod: 'c' } } }] }] });
    await withPolicies([or], [[80, deny((f, t) => t === 'x/a' && nsOf(f) !== 'y' && f !== 'x/c')]]);
  });

  it('np6. NetworkPolicy ingress on a numeric port and on a named port', async () => {
    const denyX = deny((_f, t) => nsOf(t) === 'x');
    await withPolicies([np('x', 'numeric-80', { podSelector: {}, ingress: [{ ports: [{ port: 80, protocol: 'TCP' }] }] })], [[80, all()], [81, denyX]]);
    // resolved per pod from its containerPorts
    await withPolicies([np('x', 'named-81', { podSelector: {}, ingress: [{ ports: [{ port: 'serve-81-tcp' }] }] })], [[81, all()], [80, denyX]]);
  });

  it('np7. NetworkPolicy default-deny egress: x reaches nobody, DNS is not special', async () => {
    const m = await netpolModel();
    const p = np('x', 'deny-egress', { podSelector: {}, policyTypes: ['Egress'] });
    await policies().create(p);
    try {
      log(`  deny-egress: table after ${await m.expect(deny((f) => nsOf(f) === 'x'))} ms`);
      const lookup = (ns: string) => cluster.inPod(ns, 'a', 'timeout 3 nslookup nginx.default.svc.cluster.local');
      const [x, y] = await Promise.all([lookup('x'), lookup('y')]);
      assert.notEqual(x.exitCode, 0, `nslookup from x/a under egress deny: ${x.stdout}`);
      assert.equal(y.exitCode, 0, `nslookup from y/a: ${y.stdout}${y.stderr}`);
    } finally {
      await policies().delete('x', 'deny-egress');
    }
    await m.expect(all());
  });

  it('np8. NetworkPolicy ipBlock with except (ingress) and egress to a CIDR', async () => {
    const m = await netpolModel();
    const node1 = (await cluster.res('nodes').get(undefined, 'node-1')).spec.podCIDR as string;
    assert.ok(node1 && m.ip('x/a').startsWith(node1.split('.').slice(0, 3).join('.')), `node-1 podCIDR ${node1}, x/a ${m.ip('x/a')}`);
    // x/a from node-1's pod range except y/a: every c (node-2) and y/a are denied
    const ingress = np('x', 'cidr', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ ipBlock: { cidr: node1, except: [`${m.ip('y/a')}/32`] } }] }] });
    await withPolicies([ingress], [[80, deny((f, t) => t === 'x/a' && (podOf(f) === 'c' || f === 'y/a'))]]);
    const egress = np('x', 'egress-cidr', { podSelector: { matchLabels: { pod: 'a' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: node1 } }] }] });
    await withPolicies([egress], [[80, deny((f, t) => f === 'x/a' && podOf(t) === 'c')]]);
  });

  it('np9. NetworkPolicy deletion restores traffic on both nodes (timed)', async () => {
    const m = await netpolModel();
    // z has pods on both nodes; times from the API call to the matrix (a probe round, <= ~1.2 s, is part of it)
    let t = Date.now();
    await policies().create(np('z', 'deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }));
    await m.expect(deny((f, to) => nsOf(f) === 'z' || nsOf(to) === 'z'));
    const enforced = Date.now() - t;
    t = Date.now();
    await policies().delete('z', 'deny-all');
    await m.expect(all());
    log(`  create -> enforced on both nodes in ${enforced} ms; delete -> every pod reaches every pod again in ${Date.now() - t} ms`);
  });

  it('np10. NetworkPolicy on an isolated backend behind a ClusterIP: filtered on the targetPort after DNAT, across nodes', async () => {
    const m = await netpolModel();
    // backend x/c on node-2; clients on both nodes
    await cluster.apply(service('np-web', { selector: { pod: 'c' }, ports: [{ name: 'http', port: 8080, targetPort: 80 }, { name: 'alt', port: 8081, targetPort: 81 }] }, 'x'));
    const vip = await clusterIP('x', 'np-web');
    const sources = MODEL_SOURCES.filter((p) => p !== 'x/c');
    const via = async (port: number) => (await m.probes(sources.map((from) => ({ from, to: `${vip}:${port}` })))).map((ok, i) => `${sources[i]}=${ok ? 'ok' : 'X'}`).join(' ');
    const expectVia = async (port: number, allowed: (f: string) => boolean) => {
      const want = sources.map((f) => `${f}=${allowed(f) ? 'ok' : 'X'}`).join(' ');
      return waitFor(`via ${vip}:${port}: ${want}`, async () => (await via(port)) === want, 20_000, 200);
    };
    await expectVia(8080, () => true);
    await expectVia(8081, () => true);
    await policies().create(np('x', 'c-from-y-80', { podSelector: { matchLabels: { pod: 'c' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }], ports: [{ port: 80 }] }] }));
    try {
      await expectVia(8080, (f) => nsOf(f) === 'y');
      await expectVia(8081, () => false);
    } finally {
      await policies().delete('x', 'c-from-y-80');
      await cluster.res('services').delete('x', 'np-web');
    }
    await m.expect(all());
  });

  it('np11. NetworkPolicy: an established connection (node-1 -> node-2) survives an unrelated and then a denying policy; new ones are dropped', async () => {
    const m = await netpolModel();
    const conn = m.hold('y/b', 'x/c');
    try {
      assert.equal(await conn.send(), 'echo 1');
      await policies().create(np('z', 'unrelated', { podSelector: {}, policyTypes: ['Ingress'] }));
      await m.expect(deny((_f, t) => nsOf(t) === 'z'));
      assert.equal(await conn.send(), 'echo 2');
      // even a policy that now denies this source only drops new connections
      await policies().create(np('x', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] }));
      await m.expect(deny((_f, t) => nsOf(t) === 'z' || nsOf(t) === 'x'));
      assert.equal(await conn.send(), 'echo 3');
    } finally {
      conn.close();
      await policies().delete('z', 'unrelated').catch(() => undefined);
      await policies().delete('x', 'deny-all').catch(() => undefined);
    }
    await m.expect(all());
    log(`  probe rounds: ${m.roundsMs.length}, median ${[...m.roundsMs].sort((a, b) => a - b)[Math.floor(m.roundsMs.length / 2)]} ms`);
  });

  it('14a. restarting a node-agent does not interrupt traffic', async () => {
    const ip = await clusterIP('default', 'nginx');
    const node = (await cluster.res('pods').get('default', 'tools')).spec.nodeName as string;
    // steady state first (the scenario may run alone: E2E_FILTER)
    await waitFor('nginx answers 10 in a row', async () => (await curlMany('default', 'tools', `http://${ip}:8080/`, 10)).filter((b) => b.includes(WELCOME)).length === 10, 60_000, 500);
    const traffic = cluster.inPod('default', 'tools', `ok=0; bad=0; for i in $(seq 1 60); do b=$(curl -sS -m 2 http://${ip}:8080/ 2>&1); if echo "$b" | grep -q 'Welcome to nginx'; then ok=$((ok+1)); else bad=$((bad+1)); echo "request $i at $(date +%T.%N): $b" | head -c 300; echo; fi; sleep 0.1; done; echo "ok=$ok bad=$bad"`);
    await new Promise((r) => setTimeout(r, 1000));
    const containerd = (await cluster.exec(node, 'pgrep -x containerd')).stdout.trim();
    assert.match(containerd, /^\d+$/);
    // the agent only: the node container's supervisor starts it again; containerd and the pods keep running
    const k = await cluster.exec(node, 'pid=$(pgrep -f "node-agent/dist/main.js" | head -1); kill -TERM "$pid" && echo "killed $pid"');
    assert.match(k.stdout, /killed \d+/);
    await waitFor('a new node-agent process', async () => {
      const p = await cluster.exec(node, 'pgrep -f "node-agent/dist/main.js" | head -1');
      return p.stdout.trim() && !k.stdout.includes(`killed ${p.stdout.trim()}`);
    }, 30_000, 300);
    const out = (await traffic).stdout;
    assert.match(out, /ok=60 bad=0/, out);
    assert.equal((await cluster.exec(node, 'pgrep -x containerd')).stdout.trim(), containerd, 'containerd was not restarted with the agent');
  });

  it('14b. restarting the apiserver: stored objects survive, the cluster keeps working', async () => {
    const before = await clusterIP('default', 'nginx');
    await cluster.c('apiserver').restart({ timeout: 5 });
    cluster.reconnect();
    await waitFor('apiserver answers again', async () => (await cluster.res('services').get('default', 'nginx')).spec.clusterIP, 60_000, 500);
    assert.equal(await clusterIP('default', 'nginx'), before);
    // a new Service after the restart reaches the same pods (controllers and agents re-watched)
    await cluster.apply(service('after-restart', { selector: { app: 'nginx' }, ports: [{ port: 8080, targetPort: 80 }] }));
    await waitFor('after-restart:8080 works', async () => (await curlMany('default', 'tools', 'http://after-restart:8080/', 1))[0]?.includes(WELCOME), 60_000, 500);
    const r = await curlMany('default', 'tools', `http://${before}:8080/`, 5);
    assert.equal(r.filter((b) => b.includes(WELCOME)).length, 5);
  });

  it('14c. killing a node container: a LoadBalancer with externalTrafficPolicy Local keeps serving from the other node', async () => {
    await cluster.apply(deployment('lb-local', { replicas: 4, labels: { app: 'lb-local' }, image: 'traefik/whoami' }));
    await cluster.apply(service('lb-local', { type: 'LoadBalancer', externalTrafficPolicy: 'Local', selector: { app: 'lb-local' }, ports: [{ port: 8080, targetPort: 80 }] }));
    const pods = await cluster.readyPods('default', 'app=lb-local', 4);
    const onNode = (n: string) => pods.filter((p) => p.spec.nodeName === n).map((p) => p.metadata.name);
    assert.ok(onNode('node-1').length > 0 && onNode('node-2').length > 0, 'pods on both nodes');
    const lbIP = await waitFor('lb-local ingress', async () => (await cluster.res('services').get('default', 'lb-local')).status?.loadBalancer?.ingress?.[0]?.ip, 30_000, 300);
    const burst = async (n: number) => {
      const r = await cluster.exec('client', `for i in $(seq 1 ${n}); do curl -s -m 2 http://${lbIP}:8080/ | grep -m1 '^Hostname:' || echo FAILED; done`);
      return r.stdout.trim().split('\n').map((l) => l.replace('Hostname: ', ''));
    };
    await waitFor('the LB serves from both nodes', async () => {
      const names = await burst(20);
      return names.every((n) => n !== 'FAILED') && names.some((n) => onNode('node-1').includes(n)) && names.some((n) => onNode('node-2').includes(n));
    }, 60_000, 500);
    // kill -9 the whole node: agent, pods and its network namespace go away at once
    const k = spawnSync('docker', ['kill', cluster.c('node-2').getId()], { encoding: 'utf8' });
    assert.equal(k.status, 0, k.stderr);
    const t = Date.now();
    // the LB's health checks (healthCheckNodePort) drop node-2; every answer comes from node-1's pods
    await waitFor('20 answers in a row from node-1 pods', async () => (await burst(20)).every((n) => onNode('node-1').includes(n)), 90_000, 500);
    process.stderr.write(`[e2e] LB recovered ${Date.now() - t} ms after node-2 was killed\n`);
  });
  it('14d. killing a node container: its pods leave the Endpoints (Node Ready=Unknown), a ClusterIP keeps serving from the other node', async () => {
    // 14c killed node-2: a fresh node-2 container (same address) first, Ready again
    if (!cluster.nodeRunning('node-2')) {
      const t = Date.now();
      await cluster.replaceNode('node-2');
      log(`node-2 replaced in ${Date.now() - t} ms`);
    }
    const nodeReady = async (n: string) => (await cluster.res('nodes').get(undefined, n)).status?.conditions?.find((c: any) => c.type === 'Ready')?.status;
    await waitFor('node-2 Ready=True', async () => (await nodeReady('node-2')) === 'True', 60_000, 500);
    // the client pod on node-1 (the scheduler would pick any node)
    const client = toolsPod('tools-n1');
    client.metadata.labels = { role: 'tools-n1' };
    client.spec.nodeName = 'node-1';
    await cluster.apply(client);
    await cluster.apply(deployment('survivor', { replicas: 4, labels: { app: 'survivor' }, image: 'traefik/whoami' }));
    await cluster.apply(service('survivor', { selector: { app: 'survivor' }, ports: [{ port: 8080, targetPort: 80 }] }));
    await cluster.readyPods('default', 'role=tools-n1', 1, 60_000);
    const pods = await cluster.readyPods('default', 'app=survivor', 4, 90_000);
    const ipsOn = (n: string) => pods.filter((p) => p.spec.nodeName === n).map((p) => p.status.podIP as string).sort();
    const namesOn = (n: string) => pods.filter((p) => p.spec.nodeName === n).map((p) => p.metadata.name as string);
    assert.ok(ipsOn('node-1').length > 0 && ipsOn('node-2').length > 0, `pods on both nodes: ${pods.map((p) => `${p.metadata.name}@${p.spec.nodeName}`).join(', ')}`);
    const ip = await clusterIP('default', 'survivor');
    const burst = async (n: number) => (await curlMany('default', 'tools-n1', `http://${ip}:8080/`, n)).map((b) => hostnameOf(b) ?? 'FAILED');
    await waitFor('the ClusterIP answers from both nodes', async () => {
      const names = await burst(20);
      return names.length === 20 && names.every((n) => n !== 'FAILED') && names.some((n) => namesOn('node-1').includes(n)) && names.some((n) => namesOn('node-2').includes(n));
    }, 60_000, 500);
    const k = spawnSync('docker', ['kill', cluster.c('node-2').getId()], { encoding: 'utf8' });
    assert.equal(k.status, 0, k.stderr);
    const t = Date.now();
    // grace period 15 s (heartbeats every 5 s), checked every 2 s
    await waitFor('node-2 Ready=Unknown', async () => (await nodeReady('node-2')) === 'Unknown', 90_000, 500);
    log(`node-2 Ready=Unknown ${Date.now() - t} ms after the kill`);
    await waitFor('Endpoints survivor: ready = node-1 pods, notReady = node-2 pods', async () => {
      const ep = await cluster.res('endpoints').get('default', 'survivor');
      const subsets = (ep.subsets ?? []) as any[];
      const ready = subsets.flatMap((x) => (x.addresses ?? []).map((a: any) => a.ip)).sort();
      const notReady = subsets.flatMap((x) => (x.notReadyAddresses ?? []).map((a: any) => a.ip)).sort();
      return JSON.stringify(ready) === JSON.stringify(ipsOn('node-1')) && JSON.stringify(notReady) === JSON.stringify(ipsOn('node-2'));
    }, 90_000, 500);
    log(`node-2 pods out of the Endpoints ${Date.now() - t} ms after the kill`);
    // node-1's proxy follows the Endpoints: every request is answered by a node-1 pod
    await waitFor('20 answers in a row from node-1 pods', async () => {
      const names = await burst(20);
      return names.length === 20 && names.every((n) => namesOn('node-1').includes(n)) ? names : undefined;
    }, 30_000, 500);
    const names = await burst(20);
    assert.equal(names.length, 20);
    assert.deepEqual(names.filter((n) => !namesOn('node-1').includes(n)), [], `all 20 from node-1 pods: ${names.join(',')}`);
    log(`ClusterIP served only by node-1 ${Date.now() - t} ms after the kill`);
  });
});
