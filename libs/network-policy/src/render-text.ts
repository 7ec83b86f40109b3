// A Ruleset as one nft script (add table, chains, sets with elements, rules): the golden text
// of the tests and what `nft -f` would load into an empty table.
import { render } from '@svcnet/nftables';
import { diff, type Ruleset } from '@svcnet/proxy-rules';

export function rulesetText(rs: Ruleset): string {
  return render(diff(undefined, rs));
}
