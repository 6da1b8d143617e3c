/** Fan-out on every matching transition, fan-in with join: all (every branch that can still arrive) or any (the first). */
import { describe, expect, it } from 'vitest';
import { decide } from '../../src/workflows/broker/decide.js';
import { doc, echo, ok, playbook, Simulation } from './simulate.js';

const fanout = (join: 'all' | 'any', endWith?: unknown) =>
  doc([
    { step: 'start', type: 'start', next: [{ step: 'left' }, { step: 'right' }] },
    { step: 'left', run: 'echo', next: [{ step: 'end' }] },
    { step: 'right', run: 'echo', next: [{ step: 'end' }] },
    { step: 'end', type: 'end', join, ...(endWith ? { with: endWith } : {}) },
  ]);

const byStep = (step: string) => (tasks: { step: string }[]) => tasks.find((t) => t.step === step) as never;

describe('broker: fan-out and joins', () => {
  it('starts both branches at once (every matching next)', async () => {
    const sim = new Simulation(await playbook(fanout('all')));
    await sim.start({});
    expect(sim.types()).toEqual(['execution_started', 'step_started', 'step_started']);
    expect([...sim.queue.values()].map((t) => t.step)).toEqual(['left', 'right']);
  });

  it('join: all completes the execution exactly once, after both branches, with both outputs', async () => {
    const sim = new Simulation(await playbook(fanout('all')));
    await sim.start({});
    await sim.run(() => ok('L'), byStep('left'));
    expect(sim.types()).not.toContain('execution_completed'); // right can still arrive
    await sim.run(() => ok('R'), byStep('right'));
    expect(sim.types().filter((t) => t === 'execution_completed')).toHaveLength(1);
    expect(sim.types().indexOf('execution_completed')).toBe(sim.log.length - 1);
    expect(sim.last().data).toMatchObject({ result: { left: 'L', right: 'R' }, from: ['left#1>end', 'right#1>end'] });
    // Deciding again over the completed log proposes nothing: no second completion.
    expect((await decide(sim.playbook, sim.log)).filter((c) => c.type === 'append')).toEqual([]);
  });

  it('join: all renders end.with from both steps', async () => {
    const sim = new Simulation(await playbook(fanout('all', { sum: '{% steps.left + steps.right %}' })));
    await sim.start({});
    await sim.runAll((t) => ok(t.step === 'left' ? 2 : 3));
    expect(sim.last().data).toMatchObject({ result: { sum: 5 } });
  });

  it('join: all does not wait for a branch that was never taken', async () => {
    const pb = await playbook(
      doc([
        { step: 'start', type: 'start', next: [{ step: 'left' }, { step: 'right', when: 'false' }] },
        { step: 'left', run: 'echo', next: [{ step: 'end' }] },
        { step: 'right', run: 'echo', next: [{ step: 'end' }] },
        { step: 'end', type: 'end' },
      ]),
    );
    const sim = new Simulation(pb);
    await sim.start({ v: 1 });
    await sim.run(echo);
    expect(sim.last()).toMatchObject({ type: 'execution_completed', data: { result: { v: 1 } } });
  });

  it('join: any completes on the first branch; the second arrival is dropped', async () => {
    const sim = new Simulation(await playbook(fanout('any')));
    await sim.start({});
    await sim.run(() => ok('R'), byStep('right'));
    expect(sim.last()).toMatchObject({ type: 'execution_completed', data: { result: 'R' } });
    expect(sim.queue.size).toBe(0); // finish drops the other branch's task
    const late = await decide(sim.playbook, sim.log);
    expect(late).toEqual([{ type: 'finish', status: 'completed' }]);
  });

  it('join: any on a middle step runs it once; the slower branch does not start it again', async () => {
    const pb = await playbook(
      doc([
        { step: 'start', type: 'start', next: [{ step: 'fast' }, { step: 'slow' }] },
        { step: 'fast', run: 'echo', next: [{ step: 'merge' }] },
        { step: 'slow', run: 'echo', next: [{ step: 'merge' }] },
        { step: 'merge', run: 'echo', join: 'any', next: [{ step: 'end' }] },
        { step: 'end', type: 'end' },
      ]),
    );
    const sim = new Simulation(pb);
    await sim.start({});
    await sim.run(() => ok('F'), byStep('fast'));
    await sim.run(echo, byStep('merge'));
    await sim.run(() => ok('S'), byStep('slow'));
    expect(sim.of('merge').filter((t) => t === 'step_started')).toHaveLength(1);
    expect(sim.last()).toMatchObject({ type: 'execution_completed', data: { result: 'F' } });
  });
});
