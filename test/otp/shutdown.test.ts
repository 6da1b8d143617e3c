/**
 * OTP supervisor_SUITE, stopping a supervisor: children stop newest first, each within its
 * shutdown (ms, brutal_kill or infinity), and the defaults (5000 ms for workers, infinity for
 * supervisors); children that exit on their own meanwhile are not restarted.
 */
import { describe, expect, it } from 'vitest';
import {
  advance,
  boot,
  childAt,
  events,
  exitsOf,
  flush,
  graceful,
  isActive,
  linger,
  mark,
  paths,
  since,
  sup,
  useOtpHarness,
  w,
} from './support.js';

useOtpHarness();

/** Starts terminate_child on `path` and reports whether it has finished. */
function stopping(promise: Promise<void>) {
  const state = { done: false, error: undefined as unknown };
  promise.then(
    () => (state.done = true),
    (error: unknown) => (state.error = error),
  );
  return state;
}

describe('OTP sup_stop', () => {
  it('sup_stop_infinity: children with shutdown infinity, worker or supervisor, are waited for however long they take', async () => {
    const system = await boot(
      [
        sup('sup', [
          { id: 'child1', shutdown: 'infinity', children: [w('inner', { behaviour: 'slow', shutdown: 'infinity' })] },
          w('child2', { behaviour: 'slow', shutdown: 'infinity' }),
        ]),
      ],
      { behaviours: { slow: linger(600_000) } },
    );
    const stop = stopping(system.terminateChild('root/sup'));
    await advance(599_999);
    expect(exitsOf(system, 'root/sup/child2')).toEqual([]);
    await advance(1);
    expect(exitsOf(system, 'root/sup/child2')).toEqual(['shutdown']);
    await advance(599_999);
    expect(exitsOf(system, 'root/sup/child1/inner')).toEqual([]);
    await advance(1);
    expect(exitsOf(system, 'root/sup/child1/inner')).toEqual(['shutdown']);
    expect(exitsOf(system, 'root/sup/child1')).toEqual(['shutdown']);
    expect(stop.done).toBe(true);
  });

  it('sup_stop_timeout: a child that does not finish within its shutdown ms is killed; the others stop gracefully', async () => {
    const system = await boot(
      [sup('sup', [w('child1', { behaviour: 'quick', shutdown: 1000 }), w('child2', { behaviour: 'sleepy', shutdown: 1000 })])],
      { behaviours: { quick: linger(10), sleepy: linger(200_000) } },
    );
    const stop = stopping(system.terminateChild('root/sup'));
    await advance(999);
    expect(exitsOf(system, 'root/sup/child2')).toEqual([]); // still being waited for
    await advance(1);
    expect(exitsOf(system, 'root/sup/child2')).toEqual(['shutdown']); // killed at its deadline
    await advance(10);
    expect(exitsOf(system, 'root/sup/child1')).toEqual(['shutdown']);
    expect(stop.done).toBe(true);
  });

  it('sup_stop_timeout (supervisor child): a nested supervisor given a shutdown in ms is killed with its subtree after it', async () => {
    const system = await boot([sup('sup', [{ id: 'child1', shutdown: 1000, children: [w('inner', { behaviour: 'sleepy', shutdown: 'infinity' })] }])], {
      behaviours: { sleepy: linger(200_000) },
    });
    const stop = stopping(system.terminateChild('root/sup'));
    await advance(999);
    expect(stop.done).toBe(false);
    expect(exitsOf(system, 'root/sup/child1')).toEqual([]);
    await advance(1);
    expect(exitsOf(system, 'root/sup/child1')).toEqual(['shutdown']);
    expect(stop.done).toBe(true);
    expect(isActive(await childAt(system, 'root/sup/child1/inner'))).toBe(false);
  });

  it('sup_stop_brutal_kill: a brutal_kill child is killed at once without being asked; the others stop gracefully', async () => {
    const system = await boot(
      [sup('sup', [w('child1', { behaviour: 'quick', shutdown: 1000 }), w('child2', { behaviour: 'sleepy', shutdown: 'brutal_kill' })])],
      { behaviours: { quick: linger(10), sleepy: linger(200_000) } },
    );
    const stop = stopping(system.terminateChild('root/sup'));
    await flush();
    expect(exitsOf(system, 'root/sup/child2')).toEqual(['shutdown']); // no time passed: it was not waited for
    expect(exitsOf(system, 'root/sup/child1')).toEqual([]); // asked, and finishing its 10 ms
    await advance(10);
    expect(exitsOf(system, 'root/sup/child1')).toEqual(['shutdown']);
    expect(stop.done).toBe(true);
  });

  it('sup_stop_race: children that exit by themselves while their supervisor stops are not restarted, whatever their restart type', async () => {
    const restarts = ['temporary', 'transient', 'permanent'];
    const reasons = ['normal', 'shutdown', 'other'] as const;
    const racers = restarts.flatMap((restart) => reasons.map((reason) => ({ id: `c-${restart}-${reason}`, restart, reason })));
    const system = await boot(
      [
        sup('sup', [
          w('child-a', { behaviour: 'graceful', restart: 'temporary', shutdown: 1000 }),
          ...racers.map((r) => w(r.id, { restart: r.restart, shutdown: 1000 })),
          w('child-z', { behaviour: 'slow', restart: 'temporary', shutdown: 2000 }),
        ], { maxRestarts: 100 }),
      ],
      { behaviours: { graceful, slow: linger(1000) } },
    );
    const at = mark(system);
    const stop = stopping(system.terminateChild('root/sup'));
    await advance(200); // child-z is still finishing its stop
    for (const r of racers) {
      const path = `root/sup/${r.id}`;
      if (r.reason === 'normal') system.send(path, { type: 'finish' });
      else if (r.reason === 'shutdown') await system.kill(path, 'shutdown');
      else system.send(path, { type: 'crash' });
    }
    await advance(2000);
    expect(stop.done).toBe(true);
    expect(since(system, at, 'child_restarting')).toEqual([]);
    expect(since(system, at, 'child_started')).toEqual([]);
    expect(exitsOf(system, 'root/sup/child-z', at)).toEqual(['shutdown']);
    expect(exitsOf(system, 'root/sup/child-a', at)).toEqual(['shutdown']);
    for (const r of racers) {
      // Each exited once, with its own reason (OTP reports it; Overseer may leave it unreported).
      const seen = exitsOf(system, `root/sup/${r.id}`, at);
      expect([[], [r.reason === 'other' ? 'error' : r.reason]]).toContainEqual(seen);
      expect(isActive(await childAt(system, `root/sup/${r.id}`))).toBe(false);
    }
  });

  it('order_of_children: stopping a supervisor stops its children in the reverse of their start order', async () => {
    const ids = ['ch7', 'ch3', 'ch10', 'ch2', 'ch5'];
    const system = await boot([sup('sup', ids.map((id) => w(id)), { strategy: 'rest_for_one' })]);
    const at = mark(system);
    await system.terminateChild('root/sup');
    const exited = paths(since(system, at, 'child_exited'));
    expect(exited).toEqual([...ids.reverse().map((id) => `root/sup/${id}`), 'root/sup']);
    expect(events(system, 'child_exited').filter((e) => e.reason !== 'shutdown')).toEqual([]);
  });
});

