/**
 * The params history: every effective change is one entry per path, the last 50 kept, in a
 * real SQLite file under the system's dataDir; API-made changes are re-applied at the next
 * start unless the file changed the same key since (then the file wins, recorded as such).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { startSystem } from '../../src/index.js';
import type { System } from '../../src/system/system.js';

/** Replies to `get` with the input it started with. */
const echo = setup({ types: {} as { context: { input: unknown }; input: unknown; events: { type: 'get'; replyTo: { send(e: unknown): void } } } }).createMachine({
  context: ({ input }) => ({ input }),
  on: { get: { actions: ({ context, event }) => event.replyTo.send({ type: 'input', input: context.input }) } },
});

let dataDir: string;
const running: System[] = [];
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'overseer-history-'));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
  await rm(dataDir, { recursive: true, force: true });
});

async function start(params: Record<string, unknown> = { a: 1 }): Promise<System> {
  const spec = { apiVersion: 'overseer/v1', kind: 'System', metadata: { name: 'test' }, spec: { node: 'n1', dataDir, children: [{ id: 'w', behaviour: 'echo', params }] } };
  const system = await startSystem({ spec, behaviours: { echo }, admin: false, env: {} });
  running.push(system);
  return system;
}

async function restart(system: System, params?: Record<string, unknown>): Promise<System> {
  await system.stop();
  return start(params);
}

const inputOf = async (system: System) => ((await system.ask('root/w', { type: 'get' }, { timeoutMs: 1000 })) as { input: unknown }).input;
const withoutTime = (system: System) => system.paramsHistory('root/w').map(({ time: _t, ...rest }) => rest);

describe('params history', () => {
  it('appends one entry per effective change, oldest first, with time and source', async () => {
    const system = await start();
    await system.updateParams('root/w', { a: 2 });
    await system.updateParams('root/w', { b: 'x' }, { source: 'api' });
    await system.updateParams('root/w', { b: 'x' }); // unchanged: no entry

    const history = system.paramsHistory('root/w');
    expect(history.map((e) => ({ changed: e.changed, previous: e.previous, source: e.source }))).toEqual([
      { changed: { a: 2 }, previous: { a: 1 }, source: 'embedded' },
      { changed: { b: 'x' }, previous: { b: null }, source: 'api' },
    ]);
    expect(new Date(history[0]!.time).toISOString()).toBe(history[0]!.time);
    expect(system.paramsHistory('root/other')).toEqual([]);
  });

  it('keeps the last 50 entries of a path', async () => {
    const system = await start({ n: 0 });
    for (let n = 1; n <= 55; n++) await system.updateParams('root/w', { n });
    const history = system.paramsHistory('root/w');
    expect(history).toHaveLength(50);
    expect(history[0]!.changed).toEqual({ n: 6 });
    expect(history[49]!.changed).toEqual({ n: 55 });
  });

  it('writes nothing for a system whose params never changed', async () => {
    const system = await start();
    await system.stop();
    expect(existsSync(join(dataDir, 'overseer-state.db'))).toBe(false);
  });

  it('survives a restart of the system on the same dataDir', async () => {
    const first = await start();
    await first.updateParams('root/w', { a: 2 });
    await first.updateParams('root/w', { a: 3 });
    expect(existsSync(join(dataDir, 'overseer-state.db'))).toBe(true);

    const second = await restart(first);

    expect(withoutTime(second)).toEqual([
      { changed: { a: 2 }, previous: { a: 1 }, source: 'embedded' },
      { changed: { a: 3 }, previous: { a: 2 }, source: 'embedded' },
    ]);
    expect(await inputOf(second)).toEqual({ a: 1 }); // embedded changes are not re-applied
  });

  it('re-applies api changes over the file at start, deletions included', async () => {
    const first = await start({ a: 1, b: 2, c: 3 });
    await first.updateParams('root/w', { a: 10, b: null }, { source: 'api' });
    await first.updateParams('root/w', { c: 30 }); // embedded: the file's c comes back

    const second = await restart(first, { a: 1, b: 2, c: 3 });

    expect(second.statusAt('root/w')!.params).toEqual({ a: 10, c: 3 });
    expect(await inputOf(second)).toEqual({ a: 10, c: 3 });
    expect(withoutTime(second)).toHaveLength(2); // re-applying is not a new change
  });

  it('lets a later file change of the same key win, and records it as source file', async () => {
    const first = await start({ a: 1, b: 1 });
    await first.updateParams('root/w', { a: 5, b: 5 }, { source: 'api' });

    const second = await restart(first, { a: 2, b: 1 }); // the file changed a since

    expect(await inputOf(second)).toEqual({ a: 2, b: 5 });
    expect(withoutTime(second).at(-1)).toEqual({ changed: { a: 2 }, previous: { a: 5 }, source: 'file' });

    const third = await restart(second, { a: 2, b: 1 }); // the override of a is gone for good
    expect(await inputOf(third)).toEqual({ a: 2, b: 5 });
    expect(withoutTime(third)).toHaveLength(2);
  });
});
