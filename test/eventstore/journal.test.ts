import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { EventIdConflictError, WrongExpectedVersionError } from '../../src/eventstore/errors.js';
import { asyncJournal, type AsyncJournal } from '../../src/eventstore/journal/async-journal.js';
import { MemoryJournal, MemoryStorage } from '../../src/eventstore/journal/memory.js';
import { SqliteJournal } from '../../src/eventstore/journal/sqlite.js';
import type { AppendCommand, ExpectedVersion, NewEvent } from '../../src/eventstore/model.js';
import { dropSchemas, openPgJournal, PG_URL, uniqueSchema } from './postgres/pg-env.js';

const T = '2026-01-01T00:00:00.000Z';
const ev = (type: string, id?: string): NewEvent => (id === undefined ? { type, data: { type } } : { id, type, data: { type } });
const cmd = (stream: string, expectedVersion: ExpectedVersion, events: NewEvent[]): AppendCommand => ({ stream, expectedVersion, events });

const open: { close(): unknown }[] = [];
const schemas: string[] = [];
afterEach(async () => {
  for (const j of open.splice(0)) await j.close();
  await dropSchemas(schemas.splice(0));
});

/** One contract, every backend: the embedded journals through the async contract, PostgreSQL as it is. */
const backends: [string, () => Promise<AsyncJournal>][] = [
  ['memory', async () => asyncJournal(new MemoryJournal())],
  ['sqlite', async () => asyncJournal(new SqliteJournal(join(mkdtempSync(join(tmpdir(), 'journal-')), 'events.db')))],
];
if (PG_URL !== undefined || process.env.CI) {
  backends.push([
    'postgres',
    () => {
      const schema = uniqueSchema('journal');
      schemas.push(schema);
      return openPgJournal(schema);
    },
  ]);
} else describe.skip('postgres journal (OVERSEER_PG_URL is not set)', () => it('runs the contract suite', () => undefined));

describe.each(backends)('%s journal', (_name, make) => {
  const journal = async () => {
    const j = await make();
    open.push(j);
    return j;
  };
  const appendOne = async (j: AsyncJournal, c: AppendCommand) => {
    const [outcome] = await j.appendBatch([c], T);
    if (!outcome!.ok) throw outcome!.error;
    return outcome!.result;
  };

  it('versions: a new stream is -1, one event makes it 0, three more make it 3', async () => {
    const j = await journal();
    expect(await j.streamVersion('s')).toBe(-1);
    expect(await appendOne(j, cmd('s', 'no_stream', [ev('a')]))).toMatchObject({ nextExpectedVersion: 0, position: 1 });
    expect(await appendOne(j, cmd('s', 0, [ev('b'), ev('c'), ev('d')]))).toMatchObject({ nextExpectedVersion: 3, position: 4 });
    expect((await j.readStream('s', 0, 10, 'forward')).map((e) => [e.version, e.position, e.type])).toEqual([
      [0, 1, 'a'],
      [1, 2, 'b'],
      [2, 3, 'c'],
      [3, 4, 'd'],
    ]);
  });

  it('each expected-version mode passes or fails with the current version', async () => {
    const j = await journal();
    await expect(appendOne(j, cmd('s', 'stream_exists', [ev('a')]))).rejects.toThrow(expect.objectContaining({ expected: 'stream_exists', actual: -1 }));
    await expect(appendOne(j, cmd('s', 0, [ev('a')]))).rejects.toThrow(WrongExpectedVersionError);
    await appendOne(j, cmd('s', 'no_stream', [ev('a')]));
    await expect(appendOne(j, cmd('s', 'no_stream', [ev('b')]))).rejects.toThrow(expect.objectContaining({ code: 'OVERSEER_ERR_WRONG_EXPECTED_VERSION', stream: 's', expected: 'no_stream', actual: 0 }));
    await appendOne(j, cmd('s', 'stream_exists', [ev('b')]));
    await appendOne(j, cmd('s', 'any', [ev('c')]));
    await expect(appendOne(j, cmd('s', 1, [ev('d')]))).rejects.toThrow(expect.objectContaining({ expected: 1, actual: 2 }));
    await appendOne(j, cmd('s', 2, [ev('d')]));
    await appendOne(j, cmd('t', -1, [ev('x')])); // -1 means "no stream" too
    expect(await j.streamVersion('s')).toBe(3);
    expect(await j.head()).toBe(5);
  });

  it('an append repeated with the same event ids is not stored twice and answers as the first time', async () => {
    const j = await journal();
    const first = await appendOne(j, cmd('s', 'no_stream', [ev('a', 'id-1'), ev('b', 'id-2')]));
    const again = await appendOne(j, cmd('s', 'no_stream', [ev('a', 'id-1'), ev('b', 'id-2')]));
    expect(again).toEqual({ nextExpectedVersion: first.nextExpectedVersion, position: first.position });
    expect(await j.readStream('s', 0, 10, 'forward')).toHaveLength(2);
    // Only the new one of a partly known append is stored.
    await appendOne(j, cmd('s', 'any', [ev('b', 'id-2'), ev('c', 'id-3')]));
    expect((await j.readStream('s', 0, 10, 'forward')).map((e) => e.id)).toEqual(['id-1', 'id-2', 'id-3']);
  });

  it('an event id already stored in another stream is a conflict', async () => {
    const j = await journal();
    await appendOne(j, cmd('s', 'any', [ev('a', 'shared')]));
    await expect(appendOne(j, cmd('t', 'any', [ev('a', 'shared')]))).rejects.toThrow(EventIdConflictError);
    expect(await j.streamVersion('t')).toBe(-1);
  });

  it('a conflict in a batch fails only its own append; the others commit with gapless positions', async () => {
    const j = await journal();
    const outcomes = await j.appendBatch([cmd('a', 'no_stream', [ev('1')]), cmd('b', 5, [ev('x')]), cmd('a', 0, [ev('2')]), cmd('a', 0, [ev('3')])], T);
    expect(outcomes.map((o) => o.ok)).toEqual([true, false, true, false]);
    expect((await j.readAll(1, 10)).map((e) => [e.stream, e.version, e.position])).toEqual([
      ['a', 0, 1],
      ['a', 1, 2],
    ]);
  });

  it('reads forward and backward from a version with a limit, $all from a position, and lists streams', async () => {
    const j = await journal();
    await appendOne(j, cmd('s', 'any', [ev('0'), ev('1'), ev('2'), ev('3'), ev('4')]));
    await appendOne(j, cmd('r', 'any', [ev('r0')]));
    await appendOne(j, cmd('s', 'any', [ev('5')]));
    expect((await j.readStream('s', 2, 2, 'forward')).map((e) => e.version)).toEqual([2, 3]);
    expect((await j.readStream('s', 4, 3, 'backward')).map((e) => e.version)).toEqual([4, 3, 2]);
    expect((await j.readStream('s', 99, 2, 'backward')).map((e) => e.version)).toEqual([5, 4]);
    expect(await j.readStream('nope', 0, 2, 'forward')).toEqual([]);
    expect((await j.readAll(6, 10)).map((e) => [e.stream, e.position])).toEqual([
      ['r', 6],
      ['s', 7],
    ]);
    expect(await j.listStreams('', 10)).toEqual([
      { stream: 'r', version: 0, position: 6 },
      { stream: 's', version: 5, position: 7 },
    ]);
    expect((await j.listStreams('r', 10)).map((s) => s.stream)).toEqual(['s']);
    expect(await j.firstVersionAfter('s', 5)).toBe(5);
    expect(await j.firstVersionAfter('s', 7)).toBe(6);
    const [stored] = await j.readAll(1, 1);
    expect(stored).toMatchObject({ stream: 's', version: 0, position: 1, type: '0', data: { type: '0' }, metadata: {}, time: T });
    expect(stored!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/); // UUIDv7
  });
});

