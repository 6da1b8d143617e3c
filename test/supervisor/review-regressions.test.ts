/**
 * Regressions from the review of the supervision core against Erlang/OTP: each test is named
 * after the defect it pins, and failed before the fix.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fromCallback, setup } from 'xstate';
import { rootOf, recordingServices, settle, types } from '../support/services.js';
import { supervisor, worker } from '../support/specs.js';
import { testBehaviours } from '../support/behaviours.js';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

/** Counts live incarnations across every cell that runs it. */
function liveCounter() {
  const state = { live: 0 };
  const logic = fromCallback<{ type: string }>(({ receive }) => {
    state.live++;
    receive((e) => {
      if (e.type === 'crash') throw new Error('crashed');
    });
    return () => void state.live--;
  });
  return { state, logic };
}

const backoff = { initialMs: 100, maxMs: 100, factor: 1, jitter: 0, resetAfterMs: 60_000 };

describe('supervision core regressions', () => {
  it('a child is never started twice when a group restart overtakes a pending backoff (regression: 4 live actors for 3 children)', async () => {
    const { state, logic } = liveCounter();
    const services = recordingServices({ ...testBehaviours, live: logic });
    const t = rootOf(supervisor('root', [worker('a', 'live'), worker('b', 'live'), worker('c', 'live')], { strategy: 'rest_for_one', backoff }), services);
    await t.root.start();
    t.cell('root/b').send({ type: 'crash' }); // b and c wait 100 ms
    await settle();
    await vi.advanceTimersByTimeAsync(50);
    t.cell('root/a').send({ type: 'crash' }); // a, b, c wait 100 ms more: the first timer must not start b and c
    await settle();
    await vi.advanceTimersByTimeAsync(500);
    expect(state.live).toBe(3);
    expect(t.services.bugs).toEqual([]);
    await t.root.stop('infinity');
    expect(state.live).toBe(0);
  });

  it('a cell refuses to start a second incarnation while one runs', async () => {
    const t = rootOf(supervisor('root', [worker('a', 'counter')]));
    await t.root.start();
    expect(() => t.cell('root/a').start()).toThrow(/started while incarnation/);
    await t.root.stop('infinity');
  });

  it('terminateChild of a sibling waiting in a backoff group is not undone by the group timer', async () => {
    const t = rootOf(supervisor('root', [worker('a', 'counter'), worker('b', 'counter'), worker('c', 'counter')], { strategy: 'rest_for_one', backoff }));
    await t.root.start();
    t.cell('root/b').send({ type: 'crash' });
    await settle();
    expect([t.cell('root/b').status, t.cell('root/c').status]).toEqual(['backoff', 'backoff']);
    await t.root.terminateChild('c');
    expect(t.cell('root/c').status).toBe('stopped');
    await vi.advanceTimersByTimeAsync(200);
    expect(t.cell('root/b').status).toBe('ready');
    expect(t.cell('root/c').status).toBe('stopped');
    await t.root.stop('infinity');
  });

  it('restartChild of a running child is refused with CHILD_RUNNING and counts no restart (OTP {error, running})', async () => {
    const t = rootOf(supervisor('root', [worker('a', 'counter')]));
    await t.root.start();
    const before = t.cell('root/a').instance;
    await expect(t.root.restartChild('a')).rejects.toMatchObject({ code: 'OVERSEER_ERR_CHILD_RUNNING', path: 'root/a' });
    expect(t.cell('root/a').instance).toBe(before);
    expect(t.cell('root/a').restarts).toBe(0);
    await t.root.stop('infinity');
  });

  it('startChild of an existing id answers already_started when it runs and already_present when it does not', async () => {
    const t = rootOf(supervisor('root', [worker('a', 'counter')]));
    await t.root.start();
    await expect(t.root.startChild(worker('a', 'counter'))).rejects.toMatchObject({ code: 'OVERSEER_ERR_ALREADY_STARTED', path: 'root/a' });
    await t.root.terminateChild('a');
    await expect(t.root.startChild(worker('a', 'counter'))).rejects.toMatchObject({ code: 'OVERSEER_ERR_ALREADY_PRESENT', path: 'root/a' });
    await t.root.stop('infinity');
  });

  it('a child that crashes during a sequential start stops the start of the children after it until the strategy has restarted it', async () => {
    let attempts = 0;
    const flaky = setup({}).createMachine({
      entry: () => {
        if (++attempts === 1) throw new Error('not yet');
      },
    });
    const services = recordingServices({ ...testBehaviours, flaky });
    const t = rootOf(supervisor('root', [worker('a', 'counter'), worker('b', 'flaky'), worker('c', 'counter')], { strategy: 'one_for_all' }), services);
    await t.root.start();
    expect(types(t.events, 'child_started', 'child_exited', 'child_restarting')).toEqual([
      'child_started root/a',
      'child_started root/b',
      'child_exited root/b',
      'child_exited root/a', // one_for_all over the children started so far
      'child_restarting root/a',
      'child_restarting root/b',
      'child_started root/a',
      'child_started root/b',
      'child_started root/c', // only now
    ]);
    expect(t.root.status).toBe('ready');
    await t.root.stop('infinity');
  });

  it('a start that gives up rejects with the child error as cause, and the children after it never start (regression: start resolved)', async () => {
    const t = rootOf(supervisor('root', [worker('bad', 'crashOnStart'), worker('after', 'counter')], { intensity: { maxRestarts: 1, periodMs: 5000 } }));
    await expect(t.root.start()).rejects.toMatchObject({ code: 'OVERSEER_ERR_INTENSITY', child: 'root/bad', cause: { message: 'cannot start' } });
    expect(types(t.events, 'child_started').filter((e) => e.includes('after'))).toEqual([]);
  });

  it('child_exited never comes before child_started for one instance, even for a crash during start', async () => {
    const t = rootOf(supervisor('root', [worker('bad', 'crashOnStart')], { intensity: { maxRestarts: 0, periodMs: 5000 } }));
    await t.root.start().catch(() => undefined);
    const lifecycle = t.events.filter((e) => e.type === 'child_started' || e.type === 'child_exited').map((e) => e.type);
    expect(lifecycle).toEqual(['child_started', 'child_exited']);
  });

  it('startChild of a child that crashes during its start rejects with START_FAILED and does not keep it (OTP)', async () => {
    const t = rootOf(supervisor('root', [worker('a', 'counter')]));
    await t.root.start();
    await expect(t.root.startChild(worker('bad', 'crashOnStart'))).rejects.toMatchObject({ code: 'OVERSEER_ERR_START_FAILED', path: 'root/bad', cause: { message: 'cannot start' } });
    expect(t.root.get('bad')).toBeUndefined();
    expect(t.cell('root/a').restarts).toBe(0); // nothing else was touched
    await t.root.stop('infinity');
  });

  it('a supervisor that gives up exits with reason shutdown: a transient parent entry is not restarted, a permanent one is', async () => {
    for (const restart of ['transient', 'permanent'] as const) {
      const t = rootOf(
        supervisor('root', [supervisor('mid', [worker('leaf', 'counter')], { restart, intensity: { maxRestarts: 0, periodMs: 5000 } })], {
          intensity: { maxRestarts: 5, periodMs: 5000 },
        }),
      );
      await t.root.start();
      t.cell('root/mid/leaf').send({ type: 'crash' });
      await settle(50);
      expect(t.events.find((e) => e.type === 'child_exited' && e.data.path === 'root/mid')?.data).toMatchObject({ reason: 'shutdown' });
      expect(t.sup('root/mid').status).toBe(restart === 'transient' ? 'failed' : 'ready');
      expect(t.sup('root/mid').restarts).toBe(restart === 'transient' ? 0 : 1);
      await t.root.stop('infinity');
    }
  });

  it('an exit during a stop keeps its own reason (regression: reported as shutdown, the dead child stayed running)', async () => {
    const t = rootOf(supervisor('root', [worker('a', 'counter'), worker('b', 'slowStopper', { shutdown: 'infinity' })]));
    await t.root.start();
    const stopping = t.root.stop('infinity'); // b first: it drains until told
    await settle();
    t.cell('root/a').send({ type: 'crash' });
    await settle();
    expect(t.cell('root/a').status).toBe('failed');
    expect(t.cell('root/a').lastExit).toMatchObject({ reason: 'error', error: 'boom' });
    t.cell('root/b').ref!.send({ type: 'drained' }); // straight to the actor: a stopping cell takes no mail
    await stopping;
    const exits = t.events.filter((e) => e.type === 'child_exited' && e.data.path === 'root/a').map((e) => e.data.reason);
    expect(exits).toEqual(['error']); // no made-up `shutdown` afterwards
  });

  it('one_for_all restarts siblings that were terminated or exited normally, as OTP does; temporary siblings are deleted', async () => {
    const t = rootOf(
      supervisor('root', [worker('a', 'counter'), worker('b', 'counter', { restart: 'transient' }), worker('c', 'counter'), worker('d', 'counter', { restart: 'temporary' })], {
        strategy: 'one_for_all',
      }),
    );
    await t.root.start();
    t.cell('root/b').send({ type: 'finish' });
    await settle();
    await t.root.terminateChild('c');
    expect([t.cell('root/b').status, t.cell('root/c').status]).toEqual(['completed', 'stopped']);
    t.cell('root/a').send({ type: 'crash' });
    await settle(50);
    expect(['a', 'b', 'c'].map((id) => t.cell(`root/${id}`).status)).toEqual(['ready', 'ready', 'ready']);
    expect(t.root.get('d')).toBeUndefined();
    await t.root.stop('infinity');
  });

  it('rest_for_one restarts later siblings that were terminated', async () => {
    const t = rootOf(supervisor('root', [worker('a', 'counter'), worker('b', 'counter'), worker('c', 'counter')], { strategy: 'rest_for_one' }));
    await t.root.start();
    await t.root.terminateChild('c');
    t.cell('root/b').send({ type: 'crash' });
    await settle(50);
    expect(['a', 'b', 'c'].map((id) => [t.cell(`root/${id}`).status, t.cell(`root/${id}`).restarts])).toEqual([
      ['ready', 0],
      ['ready', 1],
      ['ready', 1],
    ]);
    await t.root.stop('infinity');
  });

  it('every child a cancelled group restart marked backoff leaves that status (regression: a sibling stayed backoff forever and could not be deleted)', async () => {
    const t = rootOf(supervisor('root', [worker('a', 'counter'), worker('b', 'counter')], { strategy: 'one_for_all', backoff }));
    await t.root.start();
    t.cell('root/a').send({ type: 'crash' });
    await settle();
    expect([t.cell('root/a').status, t.cell('root/b').status]).toEqual(['backoff', 'backoff']);
    await t.root.terminateChild('a'); // the restart a's crash planned is abandoned, as OTP ignores the retry
    expect([t.cell('root/a').status, t.cell('root/b').status]).toEqual(['stopped', 'stopped']);
    await t.root.deleteChild('b');
    await vi.advanceTimersByTimeAsync(200);
    expect(t.cell('root/a').status).toBe('stopped');
    expect(t.root.get('b')).toBeUndefined();
    await t.root.stop('infinity');
  });

  it('stopping a supervisor while children wait in backoff leaves none of them in backoff', async () => {
    const t = rootOf(supervisor('root', [worker('a', 'counter'), worker('b', 'counter')], { strategy: 'one_for_all', backoff }));
    await t.root.start();
    t.cell('root/a').send({ type: 'crash' });
    await settle();
    await t.root.stop('infinity');
    expect([t.cell('root/a').status, t.cell('root/b').status]).toEqual(['stopped', 'stopped']);
    await vi.advanceTimersByTimeAsync(500);
    expect([t.cell('root/a').status, t.cell('root/b').status]).toEqual(['stopped', 'stopped']);
  });

  it('restartChild and deleteChild of a child waiting in backoff answer CHILD_RESTARTING (OTP {error, restarting})', async () => {
    const t = rootOf(supervisor('root', [worker('a', 'counter')], { backoff }));
    await t.root.start();
    t.cell('root/a').send({ type: 'crash' });
    await settle();
    await expect(t.root.restartChild('a')).rejects.toMatchObject({ code: 'OVERSEER_ERR_CHILD_RESTARTING' });
    await expect(t.root.deleteChild('a')).rejects.toMatchObject({ code: 'OVERSEER_ERR_CHILD_RESTARTING' });
    expect(t.cell('root/a').status).toBe('backoff');
    await vi.advanceTimersByTimeAsync(200);
    expect(t.cell('root/a').status).toBe('ready');
    await t.root.stop('infinity');
  });

  it('a worker ready during its own start reports status ready (regression: running with ready: true)', async () => {
    const t = rootOf(supervisor('root', [worker('a', 'counter'), worker('b', 'recorder')], { start: 'parallel' }));
    await t.root.start();
    expect([t.cell('root/a').status, t.cell('root/b').status]).toEqual(['ready', 'ready']);
    expect(t.root.status).toBe('ready');
    await t.root.stop('infinity');
  });

  it('which_children and count_children describe the table', async () => {
    const t = rootOf(supervisor('root', [worker('a', 'counter'), supervisor('g', [worker('x', 'counter')]), worker('b', 'counter')]));
    await t.root.start();
    await t.root.terminateChild('b');
    expect(t.root.describeChildren().map((c) => [c.id, c.type, c.status, c.instance === null])).toEqual([
      ['a', 'worker', 'ready', false],
      ['g', 'supervisor', 'ready', false],
      ['b', 'worker', 'stopped', true],
    ]);
    expect(t.root.countChildren()).toEqual({ specs: 3, active: 2, supervisors: 1, workers: 2 });
    await t.root.stop('infinity');
  });
});
