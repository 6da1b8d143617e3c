import { afterAll, expect, it } from 'vitest';
import type { PostgresJournal } from '../../../src/eventstore/journal/postgres.js';
import { describePg, dropSchemas, openPgJournal, uniqueSchema } from './pg-env.js';

const T = '2026-01-01T00:00:00.000Z';

describePg('postgres journal: global order under concurrent writers', () => {
  const schema = uniqueSchema('order');
  const journals: PostgresJournal[] = [];
  afterAll(async () => {
    await Promise.all(journals.map((j) => j.close()));
    await dropSchemas([schema]);
  });

  it('a reader paging $all by position never sees a gap, whatever commits meanwhile on four pools (four "nodes")', async () => {
    for (let n = 0; n < 4; n++) journals.push(await openPgJournal(schema, `n${n}`, 8));
    const writers = 32;
    const appendsEach = 15;
    let writing = true;
    const acknowledged: number[] = [];
    const write = async (w: number) => {
      const j = journals[w % journals.length]!;
      for (let i = 0; i < appendsEach; i++) {
        // Several batches in flight per pool: transactions overlap on the server, only the lock orders them.
        const [outcome] = await j.appendBatch([{ stream: `w-${w}`, expectedVersion: i === 0 ? 'no_stream' : 2 * i - 1, events: [{ type: 'e', data: { w, i } }, { type: 'e', data: { w, i, second: true } }] }], T);
        if (!outcome!.ok) throw outcome!.error;
        acknowledged.push(outcome!.result.position - 1, outcome!.result.position);
      }
    };
    const reader = journals[0]!;
    const seen: number[] = [];
    const pageStarts: { cursor: number; first: number | undefined }[] = [];
    const read = async () => {
      let cursor = 1;
      for (;;) {
        const done = !writing;
        const page = await reader.readAll(cursor, 7);
        pageStarts.push({ cursor, first: page[0]?.position });
        for (const e of page) seen.push(e.position);
        if (page.length > 0) cursor = page[page.length - 1]!.position + 1;
        else if (done) return;
      }
    };
    const reading = read();
    await Promise.all(Array.from({ length: writers }, (_, w) => write(w)));
    writing = false;
    await reading;
    const total = writers * appendsEach * 2;
    // Every page began exactly where the reader stood: nothing behind the cursor committed later.
    expect(pageStarts.filter((p) => p.first !== undefined && p.first !== p.cursor)).toEqual([]);
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect([...acknowledged].sort((a, b) => a - b)).toEqual(seen);
    // Each stream's versions are gapless and in position order too.
    const all = await reader.readAll(1, total + 10);
    for (let w = 0; w < writers; w++) {
      const mine = all.filter((e) => e.stream === `w-${w}`);
      expect(mine.map((e) => e.version)).toEqual(Array.from({ length: appendsEach * 2 }, (_, i) => i));
    }
  }, 60_000);

  it('the same expected version raced from four pools: exactly one append wins, the others see the conflict', async () => {
    const outcomes = await Promise.all(journals.map((j, n) => j.appendBatch([{ stream: 'race', expectedVersion: 'no_stream', events: [{ type: 'e', data: { n } }] }], T)));
    expect(outcomes.map(([o]) => o!.ok).filter(Boolean)).toHaveLength(1);
    expect(outcomes.filter(([o]) => !o!.ok).map(([o]) => (o as unknown as { error: { code: string } }).error.code)).toEqual(Array(journals.length - 1).fill('OVERSEER_ERR_WRONG_EXPECTED_VERSION'));
    expect(await journals[1]!.streamVersion('race')).toBe(0);
  });

  it('the same event id appended from four pools at once is stored once', async () => {
    const outcomes = await Promise.all(journals.map((j) => j.appendBatch([{ stream: 'idem', expectedVersion: 'any', events: [{ id: 'once', type: 'e', data: {} }] }], T)));
    expect(outcomes.every(([o]) => o!.ok)).toBe(true);
    const positions = new Set(outcomes.map(([o]) => (o as unknown as { result: { position: number } }).result.position));
    expect(positions.size).toBe(1);
    expect(await journals[2]!.readStream('idem', 0, 10, 'forward')).toHaveLength(1);
  });
});
