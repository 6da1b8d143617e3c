/**
 * system.updateParams(): a merge patch restarts a worker with its new input, or hands it to a
 * logic that takes params live; completed and exited workers start again. Observed through
 * asks, status(), the recent-events ring and thrown errors.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assign, fromCallback, fromPromise, setup } from 'xstate';
import { ConfigError, handlesParams, startSystem } from '../../src/index.js';
import type { System } from '../../src/system/system.js';
import { recorder } from '../support/behaviours.js';

type Reply = { send(e: unknown): void };

/** Replies to `get` with the input it started with; `finish` completes it. */
const echo = setup({ types: {} as { context: { input: unknown }; input: unknown; events: { type: 'get'; replyTo: Reply } | { type: 'finish' } } }).createMachine({
  context: ({ input }) => ({ input }),
  initial: 'running',
  states: {
    running: { on: { get: { actions: ({ context, event }) => event.replyTo.send({ type: 'input', input: context.input }) }, finish: 'done' } },
    done: { type: 'final' },
  },
});

/** Takes params live: keeps what `overseer.params` carried, and counts the updates. */
const tuner = setup({
  types: {} as {
    context: { params: unknown; updates: unknown[] };
    input: unknown;
    events: { type: 'get'; replyTo: Reply } | { type: 'overseer.params'; params: unknown; changed: unknown; previous: unknown };
  },
}).createMachine({
  context: ({ input }) => ({ params: input, updates: [] }),
  on: {
    'overseer.params': { actions: assign({ params: ({ event }) => event.params, updates: ({ context, event }) => [...context.updates, { changed: event.changed, previous: event.previous }] }) },
    get: { actions: ({ context, event }) => event.replyTo.send({ type: 'state', ...context }) },
  },
});

/** Completes at once; every start records the input it got. */
const inputs: unknown[] = [];
const oneShot = fromPromise(async ({ input }: { input: unknown }) => {
  inputs.push(input);
  return input;
});

/** A fromCallback that pushes every event into `input.log`, declared to take params live. */
const liveRecorder = handlesParams(
  fromCallback<{ type: string }, { log: unknown[] }>(({ receive, input }) => {
    receive((event) => void input.log.push(event));
  }),
);

let dataDir: string;
const running: System[] = [];
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'overseer-params-'));
  inputs.length = 0;
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
  await rm(dataDir, { recursive: true, force: true });
});

async function start(children: unknown[]): Promise<System> {
  const spec = { apiVersion: 'overseer/v1', kind: 'System', metadata: { name: 'test' }, spec: { node: 'n1', dataDir, children } };
  const system = await startSystem({ spec, behaviours: { echo, tuner, oneShot, recorder, live: liveRecorder }, admin: false, env: {} });
  running.push(system);
  return system;
}

