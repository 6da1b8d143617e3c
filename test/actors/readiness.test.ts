import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { rootOf, settle } from '../support/services.js';
import { supervisor, worker } from '../support/specs.js';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

const readyEvents = (t: ReturnType<typeof rootOf>) => t.events.filter((e) => e.type === 'subsystem_ready').map((e) => e.data.system);

describe('readiness', () => {
  it('a machine with a ready tag is ready while its state has the tag', async () => {
    const t = rootOf(supervisor('root', [worker('w', 'warmup')], { start: 'parallel' }));
    await t.root.start();
    expect(t.cell('root/w').status).toBe('running');
    t.cell('root/w').send({ type: 'warm' });
    expect(t.cell('root/w').status).toBe('ready');
    t.cell('root/w').send({ type: 'cool' });
    expect(t.cell('root/w').ready).toBe(false);
    expect(t.events.find((e) => e.type === 'subsystem_failed')?.data).toEqual({ system: 'root/w', reason: 'readiness_lost' });
    t.cell('root/w').send({ type: 'warm' });
    expect(readyEvents(t)).toEqual(['root/w', 'root/w']);
  });

  it('signal mode follows ready / not_ready emits', async () => {
    const t = rootOf(supervisor('root', [worker('w', 'emitter', { readiness: { mode: 'signal', required: true, timeoutMs: 1000 } })], { start: 'parallel' }));
    await t.root.start();
    expect(t.cell('root/w').ready).toBe(false);
    t.cell('root/w').send({ type: 'go' });
    expect(t.cell('root/w').ready).toBe(true);
    t.cell('root/w').send({ type: 'stop_ready' });
    expect(t.cell('root/w').ready).toBe(false);
  });

  it('a not_ready emit with a reason publishes subsystem_failed with that reason (readiness_lost without one)', async () => {
    const t = rootOf(supervisor('root', [worker('w', 'emitter', { readiness: { mode: 'signal', required: true, timeoutMs: 1000 } })], { start: 'parallel' }));
    await t.root.start();
    t.cell('root/w').send({ type: 'go' });
    t.cell('root/w').send({ type: 'degrade' });
    t.cell('root/w').send({ type: 'go' });
    t.cell('root/w').send({ type: 'stop_ready' });
    expect(t.events.filter((e) => e.type === 'subsystem_failed').map((e) => e.data)).toEqual([
      { system: 'root/w', reason: 'disk full' },
      { system: 'root/w', reason: 'readiness_lost' },
    ]);
  });

  it('logic declared with readyBySignal waits for its ready emit in auto mode', async () => {
    const t = rootOf(supervisor('root', [worker('w', 'declaredEmitter')], { start: 'parallel' }));
    await t.root.start();
    expect(t.cell('root/w').ready).toBe(false);
    t.cell('root/w').send({ type: 'go' });
    expect(t.cell('root/w').ready).toBe(true);
    expect(readyEvents(t)).toEqual(['root/w']);
  });

  it('logic without a ready tag is ready on start in auto mode, and so is anything in on-start mode', async () => {
    const t = rootOf(supervisor('root', [worker('a', 'recorder'), worker('b', 'warmup', { readiness: { mode: 'on-start', required: false, timeoutMs: 1000 } })]));
    await t.root.start();
    expect([t.cell('root/a').ready, t.cell('root/b').ready]).toEqual([true, true]);
    expect(t.root.ready).toBe(true);
  });

  it('missing the readiness deadline fails the child with readiness_timeout and restarts it', async () => {
    const t = rootOf(supervisor('root', [worker('w', 'warmup', { readiness: { mode: 'auto', required: true, timeoutMs: 500 } })], { start: 'parallel' }));
    await t.root.start();
    const first = t.cell('root/w').instance;
    await vi.advanceTimersByTimeAsync(499);
    expect(t.events.some((e) => e.data.reason === 'readiness_timeout')).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await settle();
    expect(t.events.find((e) => e.type === 'subsystem_failed')?.data).toEqual({ system: 'root/w', reason: 'readiness_timeout' });
    // Once per timeout (regression: the deadline and the exit each published one).
    expect(t.events.filter((e) => e.type === 'subsystem_failed')).toHaveLength(1);
    expect(t.events.find((e) => e.type === 'child_exited')?.data).toMatchObject({ path: 'root/w', reason: 'error' });
    expect(t.cell('root/w').instance).not.toBe(first);
    expect(t.cell('root/w').restarts).toBe(1);
  });

  it('a supervisor is ready when all its live children are', async () => {
    const t = rootOf(supervisor('root', [supervisor('group', [worker('a', 'warmup'), worker('b', 'warmup')], { start: 'parallel' })]));
    const starting = t.root.start();
    await settle();
    expect(t.sup('root/group').ready).toBe(false);
    t.cell('root/group/a').send({ type: 'warm' });
    expect(t.sup('root/group').ready).toBe(false);
    t.cell('root/group/b').send({ type: 'warm' });
    await starting;
    expect([t.sup('root/group').ready, t.root.ready]).toEqual([true, true]);
  });
});
