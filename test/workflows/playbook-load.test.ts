/** Playbook files at the boundary: every problem at once, positioned FILE:LINE:COL like system files; warnings that do not stop a load. */
import { readdirSync } from 'node:fs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, formatProblem } from '../../src/shared/errors.js';
import { BUILTIN_HANDLERS } from '../../src/workflows/handlers.js';
import { loadPlaybookFile, loadPlaybookText } from '../../src/workflows/playbook/load.js';
import { PLAYBOOKS } from './harness.js';

const handlers = new Map(Object.entries(BUILTIN_HANDLERS));
const HEAD = 'apiVersion: overseer/v1\nkind: Playbook\nmetadata: { name: p }\nspec:\n  workflow:\n';

async function problems(text: string): Promise<string[]> {
  try {
    await loadPlaybookText(text, 'p.yaml', tmpdir(), { handlers });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map(formatProblem);
    throw error;
  }
  return [];
}

describe('playbook files', () => {
  it.each(readdirSync(PLAYBOOKS).filter((f) => f.endsWith('.yaml')))('systems/playbooks/%s loads without problems or warnings', async (file) => {
    const { playbook, warnings } = await loadPlaybookFile(join(PLAYBOOKS, file), { handlers });
    expect(warnings).toEqual([]);
    expect(playbook.name).toBe(file.replace('.yaml', ''));
  });

  it('the demo playbooks are the four the issue names', () => {
    expect(readdirSync(PLAYBOOKS).filter((f) => f.endsWith('.yaml')).sort()).toEqual(['conditional.yaml', 'fanout.yaml', 'iterator.yaml', 'linear.yaml']);
  });

  it('reports schema problems positioned: unknown keys, bad values, a missing field', async () => {
    const found = await problems(`${HEAD}    - step: start\n      type: begin\n      next: [{ step: a }]\n    - step: a\n      run: echo\n      colour: red\n      timeoutMs: -5\n      next: [{ step: end }]\n    - step: end\n      type: end\n`);
    expect(found).toEqual([
      'p.yaml:7:13: spec.workflow[0].type: invalid value "begin"; expected one of task | start | end | route',
      'p.yaml:11:7: spec.workflow[1].colour: unknown key "colour"',
      'p.yaml:12:18: spec.workflow[1].timeoutMs: -5 is too small; must be ≥ 1',
    ]);
  });

  it('reports a next that names no step, with the steps there are', async () => {
    const found = await problems(`${HEAD}    - { step: start, type: start, next: [{ step: a }] }\n    - { step: a, run: echo, next: [{ step: ned }] }\n    - { step: end, type: end }\n`);
    expect(found).toEqual(['p.yaml:7:44: spec.workflow[1].next[0].step: unknown step "ned"; the steps are start, a, end']);
  });

  it('reports unreachable steps', async () => {
    const found = await problems(`${HEAD}    - { step: start, type: start, next: [{ step: end }] }\n    - { step: orphan, run: echo, next: [{ step: end }] }\n    - { step: end, type: end }\n`);
    expect(found).toEqual(['p.yaml:7:15: spec.workflow[1].step: unreachable: no chain of next from "start" leads to "orphan"']);
  });

  it('warns about a cycle without exit, and still loads', async () => {
    const text = `${HEAD}    - { step: start, type: start, next: [{ step: a }, { step: end }] }\n    - { step: a, run: echo, next: [{ step: b }] }\n    - { step: b, run: echo, next: [{ step: a }] }\n    - { step: end, type: end }\n`;
    const { warnings } = await loadPlaybookText(text, 'p.yaml', tmpdir(), { handlers });
    expect(warnings.map(formatProblem)).toEqual(['p.yaml:7:15: spec.workflow[1].step: cycle a → b → a has no exit: an execution that enters it never reaches an end']);
    // A loop with a way out is no warning.
    const exits = `${HEAD}    - { step: start, type: start, next: [{ step: a }] }\n    - { step: a, run: echo, next: [{ step: a, when: 'output.again' }, { step: end }] }\n    - { step: end, type: end }\n`;
    expect((await loadPlaybookText(exits, 'p.yaml', tmpdir(), { handlers })).warnings).toEqual([]);
  });

  it('reports expressions that do not compile, at their field, with JSONata\'s message', async () => {
    const found = await problems(`${HEAD}    - { step: start, type: start, next: [{ step: a, when: 'workload.x >' }] }\n    - { step: a, run: echo, with: { v: '{% 1 + %}' }, next: [{ step: end }] }\n    - { step: end, type: end }\n`);
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^p\.yaml:6:59: spec\.workflow\[0\]\.next\[0\]\.when: invalid expression "workload\.x >": syntax error/);
    expect(found[1]).toMatch(/^p\.yaml:7:40: spec\.workflow\[1\]\.with\.v: invalid expression/);
  });

  it('reports the structural rules: one start, an end, what each step type takes, run on tasks', async () => {
    const found = await problems(`${HEAD}    - { step: a, run: echo, next: [{ step: b }] }\n    - { step: b, type: route, run: echo, next: [{ step: a }] }\n    - { step: a, type: start, next: [] }\n    - { step: t, next: [{ step: a }] }\n`);
    expect(found).toEqual([
      'p.yaml:6:5: spec.workflow: no step has type: end; at least one must',
      'p.yaml:7:31: spec.workflow[1].run: a route step takes no run',
      'p.yaml:8:7: spec.workflow[2]: a start step needs next: (the steps it leads to)',
      'p.yaml:8:15: spec.workflow[2].step: duplicate step "a" (spec.workflow[0] has that name)',
      'p.yaml:9:7: spec.workflow[3]: a task step needs run: (a handler name or ./module.js#export)',
    ]);
    const twoStarts = await problems(`${HEAD}    - { step: s1, type: start, next: [{ step: end }] }\n    - { step: s2, type: start, next: [{ step: s1 }] }\n    - { step: end, type: end, next: [{ step: s1 }] }\n`);
    expect(twoStarts).toEqual([
      'p.yaml:7:25: spec.workflow[1].type: a second start step; "s1" is the start',
      'p.yaml:7:47: spec.workflow[1].next[0].step: "s1" is the start step; no transition may lead back to it',
      'p.yaml:8:31: spec.workflow[2].next: an end step takes no next',
      'p.yaml:8:46: spec.workflow[2].next[0].step: "s1" is the start step; no transition may lead back to it',
    ]);
  });

  it('reports run: handlers that are not registered, and modules that are missing or lack the export', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'overseer-handlers-'));
    writeFileSync(join(dir, 'h.mjs'), 'export const yes = async () => 1;\n');
    const text = `${HEAD}    - { step: start, type: start, next: [{ step: a }] }\n    - { step: a, run: nope, next: [{ step: b }] }\n    - { step: b, run: ./h.mjs#no, next: [{ step: c }] }\n    - { step: c, run: ./missing.mjs, next: [{ step: d }] }\n    - { step: d, run: ./h.mjs#yes, next: [{ step: end }] }\n    - { step: end, type: end }\n`;
    let found: string[] = [];
    try {
      await loadPlaybookText(text, 'p.yaml', dir, { handlers });
    } catch (error) {
      found = (error as ConfigError).problems.map(formatProblem);
    }
    expect(found).toHaveLength(3);
    expect(found[0]).toBe('p.yaml:7:23: spec.workflow[1].run: unknown task handler "nope"; registered: noop, echo, sleep');
    expect(found[1]).toMatch(/^p\.yaml:8:23: spec\.workflow\[2\]\.run: .*h\.mjs has no function or XState logic export "no"; it exports yes$/);
    expect(found[2]).toMatch(/^p\.yaml:9:23: spec\.workflow\[3\]\.run: cannot import .*missing\.mjs/);
  });

  it('refuses hostile YAML like system files (an alias bomb is a positioned problem, not a hang)', async () => {
    const bomb = `a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n`;
    const found = await problems(bomb);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/alias/);
  });

  it('a file that is not there is one problem naming it', async () => {
    await expect(loadPlaybookFile('/nonexistent/p.yaml', { handlers })).rejects.toMatchObject({ problems: [{ file: '/nonexistent/p.yaml', message: 'cannot read playbook file: ENOENT' }] });
  });
});
