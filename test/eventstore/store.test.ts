import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSystem } from '../../src/index.js';
import type { EventEnvelope } from '../../src/index.js';
import { nextEvent, storeSystems } from '../support/eventstore.js';

const start = storeSystems({ gateway: false });
const ev = (type: string, extra: Record<string, unknown> = {}) => ({ type, data: { type }, ...extra });

describe.each(['memory', 'sqlite'] as const)('store actor (%s journal)', (backend) => {
  it('follows the version semantics through the actors: -1, then 0, then 3', async () => {
    const { store } = await start({ backend });
    expect((await store.read('orders')).version).toBe(-1);
    expect(await store.append('orders', [ev('a')], { expectedVersion: 'no_stream' })).toEqual({ nextExpectedVersion: 0, position: 1 });
    expect(await store.append('orders', [ev('b'), ev('c'), ev('d')], { expectedVersion: 0 })).toEqual({ nextExpectedVersion: 3, position: 4 });
    await expect(store.append('orders', [ev('e')], { expectedVersion: 1 })).rejects.toMatchObject({ code: 'OVERSEER_ERR_WRONG_EXPECTED_VERSION', expected: 1, actual: 3 });
    const read = await store.read('orders', { from: 1, limit: 2 });
    expect(read).toMatchObject({ stream: 'orders', version: 3 });
    expect(read.events.map((e) => e.version)).toEqual([1, 2]);
    expect((await store.read('orders', { direction: 'backward', limit: 2 })).events.map((e) => e.version)).toEqual([3, 2]);
  });

  it('100 concurrent appends with the version they all read: exactly one succeeds, 99 conflict with the actual version', async () => {
    const { store } = await start({ backend });
    await store.append('race', [ev('seed')]);
    const reads = await Promise.all(Array.from({ length: 100 }, () => store.read('race', { limit: 1 })));
    const outcomes = await Promise.allSettled(reads.map((r, i) => store.append('race', [ev(`w${i}`)], { expectedVersion: r.version })));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const conflicts = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => o.reason as { code: string; expected: number; actual: number });
    expect(conflicts).toHaveLength(99);
    expect(conflicts.every((c) => c.code === 'OVERSEER_ERR_WRONG_EXPECTED_VERSION' && c.expected === 0 && c.actual === 1)).toBe(true);
    expect((await store.read('race')).events.map((e) => e.version)).toEqual([0, 1]);
  });

  it('100 concurrent writers retrying with the version they read: exactly one wins per version, the stream has no gaps', async () => {
    const { store } = await start({ backend });
    await store.append('race', [ev('seed')]);
    const attempt = async (writer: number) => {
      for (;;) {
        const { version } = await store.read('race', { limit: 1, direction: 'backward' });
        try {
          await store.append('race', [ev('w', { metadata: { writer } })], { expectedVersion: version });
          return;
        } catch (error) {
          if ((error as { code?: string }).code !== 'OVERSEER_ERR_WRONG_EXPECTED_VERSION') throw error;
        }
      }
    };
    const outcomes = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => attempt(i)));
    expect(outcomes.every((o) => o.status === 'fulfilled')).toBe(true);
    const { events, version } = await store.read('race', { limit: 1000 });
    expect(version).toBe(100);
    expect(events.map((e) => e.version)).toEqual(Array.from({ length: 101 }, (_, i) => i));
    expect(new Set(events.slice(1).map((e) => e.metadata.writer)).size).toBe(100);
  });

  it('publishes events_appended after each commit, not for an idempotent retry', async () => {
    const { system, store } = await start({ backend });
    const seen: EventEnvelope[] = [];
    system.events.subscribe('appends', { types: ['events_appended'], lateJoin: true, handler: (e) => void seen.push(e) });
    await store.append('s', [ev('a', { id: 'x1' }), ev('b', { id: 'x2' })]);
    await store.append('s', [ev('a', { id: 'x1' }), ev('b', { id: 'x2' })]);
    await store.append('s', [ev('c')]);
    await Promise.resolve();
    expect(seen.map((e) => e.data)).toEqual([
      { stream: 's', fromVersion: 0, toVersion: 1, position: 2 },
      { stream: 's', fromVersion: 2, toVersion: 2, position: 3 },
    ]);
    expect(seen[0]).toMatchObject({ category: 'store', source: 'root/store' });
  });
});

