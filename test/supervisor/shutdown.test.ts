import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { rootOf, settle } from '../support/services.js';
import { supervisor, worker } from '../support/specs.js';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

describe('shutdown', () => {
  it('a child that handles overseer.stop and finishes in time stops gracefully', async () => {
    const t = rootOf(supervisor('root', [worker('w', 'slowStopper', { shutdown: 1000 })]));
    await t.root.start();
    let done = false;
    const stopping = t.root.stop('infinity').then(() => (done = true));
    await settle();
    expect(t.cell('root/w').status).toBe('stopping');
    t.cell('root/w').ref!.send({ type: 'drained' });
    await stopping;
    expect(done).toBe(true);
    expect(t.events.find((e) => e.type === 'child_exited')?.data).toEqual({ path: 'root/w', reason: 'shutdown' });
  });

  it('a child that ignores stop is force-stopped after shutdown ms', async () => {
    const t = rootOf(supervisor('root', [worker('w', 'slowStopper', { shutdown: 1000 })]));
    await t.root.start();
    let done = false;
    void t.root.stop('infinity').then(() => (done = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    expect(t.cell('root/w').running).toBe(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
    expect(t.cell('root/w').running).toBe(false);
    expect(t.events.find((e) => e.type === 'child_exited')?.data).toEqual({ path: 'root/w', reason: 'shutdown', forced: true });
  });

  it('brutal_kill stops at once without asking', async () => {
    const t = rootOf(supervisor('root', [worker('w', 'slowStopper', { shutdown: 'brutal_kill' })]));
    await t.root.start();
    await t.root.stop('infinity');
    expect(t.cell('root/w').status).toBe('stopped');
    expect(t.events.find((e) => e.type === 'child_exited')?.data).toMatchObject({ forced: true });
  });

  it('the supervisor\'s own shutdown bounds the whole subtree', async () => {
    const t = rootOf(supervisor('root', [worker('a', 'slowStopper', { shutdown: 'infinity' }), worker('b', 'slowStopper', { shutdown: 'infinity' })]));
    await t.root.start();
    let done = false;
    void t.root.stop(500).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(500);
    await settle();
    expect(done).toBe(true);
    expect([t.cell('root/a').running, t.cell('root/b').running]).toEqual([false, false]);
  });

  it('crashes during shutdown are not restarted', async () => {
    const t = rootOf(supervisor('root', [worker('a', 'counter'), worker('b', 'slowStopper', { shutdown: 1000 })]));
    await t.root.start();
    const stopping = t.root.stop('infinity');
    await settle();
    t.cell('root/a').send({ type: 'crash' });
    t.cell('root/b').ref!.send({ type: 'drained' });
    await stopping;
    expect(t.events.filter((e) => e.type === 'child_restarting')).toHaveLength(0);
  });
});
