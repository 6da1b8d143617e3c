/**
 * system.apply(): live reconfiguration of a running system started from a spec object. The
 * outcomes are read where users read them: status() (instances, order, strategy), the
 * result's paths, asks to actors, and the config_applied / config_rejected events.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, startSystem } from '../../src/index.js';
import type { System } from '../../src/system/system.js';
import type { StatusNode } from '../../src/system/status.js';
import { counter, recorder, warmup } from '../support/behaviours.js';

const running: System[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

const specOf = (children: unknown[], extra: Record<string, unknown> = {}) => ({
  apiVersion: 'overseer/v1',
  kind: 'System',
  metadata: { name: 'test' },
  spec: { node: 'n1', children, ...extra },
});

async function start(children: unknown[], extra: Record<string, unknown> = {}): Promise<System> {
  const system = await startSystem({ spec: specOf(children, extra), behaviours: { counter, recorder, warmup }, admin: false, env: {} });
  running.push(system);
  return system;
}

function node(system: System, path: string): StatusNode {
  const found = system.statusAt(path);
  if (!found) throw new Error(`no ${path}`);
  return found;
}

const childPaths = (system: System, path = 'root') => node(system, path).children!.map((c) => c.path);

/** The first event of `type`, subscribed now (before the action that publishes it). */
function next(system: System, type: string): Promise<{ type: string; category: string; data: unknown }> {
  const sub = system.events.subscribe(`wait-${type}-${Math.random()}`, { types: [type], lateJoin: true });
  return (async () => {
    for await (const event of sub) {
      sub.unsubscribe();
      return event;
    }
    throw new Error('subscription ended');
  })();
}

/** Waits for `child_started` of `path` (a restart done by the supervisor, not by us). */
async function started(system: System, path: string, action: () => void): Promise<void> {
  const sub = system.events.subscribe(`started-${Math.random()}`, { types: ['child_started'], lateJoin: true });
  action();
  for await (const e of sub) if ((e.data as { path: string }).path === path) break;
  sub.unsubscribe();
}

