// Rule text is written with the `rule` tagged template: the literal parts are code, and
// every interpolated value must be a Token (or an array of Tokens joined by ", ", for anonymous
// sets and maps). A plain string or number is a programming error and throws.
import { Token } from './values';

export type RuleText = string & { readonly __nftRule: unique symbol };

// Characters that would end a statement or start a comment/string in an nft script.
const FORBIDDEN = /[;"#\n\r\\]/;

export function rule(strings: TemplateStringsArray, ...values: (Token | Token[])[]): RuleText {
  let out = strings[0];
  values.forEach((v, i) => {
    if (Array.isArray(v)) {
      for (const t of v) if (!(t instanceof Token)) throw new Error('rule: array values must be Tokens');
      out += v.map((t) => t.text).join(', ');
    } else if (v instanceof Token) {
      out += v.text;
    } else {
      throw new Error(`rule: interpolated value ${JSON.stringify(v)} is not a Token`);
    }
    out += strings[i + 1];
  });
  const text = out.trim().replace(/\s+/g, ' ');
  if (text === '' || FORBIDDEN.test(text)) throw new Error(`rule: unsafe rule text ${JSON.stringify(text)}`);
  return text as RuleText;
}

// A map entry for anonymous vmaps: `0 : goto ep-x`.
export function mapEntry(key: Token, value: Token): Token {
  return new Token(`${key.text} : ${value.text}`);
}
