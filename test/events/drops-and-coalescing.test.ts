import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { collect, testBus, tick } from './support.js';

beforeEach(() => void vi.useFakeTimers());
afterEach(() => void vi.useRealTimers());

describe('critical vs lossy subscribers', () => {
  it('both count drops; only critical ones call onDrop and publish a rate-limited messages_dropped', async () => {
    const { bus } = testBus({ dropEventIntervalMs: 1000 });
    const onDrop = vi.fn();
    const critical = bus.subscribe('critical', { buffer: 1, mode: 'critical', onDrop });
    const lossy = bus.subscribe('lossy', { buffer: 1, mode: 'lossy', onDrop });
    const watcher = collect(bus, 'watcher', { types: ['messages_dropped'] });
    bus.start();
    for (let i = 0; i < 4; i++) bus.publish({ type: 'tick' });
    expect([critical.dropped, lossy.dropped]).toEqual([3, 3]);
    expect(onDrop).toHaveBeenCalledTimes(3);
    expect(onDrop).toHaveBeenCalledWith({ eventType: 'tick', subscriber: 'critical', bufferSize: 1 });
    await vi.advanceTimersByTimeAsync(999);
    expect(watcher.got).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await tick();
    expect(watcher.got).toEqual([{ type: 'messages_dropped', data: { path: 'bus/critical', count: 3, policy: 'drop_newest' } }]);
  });
});

describe('coalescible events', () => {
  it('keep only the newest pending copy of their type instead of dropping', async () => {
    const { bus } = testBus();
    const sub = bus.subscribe('gauge', { buffer: 2 });
    bus.start();
    bus.publish({ type: 'other', data: 0 });
    for (let i = 1; i <= 5; i++) bus.publish({ type: 'load', data: i, coalesce: true });
    expect(sub.dropped).toBe(0);
    const it = sub[Symbol.asyncIterator]();
    expect((await it.next()).value!.data).toBe(0);
    expect((await it.next()).value).toMatchObject({ type: 'load', data: 5 });
    bus.publish({ type: 'load', data: 6, coalesce: true });
    expect((await it.next()).value).toMatchObject({ type: 'load', data: 6 });
  });
});

describe('recent events', () => {
  it('keeps the last N and answers queries by type, time window, predicate and limit', async () => {
    const { bus } = testBus({ ringSize: 5 });
    bus.start();
    for (let i = 0; i < 8; i++) {
      bus.publish({ type: i % 2 ? 'odd' : 'even', data: i });
      await vi.advanceTimersByTimeAsync(10); // time passes between turns
    }
    expect(bus.recent().map((e) => e.data)).toEqual([3, 4, 5, 6, 7]);
    expect(bus.recent({ types: ['odd'] }).map((e) => e.data)).toEqual([3, 5, 7]);
    const t5 = Date.now() - 30;
    expect(bus.recent({ since: t5 }).map((e) => e.data)).toEqual([5, 6, 7]);
    expect(bus.recent({ until: t5 }).map((e) => e.data)).toEqual([3, 4, 5]);
    expect(bus.recent({ where: (e) => (e.data as number) > 5 }).map((e) => e.data)).toEqual([6, 7]);
    expect(bus.recent({ limit: 2 }).map((e) => e.data)).toEqual([6, 7]);
  });
});

describe('event time', () => {
  it('is read once per synchronous burst and fresh on the next turn', async () => {
    const { bus } = testBus();
    bus.start();
    bus.publish({ type: 'a' });
    vi.advanceTimersByTime(5); // same synchronous run: the burst keeps its stamp
    bus.publish({ type: 'b' });
    await vi.advanceTimersByTimeAsync(5);
    bus.publish({ type: 'c' });
    const [a, b, c] = bus.recent();
    expect(b!.time).toBe(a!.time);
    expect(Date.parse(c!.time) - Date.parse(a!.time)).toBe(10);
  });
});
