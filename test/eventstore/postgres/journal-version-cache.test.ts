import { afterAll, expect, it } from 'vitest';
import type { PostgresJournal } from '../../../src/eventstore/journal/postgres.js';
import { describePg, dropSchemas, openPgJournal, uniqueSchema } from './pg-env.js';

const T = '2026-01-01T00:00:00.000Z';
const one = (stream: string, expectedVersion: number | 'any') => [{ stream, expectedVersion, events: [{ type: 'e', data: {} }] }];

describePg('PostgreSQL journal: the stream versions a node remembers follow what other nodes append', () => {
  const schemas: string[] = [];
  const journals: PostgresJournal[] = [];
  afterAll(async () => {
    await Promise.all(journals.map((j) => j.close()));
    await dropSchemas(schemas);
  });
  const pair = async () => {
    const schema = uniqueSchema('cache');
    schemas.push(schema);
    const a = await openPgJournal(schema, 'a');
    const b = await openPgJournal(schema, 'b');
    journals.push(a, b);
    return [a, b] as const;
  };

  it('a stream node A knows, appended to by node B: A checks its next append against B\'s version', async () => {
    const [a, b] = await pair();
    expect((await a.appendBatch(one('s', -1), T))[0]).toMatchObject({ ok: true, result: { nextExpectedVersion: 0 } });
    expect((await b.appendBatch(one('s', 0), T))[0]).toMatchObject({ ok: true, result: { nextExpectedVersion: 1 } });
    expect((await a.appendBatch(one('s', 0), T))[0]).toMatchObject({ ok: false, error: { actual: 1 } });
    expect((await a.appendBatch(one('s', 1), T))[0]).toMatchObject({ ok: true, result: { nextExpectedVersion: 2, position: 3 } });
  });

  it('after more than 10,000 events from another node, A starts over and still checks right', async () => {
    const [a, b] = await pair();
    await a.appendBatch(one('s', 'any'), T);
    await a.appendBatch(one('t', 'any'), T);
    const bulk = Array.from({ length: 1000 }, (_, i) => ({ type: 'bulk', data: i }));
    for (let i = 0; i < 11; i++) await b.appendBatch([{ stream: `bulk-${i}`, expectedVersion: 'any', events: bulk }], T);
    await b.appendBatch(one('s', 0), T);
    const outcomes = await a.appendBatch([...one('s', 0), ...one('s', 1), ...one('t', 0)], T);
    expect(outcomes.map((o) => (o.ok ? o.result.nextExpectedVersion : `conflict at ${(o.error as unknown as { actual: number }).actual}`))).toEqual(['conflict at 1', 2, 1]);
  });
});
