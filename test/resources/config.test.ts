import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFiles } from '../../src/index.js';
import { builtinBehaviours, builtinParams } from '../../src/system/builtins.js';

const options = { behaviours: new Set(Object.keys(builtinBehaviours())), params: builtinParams(), env: {} };

function file(children: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'overseer-res-config-')), 'system.yaml');
  writeFileSync(path, `apiVersion: overseer/v1\nkind: System\nmetadata: { name: t }\nspec:\n  children:\n${children}`);
  return path;
}

describe('resources and controller params, checked at load', () => {
  it('accepts systems/lab.yaml', async () => {
    expect(await checkFiles(['systems/lab.yaml'], options)).toEqual([]);
  });

  it('reports bad kinds, an unusable JSON Schema and duplicates with their positions', async () => {
    const path = file(`    - id: resources
      behaviour: resources
      params:
        kinds:
          - { kind: labInstance, plural: labs }
          - { kind: Lab, plural: Labs-2 }
          - { kind: Course, plural: courses, schema: { type: nonsense } }
          - { kind: Labs, plural: courses }
`);
    const problems = await checkFiles([path], options);
    const where = problems.map((p) => `${p.line}: ${p.path}`);
    expect(where).toEqual(expect.arrayContaining(['10: spec.children[0].params.kinds[0].kind', '11: spec.children[0].params.kinds[1].plural', '12: spec.children[0].params.kinds[2].schema']));
    expect(problems.find((p) => p.path.endsWith('kinds[2].schema'))!.message).toMatch(/not a usable JSON Schema/);
    expect(problems.some((p) => p.path === 'spec.children[0].params.kinds[3].plural' && /already the kind or plural of kinds\[2\]/.test(p.message))).toBe(true);
    expect(problems.some((p) => p.path === 'spec.children[0].params.kinds[3].kind' && /kinds\[0\]/.test(p.message))).toBe(true);
  });

  it('reports a controller without kind or reconcile, a bad finalizer and unknown keys', async () => {
    const path = file(`    - id: c
      behaviour: controller
      params: { finalizer: 'not a name', maxConcurrentReconciles: 0, reconile: x }
`);
    const paths = (await checkFiles([path], options)).map((p) => p.path).sort();
    expect(paths).toEqual(
      ['spec.children[0].params.finalizer', 'spec.children[0].params.kind', 'spec.children[0].params.maxConcurrentReconciles', 'spec.children[0].params.reconcile', 'spec.children[0].params.reconile'].sort(),
    );
  });
});