const node = (system: System, path: string) => system.statusAt(path)!;
const inputOf = async (system: System, path: string) => ((await system.ask(path, { type: 'get' }, { timeoutMs: 1000 })) as { input: unknown }).input;
const updates = (system: System) => system.events.recent({ types: ['params_updated'] }).map((e) => e.data);
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('system.updateParams', () => {
  it('restarts a running worker with the merged params as its input, without counting a restart', async () => {
    const system = await start([{ id: 'w', behaviour: 'echo', params: { a: 1, nested: { x: 1, y: 2 }, gone: true } }]);
    const before = node(system, 'root/w').instance;

    const result = await system.updateParams('root/w', { a: 2, nested: { y: null, z: 3 }, gone: null });

    expect(result).toEqual({
      path: 'root/w',
      action: 'restarted',
      changed: { a: 2, nested: { x: 1, z: 3 }, gone: null },
      previous: { a: 1, nested: { x: 1, y: 2 }, gone: true },
      params: { a: 2, nested: { x: 1, z: 3 } },
    });
    const after = node(system, 'root/w');
    expect(after.instance).not.toBe(before);
    expect(after.restarts).toBe(0);
    expect(after.params).toEqual({ a: 2, nested: { x: 1, z: 3 } });
    expect(await inputOf(system, 'root/w')).toEqual({ a: 2, nested: { x: 1, z: 3 } });
    expect(updates(system)).toEqual([{ path: 'root/w', changed: result.changed, previous: result.previous, action: 'restarted' }]);
  });

  it('restarts for params many times within the intensity window without the supervisor giving up', async () => {
    const system = await start([{ id: 'w', behaviour: 'echo', params: { n: 0 } }]);
    for (let n = 1; n <= 10; n++) await system.updateParams('root/w', { n });
    expect(node(system, 'root').status).toBe('ready');
    expect(node(system, 'root/w')).toMatchObject({ status: 'ready', restarts: 0 });
    expect(await inputOf(system, 'root/w')).toEqual({ n: 10 });
  });

  it('keeps the new params for a later crash restart', async () => {
    const system = await start([{ id: 'r', behaviour: 'recorder', params: { v: 1 } }]);
    expect((await system.updateParams('root/r', { v: 2 })).action).toBe('restarted');
    const instance = node(system, 'root/r').instance;
    system.send('root/r', { type: 'crash' });
    await settle();
    expect(node(system, 'root/r').instance).not.toBe(instance);
    expect(node(system, 'root/r').params).toEqual({ v: 2 });
  });

  it('starts a completed fromPromise worker again with the new params', async () => {
    const system = await start([{ id: 'job', behaviour: 'oneShot', restart: 'transient', params: { n: 1 } }]);
    await settle();
    expect(node(system, 'root/job').status).toBe('completed');

    const result = await system.updateParams('root/job', { n: 2 });
    await settle();

    expect(result.action).toBe('restarted');
    expect(inputs).toEqual([{ n: 1 }, { n: 2 }]);
    expect(node(system, 'root/job').status).toBe('completed');
  });

  it('starts a machine that reached its final state again, a transient child exited normally', async () => {
    const system = await start([{ id: 'w', behaviour: 'echo', restart: 'transient', params: { n: 1 } }]);
    system.send('root/w', { type: 'finish' });
    await settle();
    expect(node(system, 'root/w').status).toBe('completed');

    await system.updateParams('root/w', { n: 2 });

    expect(node(system, 'root/w').status).toBe('ready');
    expect(await inputOf(system, 'root/w')).toEqual({ n: 2 });
  });

  it('starts a transient child that exited with shutdown (not restarted by its supervisor) again', async () => {
    const system = await start([{ id: 'w', behaviour: 'echo', restart: 'transient', params: { n: 1 } }]);
    system.kill('root/w', 'shutdown');
    await settle();
    expect(node(system, 'root/w').status).toBe('stopped');

    const result = await system.updateParams('root/w', { n: 3 });

    expect(result.action).toBe('restarted');
    expect(await inputOf(system, 'root/w')).toEqual({ n: 3 });
  });

  it('cannot reach a temporary child that exited: OTP deleted it', async () => {
    const system = await start([{ id: 't', behaviour: 'echo', restart: 'temporary', params: { n: 1 } }]);
    system.send('root/t', { type: 'finish' });
    await settle();
    await expect(system.updateParams('root/t', { n: 2 })).rejects.toMatchObject({ code: 'OVERSEER_ERR_UNKNOWN_ACTOR' });
  });

  it('hands the params to a machine that handles overseer.params; it keeps its instance', async () => {
    const system = await start([{ id: 'm', behaviour: 'tuner', params: { rate: 1 } }]);
    const before = node(system, 'root/m').instance;

    const result = await system.updateParams('root/m', { rate: 5 });

    expect(result.action).toBe('live');
    expect(node(system, 'root/m').instance).toBe(before);
    expect(node(system, 'root/m').params).toEqual({ rate: 5 });
    const state = (await system.ask('root/m', { type: 'get' }, { timeoutMs: 1000 })) as { params: unknown; updates: unknown[] };
    expect(state.params).toEqual({ rate: 5 });
    expect(state.updates).toEqual([{ changed: { rate: 5 }, previous: { rate: 1 } }]);
    expect(updates(system)).toEqual([{ path: 'root/m', changed: { rate: 5 }, previous: { rate: 1 }, action: 'live' }]);
  });

  it('hands the params to any logic declared with handlesParams', async () => {
    const log: unknown[] = [];
    const system = await start([{ id: 'l', behaviour: 'live', params: { log } }]);
    const before = node(system, 'root/l').instance;
    const result = await system.updateParams('root/l', { level: 'debug' });
    await settle();
    expect(result.action).toBe('live');
    expect(node(system, 'root/l').instance).toBe(before);
    expect(log).toEqual([{ type: 'overseer.params', params: { log, level: 'debug' }, changed: { level: 'debug' }, previous: { level: null } }]);
  });

  it('answers unchanged for a patch that changes nothing, and records and publishes nothing', async () => {
    const system = await start([{ id: 'w', behaviour: 'echo', params: { a: 1 } }]);
    const before = node(system, 'root/w').instance;
    const result = await system.updateParams('root/w', { a: 1, missing: null });
    expect(result).toEqual({ path: 'root/w', action: 'unchanged', changed: {}, previous: {}, params: { a: 1 } });
    expect(node(system, 'root/w').instance).toBe(before);
    expect(updates(system)).toEqual([]);
    expect(system.paramsHistory('root/w')).toEqual([]);
  });

  it('refuses invalid params of a built-in with the field, and changes nothing', async () => {
    const system = await start([{ id: 'persistence', behaviour: 'persistence', params: { backend: 'memory' } }]);
    const before = node(system, 'root/persistence').instance;
    const error = await system.updateParams('root/persistence', { maxBatch: 0, bogus: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    const paths = (error as ConfigError).problems.map((p) => p.path);
    expect(paths).toContain('params.maxBatch');
    expect(paths.some((p) => p === 'params' || p.includes('bogus'))).toBe(true);
    expect(node(system, 'root/persistence').instance).toBe(before);
    expect(node(system, 'root/persistence').params).toEqual({ backend: 'memory' });
    expect(updates(system)).toEqual([]);
    expect(system.paramsHistory('root/persistence')).toEqual([]);
  });

  it('names unknown paths and supervisors with typed errors', async () => {
    const system = await start([{ id: 'group', children: [{ id: 'w', behaviour: 'echo' }] }]);
    await expect(system.updateParams('root/nope', { a: 1 })).rejects.toMatchObject({ code: 'OVERSEER_ERR_UNKNOWN_ACTOR' });
    await expect(system.updateParams('root/group', { a: 1 })).rejects.toMatchObject({ code: 'OVERSEER_ERR_NOT_A_WORKER' });
    await expect(system.updateParams('root/group/w', [1] as unknown as Record<string, unknown>)).rejects.toBeInstanceOf(ConfigError);
  });
});

describe('apply() and params', () => {
  it('a params-only change in the applied spec updates a live-capable worker live (instance kept, history source file) and restarts the others', async () => {
    const spec = (v: number, nestedY: boolean) => ({
      apiVersion: 'overseer/v1',
      kind: 'System',
      metadata: { name: 'test' },
      spec: { node: 'n1', dataDir, children: [{ id: 't', behaviour: 'tuner', params: { v, nested: nestedY ? { x: 1, y: 2 } : { x: 1 } } }, { id: 'e', behaviour: 'echo', params: { v } }] },
    });
    const system = await startSystem({ spec: spec(1, true), behaviours: { echo, tuner }, admin: false, env: {} });
    running.push(system);
    const [tuner0, echo0] = [node(system, 'root/t').instance, node(system, 'root/e').instance];
    const result = await system.apply(spec(2, false), { source: 'file' });
    expect(result).toMatchObject({ updatedLive: ['root/t'], restarted: ['root/e'] });
    expect(node(system, 'root/t').instance).toBe(tuner0);
    expect(node(system, 'root/e').instance).not.toBe(echo0);
    // The file's params replace the old ones whole: nested.y is gone, not merged back in.
    expect(node(system, 'root/t').params).toEqual({ v: 2, nested: { x: 1 } });
    expect(system.paramsHistory('root/t')).toMatchObject([{ source: 'file', changed: { v: 2, nested: { x: 1 } }, previous: { v: 1, nested: { x: 1, y: 2 } } }]);
    expect(updates(system)).toMatchObject([{ path: 'root/t', action: 'live' }]);
  });
});
