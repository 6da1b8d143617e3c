import { describe, expect, it } from 'vitest';
import { defineController, type EventEnvelope, type Reconcile, type ReconcileContext, type Resource } from '../../src/index.js';
import { advance, resourceSystems, settle, until } from './support.js';

const start = resourceSystems();
const lab = (name: string) => ({ metadata: { name }, spec: { image: 'ubuntu' } });

/** A controller child named `labs` running `handlers`, and the reconciles it made. */
function labsController(handlers: { reconcile: Reconcile; finalize?: Reconcile }, params: Record<string, unknown> = {}) {
  return {
    children: [{ id: 'labs', behaviour: 'labs', params: { kind: 'LabInstance', ...params }, shutdown: 5000 }],
    behaviours: { labs: defineController(handlers) },
  };
}

function reconcileEvents(system: { events: { subscribe(name: string, o: object): AsyncIterable<EventEnvelope> & { unsubscribe(): void } } }) {
  const seen: EventEnvelope[] = [];
  system.events.subscribe(`test-reconciles-${Math.random()}`, {
    types: ['reconcile_succeeded', 'reconcile_failed', 'reconcile_requeued'],
    lateJoin: true,
    buffer: 10_000,
    handler: (e: EventEnvelope) => void seen.push(e),
  });
  return seen;
}

describe('controller: level-triggered reconciles', () => {
  it('reconciles every resource there is once synced, then each one that changes; ready once synced', async () => {
    const calls: string[] = [];
    const { api, system } = await start({
      ...labsController({ reconcile: (r) => void calls.push(`${r.metadata.name}@${r.metadata.generation}`) }),
    });
    expect(system.status().children!.find((c) => c.id === 'labs')!.ready).toBe(true);
    await api.create('LabInstance', lab('a'));
    await api.create('LabInstance', lab('b'));
    await until(() => calls.length === 2);
    await api.patch('LabInstance', 'default', 'a', { spec: { image: 'debian' } });
    await until(() => calls.includes('a@2'));
    expect(calls.sort()).toEqual(['a@1', 'a@2', 'b@1']);
  });

  it('requeues after requeueAfterMs, on the injected clock, and publishes reconcile_requeued', async () => {
    const times: number[] = [];
    const { api, system, clock } = await start({
      ...labsController({ reconcile: (_r, ctx) => (times.push(ctx.now()), times.length < 3 ? { requeueAfterMs: 5000 } : undefined) }, { resyncPeriodMs: 0 }),
    });
    const events = reconcileEvents(system);
    const t0 = clock.now();
    await api.create('LabInstance', lab('a'));
    await until(() => events.length === 1); // settled: the requeue is scheduled
    await advance(clock, 4750);
    expect(times).toHaveLength(1);
    await advance(clock, 250);
    await until(() => events.length === 2);
    await advance(clock, 5000);
    await until(() => times.length === 3);
    expect(times.map((t) => t - t0)).toEqual([0, 5000, 10_000]);
    await until(() => events.length === 3);
    expect(events.map((e) => e.type)).toEqual(['reconcile_requeued', 'reconcile_requeued', 'reconcile_succeeded']);
    expect(events[0]!.data).toMatchObject({ controller: 'root/labs', key: 'default/a', reason: 'requeue_after', afterMs: 5000 });
    expect(events[0]!.category).toBe('controller');
  });

  it('retries a failing reconcile with per-key exponential backoff, and forgets the backoff on success', async () => {
    const attempts: { at: number; retries: number }[] = [];
    const { api, system, clock } = await start({
      ...labsController(
        {
          reconcile: (_r, ctx) => {
            attempts.push({ at: ctx.now(), retries: ctx.retries });
            if (attempts.length <= 4) throw new Error('backend down');
          },
        },
        { backoff: { baseMs: 100, maxMs: 1000 } },
      ),
    });
    const events = reconcileEvents(system);
    const t0 = clock.now();
    await api.create('LabInstance', lab('a'));
    for (const [i, step] of [100, 200, 400, 800].entries()) {
      await until(() => events.length === i + 1); // settled: the retry is scheduled
      await advance(clock, step, 50);
    }
    await until(() => attempts.length === 5);
    expect(attempts.map((a) => a.at - t0)).toEqual([0, 100, 300, 700, 1500]);
    expect(attempts.map((a) => a.retries)).toEqual([0, 1, 2, 3, 4]);
    await until(() => events.length === 5);
    expect(events.slice(0, 4).map((e) => (e.data as { delayMs: number }).delayMs)).toEqual([100, 200, 400, 800]);
    expect(events[0]!.data).toMatchObject({ error: 'backend down', retries: 1 });
    expect(events[4]!.type).toBe('reconcile_succeeded');
    expect(system.status().children!.find((c) => c.id === 'labs')!.info).toMatchObject({ workqueue: { retries: 4 } });
  });

  it('resyncs: every key is reconciled again each resyncPeriodMs with nothing changed', async () => {
    const calls: string[] = [];
    const { api, clock } = await start({ ...labsController({ reconcile: (r) => void calls.push(r.metadata.name) }, { resyncPeriodMs: 10_000 }) });
    await api.create('LabInstance', lab('a'));
    await api.create('LabInstance', lab('b'));
    await until(() => calls.length === 2);
    await advance(clock, 10_000, 500);
    await until(() => calls.length === 4);
    await advance(clock, 10_000, 500);
    await until(() => calls.length === 6);
    expect(calls.slice(2).sort()).toEqual(['a', 'a', 'b', 'b']);
  });

  it('never reconciles one key twice at once with maxConcurrentReconciles 4, changes during a reconcile queue it again', async () => {
    const running = new Set<string>();
    let overlap = 0;
    let maxParallel = 0;
    const seen = new Map<string, number>();
    const { api } = await start({
      ...labsController(
        {
          reconcile: async (r) => {
            const key = r.metadata.name;
            if (running.has(key)) overlap++;
            running.add(key);
            maxParallel = Math.max(maxParallel, running.size);
            await settle(5);
            running.delete(key);
            seen.set(key, Math.max(seen.get(key) ?? 0, Number(r.status.n ?? 0)));
          },
        },
        { maxConcurrentReconciles: 4 },
      ),
    });
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    for (const name of names) await api.create('LabInstance', lab(name));
    await Promise.all(names.flatMap((name) => [1, 2, 3, 4, 5].map((n) => api.patchStatus('LabInstance', 'default', name, { status: { n } }))));
    const finals = new Map((await api.list('LabInstance')).items.map((r) => [r.metadata.name, Number(r.status.n)]));
    await until(() => names.every((n) => seen.get(n) === finals.get(n)) && running.size === 0);
    expect(overlap).toBe(0);
    expect(maxParallel).toBeGreaterThan(1);
    expect(maxParallel).toBeLessThanOrEqual(4);
  });
});

