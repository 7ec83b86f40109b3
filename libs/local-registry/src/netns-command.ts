// Commands that run in another network namespace: `nsenter --net=PATH cmd args` (only the network
// namespace changes, so files such as the OCI layout stay reachable).

export function inNetns(netnsPath: string | undefined, cmd: string, args: string[]): [string, string[]] {
  if (!netnsPath) return [cmd, args];
  if (!netnsPath.startsWith('/')) throw new Error(`netnsPath must be absolute: ${netnsPath}`);
  return ['nsenter', [`--net=${netnsPath}`, cmd, ...args]];
}
