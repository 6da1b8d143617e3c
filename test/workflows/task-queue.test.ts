/** The durable task queue: leases with deadlines, heartbeats, redelivery with backoff, dead letters; time from a manual clock. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TaskSpec } from '../../src/workflows/broker/decide.js';
import { deferredCommit, openWorkflowsDb } from '../../src/workflows/queue/database.js';
import { TaskQueue, type QueueOptions } from '../../src/workflows/queue/task-queue.js';
import { ManualClock } from '../support/manual-clock.js';

const task = (id: string, delayMs = 0): TaskSpec => ({ id, execution: id.split(':')[0]!, playbook: 'p', step: 's', visit: 1, attempt: 1, input: { id }, run: { name: 'echo' }, delayMs });

function queue(options: Partial<QueueOptions> = {}, file = ':memory:') {
  const clock = new ManualClock();
  const db = openWorkflowsDb(file);
  const q = new TaskQueue(db, { leaseMs: 1000, maxDeliveries: 3, redelivery: { initialMs: 100, factor: 2, maxMs: 1000 }, clock, ...options });
  return { q, clock, db };
}

describe('task queue', () => {
  it('queues a task once by id, and leases it to one worker at a time', () => {
    const { q } = queue();
    expect(q.enqueue(task('e:1'))).toBe(true);
    expect(q.enqueue(task('e:1'))).toBe(false);
    const [first] = q.lease('w1');
    expect(first).toMatchObject({ task: { id: 'e:1' }, deliveries: 1 });
    expect(q.lease('w2')).toEqual([]); // two workers never hold the same task
    expect(q.counts()).toEqual({ ready: 0, delayed: 0, leased: 1, dead: 0 });
  });

  it('an expired lease is reclaimed: the task goes back after the redelivery backoff, to another worker', async () => {
    const { q, clock } = queue();
    q.enqueue(task('e:1'));
    const [held] = q.lease('w1');
    await clock.advance(999);
    expect(q.expire()).toEqual({ redelivered: 0, dead: [] });
    await clock.advance(1);
    expect(q.expire().redelivered).toBe(1);
    expect(q.lease('w2')).toEqual([]); // backoff: not before 100 ms
    await clock.advance(100);
    const [again] = q.lease('w2');
    expect(again).toMatchObject({ task: { id: 'e:1' }, deliveries: 2 });
    expect(again!.token).not.toBe(held!.token);
    // The first worker's lease is gone: its heartbeat and its result are refused.
    expect(q.heartbeat('e:1', held!.token)).toBeUndefined();
    expect(q.complete('e:1', held!.token)).toBeUndefined();
    expect(q.complete('e:1', again!.token)).toMatchObject({ id: 'e:1' });
    expect(q.counts()).toEqual({ ready: 0, delayed: 0, leased: 0, dead: 0 });
  });

  it('a heartbeat extends the lease by leaseMs from now', async () => {
    const { q, clock } = queue();
    q.enqueue(task('e:1'));
    const [lease] = q.lease('w1');
    await clock.advance(800);
    expect(q.heartbeat('e:1', lease!.token)).toBe(clock.now() + 1000);
    await clock.advance(800); // 1600 ms after the lease: alive thanks to the heartbeat
    expect(q.expire().redelivered).toBe(0);
    await clock.advance(200);
    expect(q.expire().redelivered).toBe(1);
  });

  it('redelivery waits longer each time, and past maxDeliveries the task is a dead letter', async () => {
    const { q, clock } = queue({ maxDeliveries: 3 });
    q.enqueue(task('e:1'));
    const waits: number[] = [];
    for (let delivery = 1; delivery <= 3; delivery++) {
      const start = clock.now();
      while (q.lease('w').length === 0) await clock.advance(10);
      waits.push(clock.now() - start);
      await clock.advance(1000);
      const { dead } = q.expire();
      if (delivery === 3) expect(dead).toEqual([expect.objectContaining({ task: expect.objectContaining({ id: 'e:1' }), deliveries: 3 })]);
    }
    expect(waits).toEqual([0, 100, 200]);
    expect(q.counts().dead).toBe(1);
    expect(q.deadLetters()[0]!.error).toMatch(/dead letter: its lease ran out 3 times/);
    await clock.advance(10_000);
    expect(q.lease('w')).toEqual([]);
  });

  it('writes of one turn of the event loop commit together, on the next turn', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'overseer-queue-')), 'wf.db');
    const { q } = queue({}, file);
    q.enqueue(task('e:1'));
    const other = openWorkflowsDb(file);
    const count = () => (other.prepare('SELECT COUNT(*) AS n FROM tasks').get() as { n: number }).n;
    expect(count()).toBe(0); // not committed yet
    await new Promise((r) => setImmediate(r));
    expect(count()).toBe(1);
  });

  it('many workers leasing at once never get the same task twice', () => {
    const { q } = queue();
    for (let i = 0; i < 50; i++) q.enqueue(task(`e:${i}`));
    const seen = new Set<string>();
    for (let round = 0; round < 20; round++) for (const w of ['w1', 'w2', 'w3']) for (const l of q.lease(w, 2)) {
      expect(seen.has(l.task.id)).toBe(false);
      seen.add(l.task.id);
    }
    expect(seen.size).toBe(50);
  });

  it('a delayed task is not leased before it is due', async () => {
    const { q, clock } = queue();
    q.enqueue(task('e:1', 500));
    expect(q.lease('w')).toEqual([]);
    expect(q.nextWakeAt()).toBe(clock.now() + 500);
    await clock.advance(500);
    expect(q.lease('w')).toHaveLength(1);
  });

  it('release hands a leased task back at once', () => {
    const { q } = queue();
    q.enqueue(task('e:1'));
    const [lease] = q.lease('w1');
    expect(q.release('e:1', 'wrong token')).toBe(false);
    expect(q.release('e:1', lease!.token)).toBe(true);
    expect(q.lease('w2')).toHaveLength(1);
  });

  it('leases held by an ended process are released when the queue opens again', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'overseer-queue-')), 'wf.db');
    const before = queue({ processId: 'process-1' }, file);
    before.q.enqueue(task('e:1'));
    expect(before.q.lease('w')).toHaveLength(1);
    deferredCommit(before.db).commit(); // what closing the engine does; a crash would lose this turn's writes
    before.db.close();
    const after = queue({ processId: 'process-2' }, file);
    expect(after.q.lease('w')).toEqual([]);
    expect(after.q.releaseForeign()).toBe(1);
    expect(after.q.lease('w')).toMatchObject([{ task: { id: 'e:1' }, deliveries: 2 }]);
  });

  it('dropping an execution removes its waiting and running tasks', () => {
    const { q } = queue();
    q.enqueue(task('a:1'));
    q.enqueue(task('a:2'));
    q.enqueue(task('b:1'));
    q.lease('w');
    expect(q.dropExecution('a')).toBe(2);
    expect(q.lease('w', 5).map((l) => l.task.id)).toEqual(['b:1']);
  });
});