describe('OTP sup_start_map (shutdown defaults)', () => {
  it('sup_start_map: a worker that declares no shutdown is given 5000 ms to stop', async () => {
    const system = await boot([sup('sup', [{ id: 'child1', behaviour: 'sleepy' }])], { behaviours: { sleepy: linger(200_000) } });
    const stop = stopping(system.terminateChild('root/sup/child1'));
    await advance(4999);
    expect(stop.done).toBe(false);
    await advance(1);
    expect(stop.done).toBe(true);
    expect(exitsOf(system, 'root/sup/child1')).toEqual(['shutdown']);
  });

  it('sup_start_map: a supervisor child that declares no shutdown waits for its children (infinity), not 5000 ms', async () => {
    const system = await boot([sup('sup', [{ id: 'child3', children: [w('inner', { behaviour: 'sleepy', shutdown: 20_000 })] }])], {
      behaviours: { sleepy: linger(200_000) },
    });
    const stop = stopping(system.terminateChild('root/sup/child3'));
    await advance(19_999);
    expect(stop.done).toBe(false);
    expect(exitsOf(system, 'root/sup/child3')).toEqual([]);
    await advance(1);
    expect(stop.done).toBe(true);
    expect(exitsOf(system, 'root/sup/child3/inner')).toEqual(['shutdown']);
  });
});
