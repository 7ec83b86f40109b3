// Command-line flags in the Kubernetes style: --name=value or --name value, booleans bare.

export interface FlagSpec {
  [name: string]: { default?: string; help: string; boolean?: boolean };
}

export function parseFlags<S extends FlagSpec>(spec: S, argv = process.argv.slice(2)): Record<keyof S, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec)) if (v.default !== undefined) out[k] = v.default;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      const lines = Object.entries(spec).map(([k, v]) => `  --${k}${v.boolean ? '' : '=...'}\t${v.help}${v.default !== undefined ? ` (default "${v.default}")` : ''}`);
      process.stdout.write(`flags:\n${lines.join('\n')}\n`);
      process.exit(0);
    }
    if (!a.startsWith('--')) throw new Error(`unexpected argument "${a}"`);
    const eq = a.indexOf('=');
    const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
    if (!(name in spec)) throw new Error(`unknown flag: --${name}`);
    if (eq >= 0) out[name] = a.slice(eq + 1);
    else if (spec[name].boolean) out[name] = 'true';
    else {
      if (i + 1 >= argv.length) throw new Error(`flag needs an argument: --${name}`);
      out[name] = argv[++i];
    }
  }
  return out as Record<keyof S, string>;
}
