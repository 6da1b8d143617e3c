import { expect, it } from 'vitest';
import type { StoredEvent } from '../../../src/eventstore/model.js';
import type { EventSink } from '../../../src/eventstore/notification/sink.js';
import { describePg, rawClient } from './pg-env.js';
import { pgNodes } from './pg-systems.js';

/** The next `n` events of a subscription, or a timeout naming how many came. */
async function take(sink: EventSink, n: number, ms = 10_000): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  const it = sink[Symbol.asyncIterator]();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`only ${out.length} of ${n} events within ${ms} ms`)), ms)));
  try {
    while (out.length < n) out.push((await Promise.race([it.next(), timeout])).value as StoredEvent);
    return out;
  } finally {
    clearTimeout(timer);
  }
}

describePg('notification on PostgreSQL: appends on one node wake subscriptions on another', () => {
  const { start } = pgNodes();

  it('LISTEN alone (no polling): a $all and a stream subscription on B see what A appends, in order, at once', async () => {
    const a = await start({ node: 'a', cluster: false, notification: { pollMs: 0 } });
    const b = await start({ node: 'b', cluster: false, notification: { pollMs: 0 } });
    const all = await b.store.subscribe({ from: 1 });
    const one = await b.store.subscribe({ stream: 'orders' });
    const started = performance.now();
    await a.store.append('orders', [{ type: 'placed', data: 1 }]);
    await a.store.append('other', [{ type: 'x', data: 2 }]);
    await a.store.append('orders', [{ type: 'paid', data: 3 }]);
    expect((await take(all, 3)).map((e) => [e.stream, e.position])).toEqual([
      ['orders', 1],
      ['other', 2],
      ['orders', 3],
    ]);
    expect((await take(one, 2)).map((e) => e.type)).toEqual(['placed', 'paid']);
    expect(performance.now() - started).toBeLessThan(5000); // a poll never ran: pollMs 0
  });

  it('polling alone (B does not LISTEN) delivers what A appends', async () => {
    const a = await start({ node: 'a', cluster: false, notification: { pollMs: 0 } });
    const b = await start({ node: 'b', cluster: false, notification: { backend: 'local', pollMs: 50 } });
    const all = await b.store.subscribe({ from: 1 });
    await a.store.append('s', [{ type: 'one', data: 1 }]);
    await a.store.append('t', [{ type: 'two', data: 2 }]);
    expect((await take(all, 2)).map((e) => e.type)).toEqual(['one', 'two']);
  });

  it('a cut LISTEN connection comes back by itself; what was appended meanwhile is delivered then (no polling)', async () => {
    const a = await start({ node: 'a', cluster: false, notification: { pollMs: 0 } });
    const b = await start({ node: 'b', cluster: false, notification: { pollMs: 0 } });
    const all = await b.store.subscribe({ from: 1 });
    await a.store.append('s', [{ type: 'first', data: 1 }]);
    await take(all, 1);
    const admin = await rawClient();
    try {
      // Every LISTEN session of node b (application_name says whose it is).
      const cut = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'overseer b notification'`);
      expect(cut.rowCount).toBe(1);
    } finally {
      await admin.end();
    }
    await a.store.append('s', [{ type: 'while-cut', data: 2 }]);
    expect((await take(all, 1))[0]!.type).toBe('while-cut');
    await a.store.append('s', [{ type: 'after', data: 3 }]);
    expect((await take(all, 1))[0]!.type).toBe('after');
  });

  it("a node's own appends reach its subscriptions once each, in order (its own notices are skipped)", async () => {
    const a = await start({ node: 'a', cluster: false, notification: { pollMs: 0 } });
    const all = await a.store.subscribe({ from: 1 });
    for (let i = 0; i < 5; i++) await a.store.append('mine', [{ type: 'e', data: i }]);
    expect((await take(all, 5)).map((e) => e.position)).toEqual([1, 2, 3, 4, 5]);
  });
});
