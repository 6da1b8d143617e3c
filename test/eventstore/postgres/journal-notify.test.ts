import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appendChannel, type AppendNotice, type PostgresJournal } from '../../../src/eventstore/journal/postgres.js';
import { describePg, dropSchemas, openPgJournal, rawClient, uniqueSchema } from './pg-env.js';

const T = '2026-01-01T00:00:00.000Z';

describePg('postgres journal: one NOTIFY per committed batch', () => {
  const schema = uniqueSchema('notify');
  let journal: PostgresJournal;
  let listener: pg.Client;
  const notices: AppendNotice[] = [];
  beforeAll(async () => {
    journal = await openPgJournal(schema, 'writer');
    listener = await rawClient();
    listener.on('notification', (n) => notices.push(JSON.parse(n.payload!) as AppendNotice));
    await listener.query(`LISTEN "${appendChannel(schema)}"`);
  });
  afterAll(async () => {
    await listener.end();
    await journal.close();
    await dropSchemas([schema]);
  });
  /** A NOTIFY arrives after the commit that sent it; a round trip on the listener makes sure it was read. */
  const settle = () => listener.query('SELECT 1');

  it('a batch of three appends over two streams sends one notice with the new head and both streams', async () => {
    notices.length = 0;
    await journal.appendBatch(
      [
        { stream: 'a', expectedVersion: 'any', events: [{ type: 'x', data: 1 }, { type: 'x', data: 2 }] },
        { stream: 'b', expectedVersion: 'any', events: [{ type: 'x', data: 3 }] },
        { stream: 'a', expectedVersion: 'any', events: [{ type: 'x', data: 4 }] },
      ],
      T,
    );
    await settle();
    expect(notices).toEqual([{ node: 'writer', head: 4, streams: ['a', 'b'] }]);
  });

  it('a batch that writes nothing (a retried append, a conflict) sends no notice', async () => {
    await journal.appendBatch([{ stream: 'c', expectedVersion: 'any', events: [{ id: 'known', type: 'x', data: 1 }] }], T);
    await settle();
    notices.length = 0;
    const outcomes = await journal.appendBatch(
      [
        { stream: 'c', expectedVersion: 'any', events: [{ id: 'known', type: 'x', data: 1 }] },
        { stream: 'c', expectedVersion: 7, events: [{ type: 'x', data: 2 }] },
      ],
      T,
    );
    await settle();
    expect(outcomes.map((o) => o.ok)).toEqual([true, false]);
    expect(notices).toEqual([]);
  });

  it('a batch that fails to commit sends nothing and stores nothing', async () => {
    const head = await journal.head();
    notices.length = 0;
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(journal.appendBatch([{ stream: 'd', expectedVersion: 'any', events: [{ type: 'ok', data: 1 }] }, { stream: 'd', expectedVersion: 'any', events: [{ type: 'bad', data: cyclic }] }], T)).rejects.toThrow();
    await settle();
    expect(notices).toEqual([]);
    expect(await journal.head()).toBe(head);
    expect(await journal.streamVersion('d')).toBe(-1);
  });

  it('a batch writing more stream names than a small notice holds sends the head alone (everyone wakes)', async () => {
    notices.length = 0;
    const commands = Array.from({ length: 60 }, (_, i) => ({ stream: `stream-with-a-long-name-${i}`, expectedVersion: 'any' as const, events: [{ type: 'x', data: i }] }));
    await journal.appendBatch(commands, T);
    await settle();
    expect(notices).toEqual([{ node: 'writer', head: await journal.head() }]);
  });
});
