// svcnet certificate tool: node apps/apiserver/dist/certs-main.js --dir DIR --hosts 127.0.0.1,localhost
//   [--server https://127.0.0.1:6443] [--token alice --token bob] [--client node-1,node-2]
// Writes ca.crt/key, apiserver.crt/key, <app>.crt/key for the apps, admin.crt/key,
// admin.kubeconfig, tokens.csv, <user>.kubeconfig per --token user and <name>.crt/key per --client.
import { makeCerts } from './certs/make-certs';

function main(): void {
  const argv = process.argv.slice(2);
  let dir = '';
  let hosts: string[] = [];
  let server: string | undefined;
  const tokenUsers: string[] = [];
  const clients: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [k, inline] = argv[i].split(/=(.*)/s, 2);
    const val = () => (inline !== undefined ? inline : argv[++i]);
    if (k === '--dir') dir = val();
    else if (k === '--hosts') hosts = val().split(',').filter(Boolean);
    else if (k === '--server') server = val();
    else if (k === '--token') tokenUsers.push(...val().split(',').filter(Boolean));
    else if (k === '--client') clients.push(...val().split(',').filter(Boolean));
    else if (k === '--help' || k === '-h') {
      process.stdout.write('usage: certs-main --dir DIR --hosts 127.0.0.1,localhost[,...] [--server URL] [--token USER]... [--client NAME]...\n');
      return;
    } else throw new Error(`unknown flag ${argv[i]}`);
  }
  if (!dir) throw new Error('--dir is required');
  const made = makeCerts({ dir, hosts, server, tokenUsers, clients });
  process.stdout.write(JSON.stringify({ ok: true, ...made }) + '\n');
}

try {
  main();
} catch (e) {
  process.stderr.write(`certs: ${(e as Error).message}\n`);
  process.exit(1);
}
