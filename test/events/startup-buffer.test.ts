import { describe, expect, it } from 'vitest';
import { collect, testBus, tick } from './support.js';

describe('start-up buffering', () => {
  it('buffers before start(), returns 0, then replays in order to every subscriber present', async () => {
    const { bus } = testBus();
    const a = collect(bus, 'a');
    const b = collect(bus, 'b');
    expect([1, 2, 3].map((n) => bus.publish({ type: 'n', data: n }))).toEqual([0, 0, 0]);
    await tick();
    expect(a.got).toEqual([]);
    bus.start();
    await tick();
    expect(a.got.map((e) => e.data)).toEqual([1, 2, 3]);
    expect(b.got.map((e) => e.data)).toEqual([1, 2, 3]);
    expect(bus.publish({ type: 'n', data: 4 })).toBe(2);
  });

  it('start() is idempotent and replays nothing twice', async () => {
    const { bus } = testBus();
    const a = collect(bus, 'a');
    bus.publish({ type: 'x' });
    bus.start();
    bus.start();
    await tick();
    expect(a.got).toHaveLength(1);
  });

  it('an empty buffer replays nothing', async () => {
    const { bus } = testBus();
    const a = collect(bus, 'a');
    bus.start();
    await tick();
    expect(a.got).toEqual([]);
  });

  it('type filters apply on replay', async () => {
    const { bus } = testBus();
    const only = collect(bus, 'only', { types: ['b'] });
    for (const t of ['a', 'b', 'c']) bus.publish({ type: t });
    bus.start();
    await tick();
    expect(only.got.map((e) => e.type)).toEqual(['b']);
  });

  it('caps the buffer at 1000 and warns once about the rest', async () => {
    const { bus, warnings } = testBus();
    const a = collect(bus, 'a', { buffer: 2000 });
    for (let i = 0; i < 1005; i++) bus.publish({ type: 'n', data: i });
    expect(warnings.filter((w) => String(w.msg).includes('start-up buffer full'))).toHaveLength(1);
    bus.start();
    await tick();
    expect(a.got).toHaveLength(1000);
    expect(a.got.at(-1)!.data).toBe(999);
  });

  it('pause() returns to buffering until the next start()', async () => {
    const { bus } = testBus();
    const a = collect(bus, 'a');
    bus.start();
    bus.pause();
    expect(bus.publish({ type: 'held' })).toBe(0);
    await tick();
    expect(a.got).toEqual([]);
    bus.start();
    await tick();
    expect(a.got.map((e) => e.type)).toEqual(['held']);
  });
});
