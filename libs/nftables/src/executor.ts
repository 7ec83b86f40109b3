// NftExecutor runs the nft binary, optionally inside a network namespace
// (`ip netns exec NS nft ...`), feeding scripts on stdin so nothing passes through a shell.
import { assertNetnsName, run, type RunResult } from '@svcnet/netns';
import type { Family, TableState } from './model';
import { assertValidName } from './names';
import { NftError, type Nftables } from './nftables';
import { parseTableJson } from './reader';
import { render } from './render';
import type { Transaction } from './transaction';

export interface NftExecutorOptions {
  // Network namespace to run in (as listed by `ip netns`); the current one when absent.
  netns?: string;
  nftPath?: string;
  ipPath?: string;
}

export class NftExecutor implements Nftables {
  constructor(private readonly opts: NftExecutorOptions = {}) {
    if (opts.netns !== undefined) assertNetnsName(opts.netns);
  }

  async apply(tx: Transaction): Promise<void> {
    if (tx.isEmpty()) return;
    const script = render(tx);
    const r = await this.run(['-f', '-'], script);
    if (r.code !== 0) {
      throw new NftError(`nft -f failed (exit ${r.code}): ${r.stderr.trim()}`, r.stderr, script);
    }
  }

  async read(family: Family, table: string): Promise<TableState | undefined> {
    assertValidName(table, 'table name');
    const r = await this.run(['-j', 'list', 'table', family, table], '');
    if (r.code !== 0) {
      if (/No such file or directory/.test(r.stderr)) return undefined;
      throw new NftError(`nft list table failed (exit ${r.code}): ${r.stderr.trim()}`, r.stderr, '');
    }
    return parseTableJson(r.stdout, family, table);
  }

  // Plain `nft list table` text, for logs and debugging.
  async listText(family: Family, table: string): Promise<string> {
    const r = await this.run(['list', 'table', family, assertValidName(table, 'table name')], '');
    if (r.code !== 0) throw new NftError(`nft list table failed: ${r.stderr.trim()}`, r.stderr, '');
    return r.stdout;
  }

  private run(args: string[], stdin: string): Promise<RunResult> {
    const nft = this.opts.nftPath ?? 'nft';
    const [cmd, argv] =
      this.opts.netns !== undefined ? [this.opts.ipPath ?? 'ip', ['netns', 'exec', this.opts.netns, nft, ...args]] : [nft, args];
    return run(cmd, argv, { input: stdin, allowFailure: true });
  }
}
