import { describe, expect, it } from 'vitest';
import { ConfigError, formatProblem } from '../../src/shared/errors.js';
import { loadSpecFile } from '../../src/spec/index.js';
import { builtinBehaviours, builtinParams } from '../../src/system/builtins.js';
import { withChildren, writeConfig } from './helpers.js';

async function problems(children: string): Promise<string[]> {
  const file = writeConfig(withChildren(children));
  try {
    await loadSpecFile(file, { behaviours: new Set(Object.keys(builtinBehaviours())), params: builtinParams(), env: {} });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => formatProblem(p).replace(file, 'FILE'));
    throw error;
  }
  return [];
}

describe('params of built-in behaviours are checked when the config loads', () => {
  it('bad values and unknown keys are positioned problems, all at once', async () => {
    expect(
      await problems(
        [
          '    - id: persistence',
          '      behaviour: persistence',
          '      params: { backend: sqlite, synchronous: fast, fsync: true }',
          '    - id: gateway',
          '      behaviour: gateway',
          '      params: { port: 99999 }',
          '',
        ].join('\n'),
      ),
    ).toEqual([
      'FILE:8:47: spec.children[0].params.synchronous: invalid value "fast"; expected one of full | normal',
      'FILE:8:53: spec.children[0].params.fsync: unknown key "fsync"',
      'FILE:11:23: spec.children[1].params.port: 99999 is too big; must be ≤ 65535',
    ]);
  });

  it('the defaults are valid, and so is every documented key', async () => {
    expect(await problems('    - id: store\n      behaviour: store\n    - id: cluster\n      behaviour: cluster\n      params: { backend: local }\n')).toEqual([]);
  });
});

describe('defaults of built-in behaviours', () => {
  it('persistence gets 10 s to stop unless the config says otherwise', async () => {
    const file = writeConfig(withChildren('    - id: persistence\n      behaviour: persistence\n    - id: store\n      behaviour: store\n    - id: quick\n      behaviour: persistence\n      shutdown: 100\n'));
    const { spec } = await loadSpecFile(file, { behaviours: new Set(Object.keys(builtinBehaviours())), params: builtinParams(), env: {} });
    expect(spec.root.children.map((c) => [c.id, c.shutdown])).toEqual([
      ['persistence', 10_000],
      ['store', 5000],
      ['quick', 100],
    ]);
  });
});
