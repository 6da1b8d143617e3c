/** Tasks through the actors on a manual clock: a killed worker's task runs again elsewhere once its lease runs out; retries wait their backoff; timeouts fail. */
import { describe, expect, it } from 'vitest';
import type { TaskContext } from '../../src/workflows/handlers.js';
import { ManualClock } from '../support/manual-clock.js';
import { until, workflowSystems } from './harness.js';
import { linear } from './simulate.js';

const start = workflowSystems();
const one = (extra: Record<string, unknown> = {}) => ({ ...linear(['work'], 'work', extra), metadata: { name: 'one' } });
const blockUntilAborted = (ctx: TaskContext) => new Promise<never>((_, fail) => ctx.signal.addEventListener('abort', () => fail(ctx.signal.reason)));

describe('leases, retries and timeouts on a running system', () => {
  it('a worker killed mid-task loses its lease; the task runs again on the other worker, and step_completed appears once', async () => {
    const clock = new ManualClock();
    const calls: string[] = [];
    const { wf, log, system } = await start({
      clock,
      workers: 2,
      workerSpec: { restart: 'temporary' },
      worker: { pollMs: 3_600_000 },
      workflows: { leaseMs: 1000, redelivery: { initialMs: 0, factor: 1, maxMs: 0 } },
      playbooks: [one()],
      handlers: { work: (_input, ctx) => (calls.push(ctx.worker), calls.length === 1 ? blockUntilAborted(ctx) : 'done') },
    });
    const { executionId } = await wf.create({ playbook: 'one' });
    await until(() => calls.length === 1);
    const holder = calls[0]!;
    system.kill(holder);
    await until(() => system.statusAt(holder) === undefined);
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    expect(calls).toHaveLength(1); // nobody else holds it while the lease holds
    await clock.advance(1000);
    await until(async () => (await wf.get(executionId)).status === 'completed');
    expect(calls).toHaveLength(2);
    expect(calls[1]).not.toBe(holder);
    const types = (await log(executionId)).map((e) => e.type);
    expect(types.filter((t) => t === 'step_completed')).toHaveLength(1);
    expect(types.filter((t) => t === 'action_started')).toHaveLength(1); // the same attempt: its event is not written twice
  });

  it('a failed action is retried only after its backoff (1000 ms, then 2000 ms), then completes', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const { wf, log } = await start({
      clock,
      worker: { pollMs: 3_600_000 },
      playbooks: [one({ retry: { maxAttempts: 3, backoff: { initialMs: 1000, factor: 2 } } })],
      handlers: { work: () => (++calls < 3 ? Promise.reject(new Error(`flaky ${calls}`)) : 'ok') },
    });
    const { executionId } = await wf.create({ playbook: 'one' });
    await until(async () => (await log(executionId)).some((e) => e.type === 'action_retry'));
    await clock.advance(999);
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    expect(calls).toBe(1);
    await clock.advance(1);
    await until(async () => (await log(executionId)).filter((e) => e.type === 'action_retry').length === 2);
    expect(calls).toBe(2);
    await clock.advance(1999);
    for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
    expect(calls).toBe(2);
    await clock.advance(1);
    await until(async () => (await wf.get(executionId)).status === 'completed');
    expect(calls).toBe(3);
    const retries = (await log(executionId)).filter((e) => e.type === 'action_retry').map((e) => (e.data as { delayMs: number }).delayMs);
    expect(retries).toEqual([1000, 2000]);
  });

  it('a step that runs past its timeoutMs fails (code timeout), and past its retries the execution fails', async () => {
    const clock = new ManualClock();
    let started = 0;
    const { wf, log } = await start({ clock, worker: { pollMs: 3_600_000 }, playbooks: [one({ timeoutMs: 500 })], handlers: { work: (_i, ctx) => (started++, blockUntilAborted(ctx)) } });
    const { executionId } = await wf.create({ playbook: 'one' });
    await until(() => started === 1);
    await clock.advance(500);
    await until(async () => (await wf.get(executionId)).status === 'failed');
    expect(await wf.get(executionId)).toMatchObject({ status: 'failed', error: { step: 'work', error: { code: 'timeout', message: 'timed out after 500 ms' } } });
    expect((await log(executionId)).map((e) => e.type)).toEqual(['execution_started', 'step_started', 'action_started', 'action_failed', 'execution_failed']);
  });

  it('a task whose lease keeps running out becomes a dead letter: its action fails and task_dead_lettered is published', async () => {
    const clock = new ManualClock();
    const { wf, system } = await start({
      clock,
      workers: 3,
      workerSpec: { restart: 'temporary' },
      worker: { pollMs: 3_600_000 },
      workflows: { leaseMs: 1000, maxDeliveries: 2, redelivery: { initialMs: 0, factor: 1, maxMs: 0 } },
      playbooks: [one()],
      handlers: { work: (_i, ctx) => (system.kill(ctx.worker), blockUntilAborted(ctx)) }, // every worker that takes it dies
    });
    const { executionId } = await wf.create({ playbook: 'one' });
    for (let i = 0; i < 2; i++) {
      await until(() => system.children('root').filter((c) => c.id.startsWith('worker')).length === 2 - i);
      await clock.advance(1000);
    }
    await until(async () => (await wf.get(executionId)).status === 'failed');
    expect(await wf.get(executionId)).toMatchObject({ error: { step: 'work', error: { code: 'dead_letter' } } });
    expect(system.events.recent().find((e) => e.type === 'task_dead_lettered')?.data).toMatchObject({ execution: executionId, step: 'work', deliveries: 2 });
  });
});
