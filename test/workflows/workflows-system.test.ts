/** The demo playbooks through the actors: an event store, the workflows actor and its workers, in process. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLAYBOOKS, workflowSystems } from './harness.js';

const start = workflowSystems();
const demo = (...names: string[]) => names.map((n) => join(PLAYBOOKS, `${n}.yaml`));

describe('workflows on a running system', () => {
  it('linear: exactly the 14 events of DESIGN 13 in order, each with its derived id, and the result', async () => {
    const { wf, log, settled } = await start({ playbooks: demo('linear') });
    const { executionId, created } = await wf.create({ playbook: 'linear', workload: { value: 3 } });
    expect(created).toBe(true);
    const view = await settled(executionId);
    expect(view).toMatchObject({ status: 'completed', result: { value: 49 }, playbook: 'linear' });
    const events = await log(executionId);
    expect(events.map((e) => e.type)).toEqual([
      'execution_started',
      ...['double', 'increment', 'square'].flatMap(() => ['step_started', 'action_started', 'action_completed', 'step_completed']),
      'execution_completed',
    ]);
    expect(events.map((e) => e.version)).toEqual(events.map((_, i) => i));
    expect(events[1]!.id).toBe(`${executionId}:step_started:double:1`);
    expect(events[2]!.id).toBe(`${executionId}:action_started:double:1:0:1`);
    expect(view.steps.map((s) => [s.step, s.status, s.attempts])).toEqual([
      ['double', 'completed', 1],
      ['increment', 'completed', 1],
      ['square', 'completed', 1],
    ]);
  });

  it('conditional: 30 degrees runs hot only, 10 runs cold only', async () => {
    const { wf, log, settled } = await start({ playbooks: demo('conditional') });
    for (const [temperature, ran, skipped] of [[30, 'hot', 'cold'], [10, 'cold', 'hot']] as const) {
      const { executionId } = await wf.create({ playbook: 'conditional', workload: { temperature } });
      expect((await settled(executionId)).status).toBe('completed');
      const steps = (await log(executionId)).map((e) => (e.data as { step?: string }).step);
      expect(steps).toContain(ran);
      expect(steps).not.toContain(skipped);
    }
  });

  it('fanout: both branches run, end completes exactly once after both', async () => {
    const { wf, log, settled } = await start({ playbooks: demo('fanout'), workers: 2 });
    const { executionId } = await wf.create({ playbook: 'fanout', workload: { value: 5 } });
    expect(await settled(executionId)).toMatchObject({ status: 'completed', result: { doubled: 10, squared: 25 } });
    const types = (await log(executionId)).map((e) => e.type);
    expect(types.filter((t) => t === 'execution_completed')).toHaveLength(1);
    expect(types.lastIndexOf('step_completed')).toBeLessThan(types.indexOf('execution_completed'));
    expect(types.filter((t) => t === 'step_completed')).toHaveLength(2);
  });

  it('iterator: squares the workload list in order, with concurrent workers', async () => {
    const { wf, settled } = await start({ playbooks: demo('iterator'), workers: 2, worker: { concurrency: 4 } });
    const { executionId } = await wf.create({ playbook: 'iterator', workload: { numbers: [3, 1, 2, 7, 5, 4] } });
    expect(await settled(executionId)).toMatchObject({ status: 'completed', result: { squares: [9, 1, 4, 49, 25, 16] } });
  });

  it('many executions at once all complete, each with its own 14-event log', async () => {
    const { wf, log, settled } = await start({ playbooks: demo('linear'), workers: 2, worker: { concurrency: 8 } });
    const ids = await Promise.all(Array.from({ length: 40 }, (_, i) => wf.create({ playbook: 'linear', workload: { value: i } }).then((r) => r.executionId)));
    for (const [i, id] of ids.entries()) expect((await settled(id)).result).toEqual({ value: (i * 2 + 1) ** 2 });
    for (const id of ids.slice(0, 5)) expect(await log(id)).toHaveLength(14);
  });

  it('a create repeated with the same executionId is the same execution (created: false); with another workload it is refused', async () => {
    const { wf, log, settled } = await start({ playbooks: demo('linear') });
    const first = await wf.create({ playbook: 'linear', workload: { value: 2 }, executionId: 'order-42' });
    const again = await wf.create({ playbook: 'linear', workload: { value: 2 }, executionId: 'order-42' });
    expect(first).toEqual({ executionId: 'order-42', created: true });
    expect(again).toEqual({ executionId: 'order-42', created: false });
    await settled('order-42');
    await expect(wf.create({ playbook: 'linear', workload: { value: 2 }, executionId: 'order-42' })).resolves.toEqual({ executionId: 'order-42', created: false });
    await expect(wf.create({ playbook: 'linear', workload: { value: 9 }, executionId: 'order-42' })).rejects.toMatchObject({ code: 'OVERSEER_ERR_EXECUTION_EXISTS' });
    expect(await log('order-42')).toHaveLength(14);
  });

  it('cancel appends execution_cancelled and nothing runs after it', async () => {
    let release: (() => void) | undefined;
    const { wf, log } = await start({
      playbooks: [{ apiVersion: 'overseer/v1', kind: 'Playbook', metadata: { name: 'wait' }, spec: { workflow: [{ step: 'start', type: 'start', next: [{ step: 'hold' }] }, { step: 'hold', run: 'hold', next: [{ step: 'after' }] }, { step: 'after', run: 'echo', next: [{ step: 'end' }] }, { step: 'end', type: 'end' }] } }],
      handlers: { hold: (_i, ctx) => new Promise((done) => ((release = () => done(1)), ctx.signal.addEventListener('abort', () => done(0)))) },
    });
    const { executionId } = await wf.create({ playbook: 'wait' });
    while (!release) await new Promise((r) => setImmediate(r));
    expect(await wf.cancel(executionId, 'no longer needed')).toMatchObject({ status: 'cancelled', reason: 'no longer needed' });
    release();
    await expect(wf.cancel(executionId)).rejects.toMatchObject({ code: 'OVERSEER_ERR_EXECUTION_FINISHED', status: 'cancelled' });
    const types = (await log(executionId)).map((e) => e.type);
    expect(types.at(-1)).toBe('execution_cancelled');
    expect(types).not.toContain('step_completed');
  });

  it('unknown playbooks, bad workloads and unknown executions are typed errors; the actor stays ready', async () => {
    const { wf, system } = await start({ playbooks: demo('conditional') });
    await expect(wf.create({ playbook: 'nope' })).rejects.toMatchObject({ code: 'OVERSEER_ERR_UNKNOWN_PLAYBOOK' });
    await expect(wf.create({ playbook: 'conditional', workload: { temperature: 'hot', colour: 1 } })).rejects.toMatchObject({
      code: 'OVERSEER_ERR_INVALID_WORKLOAD',
      problems: [
        { path: 'workload.colour', message: 'unknown field; playbook conditional takes temperature' },
        { path: 'workload.temperature', message: 'expected number, got string "hot"' },
      ],
    });
    await expect(wf.create({ playbook: 'conditional', workload: {} })).rejects.toMatchObject({ problems: [{ path: 'workload.temperature', message: 'required (number)' }] });
    await expect(wf.get('missing')).rejects.toMatchObject({ code: 'OVERSEER_ERR_EXECUTION_NOT_FOUND' });
    expect(system.statusAt('root/workflows')?.ready).toBe(true);
    expect(system.statusAt('root/workflows')?.restarts).toBe(0);
  });

  it('an invalid playbook file is left out, its problems logged and published; the others run', async () => {
    const broken = { apiVersion: 'overseer/v1', kind: 'Playbook', metadata: { name: 'broken' }, spec: { workflow: [{ step: 'start', type: 'start', next: [{ step: 'ghost' }] }] } };
    const { wf, system } = await start({ playbooks: [broken, ...demo('linear')] });
    const rejected = system.events.recent().find((e) => e.type === 'playbook_rejected');
    expect(rejected?.data).toMatchObject({ problems: expect.arrayContaining([expect.objectContaining({ path: 'spec.workflow[0].next[0].step', line: 10, col: 17 })]) });
    await expect(wf.create({ playbook: 'broken' })).rejects.toThrow(/^playbook "broken" did not load: .*broken\.yaml:7:5: spec\.workflow: no step has type: end; at least one must \(and 1 more problem\)$/);
    expect((await wf.playbooks()).playbooks.map((p) => p.name)).toEqual(['linear']);
    expect(system.statusAt('root/workflows')?.ready).toBe(true);
  });
});
