/**
 * Regressions a second review of the supervision core found: stale readiness after
 * startChild, exits consumed twice or undone, asks that could still hang, event order.
 * Each failed before its fix.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fromCallback } from 'xstate';
import { startSystem } from '../../src/index.js';
import type { System } from '../../src/system/system.js';
import { recordingServices, rootOf, settle, types } from '../support/services.js';
import { supervisor, worker } from '../support/specs.js';
import { counter, testBehaviours } from '../support/behaviours.js';
import { ManualClock } from '../support/manual-clock.js';

const running: System[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

/** How a promise settled after the work it waits on has run (bounded event-loop turns, no clock). */
async function outcomeOf(promise: Promise<unknown>): Promise<string> {
  let outcome = 'still pending';
  promise.then(
    () => (outcome = 'resolved'),
    (e: { code?: string }) => (outcome = e.code ?? 'rejected'),
  );
  for (let i = 0; i < 50 && outcome === 'still pending'; i++) await new Promise((r) => setImmediate(r));
  return outcome;
}

async function start(children: unknown[], extra: Record<string, unknown> = {}) {
  const clock = new ManualClock();
  const system = await startSystem({
    spec: { apiVersion: 'overseer/v1', kind: 'System', metadata: { name: 'probe' }, spec: { node: 'n1', children, ...extra } },
    behaviours: { counter },
    admin: false,
    clock,
  });
  running.push(system);
  return { system, clock };
}

const backoff = { initialMs: 100, maxMs: 100, factor: 1, jitter: 0, resetAfterMs: 60_000 };

