/** Failed actions: retried with backoff while attempts are left; past them the execution fails and nothing more is dispatched. */
import { describe, expect, it } from 'vitest';
import { decide, retryDelay } from '../../src/workflows/broker/decide.js';
import { logEvent } from '../../src/workflows/log.js';
import { echo, linear, playbook, Simulation, type Outcome } from './simulate.js';

const failing = (times: number, extra: Partial<Outcome> = {}) => {
  let n = 0;
  return (): Outcome => (n++ < times ? { ok: false, message: `boom ${n}`, ...extra } as Outcome : { ok: true, output: 'fine' });
};

describe('broker: failures and retries', () => {
  it('an action failing past its retries fails the execution; the steps after it never start', async () => {
    const sim = new Simulation(await playbook(linear(['a', 'b'], 'echo', { retry: { maxAttempts: 2 } })));
    await sim.start({});
    await sim.runAll(failing(99));
    expect(sim.of('a')).toEqual(['step_started', 'action_started', 'action_failed', 'action_retry', 'action_started', 'action_failed', 'execution_failed']);
    expect(sim.last()).toMatchObject({ type: 'execution_failed', data: { step: 'a', error: { message: 'boom 2' } } });
    expect(sim.of('b')).toEqual([]);
    expect(sim.queue.size).toBe(0);
    expect(await decide(sim.playbook, sim.log)).toEqual([{ type: 'finish', status: 'failed' }]);
  });

  it('retries with backoff in between: initialMs, then × factor, capped at maxMs', async () => {
    const sim = new Simulation(await playbook(linear(['a'], 'echo', { retry: { maxAttempts: 5, backoff: { initialMs: 100, factor: 3, maxMs: 1000 } } })));
    await sim.start({});
    await sim.runAll(failing(4));
    const delays = sim.log.filter((e) => e.type === 'action_retry').map((e) => (e.data as { delayMs: number }).delayMs);
    expect(delays).toEqual([100, 300, 900, 1000]);
    // The queued retry carries its delay (the queue holds it back that long).
    expect(sim.enqueued.map((t) => [t.attempt, t.delayMs])).toEqual([[1, 0], [2, 100], [3, 300], [4, 900], [5, 1000]]);
    expect(sim.last()).toMatchObject({ type: 'execution_completed', data: { result: 'fine' } });
    expect(retryDelay({ maxAttempts: 9, initialMs: 1000, factor: 2, maxMs: 60_000 }, 7)).toBe(60_000);
  });

  it('a timeout counts as a failure: retried like any other, then fatal', async () => {
    const sim = new Simulation(await playbook(linear(['a'], 'echo', { timeoutMs: 50, retry: { maxAttempts: 2 } })));
    await sim.start({});
    expect([...sim.queue.values()][0]).toMatchObject({ timeoutMs: 50 });
    await sim.runAll(() => ({ ok: false, message: 'timed out after 50 ms', code: 'timeout' }));
    expect(sim.of('a').filter((t) => t === 'action_failed')).toHaveLength(2);
    expect(sim.last()).toMatchObject({ type: 'execution_failed', data: { step: 'a', error: { code: 'timeout' } } });
  });

  it('a non-retryable failure fails the execution at once, whatever attempts are left', async () => {
    const sim = new Simulation(await playbook(linear(['a'], 'echo', { retry: { maxAttempts: 5 } })));
    await sim.start({});
    await sim.runAll(() => ({ ok: false, message: 'bad input', retryable: false }));
    expect(sim.of('a').filter((t) => t === 'action_started')).toHaveLength(1);
    expect(sim.last().type).toBe('execution_failed');
  });

  it('once failed, results of branches still running are ignored and nothing is queued', async () => {
    const pb = await playbook({
      apiVersion: 'overseer/v1',
      kind: 'Playbook',
      metadata: { name: 'p' },
      spec: {
        workflow: [
          { step: 'start', type: 'start', next: [{ step: 'bad' }, { step: 'good' }] },
          { step: 'bad', run: 'echo', next: [{ step: 'end' }] },
          { step: 'good', run: 'echo', next: [{ step: 'after' }] },
          { step: 'after', run: 'echo', next: [{ step: 'end' }] },
          { step: 'end', type: 'end' },
        ],
      },
    });
    const sim = new Simulation(pb);
    await sim.start({});
    await sim.run(() => ({ ok: false, message: 'no' }), (tasks) => tasks.find((t) => t.step === 'bad'));
    expect(sim.last().type).toBe('execution_failed');
    sim.append([logEvent('x1', 'action_completed', { step: 'good', visit: 1, attempt: 1, output: 1 })]);
    expect(await decide(sim.playbook, sim.log)).toEqual([{ type: 'finish', status: 'failed' }]);
    expect(sim.of('after')).toEqual([]);
  });

  it('a cancelled execution decides nothing more', async () => {
    const sim = new Simulation(await playbook(linear(['a', 'b'])));
    await sim.start({});
    sim.append([logEvent('x1', 'execution_cancelled', { reason: 'test' })]);
    expect(await decide(sim.playbook, sim.log)).toEqual([{ type: 'finish', status: 'cancelled' }]);
    await sim.run(echo);
    expect(sim.of('b')).toEqual([]);
  });

  it('a with expression that fails fails the execution, saying which field', async () => {
    const sim = new Simulation(await playbook(linear(['a'], 'echo', { with: '{% $number("x") %}' })));
    await sim.start({});
    expect(sim.last()).toMatchObject({ type: 'execution_failed', data: { step: 'a', error: { code: 'expression' } } });
    expect((sim.last().data as { error: { message: string } }).error.message).toMatch(/^with: /);
  });
});
