import { fromCallback, type EventObject } from 'xstate';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stopsBySignal } from '../../src/actors/logic-traits.js';
import { recordingServices, rootOf, settle } from '../support/services.js';
import { supervisor, worker } from '../support/specs.js';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

/**
 * A fromCallback marked stopsBySignal: it records what it receives, and once asked to stop
 * it emits `stopped` when told `finish` (the test plays the work that takes time).
 */
function gracefulLogic() {
  const log: string[] = [];
  const logic = stopsBySignal(
    fromCallback<EventObject>(({ receive, emit }) => {
      let asked = false;
      receive((event) => {
        log.push(event.type);
        if (event.type === 'overseer.stop') asked = true;
        if (event.type === 'finish' && asked) emit({ type: 'stopped' });
        if (event.type === 'stopped-too-early') emit({ type: 'stopped' });
        if (event.type === 'not-ready') emit({ type: 'not_ready' });
      });
      return () => void log.push('cleanup');
    }),
  );
  return { logic, log };
}

function start(shutdown: number | 'infinity' | 'brutal_kill', over: Parameters<typeof worker>[2] = {}) {
  const { logic, log } = gracefulLogic();
  const t = rootOf(supervisor('root', [worker('w', 'graceful', { shutdown, ...over })]), recordingServices({ graceful: logic }));
  return { t, log };
}

const exited = (t: ReturnType<typeof rootOf>) => t.events.filter((e) => e.type === 'child_exited').map((e) => e.data);

describe('stopsBySignal: graceful stop for any logic', () => {
  it('sends overseer.stop and stops the actor when it emits stopped', async () => {
    const { t, log } = start(1000);
    await t.root.start();
    let done = false;
    const stopping = t.root.stop('infinity').then(() => (done = true));
    await settle();
    expect(log).toEqual(['overseer.stop']);
    expect(t.cell('root/w').status).toBe('stopping');
    expect(done).toBe(false);
    t.cell('root/w').ref!.send({ type: 'finish' });
    await stopping;
    expect(log).toEqual(['overseer.stop', 'finish', 'cleanup']);
    expect(t.cell('root/w').status).toBe('stopped');
    expect(exited(t)).toEqual([{ path: 'root/w', reason: 'shutdown' }]);
  });

  it('force-stops at the shutdown deadline and reports forced: true', async () => {
    const { t, log } = start(1000);
    await t.root.start();
    let done = false;
    void t.root.stop('infinity').then(() => (done = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    expect(t.cell('root/w').running).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
    expect(t.cell('root/w').running).toBe(false);
    expect(log).toEqual(['overseer.stop', 'cleanup']);
    expect(exited(t)).toEqual([{ path: 'root/w', reason: 'shutdown', forced: true }]);
  });

  it('brutal_kill stops at once and never asks', async () => {
    const { t, log } = start('brutal_kill');
    await t.root.start();
    await t.root.stop('infinity');
    expect(log).toEqual(['cleanup']);
    expect(exited(t)).toEqual([{ path: 'root/w', reason: 'shutdown', forced: true }]);
  });

  it('infinity waits as long as it takes for stopped', async () => {
    const { t, log } = start('infinity');
    await t.root.start();
    let done = false;
    const stopping = t.root.stop('infinity').then(() => (done = true));
    await vi.advanceTimersByTimeAsync(24 * 3600_000);
    expect(done).toBe(false);
    expect(t.cell('root/w').status).toBe('stopping');
    t.cell('root/w').ref!.send({ type: 'finish' });
    await stopping;
    expect(log).toEqual(['overseer.stop', 'finish', 'cleanup']);
    expect(exited(t)).toEqual([{ path: 'root/w', reason: 'shutdown' }]);
  });

  it('a stopped emit when no stop was asked for changes nothing', async () => {
    const { t, log } = start(1000);
    await t.root.start();
    t.cell('root/w').send({ type: 'stopped-too-early' });
    await settle();
    expect(t.cell('root/w').running).toBe(true);
    expect(t.cell('root/w').status).toBe('ready');
    expect(log).toEqual(['stopped-too-early']);
    expect(exited(t)).toEqual([]);
  });

  it('works when readiness is on-start (no readiness emits are read, the stopped emit still is)', async () => {
    const { t, log } = start(1000, { readiness: { mode: 'on-start', required: false, timeoutMs: 10_000 } });
    await t.root.start();
    t.cell('root/w').send({ type: 'not-ready' });
    expect(t.cell('root/w').ready).toBe(true); // on-start: nothing can change it
    const stopping = t.root.stop('infinity');
    await settle();
    t.cell('root/w').ref!.send({ type: 'finish' });
    await stopping;
    expect(log).toEqual(['not-ready', 'overseer.stop', 'finish', 'cleanup']);
    expect(exited(t)).toEqual([{ path: 'root/w', reason: 'shutdown' }]);
  });

  it('an unmarked logic is stopped at once, without being asked', async () => {
    const log: string[] = [];
    const plain = fromCallback<EventObject>(({ receive }) => {
      receive((e) => void log.push(e.type));
      return () => void log.push('cleanup');
    });
    const t = rootOf(supervisor('root', [worker('w', 'plain', { shutdown: 1000 })]), recordingServices({ plain }));
    await t.root.start();
    await t.root.stop('infinity');
    expect(log).toEqual(['cleanup']);
    expect(exited(t)).toEqual([{ path: 'root/w', reason: 'shutdown' }]);
  });
});
