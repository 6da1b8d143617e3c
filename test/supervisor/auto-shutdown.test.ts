/**
 * Significant children and autoShutdown (OTP 24, EEP 56): a supervisor completes (status
 * completed, exit normal, `auto_shutdown`) when any / all of its significant children have
 * exited on their own; stops by the supervisor, restarts and non-significant exits do not count.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { startSystem } from '../../src/index.js';
import type { System } from '../../src/system/system.js';

/** Runs until told: `finish` completes it (exit normal), `crash` fails it (exit error). */
const task = setup({ types: {} as { events: { type: 'finish' } | { type: 'crash' } } }).createMachine({
  initial: 'working',
  states: {
    working: {
      on: {
        finish: 'done',
        crash: { actions: () => { throw new Error('task crashed'); } },
      },
    },
    done: { type: 'final' },
  },
});

const running: System[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

async function start(group: Record<string, unknown>): Promise<System> {
  const spec = { apiVersion: 'overseer/v1', kind: 'System', metadata: { name: 'auto' }, spec: { node: 'n1', children: [{ id: 'group', restart: 'transient', ...group }] } };
  const system = await startSystem({ spec, behaviours: { task }, admin: false, env: {} });
  running.push(system);
  return system;
}

const statusOf = (system: System, path: string) => system.statusAt(path)?.status;
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};
const autoShutdowns = (system: System) => system.events.recent({ types: ['auto_shutdown'] }).map((e) => e.data);
const significant = (id: string, restart = 'transient') => ({ id, behaviour: 'task', restart, significant: true });

describe('autoShutdown: all_significant', () => {
  it('completes the supervisor once every significant child has completed, and its transient restart type keeps it completed', async () => {
    const system = await start({ autoShutdown: 'all_significant', children: [significant('a'), significant('b'), { id: 'helper', behaviour: 'task' }] });
    system.send('root/group/a', { type: 'finish' });
    await settle();
    expect(statusOf(system, 'root/group')).not.toBe('completed');
    expect(statusOf(system, 'root/group/helper')).not.toBe('stopped');
    system.send('root/group/b', { type: 'finish' });
    await settle();
    expect(statusOf(system, 'root/group')).toBe('completed');
    expect(statusOf(system, 'root/group/helper')).toBe('stopped'); // the rest stop, as in OTP
    expect(autoShutdowns(system)).toEqual([{ supervisor: 'root/group', child: 'root/group/b', mode: 'all_significant' }]);
    const exit = system.events.recent({ types: ['child_exited'] }).map((e) => e.data).find((d) => (d as { path: string }).path === 'root/group');
    expect(exit).toMatchObject({ reason: 'normal' });
    expect(system.statusAt('root/group')!.restarts).toBe(0);
  });

  it('does not count a significant child its supervisor stopped, nor one that crashed and was restarted', async () => {
    const system = await start({ autoShutdown: 'all_significant', children: [significant('a'), significant('b')] });
    system.send('root/group/a', { type: 'crash' }); // transient + error: restarted
    await settle();
    expect(system.statusAt('root/group/a')!.restarts).toBe(1);
    await system.terminateChild('root/group/b'); // stopped by the supervisor: no trigger
    await settle();
    expect(statusOf(system, 'root/group')).not.toBe('completed');
    system.send('root/group/a', { type: 'finish' }); // the last live significant child completes
    await settle();
    expect(statusOf(system, 'root/group')).toBe('completed');
  });
});

describe('autoShutdown: any_significant', () => {
  it('completes the supervisor when the first significant child completes; a non-significant one completing does not', async () => {
    const system = await start({ autoShutdown: 'any_significant', children: [{ id: 'plain', behaviour: 'task', restart: 'transient' }, significant('a'), significant('b')] });
    system.send('root/group/plain', { type: 'finish' });
    await settle();
    expect(statusOf(system, 'root/group')).not.toBe('completed');
    system.send('root/group/b', { type: 'finish' });
    await settle();
    expect(statusOf(system, 'root/group')).toBe('completed');
    expect(statusOf(system, 'root/group/a')).toBe('stopped');
    expect(autoShutdowns(system)).toEqual([{ supervisor: 'root/group', child: 'root/group/b', mode: 'any_significant' }]);
  });

  it('counts a temporary significant child whatever its exit reason (it is never restarted)', async () => {
    const system = await start({ autoShutdown: 'any_significant', children: [significant('a', 'temporary'), significant('b')] });
    system.send('root/group/a', { type: 'crash' });
    await settle();
    expect(statusOf(system, 'root/group')).toBe('completed');
  });

  it('a permanent supervisor that completes is started again by its parent (OTP: permanent always restarts)', async () => {
    const system = await start({ restart: 'permanent', autoShutdown: 'any_significant', children: [significant('a')] });
    const before = system.statusAt('root/group/a')!.instance;
    system.send('root/group/a', { type: 'finish' });
    await settle();
    expect(statusOf(system, 'root/group')).not.toBe('completed');
    expect(system.statusAt('root/group')!.restarts).toBe(1);
    expect(system.statusAt('root/group/a')!.instance).not.toBe(before);
  });
});
