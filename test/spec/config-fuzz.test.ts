/**
 * Config fuzzer (issue 18 item 7): mutations of systems/*.yaml, loaded through checkFiles (what
 * `overseer check` runs). Every outcome must be ok or positioned problems with a message: never
 * a throw, a stack trace or a hang. fast-check, seed 0x5eed, so a failure replays exactly.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BehaviourRegistry } from '../../src/actors/registry.js';
import { checkFiles } from '../../src/spec/index.js';
import { builtinBehaviours, builtinParams } from '../../src/system/builtins.js';

const SYSTEMS = fileURLToPath(new URL('../../systems/', import.meta.url));
const bases = readdirSync(SYSTEMS)
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => readFileSync(join(SYSTEMS, f), 'utf8'));

// The same options cli/check.ts passes; env {} so the machine's OVERSEER_* cannot interfere.
const options = { behaviours: new BehaviourRegistry(Object.entries(builtinBehaviours())).names(), params: builtinParams(), env: {} };

const TOKENS = [
  '*a', '&a', '*nope', '&a [x, x, x, x, x, x, x, x, x, x]', '[*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]', '<<: *a',
  '!!tag', '!!js/function', '!!binary', '!!str', '!!map', '!custom', '!<tag:x>', ': :', '? ', '- ', '---', '...', '%YAML 1.1\n',
  '\t', '\t\t', '[[[[', '{{{{', ']]', '}}', '['.repeat(300), '{a: '.repeat(100), '"', "'", '#', '|', '>-', '\n', '    ', ',', '@', '`', '\u0000', '\uFEFF', '~', 'null',
];
const RETYPES = ['[]', '{}', '1', '-1', '1e999', '"s"', 'null', 'true', '~', '[1, 2]', '{ a: 1 }', '*a', '!!str 1', '0x1F', '.inf'];

type Mutation =
  | { op: 'delete' | 'duplicate'; at: number }
  | { op: 'retype'; at: number; value: string }
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; token: string };

const at = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constantFrom('delete' as const, 'duplicate' as const), at }),
  fc.record({ op: fc.constant('retype' as const), at, value: fc.constantFrom(...RETYPES) }),
  fc.record({ op: fc.constant('truncate' as const), at }),
  fc.record({ op: fc.constant('insert' as const), at, token: fc.constantFrom(...TOKENS) }),
);

function mutate(text: string, m: Mutation): string {
  const lines = text.split('\n');
  const line = Math.floor(m.at * lines.length);
  switch (m.op) {
    case 'delete':
      return lines.filter((_, i) => i !== line).join('\n');
    case 'duplicate':
      return [...lines.slice(0, line + 1), lines[line]!, ...lines.slice(line + 1)].join('\n');
    case 'retype': {
      // Replace the value of a `key: value` line, keeping the key (retypes one field).
      const l = lines[line]!;
      const colon = l.indexOf(': ');
      lines[line] = colon < 0 ? `${l}: ${m.value}` : `${l.slice(0, colon + 2)}${m.value}`;
      return lines.join('\n');
    }
    case 'truncate':
      return text.slice(0, Math.floor(m.at * text.length));
    case 'insert': {
      const offset = Math.floor(m.at * (text.length + 1));
      return text.slice(0, offset) + m.token + text.slice(offset);
    }
  }
}

describe('config fuzz: mutated systems/*.yaml never throw, hang or lose positions', () => {
  it('every mutation loads ok or yields positioned problems, each within 2000 ms', async () => {
    expect(bases.length).toBeGreaterThan(0);
    const dir = mkdtempSync(join(tmpdir(), 'overseer-fuzz-'));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(bases.length - 1), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (base, mutations) => {
        const text = mutations.reduce(mutate, bases[base]!);
        const file = join(dir, `case-${n++}.yaml`);
        writeFileSync(file, text);
        const started = performance.now();
        const problems = await checkFiles([file], options);
        const elapsed = performance.now() - started;
        // A hang guard, not a benchmark: generous for a loaded CI machine.
        expect(elapsed).toBeLessThan(2000);
        for (const p of problems) {
          expect(p.file).toBe(file);
          expect(p.line).toBeGreaterThanOrEqual(1);
          expect(p.col).toBeGreaterThanOrEqual(1);
          expect(p.message.trim()).not.toBe('');
          expect(p.message).not.toContain('    at ');
          // checkFiles turns a loader throw into this; the loader itself must not throw.
          expect(p.message).not.toMatch(/^cannot check this file/);
        }
      }),
      { seed: 0x5eed, numRuns: 300 },
    );
  }, 120_000);
});
