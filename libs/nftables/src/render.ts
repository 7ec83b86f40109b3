// render turns a Transaction into the text `nft -f -` reads: one command per line, no
// shell, no quoting beyond rule comments (whose alphabet the Transaction restricts).
import type { Element, SetSpec } from './model';
import type { Operation, Transaction } from './transaction';

export function render(tx: Transaction): string {
  const where = `${tx.family} ${tx.table}`;
  return tx.operations.map((op) => renderOp(where, op) + '\n').join('');
}

function renderOp(where: string, op: Operation): string {
  switch (op.kind) {
    case 'table':
      return `${op.verb} table ${where}`;
    case 'chain':
      if (op.verb !== 'add') return `${op.verb} chain ${where} ${op.name}`;
      if (!op.chain.base) return `add chain ${where} ${op.chain.name}`;
      {
        const b = op.chain.base;
        const policy = b.policy ? ` policy ${b.policy} ;` : '';
        return `add chain ${where} ${op.chain.name} { type ${b.type} hook ${b.hook} priority ${b.priority} ;${policy} }`;
      }
    case 'set':
      if (op.verb !== 'add') return `${op.verb} ${'set'} ${where} ${op.name}`;
      return renderSet(where, op.set);
    case 'element':
      return `${op.verb} element ${where} ${op.set} { ${op.elements.map(renderElement).join(', ')} }`;
    case 'rule':
      return `add rule ${where} ${op.chain} ${op.text}${op.comment !== undefined ? ` comment "${op.comment}"` : ''}`;
  }
}

function renderSet(where: string, s: SetSpec): string {
  const parts: string[] = [];
  const key = s.type !== undefined ? `type ${s.type}` : `typeof ${s.typeOf}`;
  parts.push(s.kind === 'map' ? `${key} : ${s.valueType}` : key);
  if (s.flags && s.flags.length > 0) parts.push(`flags ${s.flags.join(',')}`);
  if (s.timeoutSeconds !== undefined) parts.push(`timeout ${s.timeoutSeconds}s`);
  return `add ${s.kind} ${where} ${s.name} { ${parts.join(' ; ')} ; }`;
}

function renderElement(e: Element): string {
  const timeout = e.timeoutSeconds !== undefined ? ` timeout ${e.timeoutSeconds}s` : '';
  return `${e.key}${timeout}${e.value !== undefined ? ` : ${e.value}` : ''}`;
}
