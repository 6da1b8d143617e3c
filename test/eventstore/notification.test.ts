import { describe, expect, it } from 'vitest';
import { EventSink, type StoredEvent } from '../../src/index.js';
import { nextEvent, storeSystems } from '../support/eventstore.js';

const start = storeSystems({ gateway: false });
const ev = (i: number) => ({ type: 'n', data: { i } });

/** Reads `count` events from a sink (leaving it open), yielding to the event loop after each one when `slow`. */
async function take(sink: EventSink, count: number, slow = false): Promise<StoredEvent[]> {
  const it = sink[Symbol.asyncIterator]();
  const out: StoredEvent[] = [];
  while (out.length < count) {
    const next = await it.next();
    if (next.done) break;
    out.push(next.value);
    if (slow) await new Promise<void>((r) => setImmediate(r));
  }
  return out;
}

describe('notification: subscriptions', () => {
  it('a subscriber slower than the writers, with a tiny buffer, gets every event exactly once and in order', async () => {
    const { store, system } = await start({ backend: 'sqlite', notification: { pageSize: 7 } });
    const sink = await store.subscribe({ capacity: 4 });
    const received = take(sink, 300, true);
    const writers = Array.from({ length: 3 }, async (_, w) => {
      for (let i = 0; i < 100; i++) await store.append(`w-${w}`, [ev(i)]);
    });
    await Promise.all(writers);
    const events = await received;
    expect(events.map((e) => e.position)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    for (let w = 0; w < 3; w++) expect(events.filter((e) => e.stream === `w-${w}`).map((e) => (e.data as { i: number }).i)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const info = system.status().children!.find((c) => c.id === 'notification')!.info!;
    expect(info).toMatchObject({ subscriptions: 1, live: 1, maxLag: 0 });
    sink.close();
  });

  it('a subscriber that joins late catches up from the store, then goes live without a gap or a duplicate', async () => {
    const { store } = await start();
    for (let i = 0; i < 50; i++) await store.append('s', [ev(i)]);
    const sink = await store.subscribe({ stream: 's', from: 10 });
    const catchUp = await take(sink, 40);
    expect(catchUp.map((e) => e.version)).toEqual(Array.from({ length: 40 }, (_, i) => i + 10));
    const live = take(sink, 5);
    await store.append('other', [ev(0)]); // another stream: not delivered
    for (let i = 50; i < 55; i++) await store.append('s', [ev(i)]);
    expect((await live).map((e) => e.version)).toEqual([50, 51, 52, 53, 54]);
    sink.close();
  });

  it('resumes after a global position (Last-Event-ID), for $all and for one stream', async () => {
    const { store } = await start();
    await store.append('a', [ev(0), ev(1)]); // positions 1, 2
    await store.append('b', [ev(0)]); // 3
    await store.append('a', [ev(2)]); // 4
    const all = await store.subscribe({ afterPosition: 2 });
    expect((await take(all, 2)).map((e) => e.position)).toEqual([3, 4]);
    all.close();
    const a = await store.subscribe({ stream: 'a', afterPosition: 2 });
    expect((await take(a, 1)).map((e) => [e.version, e.position])).toEqual([[2, 4]]);
    a.close();
  });

  it('rejects bad subscriptions with a typed error', async () => {
    const { store } = await start();
    await expect(store.subscribe({ stream: '$mine' })).rejects.toMatchObject({ problem: 'reserved_stream_name' });
    await expect(store.subscribe({ from: -3 })).rejects.toThrow(/from: expected a non-negative integer/);
    await expect(store.subscribe({ capacity: 0 })).rejects.toThrow(/capacity/);
  });

  it('reports open subscriptions and lag in status; closing the sink removes them', async () => {
    const { store, system } = await start();
    for (let i = 0; i < 10; i++) await store.append('s', [ev(i)]);
    const sink = await store.subscribe({ capacity: 3 });
    await take(sink, 1);
    const info = () => system.status().children!.find((c) => c.id === 'notification')!.info!;
    expect(info()).toMatchObject({ subscriptions: 1, head: 10 });
    expect(info().maxLag as number).toBeGreaterThan(0); // paused on its full buffer, the rest still in the store
    sink.close();
    expect(info()).toMatchObject({ subscriptions: 0 });
  });

  it('when the notification actor restarts, its subscribers end with StoreUnavailableError and can resume', async () => {
    const { store, system } = await start();
    await store.append('s', [ev(0)]);
    const sink = await store.subscribe();
    const [first] = await take(sink, 1);
    const restarted = nextEvent(system, 'subsystem_ready', (e) => (e.data as { system: string }).system === 'root/notification');
    system.kill('root/notification');
    await expect(take(sink, 1)).rejects.toMatchObject({ code: 'OVERSEER_ERR_STORE_UNAVAILABLE' });
    await restarted;
    await store.append('s', [ev(1)]);
    const resumed = await store.subscribe({ afterPosition: first!.position });
    expect((await take(resumed, 1)).map((e) => e.position)).toEqual([2]);
    resumed.close();
  });
});

describe('notification: the message protocol', () => {
  it('subscribe answers with an id; unsubscribe by that id ends the sink; an unknown id removes nothing', async () => {
    const { system, store } = await start();
    await store.append('s', [ev(0)]);
    const sink = new EventSink(10);
    const subscribed = (await system.ask('root/notification', { type: 'subscribe', sink, stream: 's' }, { timeoutMs: 1000 })) as { type: string; value: { id: string } };
    expect(subscribed.type).toBe('ok');
    expect((await take(sink, 1)).map((e) => e.version)).toEqual([0]);
    const it = sink[Symbol.asyncIterator]();
    const ended = it.next();
    await expect(system.ask('root/notification', { type: 'unsubscribe', id: subscribed.value.id }, { timeoutMs: 1000 })).resolves.toEqual({ type: 'ok', value: { removed: true } });
    expect(await ended).toEqual({ value: undefined, done: true });
    await expect(system.ask('root/notification', { type: 'unsubscribe', id: 'nope' }, { timeoutMs: 1000 })).resolves.toEqual({ type: 'ok', value: { removed: false } });
    expect(system.status().children!.find((c) => c.id === 'notification')!.info).toMatchObject({ subscriptions: 0 });
  });
});

describe('EventSink', () => {
  it('never takes more than its capacity and asks for more once half is free', async () => {
    const sink = new EventSink(4);
    let demands = 0;
    sink.onDemand = () => demands++;
    const e = (p: number) => ({ position: p }) as StoredEvent;
    sink.push([e(1), e(2), e(3), e(4)]);
    expect(sink.free).toBe(0);
    expect(() => sink.push([e(5)])).toThrow(/overflow/);
    const it = sink[Symbol.asyncIterator]();
    await it.next();
    expect(demands).toBe(0);
    await it.next();
    expect(demands).toBe(1);
    sink.end();
    expect((await it.next()).value).toEqual(e(3));
  });

  it('close() tells the producer once and ends iteration', async () => {
    const sink = new EventSink(2);
    let closed = 0;
    sink.onClose = () => closed++;
    const pending = sink[Symbol.asyncIterator]().next();
    sink.close();
    sink.close();
    expect(closed).toBe(1);
    expect(await pending).toEqual({ value: undefined, done: true });
  });
});