describe('controller: finalizers', () => {
  it('adds its finalizer, runs finalize once the resource is deleted, removes the finalizer, and the resource is gone', async () => {
    const finalized: string[] = [];
    let allowCleanup = false;
    const { api, clock } = await start({
      ...labsController({
        reconcile: () => undefined,
        finalize: (r: Resource) => {
          finalized.push(r.metadata.name);
          return allowCleanup ? undefined : { requeueAfterMs: 1000 };
        },
      }),
    });
    await api.create('LabInstance', lab('a'));
    await until(async () => (await api.get('LabInstance', 'default', 'a')).metadata.finalizers.includes('overseer.dev/labs'));
    const deleting = await api.delete('LabInstance', 'default', 'a');
    expect(deleting.metadata.deletionTimestamp).toBeDefined();
    await until(() => finalized.length === 1);
    expect((await api.get('LabInstance', 'default', 'a')).metadata.finalizers).toEqual(['overseer.dev/labs']);
    allowCleanup = true;
    await advance(clock, 2000); // the requeue after 1000 ms, however late in the first step it was set

    await until(async () => (await api.list('LabInstance')).items.length === 0);
    expect(finalized).toEqual(['a', 'a']);
  });
});

describe('controller: timeouts and stopping', () => {
  it('fails a reconcile past reconcileTimeoutMs, aborts its signal, and keeps its key until it settles', async () => {
    let release!: () => void;
    const contexts: ReconcileContext[] = [];
    const { api, system, clock } = await start({
      ...labsController(
        {
          reconcile: (_r, ctx) => {
            contexts.push(ctx);
            if (contexts.length === 1) return new Promise<void>((resolve) => (release = resolve));
          },
        },
        { reconcileTimeoutMs: 1000, backoff: { baseMs: 10, maxMs: 10 } },
      ),
    });
    const events = reconcileEvents(system);
    await api.create('LabInstance', lab('a'));
    await until(() => contexts.length === 1);
    await advance(clock, 1000, 100);
    await until(() => events.length === 1);
    expect(events[0]!.data).toMatchObject({ error: 'reconcile timed out after 1000 ms', retries: 1 });
    expect(contexts[0]!.signal.aborted).toBe(true);
    await advance(clock, 500, 50);
    expect(contexts).toHaveLength(1); // the retry waits for the abandoned call
    release();
    await settle();
    await advance(clock, 50, 10);
    await until(() => contexts.length === 2);
    expect(contexts[1]!.signal.aborted).toBe(false);
  });

  it('drains on stop: a reconcile in progress finishes before the controller stops, and no new one starts', async () => {
    let release!: () => void;
    const calls: string[] = [];
    let finished = false;
    const { api, system } = await start({
      ...labsController({
        reconcile: async (r) => {
          calls.push(r.metadata.name);
          await new Promise<void>((resolve) => (release = resolve));
          finished = true;
        },
      }),
    });
    await api.create('LabInstance', lab('a'));
    await until(() => calls.length === 1);
    let stopped = false;
    const stopping = system.stop().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(finished).toBe(true);
    expect(calls).toEqual(['a']);
    const exit = system.events.recent().find((e) => e.type === 'child_exited' && (e.data as { path: string }).path === 'root/labs');
    expect(exit?.data).toMatchObject({ reason: 'shutdown' });
    expect(exit?.data).not.toMatchObject({ forced: true });
  });
});
