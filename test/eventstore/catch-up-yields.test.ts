/**
 * Regression: an SSE catch-up over 107k events stalled /livez for 958 ms, because a pump whose
 * source answers at once (a microtask) read page after page without letting I/O in. A pump
 * now yields to the event loop between pages.
 */
import { describe, expect, it } from 'vitest';
import { Pump } from '../../src/eventstore/notification/pump.js';
import { EventSink } from '../../src/eventstore/notification/sink.js';
import type { StoredEvent } from '../../src/eventstore/model.js';

const event = (position: number): StoredEvent => ({ id: `e${position}`, stream: 's', version: position - 1, position, type: 't', data: {}, metadata: {}, time: '2026-01-01T00:00:00.000Z' });

describe('catch-up paging', () => {
  it('catch-up stalled the event loop: a pump yields to pending I/O between pages', async () => {
    const total = 10_000;
    const pageSize = 100;
    const sink = new EventSink(total);
    let pages = 0;
    const source = {
      read: async (cursor: number, limit: number) => {
        pages += 1;
        const end = Math.min(total + 1, cursor + limit);
        return Array.from({ length: Math.max(0, end - cursor) }, (_, i) => event(cursor + i));
      },
    };
    const pump = new Pump('p', '$all', 1, sink, source, pageSize, () => {});
    pump.wake();
    const pagesWhenIoRan = await new Promise<number>((resolve) => setImmediate(() => resolve(pages)));
    expect(pagesWhenIoRan).toBeLessThanOrEqual(2);
    // …and it still delivers everything, in order, without gaps.
    const seen: number[] = [];
    for await (const e of sink) {
      seen.push(e.position);
      if (seen.length === total) break;
    }
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
  });

  it('six catch-ups held /livez off 15 ms a turn: pumps take turns, one page of one pump per turn', async () => {
    let pages = 0;
    const source = { read: async (cursor: number, limit: number) => (pages++, Array.from({ length: limit }, (_, i) => event(cursor + i))) };
    const pumps = Array.from({ length: 6 }, (_, i) => new Pump(`p${i}`, '$all', 1, new EventSink(10_000), source, 100, () => {}));
    for (const p of pumps) p.wake();
    // Pages read during one turn of the loop, once every pump is waiting for its next turn.
    const turn = () => new Promise<number>((resolve) => setImmediate(() => resolve(pages)));
    await turn();
    await turn();
    const before = await turn();
    const after = await turn();
    expect(after - before).toBeLessThanOrEqual(1);
    for (const p of pumps) p.end();
  });
});
