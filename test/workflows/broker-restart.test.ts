/** The workflows actor restarted mid-execution (a crash, a kill): it reads the logs back, decides again, and nothing is written twice. */
import { describe, expect, it } from 'vitest';
import { until, workflowSystems } from './harness.js';
import { linear } from './simulate.js';

const start = workflowSystems();
const threeSteps = { ...linear(['a', 'b', 'c'], 'gate'), metadata: { name: 'three' } };

describe('restarting the broker', () => {
  it('killed while a task runs, it resumes the execution; the worker\'s result is taken and every event appears once', async () => {
    const waiting: (() => void)[] = [];
    const { wf, log, system } = await start({ playbooks: [threeSteps], handlers: { gate: (input) => new Promise((done) => waiting.push(() => done(input))) } });
    const { executionId } = await wf.create({ playbook: 'three', workload: { v: 1 } });
    await until(() => waiting.length === 1);
    waiting.shift()!(); // a completes
    await until(() => waiting.length === 1); // b runs
    system.kill('root/workflows');
    await until(() => system.statusAt('root/workflows')?.ready === true && (system.statusAt('root/workflows')?.restarts ?? 0) >= 1);
    waiting.shift()!(); // b completes: its result goes to the new incarnation
    await until(() => waiting.length === 1);
    waiting.shift()!(); // c
    await until(async () => (await wf.get(executionId)).status === 'completed');
    const events = await log(executionId);
    expect(events).toHaveLength(14);
    expect(new Set(events.map((e) => e.id)).size).toBe(14);
    expect(events.filter((e) => e.type === 'step_completed').map((e) => (e.data as { step: string }).step)).toEqual(['a', 'b', 'c']);
  });

  it('its queued tasks lost (a power loss takes the last commits of the queue), it queues them again from the log', async () => {
    const { wf, system, dataDir } = await start({ playbooks: [threeSteps], workers: 0, handlers: { gate: (input) => input } });
    const { executionId } = await wf.create({ playbook: 'three' });
    await system.terminateChild('root/workflows');
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(`${dataDir}/workflows.db`);
    expect(db.prepare('DELETE FROM tasks').run().changes).toBe(1);
    db.close();
    await system.restartChild('root/workflows');
    await until(() => system.statusAt('root/workflows')?.ready === true);
    await system.startChild('root', { id: 'late-worker', behaviour: 'workflow-worker' });
    await until(async () => (await wf.get(executionId)).status === 'completed');
    expect((await wf.get(executionId)).steps.map((s) => s.attempts)).toEqual([1, 1, 1]);
  });

  it('resumes executions whose index row was lost, found by scanning the journal after the checkpoint', async () => {
    const { wf, system, dataDir, store } = await start({ playbooks: [threeSteps], workers: 0, handlers: { gate: (input) => input } });
    const { executionId } = await wf.create({ playbook: 'three' });
    await system.terminateChild('root/workflows');
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(`${dataDir}/workflows.db`);
    db.exec("DELETE FROM executions; DELETE FROM tasks; UPDATE meta SET value = '0' WHERE key = 'checkpoint'");
    db.close();
    await system.restartChild('root/workflows');
    await until(() => system.statusAt('root/workflows')?.ready === true);
    await system.startChild('root', { id: 'late-worker', behaviour: 'workflow-worker' });
    await until(async () => (await wf.get(executionId)).status === 'completed');
    expect((await store.read(`execution-${executionId}`)).events).toHaveLength(14);
  });
});
