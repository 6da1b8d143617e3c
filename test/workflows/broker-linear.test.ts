/** The broker on a linear playbook (DESIGN §13): the exact log, and deciding again never adds to it. */
import { describe, expect, it } from 'vitest';
import { decide } from '../../src/workflows/broker/decide.js';
import { logEvent } from '../../src/workflows/log.js';
import { echo, linear, playbook, Simulation } from './simulate.js';

const LINEAR_14 = [
  'execution_started',
  ...['a', 'b', 'c'].flatMap(() => ['step_started', 'action_started', 'action_completed', 'step_completed']),
  'execution_completed',
];

describe('broker: a linear playbook', () => {
  it('start → a → b → c → end produces exactly the 14 events of DESIGN 13, in order', async () => {
    const sim = new Simulation(await playbook(linear(['a', 'b', 'c'])));
    await sim.start({ n: 1 });
    await sim.runAll(echo);
    expect(sim.types()).toEqual(LINEAR_14);
    expect(sim.log.slice(1, 5).map((e) => (e.data as { step: string }).step)).toEqual(['a', 'a', 'a', 'a']);
    expect(sim.last().data).toMatchObject({ result: { n: 1 } });
  });

  it('hands each step the output of the one before (the workload to the first)', async () => {
    const sim = new Simulation(await playbook(linear(['a', 'b'])));
    await sim.start({ n: 1 });
    await sim.runAll((task) => ({ ok: true, output: { n: (task.input as { n: number }).n * 10 } }));
    expect(sim.last().data).toMatchObject({ result: { n: 100 } });
  });

  it('running decide twice over the same log proposes nothing new', async () => {
    const sim = new Simulation(await playbook(linear(['a', 'b', 'c'])));
    await sim.start({});
    await sim.run(echo);
    const before = sim.log.length;
    for (let i = 0; i < 3; i++) {
      const commands = await decide(sim.playbook, sim.log);
      const append = commands.find((c) => c.type === 'append');
      expect(append).toBeUndefined(); // everything it would decide is stored already
      expect(sim.append([])).toBe(0);
    }
    expect(sim.log.length).toBe(before);
  });

  it('a decision taken again after it was stored proposes the same event ids, so the store keeps one copy', async () => {
    const sim = new Simulation(await playbook(linear(['a', 'b'])));
    await sim.start({});
    const stored = sim.log.map((e) => e.id);
    // Decide over the log as it was before the decision was stored: the same events, the same ids.
    const again = await decide(sim.playbook, sim.log.slice(0, 1));
    const proposed = again.flatMap((c) => (c.type === 'append' ? c.events.map((e) => e.id) : []));
    expect(proposed).toEqual(stored.slice(1));
    expect(sim.append(again.flatMap((c) => (c.type === 'append' ? c.events : [])))).toBe(0);
  });

  it('replaying the same action_completed adds nothing: the store skips it by id, and decide ignores it', async () => {
    const sim = new Simulation(await playbook(linear(['a', 'b'])));
    await sim.start({});
    await sim.run(echo);
    const completed = sim.log.find((e) => e.type === 'action_completed')!;
    const before = sim.types();
    expect(sim.append([completed])).toBe(0);
    // Even a log that holds the same completion twice (a store without ids) decides the same.
    const doubled = [...sim.log.slice(0, sim.log.indexOf(completed) + 1), completed, ...sim.log.slice(sim.log.indexOf(completed) + 1)];
    const commands = await decide(sim.playbook, doubled);
    expect(commands.filter((c) => c.type === 'append')).toEqual([]);
    expect(sim.types()).toEqual(before);
  });

  it('queues each action once per attempt, with an id derived from execution, step, visit, index and attempt', async () => {
    const sim = new Simulation(await playbook(linear(['a', 'b'])));
    await sim.start({});
    await sim.step();
    await sim.step();
    expect(new Set(sim.enqueued.map((t) => t.id))).toEqual(new Set(['x1:a:1:0:1']));
    await sim.runAll(echo);
    expect([...new Set(sim.enqueued.map((t) => t.id))]).toEqual(['x1:a:1:0:1', 'x1:b:1:0:1']);
  });

  it('a result for an attempt that is not running (a stale worker) changes nothing', async () => {
    const sim = new Simulation(await playbook(linear(['a', 'b'])));
    await sim.start({});
    await sim.run(echo);
    sim.append([logEvent('x1', 'action_completed', { step: 'a', visit: 1, attempt: 2, output: 'late' }), logEvent('x1', 'action_failed', { step: 'b', visit: 1, attempt: 5, error: { message: 'old' }, retryable: true })]);
    const commands = await decide(sim.playbook, sim.log);
    expect(commands).toEqual([{ type: 'enqueue', task: expect.objectContaining({ id: 'x1:b:1:0:1' }) }]);
  });
});