describe('supervision core regressions found in review', () => {
  it('startChild of a child that is not ready yet makes its supervisor not ready (regression: it stayed ready)', async () => {
    const t = rootOf(supervisor('root', [worker('a', 'counter')]));
    await t.root.start();
    expect(t.root.ready).toBe(true);
    await t.root.startChild(worker('w', 'warmup')); // tag readiness: not ready until `warm`
    expect(t.cell('root/w').ready).toBe(false);
    expect(t.root.ready).toBe(false);
    expect(t.root.status).toBe('running');
    await t.root.stop('infinity');
  });

  it('terminateChild queued before a crash is not undone by that crash (regression: the queued exit restarted it; OTP terminate_child consumes the EXIT)', async () => {
    const t = rootOf(supervisor('root', [worker('a', 'counter')]));
    await t.root.start();
    const terminated = t.root.terminateChild('a');
    t.cell('root/a').crash(new Error('boom')); // exits before the queued terminate runs
    await terminated;
    await settle();
    expect(t.cell('root/a').status).toBe('stopped');
    expect(t.cell('root/a').running).toBe(false);
    await t.root.stop('infinity');
  });

  it('two siblings crashing together under one_for_all with backoff count one restart, as without backoff (regression: the second exit was handled again)', async () => {
    vi.useFakeTimers();
    const spec = (b: typeof backoff | undefined) =>
      supervisor('root', [worker('a', 'counter'), worker('b', 'counter')], { strategy: 'one_for_all', intensity: { maxRestarts: 1, periodMs: 5000 }, ...(b ? { backoff: b } : {}) });
    // Without backoff: one restart of the group, the supervisor keeps running.
    const plain = rootOf(spec(undefined));
    await plain.root.start();
    plain.cell('root/a').crash(new Error('a'));
    plain.cell('root/b').crash(new Error('b'));
    await settle(50);
    expect(plain.exits).toEqual([]);
    await plain.root.stop('infinity');
    // With backoff: the same two exits must count the same.
    const t = rootOf(spec(backoff));
    await t.root.start();
    t.cell('root/a').crash(new Error('a'));
    t.cell('root/b').crash(new Error('b'));
    await settle(50);
    await vi.advanceTimersByTimeAsync(500);
    expect(types(t.events, 'restart_intensity_exceeded')).toEqual([]);
    expect(t.exits).toEqual([]);
    expect(types(t.events, 'child_restarting')).toEqual(['child_restarting root/a', 'child_restarting root/b']);
    await t.root.stop('infinity');
  });

  it('an ask whose message makes the actor crash rejects with ASK_TARGET_EXITED (regression: it waited for the next incarnation)', async () => {
    const { system } = await start([{ id: 'w', behaviour: 'counter' }]);
    const asked = system.ask('root/w', { type: 'crash' }, { timeoutMs: Infinity });
    const outcome = await outcomeOf(asked);
    expect(outcome).toBe('OVERSEER_ERR_ASK_TARGET_EXITED');
  });

  it('an ask queued to a sibling whose group restart was cancelled (owner terminated) does not hang (regression)', async () => {
    const { system } = await start(
      [
        { id: 'a', behaviour: 'counter' },
        { id: 'b', behaviour: 'counter' },
      ],
      { strategy: 'one_for_all', backoff: { initialMs: 10_000, maxMs: 10_000, factor: 1, jitter: 0 } },
    );
    system.kill('root/a');
    for (let i = 0; i < 50 && system.children('root').find((c) => c.id === 'b')!.status !== 'backoff'; i++) await Promise.resolve();
    expect(system.children('root').find((c) => c.id === 'b')!.status).toBe('backoff');
    const asked = system.ask('root/b', { type: 'get' }, { timeoutMs: Infinity });
    await system.terminateChild('root/a'); // the owner: the whole group restart is abandoned, b is `stopped`
    expect(system.children('root').find((c) => c.id === 'b')!.status).toBe('stopped');
    const outcome = await outcomeOf(asked);
    expect(outcome).not.toBe('still pending');
  });

  it('a sibling left `starting` by a failed group restart leaves it when the retried child is terminated (regression: it stayed starting, the supervisor never ready)', async () => {
    vi.useFakeTimers();
    let starts = 0;
    const flaky = fromCallback<{ type: string }>(({ receive }) => {
      if (starts++ > 0) throw new Error('cannot restart'); // starts once, fails every restart
      receive((e) => {
        if (e.type === 'crash') throw new Error('crashed');
      });
    });
    const services = recordingServices({ ...testBehaviours, flaky });
    const t = rootOf(supervisor('root', [worker('a', 'counter'), worker('b', 'flaky'), worker('c', 'counter')], { strategy: 'one_for_all', intensity: { maxRestarts: 10, periodMs: 5000 } }), services);
    await t.root.start();
    t.cell('root/b').send({ type: 'crash' }); // one_for_all: a, b, c restart; b fails to start again (try_again_restart)
    await settle(50);
    expect(t.cell('root/b').status).toBe('backoff');
    await t.root.terminateChild('b'); // abandons b's retry (OTP ignores the try_again for a terminated child)
    await vi.advanceTimersByTimeAsync(100);
    await settle(50);
    expect(t.cell('root/b').status).toBe('stopped');
    expect(t.cell('root/c').status).not.toBe('starting'); // nothing will ever start it
    expect(t.root.ready).toBe(t.cell('root/c').ready || t.cell('root/c').status === 'stopped');
    await t.root.stop('infinity');
  });

  it('a transient supervisor that gives up does not leave asks hanging in its children\'s mailboxes (regression)', async () => {
    const { system } = await start([
      {
        id: 'sub',
        restart: 'transient',
        strategy: 'one_for_one',
        intensity: { maxRestarts: 1, periodMs: 60_000 },
        backoff: { initialMs: 10_000, maxMs: 10_000, factor: 1, jitter: 0 },
        children: [
          { id: 'w', behaviour: 'counter' },
          { id: 'x', behaviour: 'counter' },
        ],
      },
    ]);
    system.kill('root/sub/w'); // restart 1: w waits in backoff
    for (let i = 0; i < 50 && system.children('root/sub').find((c) => c.id === 'w')!.status !== 'backoff'; i++) await Promise.resolve();
    const asked = system.ask('root/sub/w', { type: 'get' }, { timeoutMs: Infinity });
    system.kill('root/sub/x'); // restart 2: sub gives up, exits shutdown; transient: never restarted
    for (let i = 0; i < 200 && system.children('root').find((c) => c.id === 'sub')!.status !== 'failed'; i++) await Promise.resolve();
    expect(system.children('root').find((c) => c.id === 'sub')!.status).toBe('failed');
    const outcome = await outcomeOf(asked);
    expect(outcome).not.toBe('still pending');
  });

  it('a nested supervisor killed during its start: its child_exited never precedes its child_started (regression)', async () => {
    const t = rootOf(supervisor('root', [supervisor('sub', [worker('w', 'warmup', { readiness: { mode: 'auto', required: false, timeoutMs: 3_600_000 } })])]));
    const started = t.root.start().catch(() => undefined);
    await settle(20);
    expect(t.sup('root/sub').status).toBe('starting'); // waits for w to be ready
    void t.sup('root/sub').exit('error', new Error('killed'), false);
    await settle(50);
    const order = types(t.events, 'child_started', 'child_exited').filter((e) => e.endsWith(' root/sub'));
    const firstExit = order.indexOf('child_exited root/sub');
    const firstStart = order.indexOf('child_started root/sub');
    expect(firstExit === -1 || (firstStart !== -1 && firstStart < firstExit)).toBe(true);
    void started;
    await t.root.stop('infinity');
  });
});
