/** Conditions on transitions: only the branches whose `when` holds run; a failing `when` is false and reported. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_HANDLERS } from '../../src/workflows/handlers.js';
import { loadPlaybookFile } from '../../src/workflows/playbook/load.js';
import { PLAYBOOKS } from './harness.js';
import { doc, echo, ok, playbook, Simulation } from './simulate.js';

const conditional = async () => (await loadPlaybookFile(join(PLAYBOOKS, 'conditional.yaml'), { handlers: new Map(Object.entries(BUILTIN_HANDLERS)) })).playbook;

describe('broker: conditional transitions', () => {
  it('temperature 30 takes the hot step only; the cold branch has no events', async () => {
    const sim = new Simulation(await conditional());
    await sim.start({ temperature: 30 });
    await sim.runAll((task) => ok({ ran: task.step, input: task.input }));
    expect(sim.of('hot')).toEqual(['step_started', 'action_started', 'action_completed', 'step_completed']);
    expect(sim.of('cold')).toEqual([]);
    expect(sim.last()).toMatchObject({ type: 'execution_completed', data: { result: { ran: 'hot', input: { temperature: 30, kind: 'hot' } } } });
  });

  it('temperature 10 takes the cold step only; the hot branch has no events', async () => {
    const sim = new Simulation(await conditional());
    await sim.start({ temperature: 10 });
    await sim.runAll((task) => ok({ ran: task.step }));
    expect(sim.of('cold')).toEqual(['step_started', 'action_started', 'action_completed', 'step_completed']);
    expect(sim.of('hot')).toEqual([]);
    expect(sim.last()).toMatchObject({ type: 'execution_completed', data: { result: { ran: 'cold' } } });
  });

  it('a when that fails to evaluate counts as false and is logged as expression_failed; the other branch goes on', async () => {
    const pb = await playbook(
      doc([
        { step: 'start', type: 'start', next: [{ step: 'a' }] },
        { step: 'a', run: 'echo', next: [{ step: 'b', when: '$undefinedFunction(output)' }, { step: 'c', when: 'true' }] },
        { step: 'b', run: 'echo', next: [{ step: 'end' }] },
        { step: 'c', run: 'echo', next: [{ step: 'end' }] },
        { step: 'end', type: 'end' },
      ]),
    );
    const sim = new Simulation(pb);
    await sim.start({});
    await sim.runAll(echo);
    const failed = sim.log.find((e) => e.type === 'expression_failed');
    expect(failed?.data).toMatchObject({ step: 'a', field: 'next[0].when', expression: '$undefinedFunction(output)' });
    expect(sim.of('b')).toEqual([]);
    expect(sim.of('c')).toContain('step_completed');
    expect(sim.last().type).toBe('execution_completed');
  });

  it('when no transition matches and nothing else runs, the execution fails as a dead end (it never hangs)', async () => {
    const pb = await playbook(
      doc([
        { step: 'start', type: 'start', next: [{ step: 'a', when: 'workload.go' }] },
        { step: 'a', run: 'echo', next: [{ step: 'end' }] },
        { step: 'end', type: 'end' },
      ]),
    );
    const sim = new Simulation(pb);
    await sim.start({ go: false });
    expect(sim.types()).toEqual(['execution_started', 'execution_failed']);
    expect(sim.last().data).toMatchObject({ step: 'start', error: { code: 'dead_end' } });
  });

  it('next.with hands the next step its input, rendered from the step output and the workload', async () => {
    const pb = await playbook(
      doc([
        { step: 'start', type: 'start', next: [{ step: 'a', with: { x: '{% workload.x + 1 %}' } }] },
        { step: 'a', run: 'echo', next: [{ step: 'end', with: { doubled: '{% output.x * 2 %}', literal: 'kept' } }] },
        { step: 'end', type: 'end' },
      ]),
    );
    const sim = new Simulation(pb);
    await sim.start({ x: 1 });
    await sim.runAll(echo);
    expect(sim.last().data).toMatchObject({ result: { doubled: 4, literal: 'kept' } });
  });

  it('a route step chooses the next step without running anything', async () => {
    const pb = await playbook(
      doc([
        { step: 'start', type: 'start', next: [{ step: 'pick' }] },
        { step: 'pick', type: 'route', next: [{ step: 'big', when: 'input.n > 10' }, { step: 'small', when: 'input.n <= 10' }] },
        { step: 'big', run: 'echo', next: [{ step: 'end' }] },
        { step: 'small', run: 'echo', next: [{ step: 'end' }] },
        { step: 'end', type: 'end' },
      ]),
    );
    const sim = new Simulation(pb);
    await sim.start({ n: 3 });
    expect(sim.of('pick')).toEqual(['step_started', 'step_completed']);
    await sim.runAll(echo);
    expect(sim.of('small')).toContain('step_completed');
    expect(sim.of('big')).toEqual([]);
  });

  it('a loop runs a step again with a new visit, until its condition lets it out', async () => {
    const pb = await playbook(
      doc([
        { step: 'start', type: 'start', next: [{ step: 'count', with: { n: 0 } }] },
        { step: 'count', run: 'echo', with: { n: '{% input.n + 1 %}' }, next: [{ step: 'count', when: 'output.n < 3' }, { step: 'end', when: 'output.n >= 3' }] },
        { step: 'end', type: 'end' },
      ]),
    );
    const sim = new Simulation(pb);
    await sim.start({});
    await sim.runAll(echo);
    const visits = sim.log.filter((e) => e.type === 'step_started').map((e) => (e.data as { visit: number }).visit);
    expect(visits).toEqual([1, 2, 3]);
    expect(sim.last().data).toMatchObject({ result: { n: 3 } });
  });
});
