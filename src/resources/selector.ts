/**
 * Label selectors as Kubernetes writes them (`labels.Parse`): comma-separated requirements,
 * equality-based (`env=prod`, `env==prod`, `tier!=cache`) and set-based (`env in (a,b)`,
 * `env notin (a)`, `gpu`, `!gpu`). Parsed once into plain data, matched many times.
 * @example parseSelector('env in (prod,staging),!canary').matches({ env: 'prod' }) // true
 */
import { InvalidSelectorError } from './errors.js';
import { labelKeyProblem, labelValueProblem } from './labels.js';

export type Operator = 'in' | 'notin' | 'exists' | '!exists';

/** One requirement; `=` and `==` are `in` one value, `!=` is `notin` one value (as in Kubernetes). */
export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  readonly values: readonly string[];
}

export interface Selector {
  readonly requirements: readonly Requirement[];
  /** True for the empty selector. */
  readonly empty: boolean;
  matches(labels: Readonly<Record<string, string>>): boolean;
}

/** Longest selector accepted: it arrives in a query string. */
export const MAX_SELECTOR_LENGTH = 4096;

type Token = { kind: 'word'; text: string } | { kind: 'op'; text: '=' | '==' | '!=' | '!' | '(' | ')' | ',' };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === ' ' || c === '\t') {
      i++;
    } else if (c === '=' || c === '!') {
      const two = source.slice(i, i + 2);
      if (two === '==' || two === '!=') {
        tokens.push({ kind: 'op', text: two });
        i += 2;
      } else {
        tokens.push({ kind: 'op', text: c });
        i++;
      }
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'op', text: c });
      i++;
    } else {
      let j = i;
      while (j < source.length && !' \t=!(),'.includes(source[j]!)) j++;
      tokens.push({ kind: 'word', text: source.slice(i, j) });
      i = j;
    }
  }
  return tokens;
}

class Parser {
  private at = 0;
  constructor(
    private readonly source: string,
    private readonly tokens: Token[],
  ) {}

  parse(): Requirement[] {
    const out: Requirement[] = [];
    if (this.tokens.length === 0) return out;
    for (;;) {
      out.push(this.requirement());
      const next = this.tokens[this.at];
      if (next === undefined) return out;
      if (next.kind === 'op' && next.text === ',') {
        this.at++;
        continue;
      }
      this.fail(`expected "," between requirements, found "${next.text}"`);
    }
  }

  private requirement(): Requirement {
    const first = this.tokens[this.at];
    if (first?.kind === 'op' && first.text === '!') {
      this.at++;
      return { key: this.key(), operator: '!exists', values: [] };
    }
    const key = this.key();
    const op = this.tokens[this.at];
    if (op === undefined || (op.kind === 'op' && op.text === ',')) return { key, operator: 'exists', values: [] };
    this.at++;
    if (op.kind === 'op' && (op.text === '=' || op.text === '==' || op.text === '!=')) {
      const value = this.optionalValue();
      return { key, operator: op.text === '!=' ? 'notin' : 'in', values: [value] };
    }
    if (op.kind === 'word' && (op.text === 'in' || op.text === 'notin')) return { key, operator: op.text, values: this.set(key) };
    return this.fail(`after key "${key}" expected =, ==, !=, in or notin, found "${op.text}"`);
  }

  private key(): string {
    const token = this.tokens[this.at];
    if (token?.kind !== 'word') return this.fail(token === undefined ? 'a requirement is missing its key' : `expected a label key, found "${token.text}"`);
    this.at++;
    const problem = labelKeyProblem(token.text);
    if (problem) this.fail(problem);
    return token.text;
  }

  /** A value after = / == / != may be empty (`env=`), as in Kubernetes. */
  private optionalValue(): string {
    const token = this.tokens[this.at];
    if (token === undefined || (token.kind === 'op' && token.text === ',')) return '';
    if (token.kind !== 'word') return this.fail(`expected a label value, found "${token.text}"`);
    this.at++;
    const problem = labelValueProblem(token.text);
    if (problem) this.fail(problem);
    return token.text;
  }

  private set(key: string): string[] {
    this.expect('(', `"in" and "notin" take a parenthesised list of values after "${key}"`);
    const values: string[] = [];
    for (;;) {
      const token = this.tokens[this.at];
      if (token?.kind === 'op' && token.text === ')' && values.length === 0) this.fail(`the set of values of "${key}" is empty`);
      if (token?.kind === 'word') {
        const problem = labelValueProblem(token.text);
        if (problem) this.fail(problem);
        values.push(token.text);
        this.at++;
      } else if (token?.kind === 'op' && token.text === ',') {
        values.push(''); // `(a,,b)`: an empty value, as Kubernetes reads it
      } else {
        this.fail(`unfinished set of values of "${key}"`);
      }
      const next = this.tokens[this.at];
      if (next?.kind === 'op' && next.text === ',') {
        this.at++;
        continue;
      }
      this.expect(')', `expected "," or ")" in the set of values of "${key}"`);
      return values;
    }
  }

  private expect(text: string, message: string): void {
    const token = this.tokens[this.at];
    if (token?.kind !== 'op' || token.text !== text) this.fail(message);
    this.at++;
  }

  private fail(reason: string): never {
    throw new InvalidSelectorError(this.source, reason);
  }
}

function matches(requirements: readonly Requirement[], labels: Readonly<Record<string, string>>): boolean {
  for (const r of requirements) {
    const has = Object.hasOwn(labels, r.key);
    switch (r.operator) {
      case 'exists':
        if (!has) return false;
        break;
      case '!exists':
        if (has) return false;
        break;
      case 'in':
        if (!has || !r.values.includes(labels[r.key]!)) return false;
        break;
      case 'notin':
        if (has && r.values.includes(labels[r.key]!)) return false;
        break;
    }
  }
  return true;
}

/** Parses a selector; throws InvalidSelectorError naming the problem. The empty string selects everything. */
export function parseSelector(source: string): Selector {
  if (typeof source !== 'string') throw new InvalidSelectorError(String(source), 'a selector is a string');
  if (source.length > MAX_SELECTOR_LENGTH) throw new InvalidSelectorError(source, `longer than ${MAX_SELECTOR_LENGTH} characters`);
  const requirements = Object.freeze(new Parser(source, tokenize(source)).parse());
  return { requirements, empty: requirements.length === 0, matches: (labels) => matches(requirements, labels) };
}

export const EVERYTHING: Selector = parseSelector('');
