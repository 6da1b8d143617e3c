import { describe, expect, it } from 'vitest';
import { ExponentialRateLimiter, WorkQueue } from '../../src/index.js';
import { ManualClock } from '../support/manual-clock.js';

const queue = (base = 5, max = 1_000_000) => {
  const clock = new ManualClock();
  return { clock, q: new WorkQueue<string>(clock, new ExponentialRateLimiter(base, max)) };
};

/** Takes whatever is queued now, without waiting. */
async function drainNow(q: WorkQueue<string>): Promise<string[]> {
  const out: string[] = [];
  while (q.length > 0) out.push((await q.get())!);
  return out;
}

describe('workqueue (client-go semantics, no actors)', () => {
  it('de-duplicates: a key added many times is handed out once', async () => {
    const { q } = queue();
    for (let i = 0; i < 5; i++) q.add('a');
    q.add('b');
    expect(q.length).toBe(2);
    expect(await drainNow(q)).toEqual(['a', 'b']);
    expect(q.stats().adds).toBe(2);
  });

  it('never hands out a key being processed; a change meanwhile queues it again at done (dirty re-queue)', async () => {
    const { q } = queue();
    q.add('a');
    const taken = await q.get();
    q.add('a');
    q.add('a');
    expect(q.length).toBe(0);
    q.done(taken!);
    expect(await drainNow(q)).toEqual(['a']);
    q.done('a');
    expect(q.length).toBe(0);
  });

  it('with 4 workers, one key is never processed twice at once while other keys run in parallel', async () => {
    const { q } = queue();
    const running = new Set<string>();
    let overlap = 0;
    let maxParallel = 0;
    let processed = 0;
    const worker = async () => {
      for (let key = await q.get(); key !== undefined; key = await q.get()) {
        if (running.has(key)) overlap++;
        running.add(key);
        maxParallel = Math.max(maxParallel, running.size);
        q.add(key); // a change during the reconcile
        await new Promise((r) => setImmediate(r));
        running.delete(key);
        processed++;
        if (processed > 40) q.shutDown({ discard: true });
        q.done(key);
      }
    };
    for (const k of ['a', 'b', 'c', 'd', 'e']) q.add(k);
    await Promise.all([worker(), worker(), worker(), worker()]);
    expect(overlap).toBe(0);
    expect(maxParallel).toBe(4);
  });

  it('backs off per key exponentially from baseMs to maxMs; forget starts the curve again', () => {
    const { q } = queue(5, 100);
    expect([1, 2, 3, 4, 5, 6].map(() => q.addRateLimited('a'))).toEqual([5, 10, 20, 40, 80, 100]);
    expect(q.addRateLimited('b')).toBe(5);
    expect(q.numRequeues('a')).toBe(6);
    q.forget('a');
    expect(q.numRequeues('a')).toBe(0);
    expect(q.addRateLimited('a')).toBe(5);
    expect(q.stats().retries).toBe(8);
  });

  it('adds a rate-limited key when its backoff has passed', async () => {
    const { q, clock } = queue(5, 1000);
    q.addRateLimited('a');
    q.addRateLimited('a'); // 10 ms: the earlier 5 ms wins
    expect(q.stats().delayed).toBe(1);
    await clock.advance(4);
    expect(q.length).toBe(0);
    await clock.advance(1);
    expect(await drainNow(q)).toEqual(['a']);
  });

  it('requeues after a delay; of several delayed adds of one key the earliest wins', async () => {
    const { q, clock } = queue();
    q.addAfter('a', 5000);
    q.addAfter('a', 2000);
    q.addAfter('a', 9000);
    await clock.advance(1999);
    expect(q.length).toBe(0);
    await clock.advance(1);
    expect(await drainNow(q)).toEqual(['a']);
    await clock.advance(10_000);
    expect(q.length).toBe(0);
    q.addAfter('b', 0);
    expect(q.length).toBe(1);
  });

  it('drains on shutdown: queued and in-progress keys finish, new adds and delayed adds are dropped', async () => {
    const { q, clock } = queue();
    q.add('a');
    q.add('b');
    q.addAfter('late', 100);
    const inProgress = (await q.get())!;
    let drained = false;
    const draining = q.shutDownWithDrain().then(() => (drained = true));
    q.add('c');
    await clock.advance(200);
    expect(q.length).toBe(1);
    const queued = (await q.get())!;
    expect(queued).toBe('b');
    q.done(inProgress);
    await Promise.resolve();
    expect(drained).toBe(false);
    q.done(queued);
    await draining;
    expect(drained).toBe(true);
    expect(await q.get()).toBeUndefined();
  });

  it('a plain shutdown answers waiting getters with undefined; discard drops what is queued', async () => {
    const { q } = queue();
    const waiting = q.get();
    q.shutDown();
    expect(await waiting).toBeUndefined();
    const other = queue().q;
    other.add('a');
    other.shutDown({ discard: true });
    expect(other.length).toBe(0);
    expect(await other.get()).toBeUndefined();
  });
});
