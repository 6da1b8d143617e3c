import { afterEach, describe, expect, it } from 'vitest';
import { startSystem } from '../../src/index.js';
import type { System } from '../../src/system/system.js';
import { counter, recorder } from '../support/behaviours.js';

const running: System[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

async function start(children: unknown[], extra: Record<string, unknown> = {}) {
  const system = await startSystem({
    spec: { apiVersion: 'overseer/v1', kind: 'System', metadata: { name: 'test' }, spec: { node: 'n1', children, ...extra } },
    behaviours: { counter, recorder },
    admin: false,
  });
  running.push(system);
  return system;
}

describe('embedded API', () => {
  it('starts a tree from a spec object, becomes ready and reports the tree', async () => {
    const system = await start([{ id: 'a', behaviour: 'counter' }, { id: 'group', children: [{ id: 'b', behaviour: 'counter' }] }]);
    await system.ready({ timeoutMs: 1000 });
    const tree = system.status();
    expect(tree.children!.map((c) => c.path)).toEqual(['root/control-plane', 'root/a', 'root/group']);
    expect(tree.children![2]!.children![0]).toMatchObject({ path: 'root/group/b', type: 'worker', behaviour: 'counter', status: 'ready', ready: true, restarts: 0 });
  });

  it('send and ask reach actors by path; unknown paths are typed errors', async () => {
    const system = await start([{ id: 'a', behaviour: 'counter' }]);
    system.send('root/a', { type: 'inc' });
    system.send('root/a', { type: 'inc' });
    await expect(system.ask('root/a', { type: 'get' }, { timeoutMs: 1000 })).resolves.toEqual({ type: 'count', count: 2 });
    expect(() => system.send('root/nope', { type: 'inc' })).toThrow(expect.objectContaining({ code: 'OVERSEER_ERR_UNKNOWN_ACTOR', path: 'root/nope' }));
    await expect(system.ask('root/nope', { type: 'get' })).rejects.toMatchObject({ code: 'OVERSEER_ERR_UNKNOWN_ACTOR' });
  });

  it('ref(path) sends and asks without the path lookup, follows restarts, and refuses once the child or the system is gone', async () => {
    const system = await start([{ id: 'group', children: [{ id: 'a', behaviour: 'counter' }] }]);
    const a = system.ref('root/group/a');
    expect(a.path).toBe('root/group/a');
    a.send({ type: 'inc' });
    await expect(a.ask({ type: 'get' }, { timeoutMs: 1000 })).resolves.toEqual({ type: 'count', count: 1 });
    const restarted = system.events.subscribe('restarts', { types: ['child_started'], lateJoin: true });
    system.kill('root/group/a');
    for await (const e of restarted) if ((e.data as { path: string }).path === 'root/group/a') break;
    a.send({ type: 'inc' }); // the fresh incarnation starts from 0
    await expect(a.ask({ type: 'get' }, { timeoutMs: 1000 })).resolves.toEqual({ type: 'count', count: 1 });
    expect(() => system.ref('root/nope')).toThrow(expect.objectContaining({ code: 'OVERSEER_ERR_UNKNOWN_ACTOR' }));
    expect(() => system.ref('root/group')).toThrow(expect.objectContaining({ code: 'OVERSEER_ERR_UNKNOWN_ACTOR' }));
    await system.terminateChild('root/group/a');
    expect(() => a.send({ type: 'inc' })).toThrow(expect.objectContaining({ code: 'OVERSEER_ERR_NOT_RUNNING' }));
    await expect(a.ask({ type: 'get' })).rejects.toMatchObject({ code: 'OVERSEER_ERR_NOT_RUNNING' });
    await system.restartChild('root/group/a');
    a.send({ type: 'inc' });
    await system.stop();
    expect(() => a.send({ type: 'inc' })).toThrow(expect.objectContaining({ code: 'OVERSEER_ERR_NOT_RUNNING' }));
  });

  it('kill(path) crashes a worker like exit(Pid, Reason): its supervisor restarts it', async () => {
    const system = await start([{ id: 'a', behaviour: 'counter' }]);
    const before = system.status().children![1]!.instance;
    const started = system.events.subscribe('restarts', { types: ['child_started'], lateJoin: true });
    system.kill('root/a', 'fault drill');
    for await (const e of started) if ((e.data as { path: string }).path === 'root/a') break;
    const node = system.status().children![1]!;
    expect(node).toMatchObject({ restarts: 1, lastExit: { reason: 'error', error: expect.stringContaining('fault drill') } });
    expect(node.instance).not.toBe(before);
    expect(() => system.kill('root/nope')).toThrow(expect.objectContaining({ code: 'OVERSEER_ERR_UNKNOWN_ACTOR' }));
  });

  it('starts, terminates, restarts and deletes children at run time', async () => {
    const system = await start([{ id: 'group', children: [] }]);
    const started = await system.startChild('root/group', { id: 'dyn', behaviour: 'counter' });
    expect(started.path).toBe('root/group/dyn');
    system.send('root/group/dyn', { type: 'inc' });
    await system.terminateChild('root/group/dyn');
    expect(system.status().children![1]!.children![0]).toMatchObject({ status: 'stopped' });
    await expect(system.deleteChild('root/group/nope')).rejects.toMatchObject({ code: 'OVERSEER_ERR_UNKNOWN_ACTOR' });
    const restarted = await system.restartChild('root/group/dyn');
    expect(restarted.instance).not.toBe(started.instance);
    await expect(system.deleteChild('root/group/dyn')).rejects.toMatchObject({ code: 'OVERSEER_ERR_CHILD_RUNNING' });
    await system.terminateChild('root/group/dyn');
    await system.deleteChild('root/group/dyn');
    expect(system.status().children![1]!.children).toEqual([]);
    await expect(system.startChild('root/group/missing', { id: 'x', behaviour: 'counter' })).rejects.toMatchObject({ code: 'OVERSEER_ERR_UNKNOWN_ACTOR' });
  });

  it('rejects a duplicate dynamic child and an invalid child spec before starting anything', async () => {
    const system = await start([{ id: 'a', behaviour: 'counter' }]);
    await expect(system.startChild('root', { id: 'a', behaviour: 'counter' })).rejects.toMatchObject({ code: 'OVERSEER_ERR_ALREADY_STARTED' });
    await expect(system.startChild('root', { id: 'b', behaviour: 'nope' })).rejects.toMatchObject({ code: 'OVERSEER_ERR_CONFIG' });
    await expect(system.startChild('root/a', { id: 'c', behaviour: 'counter' })).rejects.toMatchObject({ code: 'OVERSEER_ERR_NOT_A_SUPERVISOR' });
  });

  it('the root giving up stops the system and reports why', async () => {
    const system = await start([{ id: 'a', behaviour: 'counter' }], { intensity: { maxRestarts: 1, periodMs: 60_000 } });
    system.send('root/a', { type: 'crash' });
    await new Promise((r) => setImmediate(r));
    system.send('root/a', { type: 'crash' });
    const exit = await system.stopped;
    expect(exit.reason).toBe('failed');
    expect(exit.error).toMatchObject({ code: 'OVERSEER_ERR_INTENSITY' });
    expect(() => system.send('root/a', { type: 'inc' })).toThrow(expect.objectContaining({ code: 'OVERSEER_ERR_NOT_RUNNING' }));
  });

  it('ready() rejects with the missing systems after its timeout', async () => {
    const { setup } = await import('xstate');
    const never = setup({}).createMachine({ initial: 'cold', states: { cold: {}, hot: { tags: ['ready'] } } });
    const system = await startSystem({
      spec: { apiVersion: 'overseer/v1', kind: 'System', metadata: { name: 't' }, spec: { children: [{ id: 'slow', behaviour: 'never', readiness: { timeoutMs: 60_000 } }] } },
      behaviours: { never },
      admin: false,
    });
    running.push(system);
    await expect(system.ready({ timeoutMs: 50 })).rejects.toMatchObject({ code: 'OVERSEER_ERR_READY_TIMEOUT', missingSystems: ['root/slow'] });
  });
});
