import { describe, expect, it } from 'vitest';
import { collect, testBus, tick } from './support.js';

describe('handler subscribers', () => {
  it('are bounded too: buffer 2 takes 2 of a burst of 3 and counts the third as dropped', async () => {
    const { bus } = testBus();
    const h = collect(bus, 'h', { buffer: 2 });
    bus.start();
    expect([1, 2, 3].map((n) => bus.publish({ type: 'n', data: n }))).toEqual([1, 1, 0]);
    await tick();
    expect(h.got.map((e) => e.data)).toEqual([1, 2]);
    expect(h.sub.dropped).toBe(1);
    // the bound is per burst: after the drain there is room again
    bus.publish({ type: 'n', data: 4 });
    await tick();
    expect(h.got.map((e) => e.data)).toEqual([1, 2, 4]);
  });

  it('keep publish order when a coalescible event arrives mid-burst', async () => {
    const { bus } = testBus();
    const h = collect(bus, 'h', { buffer: 10 });
    bus.start();
    bus.publish({ type: 'a', data: 1 });
    bus.publish({ type: 'gauge', data: 2, coalesce: true });
    bus.publish({ type: 'a', data: 3 });
    bus.publish({ type: 'gauge', data: 4, coalesce: true });
    bus.publish({ type: 'a', data: 5 });
    await tick();
    expect(h.got.map((e) => e.data)).toEqual([1, 3, 4, 5]);
  });

  it('mixed with iterator subscribers, each gets every event once', async () => {
    const { bus } = testBus();
    const h = collect(bus, 'h');
    const it = bus.subscribe('it')[Symbol.asyncIterator]();
    bus.start();
    for (let n = 0; n < 5; n++) expect(bus.publish({ type: 'n', data: n })).toBe(2);
    await tick();
    expect(h.got.map((e) => e.data)).toEqual([0, 1, 2, 3, 4]);
    const seen = [];
    for (let n = 0; n < 5; n++) seen.push((await it.next()).value!.data);
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });

  it('an unsubscribed handler receives nothing more, even from its pending burst', async () => {
    const { bus } = testBus();
    const h = collect(bus, 'h');
    bus.start();
    bus.publish({ type: 'n' });
    h.sub.unsubscribe();
    await tick();
    expect(h.got).toEqual([]);
  });
});
