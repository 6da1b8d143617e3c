/**
 * Hostile YAML is a config problem, never a throw: alias bombs and unresolved aliases (issue 18
 * item 7), deep nesting, huge files, duplicate keys, foreign tags and collection keys all come
 * back as positioned `FILE:LINE:COL: path: message` lines from the loader check and start use.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, formatProblem } from '../../src/shared/errors.js';
import { loadSpecFile } from '../../src/spec/index.js';
import { MAX_ALIAS_COUNT, MAX_DEPTH, MAX_SOURCE_CHARS } from '../../src/spec/positions.js';
import { behaviours, problemsOf, withChildren, writeConfig } from './helpers.js';

const positioned = /^FILE:\d+:\d+: \S+: \S/;

function expectPositioned(problems: string[]): void {
  expect(problems.length).toBeGreaterThan(0);
  for (const p of problems) {
    expect(p).toMatch(positioned);
    expect(p).not.toContain('    at ');
  }
}

const bomb = withChildren(
  [
    '    - id: w',
    '      behaviour: counter',
    '      params:',
    '        a: &a [x, x, x, x, x, x, x, x, x]',
    '        b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
    '        c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
    '        d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
    '        e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]',
    '        f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]',
    '',
  ].join('\n'),
);

describe('hostile YAML becomes positioned problems', () => {
  it('alias bomb ("Excessive alias count") is a problem naming the maxAliasCount bound, not a throw', async () => {
    const problems = await problemsOf(bomb);
    expectPositioned(problems);
    expect(problems).toEqual([`FILE:10:16: spec.children[0].params.b[0]: aliases expand to too many nodes (limit: maxAliasCount ${MAX_ALIAS_COUNT}); is this an alias bomb?`]);
  });

  it('a few aliases within the bound still load', async () => {
    const text = withChildren('    - id: a\n      behaviour: counter\n      restart: &r transient\n    - id: b\n      behaviour: counter\n      restart: *r\n');
    expect(await problemsOf(text)).toEqual([]);
  });

  it('unresolved alias (*nope) is positioned at the alias, not a ReferenceError', async () => {
    const problems = await problemsOf(withChildren('    - id: w\n      behaviour: *nope\n'));
    expect(problems).toEqual(['FILE:7:18: spec.children[0].behaviour: unresolved alias *nope: no anchor &nope before it']);
  });

  it('an alias before its anchor is unresolved too', async () => {
    const problems = await problemsOf(withChildren('    - id: w\n      behaviour: *later\n      restart: &later permanent\n'));
    expect(problems).toEqual(['FILE:7:18: spec.children[0].behaviour: unresolved alias *later: no anchor &later before it']);
  });

  it('deep flow nesting ([[[[…) is bounded: a problem, no stack overflow', async () => {
    for (const depth of [MAX_DEPTH + 5, 800, 5000, 50_000]) {
      const text = withChildren(`    - id: w\n      behaviour: counter\n      params: { p: ${'['.repeat(depth)}${']'.repeat(depth)} }\n`);
      const problems = await problemsOf(text);
      expectPositioned(problems);
      expect(problems.length).toBeLessThanOrEqual(21);
    }
    const text = withChildren(`    - id: w\n      behaviour: counter\n      params: { p: ${'['.repeat(MAX_DEPTH)}${']'.repeat(MAX_DEPTH)} }\n`);
    expect(await problemsOf(text)).toEqual([`FILE:8:${20 + MAX_DEPTH - 5}: spec.children[0].params.p${'[0]'.repeat(MAX_DEPTH - 5)}: nested deeper than ${MAX_DEPTH} levels`]);
  });

  it('unclosed deep nesting reports a bounded number of syntax errors', async () => {
    const problems = await problemsOf(`a: ${'['.repeat(20_000)}`);
    expectPositioned(problems);
    expect(problems.length).toBeLessThanOrEqual(21);
  });

  it('a huge document is refused by size before parsing', async () => {
    const problems = await problemsOf(`a: "${'x'.repeat(MAX_SOURCE_CHARS + 1)}"\n`);
    expect(problems).toEqual([`FILE:1:1: (root): config is ${MAX_SOURCE_CHARS + 7} characters; the limit is ${MAX_SOURCE_CHARS}`]);
  });

  it('duplicate keys are positioned syntax errors', async () => {
    const problems = await problemsOf(withChildren('    - id: a\n      id: b\n      behaviour: counter\n'));
    expectPositioned(problems);
    expect(problems[0]).toMatch(/^FILE:7:7: \(root\): syntax error: Map keys must be unique/);
  });

  it('tags like !!js/function are unsupported, not silently strings', async () => {
    const problems = await problemsOf(withChildren('    - id: a\n      behaviour: !!js/function "function () {}"\n'));
    expect(problems).toEqual(['FILE:7:18: (root): unsupported tag: tag:yaml.org,2002:js/function; only the core YAML tags are allowed']);
  });

  it('a collection as a key is a problem (not a process warning)', async () => {
    const problems = await problemsOf(withChildren('    - id: a\n      behaviour: counter\n      params: { [a, b]: 1 }\n'));
    expect(problems).toEqual(['FILE:8:17: spec.children[0].params: a key must be a plain value (string or number), not a collection or an alias']);
  });

  it('a document that is only tokens of noise is a problem, not a throw', async () => {
    for (const text of ['*a', '&a', '!!tag', ': :', '\t\t', '[[[[', '? [a]\n: b', '%YAML 1.1\n---\n<<: *x', '---\n---\n', '\u0000\u0001']) {
      const problems = await problemsOf(text);
      expectPositioned(problems);
    }
  });
});

describe('module imports are bounded (the in-process path start uses)', () => {
  it('a module whose top-level await never settles is a positioned problem after OVERSEER_MODULE_TIMEOUT_MS', async () => {
    const file = writeConfig(withChildren('    - id: w\n      module: ./never.mjs#logic\n'));
    writeFileSync(join(dirname(file), 'never.mjs'), 'await new Promise(() => {});\nexport const logic = {};\n');
    const started = Date.now();
    const problems = await problemsWith(file, { OVERSEER_MODULE_TIMEOUT_MS: '300' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(problems).toEqual([expect.stringMatching(/^FILE:7:15: spec\.children\[0\]\.module: importing .*never\.mjs did not finish within 300 ms/)]);
  });

  it('isolated (check): a busy loop is killed at the timeout and reported on its module: line', async () => {
    const file = writeConfig(withChildren('    - id: w\n      module: ./spin.mjs#logic\n    - id: ok\n      module: ./plain.mjs#logic\n'));
    writeFileSync(join(dirname(file), 'spin.mjs'), 'for (;;) {}\nexport const logic = {};\n');
    writeFileSync(join(dirname(file), 'plain.mjs'), PLAIN);
    const problems = await problemsWith(file, { OVERSEER_MODULE_TIMEOUT_MS: '500' }, true);
    expect(problems).toEqual([expect.stringMatching(/^FILE:7:15: spec\.children\[0\]\.module: importing .*spin\.mjs did not finish within 500 ms/)]);
  });

  it('isolated (check): the same problems as in-process for a missing export and non-logic', async () => {
    const file = writeConfig(withChildren('    - id: a\n      module: ./plain.mjs#nope\n    - id: b\n      module: ./plain.mjs#notLogic\n    - id: c\n      module: ./plain.mjs#logic\n'));
    writeFileSync(join(dirname(file), 'plain.mjs'), PLAIN);
    const problems = await problemsWith(file, {}, true);
    expect(problems).toEqual(await problemsWith(file, {}, false));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^FILE:7:15: spec\.children\[0\]\.module: .*has no export "nope"; it exports: /);
    expect(problems[1]).toMatch(/^FILE:9:15: spec\.children\[1\]\.module: export "notLogic" of .* is not XState actor logic/);
  });

  it('a bad OVERSEER_MODULE_TIMEOUT_MS is a problem naming the variable', async () => {
    const file = writeConfig(withChildren('    - id: w\n      behaviour: counter\n'));
    expect(await problemsWith(file, { OVERSEER_MODULE_TIMEOUT_MS: 'soon' })).toEqual([
      'env: OVERSEER_MODULE_TIMEOUT_MS: invalid timeout "soon"; expected a positive integer (milliseconds)',
    ]);
  });
});

// Actor logic by shape (what isActorLogic checks), importing nothing: the child resolves
// packages as plain node does, from the temp dir, where there is no xstate.
const PLAIN = 'export const logic = { transition() {}, getInitialSnapshot() {} };\nexport const notLogic = { hello: 1 };\n';

async function problemsWith(file: string, env: Record<string, string>, isolateModules = false): Promise<string[]> {
  try {
    await loadSpecFile(file, { behaviours, env, isolateModules });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => formatProblem(p).replace(file, 'FILE'));
    throw error;
  }
  return [];
}