describe('system.apply', () => {
  it('keeps unchanged children, restarts changed ones, adds at their position, removes the rest', async () => {
    const system = await start([
      { id: 'a', behaviour: 'counter' },
      { id: 'b', behaviour: 'counter', params: { n: 1 } },
      { id: 'c', behaviour: 'counter' },
    ]);
    system.send('root/a', { type: 'inc' });
    const before = { a: node(system, 'root/a').instance, b: node(system, 'root/b').instance };
    const applied = next(system, 'config_applied');

    const result = await system.apply(
      specOf([
        { id: 'a', behaviour: 'counter' },
        { id: 'd', behaviour: 'counter' },
        { id: 'b', behaviour: 'counter', params: { n: 2 } },
      ]),
    );

    expect(result).toEqual({
      added: ['root/d'],
      removed: ['root/c'],
      restarted: ['root/b'],
      updatedLive: [],
      unchanged: ['root/control-plane', 'root/a'],
      updatedSettings: [],
      notApplied: [],
    });
    expect(childPaths(system)).toEqual(['root/control-plane', 'root/a', 'root/d', 'root/b']);
    expect(node(system, 'root/a').instance).toBe(before.a);
    await expect(system.ask('root/a', { type: 'get' }, { timeoutMs: 1000 })).resolves.toEqual({ type: 'count', count: 1 }); // same state
    expect(node(system, 'root/b')).toMatchObject({ status: 'ready', params: { n: 2 } });
    expect(node(system, 'root/b').instance).not.toBe(before.b);
    expect(node(system, 'root/d')).toMatchObject({ status: 'ready' });
    expect(system.statusAt('root/c')).toBeUndefined();
    expect(() => system.send('root/c', { type: 'inc' })).toThrow(expect.objectContaining({ code: 'OVERSEER_ERR_UNKNOWN_ACTOR' }));
    expect(system.spec.root.children.map((c) => c.id)).toEqual(['control-plane', 'a', 'd', 'b']);

    const event = await applied;
    expect(event.category).toBe('config');
    expect((event.data as { plan: { op: string; path: string }[]; source: string }).plan.map((s) => `${s.op} ${s.path}`)).toEqual([
      'remove root/c',
      'restart root/b',
      'add root/d',
    ]);
    expect((event.data as { source: string }).source).toBe('embedded');
  });

  it('the added children start in desired order on the next restart of their supervisor, too', async () => {
    const system = await start([{ id: 'g', children: [{ id: 'x', behaviour: 'counter' }] }]);
    await system.apply(specOf([{ id: 'g', children: [{ id: 'w', behaviour: 'counter' }, { id: 'x', behaviour: 'counter' }] }]), { source: 'api' });
    expect(childPaths(system, 'root/g')).toEqual(['root/g/w', 'root/g/x']);
    await started(system, 'root/g/x', () => system.kill('root/g'));
    expect(childPaths(system, 'root/g')).toEqual(['root/g/w', 'root/g/x']);
    expect(node(system, 'root/g/w').status).toBe('ready');
  });

  it('reconciles inside a nested supervisor without restarting it', async () => {
    const system = await start([{ id: 'g', children: [{ id: 'x', behaviour: 'counter' }, { id: 'y', behaviour: 'counter' }] }]);
    const before = { g: node(system, 'root/g').instance, x: node(system, 'root/g/x').instance, y: node(system, 'root/g/y').instance };
    const result = await system.apply(specOf([{ id: 'g', children: [{ id: 'x', behaviour: 'recorder' }, { id: 'y', behaviour: 'counter' }] }]));
    expect(result).toMatchObject({ restarted: ['root/g/x'], unchanged: ['root/control-plane', 'root/g/y'] });
    expect(node(system, 'root/g').instance).toBe(before.g);
    expect(node(system, 'root/g/y').instance).toBe(before.y);
    expect(node(system, 'root/g/x')).toMatchObject({ behaviour: 'recorder' });
    expect(node(system, 'root/g/x').instance).not.toBe(before.x);
  });

  it('changes supervisor settings in place: no restarts, and the new strategy decides the next failure', async () => {
    const system = await start([{ id: 'g', strategy: 'one_for_one', children: [{ id: 'x', behaviour: 'counter' }, { id: 'y', behaviour: 'counter' }] }]);
    const before = { g: node(system, 'root/g').instance, x: node(system, 'root/g/x').instance, y: node(system, 'root/g/y').instance };
    const result = await system.apply(
      specOf([{ id: 'g', strategy: 'one_for_all', intensity: { maxRestarts: 5, periodMs: 1000 }, children: [{ id: 'x', behaviour: 'counter' }, { id: 'y', behaviour: 'counter' }] }]),
    );
    expect(result).toMatchObject({ added: [], removed: [], restarted: [], updatedSettings: ['root/g'], unchanged: ['root/control-plane', 'root/g/x', 'root/g/y'] });
    expect(node(system, 'root/g')).toMatchObject({ strategy: 'one_for_all', instance: before.g });
    expect(node(system, 'root/g/x').instance).toBe(before.x);
    expect(node(system, 'root/g/y').instance).toBe(before.y);
    // one_for_all now: x crashing restarts y as well.
    await started(system, 'root/g/y', () => system.send('root/g/x', { type: 'crash' }));
    expect(node(system, 'root/g/y').instance).not.toBe(before.y);
  });

  it('a removed required child is forgotten by readiness: the system becomes ready', async () => {
    const system = await start([{ id: 'a', behaviour: 'counter' }, { id: 'cold', behaviour: 'warmup' }]);
    expect(system.requiredPaths()).toContain('root/cold');
    const ready = next(system, 'system_ready');
    const result = await system.apply(specOf([{ id: 'a', behaviour: 'counter' }]));
    expect(result.removed).toEqual(['root/cold']);
    expect(system.requiredPaths()).toEqual(['root/a']);
    await ready;
    await expect(system.ready({ timeoutMs: 1000 })).resolves.toBeUndefined();
  });

  it('rejects an invalid spec with ConfigError, changes nothing and publishes config_rejected', async () => {
    const system = await start([{ id: 'a', behaviour: 'counter' }]);
    const tree = system.status();
    const spec = system.spec;
    const rejected = next(system, 'config_rejected');
    const failure = system.apply(specOf([{ id: 'a', behaviour: 'counter' }, { id: 'b', behaviour: 'nope' }, { id: 'Bad', behaviour: 'counter' }]));
    await expect(failure).rejects.toBeInstanceOf(ConfigError);
    const error = (await failure.catch((e: unknown) => e)) as ConfigError;
    expect(error.problems.map((p) => p.path)).toEqual(expect.arrayContaining(['spec.children[1].behaviour', 'spec.children[2].id']));
    const event = await rejected;
    expect(event).toMatchObject({ category: 'config', data: { problems: error.problems, source: 'embedded' } });
    expect(system.status()).toEqual(tree);
    expect(system.spec).toBe(spec);
    // The next valid apply still works (the queue is not stuck on the failure).
    await expect(system.apply(specOf([{ id: 'a', behaviour: 'counter' }]))).resolves.toMatchObject({ unchanged: ['root/control-plane', 'root/a'] });
  });

  it('runs concurrent applies one at a time, each against the result of the one before', async () => {
    const system = await start([{ id: 'a', behaviour: 'counter' }]);
    const first = system.apply(specOf([{ id: 'a', behaviour: 'counter' }, { id: 'x', behaviour: 'counter' }]));
    const second = system.apply(specOf([{ id: 'a', behaviour: 'counter' }, { id: 'x', behaviour: 'counter' }, { id: 'y', behaviour: 'counter' }]));
    expect((await first).added).toEqual(['root/x']);
    expect(await second).toMatchObject({ added: ['root/y'], unchanged: ['root/control-plane', 'root/a', 'root/x'] });
    expect(childPaths(system)).toEqual(['root/control-plane', 'root/a', 'root/x', 'root/y']);
  });

  it('an identical spec changes nothing; top-level settings that need a process restart are reported, not applied', async () => {
    const system = await start([{ id: 'a', behaviour: 'counter' }]);
    const instance = node(system, 'root/a').instance;
    expect(await system.apply(specOf([{ id: 'a', behaviour: 'counter' }]))).toMatchObject({ added: [], removed: [], restarted: [], notApplied: [] });
    const result = await system.apply(specOf([{ id: 'a', behaviour: 'counter' }], { node: 'n2', stopTimeoutMs: 20_000 }));
    expect(result.notApplied).toEqual(['node']);
    expect(system.spec).toMatchObject({ node: 'n1', stopTimeoutMs: 20_000 });
    expect(node(system, 'root/a').instance).toBe(instance);
  });

  it('a params-only change goes through the paramsChanged hook, which may keep the worker running', async () => {
    const system = await start([{ id: 'a', behaviour: 'counter', params: { v: 1 } }, { id: 'b', behaviour: 'counter', params: { v: 1 } }]);
    const instance = node(system, 'root/a').instance;
    const asked: string[] = [];
    system.reconfigureHooks = {
      paramsChanged: async (step) => {
        asked.push(step.path);
        return step.path === 'root/a';
      },
    };
    const result = await system.apply(specOf([{ id: 'a', behaviour: 'counter', params: { v: 2 } }, { id: 'b', behaviour: 'counter', params: { v: 2 } }]));
    expect(asked).toEqual(['root/a', 'root/b']);
    expect(result).toMatchObject({ updatedLive: ['root/a'], restarted: ['root/b'] });
    expect(node(system, 'root/a').instance).toBe(instance);
  });

  it('loads a config file path like startSystem does, positioned problems included', async () => {
    const system = await start([{ id: 'a', behaviour: 'counter' }]);
    const dir = await mkdtemp(join(tmpdir(), 'overseer-apply-'));
    try {
      const file = join(dir, 'system.yaml');
      const yaml = (extra: string) =>
        `apiVersion: overseer/v1\nkind: System\nmetadata: { name: test }\nspec:\n  node: n1\n  children:\n    - id: a\n      behaviour: counter\n${extra}`;
      await writeFile(file, yaml('    - id: b\n      behaviour: counter\n'));
      expect(await system.apply(file, { source: 'file' })).toMatchObject({ added: ['root/b'] });
      await writeFile(file, yaml('    - id: b\n      behaviour: nope\n'));
      const rejected = next(system, 'config_rejected');
      await expect(system.apply(file, { source: 'file' })).rejects.toMatchObject({ problems: [{ file, line: 10, path: 'spec.children[1].behaviour' }] });
      expect(await rejected).toMatchObject({ data: { source: 'file' } });
      expect(childPaths(system)).toEqual(['root/control-plane', 'root/a', 'root/b']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('config events are the runtime\'s own: a user publish of one is refused', async () => {
    const system = await start([]);
    expect(() => system.events.publish({ type: 'config_applied', data: { plan: [] } })).toThrow(expect.objectContaining({ code: 'OVERSEER_ERR_RESERVED_EVENT' }));
  });
});
