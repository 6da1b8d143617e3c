/**
 * Bus benchmarks: publish to one subscriber, fan-out to ten, scatter-gather with three
 * responders. Ours is `system.events` (publish, subscribe, request) of a system started with
 * startSystem(), so the control plane and the event logger take every event too, as in any
 * real system; subscribers keep the default buffer (100). A row with the bare EventBus
 * (internal, no system) shows the bus's own share. Baseline: Node's EventEmitter (synchronous,
 * unbounded, not isolated), and a raw promise resolved by three listeners for scatter-gather.
 * Delivery work is counted: each run ends only when every handler has seen every event.
 */
import { EventEmitter } from 'node:events';
import { EventBus } from '../../dist/events/index.js';
import type { Subscription, System } from '../../dist/index.js';
import { perOp, type Case, type Scenario } from './harness.js';
import { erlang } from './erlang.js';
import { benchSystem } from './fixtures.js';
import { nactFanOut } from './nact.js';

const within = (x: number) => (r: number) => r <= x;
const atMost = (ns: number) => (_r: number, ours: number) => ours <= ns;
/** Publishers yield every 64 events, as real ones do between I/O turns. */
const BATCH = 63;

type Publisher = { publish(e: { type: string; data: unknown }): number; subscribe(name: string, o: { handler: () => void; lateJoin?: boolean }): Subscription };

/** Publishes `count` events to `subscribers` handlers (default buffer) and waits until all saw all. */
async function publishAll(bus: Publisher, subscribers: number, count: number) {
  let seen = 0;
  const subs = Array.from({ length: subscribers }, (_, s) => bus.subscribe(`s${s}`, { lateJoin: true, handler: () => void seen++ }));
  const data = { x: 1 };
  const lost = () => subs.reduce((n, sub) => n + sub.dropped, 0);
  const measured = await perOp(count, async () => {
    for (let i = 0; i < count; i++) {
      bus.publish({ type: 'tick', data });
      if ((i & BATCH) === BATCH) await Promise.resolve(); // publishers yield; let the drains run
    }
    while (seen < count * subscribers && lost() === 0) await Promise.resolve();
  });
  // A full default buffer drops: that would be a different (cheaper) workload, not a figure.
  if (lost() > 0) throw new Error(`${lost()} events dropped with the default buffer`);
  for (const sub of subs) sub.unsubscribe();
  return measured;
}

function fanOut(subscribers: number, n: number): Scenario {
  const ours: Case = {
    label: 'overseer system.events (startSystem, control plane subscribed)',
    n,
    async run(count) {
      const system: System = await benchSystem([]);
      const measured = await publishAll(system.events, subscribers, count);
      await system.stop();
      return measured;
    },
  };
  return {
    name: `bus publish → ${subscribers} subscriber${subscribers > 1 ? 's' : ''} (per event)`,
    ours,
    baselines: [
      {
        label: 'overseer EventBus alone (internal class, no system)',
        n,
        async run(count) {
          const bus = new EventBus({ system: 'b', node: 'b' });
          bus.start();
          return publishAll(bus, subscribers, count);
        },
      },
      {
        label: 'EventEmitter',
        n,
        async run(count) {
          const ee = new EventEmitter();
          ee.setMaxListeners(0);
          let seen = 0;
          for (let s = 0; s < subscribers; s++) ee.on('tick', () => void seen++);
          const data = { x: 1 };
          return perOp(count, () => {
            for (let i = 0; i < count; i++) ee.emit('tick', { type: 'tick', data });
            if (seen !== count * subscribers) throw new Error('lost events');
          });
        },
      },
      ...(subscribers > 1
        ? [
            { label: 'nact 7 subscriber actors', n: Math.min(n, 50_000), run: (count: number) => nactFanOut(subscribers, count) },
            { label: 'Erlang/OTP +S 1, send to each pid', n, run: (count: number) => erlang('pubsub_list', count, [String(subscribers)]) },
          ]
        : []),
    ],
    targets:
      subscribers === 1
        ? [{ baseline: 'EventEmitter', text: 'issue 3: ≤ 100 ns per event', ok: atMost(100) }]
        : [{ baseline: 'EventEmitter', text: 'issue 6: ≤ 1.0× EventEmitter', ok: within(1.0) }],
  };
}

const gatherN = 20_000;
const scatter: Scenario = {
  name: 'bus scatter-gather, 3 responders (per request)',
  ours: {
    // SystemEvents has no respond(): a responder publishes `<type>.response` with the request id.
    label: 'overseer system.events.request (startSystem; responders publish q.response)',
    n: gatherN,
    async run(count) {
      const system = await benchSystem([]);
      const events = system.events;
      for (const r of ['a', 'b', 'c']) {
        events.subscribe(r, {
          types: ['q'],
          lateJoin: true,
          handler: (e) => void events.publish({ type: 'q.response', source: r, data: { requestId: (e.data as { requestId: string }).requestId, responder: r, data: 1 } }),
        });
      }
      const measured = await perOp(count, async () => {
        for (let i = 0; i < count; i++) await events.request({ type: 'q' }, { expectedResponders: ['a', 'b', 'c'] });
      });
      await system.stop();
      return measured;
    },
  },
  baselines: [
    {
      label: 'overseer EventBus.request alone (internal class, bus.respond, no system)',
      n: gatherN,
      async run(count) {
        const bus = new EventBus({ system: 'b', node: 'b', ringSize: 0 });
        for (const r of ['a', 'b', 'c']) bus.subscribe(r, { types: ['q'], handler: (e) => void bus.respond(e, r, 1) });
        bus.start();
        return perOp(count, async () => {
          for (let i = 0; i < count; i++) await bus.request({ type: 'q' }, { expectedResponders: ['a', 'b', 'c'] });
        });
      },
    },
    {
      label: 'EventEmitter + promise',
      n: gatherN,
      async run(count) {
        const ee = new EventEmitter();
        for (const r of ['a', 'b', 'c']) ee.on('q', (reply: (who: string) => void) => reply(r));
        return perOp(count, async () => {
          for (let i = 0; i < count; i++) {
            await new Promise<void>((resolve) => {
              const got = new Set<string>();
              ee.emit('q', (who: string) => {
                got.add(who);
                if (got.size === 3) resolve();
              });
            });
          }
        });
      },
    },
  ],
  targets: [{ baseline: 'EventEmitter + promise', text: 'issue 3: ≤ 5 µs per request', ok: atMost(5000) }],
};

export const scenarios: Scenario[] = [fanOut(1, 1_000_000), fanOut(10, 200_000), scatter];
