import { describe, expect, it } from 'vitest';
import { collect, testBus, tick } from './support.js';

describe('publish and subscribe', () => {
  it('delivers events in order with the envelope filled in', async () => {
    const { bus } = testBus();
    const sub = bus.subscribe('reader');
    bus.start();
    expect(bus.publish({ type: 'order_placed', data: { id: 1 }, source: 'root/shop' })).toBe(1);
    bus.publishRuntime({ type: 'system_ready', data: { readySystems: [], node: 'n1' } });
    const it = sub[Symbol.asyncIterator]();
    const first = (await it.next()).value!;
    expect(first).toMatchObject({ type: 'order_placed', category: 'app', system: 'sys', node: 'n1', source: 'root/shop', data: { id: 1 } });
    expect(first.id).toMatch(/^[A-Za-z0-9_-]{21}$/);
    expect(new Date(first.time).toISOString()).toBe(first.time);
    expect((await it.next()).value).toMatchObject({ type: 'system_ready', category: 'system', source: 'root' });
    expect(JSON.parse(JSON.stringify(first))).toEqual({ id: first.id, type: 'order_placed', category: 'app', system: 'sys', node: 'n1', source: 'root/shop', time: first.time, data: { id: 1 } });
  });

  it('delivers to many subscribers and returns how many took the event', async () => {
    const { bus } = testBus();
    const subs = Array.from({ length: 5 }, (_, i) => collect(bus, `s${i}`));
    bus.start();
    expect(bus.publish({ type: 'x' })).toBe(5);
    await tick();
    expect(subs.map((s) => s.got.length)).toEqual([1, 1, 1, 1, 1]);
  });

  it('never runs subscriber code inside publish', () => {
    const { bus } = testBus();
    const { got } = collect(bus, 'h');
    bus.start();
    bus.publish({ type: 'x' });
    expect(got).toEqual([]);
  });

  it('a slow subscriber with buffer 2 receives 2 of 3 and the third is counted as dropped', async () => {
    const { bus } = testBus();
    const sub = bus.subscribe('slow', { buffer: 2 });
    bus.start();
    expect([1, 2, 3].map((n) => bus.publish({ type: 'n', data: n }))).toEqual([1, 1, 0]);
    expect(sub.dropped).toBe(1);
    expect(sub.delivered).toBe(2);
    const it = sub[Symbol.asyncIterator]();
    expect([(await it.next()).value!.data, (await it.next()).value!.data]).toEqual([1, 2]);
    expect(bus.stats()).toEqual([{ name: 'slow', mode: 'lossy', buffered: 0, capacity: 2, delivered: 2, dropped: 1 }]);
  });

  it('handler subscribers of different capacities: each keeps exactly its own capacity per burst, and counts read mid-burst are exact', async () => {
    const { bus } = testBus();
    const small: number[] = [];
    const large: number[] = [];
    const evens: number[] = [];
    bus.subscribe('small', { buffer: 3, handler: (e) => void small.push(e.data as number) });
    bus.subscribe('large', { buffer: 100, handler: (e) => void large.push(e.data as number) });
    bus.subscribe('evens', { buffer: 2, types: ['n'], where: (e) => (e.data as number) % 2 === 0, handler: (e) => void evens.push(e.data as number) });
    bus.start();
    const took = Array.from({ length: 10 }, (_, i) => bus.publish({ type: i < 5 ? 'n' : 'm', data: i }));
    expect(took).toEqual([3, 2, 3, 1, 1, 1, 1, 1, 1, 1]);
    expect(bus.stats().map(({ name, buffered, delivered, dropped }) => ({ name, buffered, delivered, dropped }))).toEqual([
      { name: 'small', buffered: 3, delivered: 3, dropped: 7 },
      { name: 'large', buffered: 10, delivered: 10, dropped: 0 },
      { name: 'evens', buffered: 2, delivered: 2, dropped: 1 },
    ]);
    await tick();
    expect(small).toEqual([0, 1, 2]);
    expect(large).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(evens).toEqual([0, 2]);
    // The next burst starts with empty buffers again.
    bus.publish({ type: 'm', data: 10 });
    await tick();
    expect(small).toEqual([0, 1, 2, 10]);
    expect(bus.stats().map((s) => [s.buffered, s.delivered])).toEqual([[0, 4], [0, 11], [0, 2]]);
  });

  it('a burst longer than the smallest buffer: the small subscriber keeps its first events, the others get all', async () => {
    const { bus } = testBus();
    const small: number[] = [];
    const large: number[] = [];
    bus.subscribe('small', { buffer: 3, handler: (e) => void small.push(e.data as number) });
    bus.subscribe('large', { buffer: 100, handler: (e) => void large.push(e.data as number) });
    bus.start();
    const took = Array.from({ length: 6 }, (_, i) => bus.publish({ type: 'm', data: i }));
    expect(took).toEqual([2, 2, 2, 1, 1, 1]);
    expect(bus.stats().map((s) => [s.name, s.buffered, s.dropped])).toEqual([['small', 3, 3], ['large', 6, 0]]);
    await tick();
    expect(small).toEqual([0, 1, 2]);
    expect(large).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('a throwing subscriber does not stop the others (nor the publisher)', async () => {
    const { bus, warnings } = testBus();
    bus.subscribe('bad', { handler: () => { throw new Error('subscriber bug'); } });
    const good = collect(bus, 'good');
    bus.start();
    expect(() => bus.publish({ type: 'x' })).not.toThrow();
    bus.publish({ type: 'y' });
    await tick();
    expect(good.got.map((e) => e.type)).toEqual(['x', 'y']);
    expect(warnings.filter((w) => w.msg === 'bus subscriber handler threw')).toHaveLength(2);
  });

  it('concurrent publishers interleave without loss', async () => {
    const { bus } = testBus();
    const { got } = collect(bus, 'all', { buffer: 1000 });
    bus.start();
    await Promise.all(
      ['a', 'b', 'c'].map(async (p) => {
        for (let i = 0; i < 100; i++) {
          bus.publish({ type: p, data: i });
          if (i % 10 === 0) await Promise.resolve();
        }
      }),
    );
    await tick();
    for (const p of ['a', 'b', 'c']) expect(got.filter((e) => e.type === p).map((e) => e.data)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('type filters deliver only the named types', async () => {
    const { bus } = testBus();
    const only = collect(bus, 'only', { types: ['b'] });
    bus.start();
    for (const t of ['a', 'b', 'c', 'b']) bus.publish({ type: t });
    await tick();
    expect(only.got.map((e) => e.type)).toEqual(['b', 'b']);
  });

  it('unsubscribe is idempotent and ends a pending for-await; an AbortSignal ends it too', async () => {
    const { bus } = testBus();
    const sub = bus.subscribe('r');
    bus.start();
    const seen: string[] = [];
    const loop = (async () => {
      for await (const e of sub) seen.push(e.type);
    })();
    bus.publish({ type: 'one' });
    await tick();
    sub.unsubscribe();
    sub.unsubscribe();
    await loop;
    expect(seen).toEqual(['one']);
    expect(bus.publish({ type: 'two' })).toBe(0);

    const controller = new AbortController();
    const aborted = bus.subscribe('a', { signal: controller.signal, lateJoin: true });
    const loop2 = (async () => {
      const got: string[] = [];
      for await (const e of aborted) got.push(e.type);
      return got;
    })();
    bus.publish({ type: 'three' });
    await tick();
    controller.abort();
    expect(await loop2).toEqual(['three']);
    expect(bus.stats()).toEqual([]);
  });

  it('warns when subscribing after start unless the subscription joins late on purpose', () => {
    const { bus, warnings } = testBus();
    bus.start();
    bus.subscribe('late');
    bus.subscribe('late-on-purpose', { lateJoin: true });
    expect(warnings.map((w) => w.subscriber)).toEqual(['late']);
  });
});