describe('store actor', () => {
  it('group-commits appends that arrive together: one transaction for many appends', async () => {
    const { system, store } = await start({ backend: 'sqlite' });
    await Promise.all(Array.from({ length: 64 }, (_, i) => store.append(`s-${i}`, [ev('a')])));
    const info = system.status().children!.find((c) => c.id === 'persistence')!.info!;
    expect(info.appends).toBe(64);
    expect(info.commits as number).toBeLessThan(8);
    expect((await store.readAll({ limit: 100 })).events.map((e) => e.position)).toEqual(Array.from({ length: 64 }, (_, i) => i + 1));
  });

  it('rejects malformed requests with typed errors that name the field', async () => {
    const { system, store } = await start();
    await expect(store.append('$all', [ev('a')])).rejects.toMatchObject({ code: 'OVERSEER_ERR_INVALID_STORE_REQUEST', problem: 'reserved_stream_name' });
    await expect(store.append('a b', [ev('a')])).rejects.toMatchObject({ problem: 'invalid_stream_name' });
    await expect(store.append('s', [])).rejects.toThrow(/events: .*(at least 1|>=1)/i);
    await expect(store.append('s', [{ type: '', data: 1 }])).rejects.toThrow(/events\[0\]\.type/);
    await expect(store.append('s', [{ type: 'a' } as never])).rejects.toThrow(/events\[0\]\.data: required/);
    await expect(store.append('s', [ev('a', { id: 'same' }), ev('b', { id: 'same' })])).rejects.toThrow(/events\[1\]\.id: "same" repeats events\[0\]\.id/);
    await expect(store.append('s', [ev('a')], { expectedVersion: 'sometimes' as never })).rejects.toThrow(/expectedVersion/);
    await expect(store.read('s', { limit: 0 })).rejects.toThrow(/limit/);
    await expect(store.readAll({ from: 0 })).rejects.toThrow(/from/);
    await expect(system.ask('root/store', { type: 'drop_everything' }, { timeoutMs: 1000 })).resolves.toMatchObject({ type: 'error', error: expect.objectContaining({ message: expect.stringContaining('unknown request type "drop_everything"') }) });
    expect((await store.readAll()).events).toEqual([]);
  });

  it('lists streams with their versions, paged by name', async () => {
    const { store } = await start();
    for (const s of ['b', 'a', 'c']) await store.append(s, [ev('x')]);
    await store.append('a', [ev('y')]);
    expect((await store.listStreams()).streams).toEqual([
      { stream: 'a', version: 1, position: 4 },
      { stream: 'b', version: 0, position: 1 },
      { stream: 'c', version: 0, position: 3 },
    ]);
    expect((await store.listStreams({ after: 'a', limit: 1 })).streams.map((s) => s.stream)).toEqual(['b']);
  });

  it('a crashed persistence actor restarts without losing acknowledged appends; requests meanwhile wait or fail as unavailable', async () => {
    const { system, store } = await start({ backend: 'sqlite' });
    await store.append('s', [ev('a'), ev('b')]);
    const restarted = nextEvent(system, 'child_started', (e) => (e.data as { path: string }).path === 'root/persistence');
    system.kill('root/persistence', 'drill');
    await restarted;
    expect((await store.read('s')).events.map((e) => e.type)).toEqual(['a', 'b']);
    expect(await store.append('s', [ev('c')], { expectedVersion: 1 })).toEqual({ nextExpectedVersion: 2, position: 3 });
  });

  it('cluster: announces the node, the cluster and its leader, and answers with the membership', async () => {
    const { system, store } = await start();
    const types = system.events.recent({ types: ['node_joined', 'cluster_formed', 'leader_elected'] }).map((e) => [e.type, e.data]);
    expect(types).toEqual([
      ['node_joined', { node: 'n1' }],
      ['cluster_formed', { members: ['n1'] }],
      ['leader_elected', { leader: 'n1', term: 1 }],
    ]);
    expect(await store.members()).toEqual({ members: ['n1'], leader: 'n1', term: 1 });
    // Unknown request types are answered at once, by every actor, rather than left to time out.
    for (const [path, known] of [['root/cluster', 'members'], ['root/notification', 'subscribe, unsubscribe']]) {
      await expect(system.ask(path!, { type: 'reboot' }, { timeoutMs: 1000 })).resolves.toMatchObject({ type: 'error', error: expect.objectContaining({ message: expect.stringContaining(`unknown request type "reboot"; expected one of ${known}`) }) });
    }
  });
});

describe('persistence: a journal that cannot be opened', () => {
  it('crashes at start with the file and the reason; startSystem rejects once the root gives up', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'overseer-bad-journal-'));
    mkdirSync(join(dataDir, 'events.db')); // a directory where the database file should be
    const starting = startSystem({
      spec: {
        apiVersion: 'overseer/v1',
        kind: 'System',
        metadata: { name: 'bad-journal' },
        spec: { dataDir, intensity: { maxRestarts: 1, periodMs: 60_000 }, children: [{ id: 'persistence', behaviour: 'persistence' }] },
      },
      admin: false,
      env: {},
    });
    const error = await starting.then(
      () => undefined,
      (e: unknown) => e as Error & { code: string; child: string; restarts: number },
    );
    expect(error).toMatchObject({ code: 'OVERSEER_ERR_INTENSITY', child: 'root/persistence', restarts: 2 });
    expect(String((error!.cause as Error).message)).toContain(`cannot open the journal ${join(dataDir, 'events.db')}`);
  });
});
