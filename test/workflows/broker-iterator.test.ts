/** Iterator steps: one action per element, sequential or async with a concurrency, where/orderBy/limit/chunk, results in element order. */
import { describe, expect, it } from 'vitest';
import type { TaskSpec } from '../../src/workflows/broker/decide.js';
import { doc, ok, playbook, Simulation } from './simulate.js';

const iterating = (iterator: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  doc([
    { step: 'start', type: 'start', next: [{ step: 'each' }] },
    { step: 'each', run: 'echo', iterator: { collection: 'workload.xs', ...iterator }, ...extra, next: [{ step: 'end' }] },
    { step: 'end', type: 'end' },
  ]);

const square = (t: TaskSpec) => ok((t.input as number) ** 2);
const sum = (t: TaskSpec) => ok((t.input as number[]).reduce((a, b) => a + b, 0));
const result = (sim: Simulation) => (sim.last().data as { result: unknown }).result;

describe('broker: iterators', () => {
  it('[1,2,3] squared → [1,4,9], with iteration_started per element and iterator_completed once', async () => {
    const sim = new Simulation(await playbook(iterating({})));
    await sim.start({ xs: [1, 2, 3] });
    await sim.runAll(square);
    expect(result(sim)).toEqual([1, 4, 9]);
    expect(sim.types().filter((t) => t === 'iteration_started')).toHaveLength(3);
    expect(sim.types().filter((t) => t === 'iterator_completed')).toHaveLength(1);
    expect(sim.log.find((e) => e.type === 'iterator_completed')!.data).toMatchObject({ step: 'each', count: 3 });
  });

  it('sequential mode starts the next element only after the one before completed', async () => {
    const sim = new Simulation(await playbook(iterating({ mode: 'sequential' })));
    await sim.start({ xs: [1, 2, 3] });
    expect(sim.queue.size).toBe(1);
    await sim.run(square);
    expect([...sim.queue.values()].map((t) => t.index)).toEqual([1]);
  });

  it('async with concurrency 4 over [3,1,2] runs all at once and keeps [3,1,2] order, whatever order they finish in', async () => {
    const sim = new Simulation(await playbook(iterating({ mode: 'async', concurrency: 4 })));
    await sim.start({ xs: [3, 1, 2] });
    expect([...sim.queue.values()].map((t) => t.index)).toEqual([0, 1, 2]);
    const last = (tasks: TaskSpec[]) => tasks.at(-1);
    for (let i = 0; i < 3; i++) await sim.run(echo2, last); // completes index 2, then 1, then 0
    expect(sim.log.filter((e) => e.type === 'action_completed').map((e) => (e.data as { index: number }).index)).toEqual([2, 1, 0]);
    expect(result(sim)).toEqual([3, 1, 2]);
  });

  it('async concurrency bounds what is in flight', async () => {
    const sim = new Simulation(await playbook(iterating({ mode: 'async', concurrency: 2 })));
    await sim.start({ xs: [1, 2, 3, 4, 5] });
    expect(sim.queue.size).toBe(2);
    await sim.run(square);
    expect([...sim.queue.values()].map((t) => t.index)).toEqual([1, 2]);
    await sim.runAll(square);
    expect(result(sim)).toEqual([1, 4, 9, 16, 25]);
  });

  it('where, orderBy (desc) and limit choose and order the elements', async () => {
    const sim = new Simulation(await playbook(iterating({ where: 'item % 2 = 1', orderBy: { by: 'item', order: 'desc' }, limit: 2 })));
    await sim.start({ xs: [1, 2, 3, 4, 5, 6, 7] });
    expect(sim.log.find((e) => e.type === 'step_started')!.data).toMatchObject({ elements: [7, 5] });
    await sim.runAll(square);
    expect(result(sim)).toEqual([49, 25]);
  });

  it('orderBy as an expression sorts ascending, stably, by a key of each element', async () => {
    const sim = new Simulation(await playbook(iterating({ element: 'p', orderBy: 'p.age' })));
    const people = [{ n: 'a', age: 30 }, { n: 'b', age: 20 }, { n: 'c', age: 30 }, { n: 'd', age: 10 }];
    await sim.start({ xs: people });
    await sim.runAll((t) => ok((t.input as { n: string }).n));
    expect(result(sim)).toEqual(['d', 'b', 'a', 'c']);
  });

  it('chunk 2 over [1..5] makes three elements; summing each gives [3,7,5]', async () => {
    const sim = new Simulation(await playbook(iterating({ chunk: 2, mode: 'async' })));
    await sim.start({ xs: [1, 2, 3, 4, 5] });
    await sim.runAll(sum);
    expect(result(sim)).toEqual([3, 7, 5]);
  });

  it('with renders each element\'s input, with the element under its name and index', async () => {
    const sim = new Simulation(await playbook(iterating({ element: 'n' }, { with: { value: '{% n %}', at: '{% index %}', base: '{% workload.base %}' } })));
    await sim.start({ xs: [5, 6], base: 100 });
    await sim.runAll((t) => ok(t.input));
    expect(result(sim)).toEqual([{ value: 5, at: 0, base: 100 }, { value: 6, at: 1, base: 100 }]);
  });

  it('a where that fails drops that element and logs expression_failed', async () => {
    const sim = new Simulation(await playbook(iterating({ where: '$number(item) > 1' })));
    await sim.start({ xs: [1, 'x', 3] });
    expect(sim.log.filter((e) => e.type === 'expression_failed').map((e) => (e.data as { field: string }).field)).toEqual(['iterator.where (element 1)']);
    await sim.runAll(square);
    expect(result(sim)).toEqual([9]);
  });

  it('an empty collection completes the step at once with []', async () => {
    const sim = new Simulation(await playbook(iterating({})));
    await sim.start({ xs: [] });
    expect(sim.types()).toEqual(['execution_started', 'step_started', 'iterator_completed', 'step_completed', 'execution_completed']);
    expect(result(sim)).toEqual([]);
  });

  it('an element failing past its retries fails the execution; the other elements stop being started', async () => {
    const sim = new Simulation(await playbook(iterating({ mode: 'sequential' })));
    await sim.start({ xs: [1, 2, 3] });
    await sim.run(square);
    await sim.run(() => ({ ok: false, message: 'no' }));
    expect(sim.last()).toMatchObject({ type: 'execution_failed', data: { step: 'each' } });
    expect(sim.log.filter((e) => e.type === 'iteration_started')).toHaveLength(2);
    expect(sim.queue.size).toBe(0);
  });
});

function echo2(t: TaskSpec) {
  return ok(t.input);
}
