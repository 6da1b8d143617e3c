import { afterEach, describe, expect, it } from 'vitest';
import { fromCallback } from 'xstate';
import { startSystem } from '../../src/index.js';
import { ConfigError } from '../../src/shared/errors.js';
import { loadSpecObject } from '../../src/spec/index.js';
import { builtinBehaviours, builtinParams } from '../../src/system/builtins.js';
import type { System } from '../../src/system/system.js';
import { leadershipOf } from '../../src/supervisor/leadership.js';

const running: System[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

let starts = 0;
const singleton = fromCallback(() => {
  starts += 1;
  return () => undefined;
});

async function start(children: Record<string, unknown>[]) {
  const system = await startSystem({
    spec: { apiVersion: 'overseer/v1', kind: 'System', metadata: { name: 'placement' }, spec: { node: 'n1', children } },
    behaviours: { singleton },
    admin: false,
    env: {},
  });
  running.push(system);
  await system.ready({ timeoutMs: 5000 });
  return system;
}
const statusOf = (system: System, id: string) => system.status().children!.find((c) => c.id === id)!;

describe('placement: leader (cluster singletons)', () => {
  it('on a single node with the local cluster the node is its own leader: the singleton runs', async () => {
    const system = await start([{ id: 'cluster', behaviour: 'cluster' }, { id: 'job', behaviour: 'singleton', placement: 'leader' }]);
    expect(statusOf(system, 'job')).toMatchObject({ status: 'ready', required: false });
  });

  it('without a cluster actor nobody leads: the singleton waits in standby and the system is ready without it', async () => {
    const system = await start([{ id: 'job', behaviour: 'singleton', placement: 'leader' }]);
    expect(statusOf(system, 'job')).toMatchObject({ status: 'standby', ready: false, required: false, instance: null });
  });

  it('follows leadership: stopped into standby when the node steps down, started again when it leads (a nested supervisor too)', async () => {
    const system = await start([
      { id: 'cluster', behaviour: 'cluster' },
      { id: 'group', children: [{ id: 'job', behaviour: 'singleton', placement: 'leader' }, { id: 'everywhere', behaviour: 'singleton' }] },
    ]);
    const job = () => system.status().children!.find((c) => c.id === 'group')!.children!.find((c) => c.id === 'job')!;
    const before = starts;
    expect(job().status).toBe('ready');
    const exited = new Promise((resolve) => {
      const sub = system.events.subscribe('t', { types: ['child_exited'], lateJoin: true });
      void (async () => {
        for await (const e of sub) if ((e.data as { path: string }).path === 'root/group/job') return resolve(e.data);
      })();
    });
    await system.terminateChild('root/cluster'); // the cluster actor leaves: this node no longer leads
    expect(await exited).toEqual({ path: 'root/group/job', reason: 'shutdown' });
    await expect.poll(() => job().status).toBe('standby');
    expect(system.status().children!.find((c) => c.id === 'group')!.children!.find((c) => c.id === 'everywhere')!.status).toBe('ready');
    await system.restartChild('root/cluster');
    await expect.poll(() => job().status).toBe('ready');
    expect(starts).toBe(before + 1);
  });

  it('a standby singleton terminated by the operator stays stopped when the node comes to lead', async () => {
    const system = await start([{ id: 'job', behaviour: 'singleton', placement: 'leader' }]);
    await system.terminateChild('root/job');
    expect(statusOf(system, 'job').status).toBe('stopped');
    leadershipOf(system).set({ leader: true, term: 1 });
    await system.terminateChild('root/job'); // a no-op queued behind the root's leadership operation: that one has run
    expect(statusOf(system, 'job').status).toBe('stopped');
    await system.restartChild('root/job');
    expect(statusOf(system, 'job').status).toBe('ready');
  });

  it('a leadership set by hand (an embedder) is followed the same way', async () => {
    const system = await start([{ id: 'job', behaviour: 'singleton', placement: 'leader' }]);
    leadershipOf(system).set({ leader: true, term: 9 });
    await expect.poll(() => statusOf(system, 'job').status).toBe('ready');
    leadershipOf(system).set({ leader: false, term: 0 });
    await expect.poll(() => statusOf(system, 'job').status).toBe('standby');
  });
});

describe('placement in the config file', () => {
  const file = (child: Record<string, unknown>) => ({ apiVersion: 'overseer/v1', kind: 'System', metadata: { name: 'x' }, spec: { children: [child] } });
  const problems = async (child: Record<string, unknown>) => {
    try {
      await loadSpecObject(file(child), { behaviours: new Set(Object.keys(builtinBehaviours())), params: builtinParams(), env: {} });
      return [];
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      return error.problems.map((p) => `${p.path}: ${p.message}`);
    }
  };

  it('accepts any and leader, refuses anything else', async () => {
    expect(await problems({ id: 'a', behaviour: 'store', placement: 'leader' })).toEqual([]);
    expect(await problems({ id: 'a', behaviour: 'store', placement: 'any' })).toEqual([]);
    expect((await problems({ id: 'a', behaviour: 'store', placement: 'everywhere' })).join('\n')).toMatch(/spec\.children\[0\]\.placement: /);
  });

  it('a leader-only child cannot be required for readiness, and the control plane takes no placement', async () => {
    expect(await problems({ id: 'a', behaviour: 'store', placement: 'leader', readiness: { required: true } })).toEqual([
      'spec.children[0].readiness.required: a placement: leader child runs on one node only: it cannot be required (every other node would never be ready)',
    ]);
    expect(await problems({ id: 'control-plane', behaviour: 'control-plane', placement: 'any' })).toEqual([
      'spec.children[0].placement: the control plane runs on every node (it serves readiness and the admin endpoint); placement does not apply to it',
    ]);
  });
});