describe('sqlite journal', () => {
  it('keeps every committed event across close and reopen, and continues positions after them', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'journal-')), 'events.db');
    const first = new SqliteJournal(file);
    first.appendBatch([cmd('s', 'any', [ev('a'), ev('b')])], T);
    first.close();
    const second = new SqliteJournal(file, 'normal');
    open.push(second);
    expect(second.head()).toBe(2);
    const [outcome] = second.appendBatch([cmd('s', 1, [ev('c')])], T);
    expect(outcome).toMatchObject({ ok: true, result: { nextExpectedVersion: 2, position: 3 } });
  });

  it('a failed commit throws and stores nothing of the batch', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'journal-')), 'events.db');
    const j = new SqliteJournal(file);
    open.push(j);
    // data that JSON cannot encode makes the insert fail halfway through the batch
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => j.appendBatch([cmd('s', 'any', [ev('a')]), cmd('s', 'any', [{ type: 'b', data: cyclic }])], T)).toThrow();
    expect(j.head()).toBe(0);
    expect(j.readAll(1, 10)).toEqual([]);
    expect(j.appendBatch([cmd('s', 'no_stream', [ev('a')])], T)[0]).toMatchObject({ ok: true, result: { position: 1 } });
  });

  it('refuses a database written by a newer schema', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'journal-')), 'events.db');
    new SqliteJournal(file).close();
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => new SqliteJournal(file)).toThrow(/schema version 99 was written by a newer overseer/);
  });
});

describe('memory journal', () => {
  it('a new journal over the same storage sees what the previous one stored', () => {
    const storage = new MemoryStorage();
    new MemoryJournal(storage).appendBatch([cmd('s', 'any', [ev('a')])], T);
    expect(new MemoryJournal(storage).streamVersion('s')).toBe(0);
  });
});

describe('generated event ids', () => {
  it('are UUIDv7: unique, and ordered by time so the id index grows at its end', async () => {
    const { newEventId } = await import('../../src/eventstore/event-id.js');
    const ids = Array.from({ length: 1000 }, (_, i) => newEventId(1_700_000_000_000 + i));
    expect(new Set(ids).size).toBe(1000);
    expect([...ids].sort()).toEqual(ids);
    expect(newEventId(0)).toMatch(/^00000000-0000-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
