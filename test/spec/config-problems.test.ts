import { describe, expect, it } from 'vitest';
import { builtinBehaviours, builtinParams } from '../../src/system/builtins.js';
import { problemsOf, problemsWith, withChildren } from './helpers.js';

describe('config problems are positioned FILE:LINE:COL: path: message', () => {
  it.each([
    ['unknown top-level key', 'apiVersion: overseer/v1\nkind: System\nmetadata: { name: t }\nextra: 1\nspec:\n  children: []\n', ['FILE:4:1: extra: unknown key "extra"']],
    ['unknown nested key', withChildren('    - id: a\n      behaviour: counter\n      restarts: 3\n'), ['FILE:8:7: spec.children[0].restarts: unknown key "restarts"']],
    [
      'bad enum value',
      withChildren('    - id: a\n      behaviour: counter\n      restart: sometimes\n'),
      ['FILE:8:16: spec.children[0].restart: invalid value "sometimes"; expected one of permanent | transient | temporary'],
    ],
    ['wrong type', withChildren('    - id: a\n      behaviour: counter\n      mailbox: { capacity: lots }\n'), ['FILE:8:28: spec.children[0].mailbox.capacity: expected number, got string "lots"']],
    ['number out of range', withChildren('    - id: a\n      behaviour: counter\n      mailbox: { capacity: 0 }\n'), ['FILE:8:28: spec.children[0].mailbox.capacity: 0 is too small; must be ≥ 1']],
    [
      'bad shutdown',
      withChildren('    - id: a\n      behaviour: counter\n      shutdown: soon\n'),
      ['FILE:8:17: spec.children[0].shutdown: invalid "soon": expected milliseconds (an integer ≥ 0), "brutal_kill" or "infinity"'],
    ],
    ['missing id', withChildren('    - behaviour: counter\n'), ['FILE:6:7: spec.children[0].id: required (expected string)']],
    ['missing children', 'apiVersion: overseer/v1\nkind: System\nmetadata: { name: t }\nspec:\n  node: n\n', ['FILE:5:3: spec.children: required (expected array)']],
    ['bad id format', withChildren('    - id: Bad_Id\n      behaviour: counter\n'), ['FILE:6:11: spec.children[0].id: invalid "Bad_Id": must match [a-z][a-z0-9-]* (lower case letters, digits, dashes)']],
    ['duplicate sibling ids', withChildren('    - id: a\n      behaviour: counter\n    - id: a\n      behaviour: counter\n'), ['FILE:8:11: spec.children[1].id: duplicate id "a" among siblings']],
    [
      'behaviour and children together',
      withChildren('    - id: a\n      behaviour: counter\n      children: []\n'),
      ['FILE:8:17: spec.children[0].children: a child is either a worker (behaviour or module) or a supervisor (children), not both'],
    ],
    ['neither behaviour nor children', withChildren('    - id: a\n      restart: permanent\n'), ['FILE:6:7: spec.children[0]: a child needs behaviour or module (a worker) or children (a supervisor)']],
    ['unknown behaviour', withChildren('    - id: a\n      behaviour: nope\n'), ['FILE:7:18: spec.children[0].behaviour: unknown behaviour "nope"; known: counter, gateway']],
    ['supervisor-only key on a worker', withChildren('    - id: a\n      behaviour: counter\n      strategy: one_for_all\n'), ['FILE:8:7: spec.children[0].strategy: "strategy" applies only to supervisors']],
    ['wrong apiVersion', 'apiVersion: overseer/v2\nkind: System\nmetadata: { name: t }\nspec:\n  children: []\n', ['FILE:1:13: apiVersion: invalid value "overseer/v2"; expected "overseer/v1"']],
  ])('%s', async (_name, text, expected) => {
    expect(await problemsOf(text)).toEqual(expected);
  });

  it('reports every problem at once, in file order', async () => {
    const text = withChildren('    - id: a\n      behaviour: nope\n    - id: a\n      behaviour: counter\n      restart: sometimes\n      junk: 1\n');
    // schema problems do not hide the rules: all four, sorted by position
    expect(await problemsOf(text)).toEqual([
      'FILE:7:18: spec.children[0].behaviour: unknown behaviour "nope"; known: counter, gateway',
      'FILE:8:11: spec.children[1].id: duplicate id "a" among siblings',
      'FILE:10:16: spec.children[1].restart: invalid value "sometimes"; expected one of permanent | transient | temporary',
      'FILE:11:7: spec.children[1].junk: unknown key "junk"',
    ]);
  });

  it('a schema problem does not hide rules and module problems (regression: loader stopped at the first failing phase)', async () => {
    const text = withChildren(
      [
        '    - id: a',
        '      behaviour: nope',
        '    - id: persistence',
        '      behaviour: persistence',
        '      restart: sometimes',
        '      params: { synchronous: fast }',
        '    - id: b',
        '      module: ./missing.mjs',
        '',
      ].join('\n'),
    );
    const names = Object.keys(builtinBehaviours());
    const options = { behaviours: new Set(names), params: builtinParams(), env: { OVERSEER_ADMIN_PORT: 'http' } };
    const problems = (await problemsWith(text, options)).map((p) => p.replace(/\S*\/missing\.mjs$/, 'DIR/missing.mjs'));
    expect(problems).toEqual([
      `FILE:7:18: spec.children[0].behaviour: unknown behaviour "nope"; known: ${[...names].sort().join(', ')}`,
      'FILE:10:16: spec.children[1].restart: invalid value "sometimes"; expected one of permanent | transient | temporary',
      'FILE:11:30: spec.children[1].params.synchronous: invalid value "fast"; expected one of full | normal',
      'FILE:13:15: spec.children[2].module: module file not found: DIR/missing.mjs',
      'env: OVERSEER_ADMIN_PORT: invalid port "http"; expected an integer 0-65535',
    ]);
  });

  it('a field is reported once: no rules problem where the schema already reported one', async () => {
    const text = withChildren('    - id: Bad_Id\n      behaviour: counter\n      strategy: sideways\n    - id: Bad_Id\n      behaviour: counter\n');
    expect(await problemsOf(text)).toEqual([
      'FILE:6:11: spec.children[0].id: invalid "Bad_Id": must match [a-z][a-z0-9-]* (lower case letters, digits, dashes)',
      'FILE:8:17: spec.children[0].strategy: invalid value "sideways"; expected one of one_for_one | one_for_all | rest_for_one',
      'FILE:9:11: spec.children[1].id: invalid "Bad_Id": must match [a-z][a-z0-9-]* (lower case letters, digits, dashes)',
    ]);
  });

  it('the rules and module checks skip values the schema found malformed', async () => {
    const text = withChildren('    - id: a\n      behaviour: 5\n    - id: b\n      module: 7\n    - id: c\n      children: none\n    - just-a-string\n    - id: d\n      behaviour: nope\n');
    expect(await problemsOf(text)).toEqual([
      'FILE:7:18: spec.children[0].behaviour: expected string, got number 5',
      'FILE:9:15: spec.children[1].module: expected string, got number 7',
      'FILE:11:17: spec.children[2].children: expected array, got string "none"',
      'FILE:12:7: spec.children[3]: expected object, got string "just-a-string"',
      'FILE:14:18: spec.children[4].behaviour: unknown behaviour "nope"; known: counter, gateway',
    ]);
  });

  it('a YAML syntax error is positioned', async () => {
    const problems = await problemsOf('apiVersion: overseer/v1\nkind: System\nmetadata: { name: t\nspec:\n  children: []\n');
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]).toMatch(/^FILE:\d+:\d+: \(root\): syntax error: /);
  });

  it('a JSON syntax error is positioned', async () => {
    const problems = await problemsOf('{ "apiVersion": "overseer/v1",\n  "kind": ', 'system.json');
    expect(problems[0]).toMatch(/^FILE:\d+:\d+: \(root\): syntax error: /);
  });

  it('a file that cannot be read is a problem, not a crash', async () => {
    const { loadSpecFile } = await import('../../src/spec/index.js');
    await expect(loadSpecFile('/nonexistent/system.yaml', { behaviours: new Set(), env: {} })).rejects.toThrow('/nonexistent/system.yaml: (root): cannot read config file: ENOENT');
  });
});

describe('module references', () => {
  it('a missing file, a missing export and a non-logic export are each positioned errors', async () => {
    const text = withChildren(
      '    - id: a\n      module: ./missing.mjs#x\n    - id: b\n      module: ./behaviours.mjs#nothere\n    - id: c\n      module: ./behaviours.mjs#notLogic\n',
    );
    const problems = await problemsOf(text);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/^FILE:7:15: spec\.children\[0\]\.module: module file not found: .*missing\.mjs$/);
    expect(problems[1]).toMatch(/^FILE:9:15: spec\.children\[1\]\.module: .*behaviours\.mjs has no export "nothere"; it exports: /);
    expect(problems[2]).toMatch(/^FILE:11:15: spec\.children\[2\]\.module: export "notLogic" of .*behaviours\.mjs is not XState actor logic/);
  });

  it('a valid reference loads its logic', async () => {
    expect(await problemsOf(withChildren('    - id: a\n      module: ./behaviours.mjs#worker\n'))).toEqual([]);
  });
});
