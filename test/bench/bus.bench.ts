/**
 * Bus benchmarks: publish to one subscriber, fan-out to ten, scatter-gather with three
 * responders. Baseline: Node's EventEmitter (synchronous, unbounded, not isolated), and a
 * raw promise resolved by three listeners for scatter-gather. Delivery work is counted: each
 * run ends only when every handler has seen every event.
 */
import { EventEmitter } from 'node:events';
import { EventBus } from '../../dist/events/index.js';
import { perOp, type Scenario } from './harness.js';
import { erlang } from './erlang.js';
import { nactFanOut } from './nact.js';

const within = (x: number) => (r: number) => r <= x;
const atMost = (ns: number) => (_r: number, ours: number) => ours <= ns;
/** Publishers yield every 64 events, as real ones do between I/O turns. */
const BATCH = 63;

function fanOut(subscribers: number, n: number): Scenario {
  return {
    name: `bus publish → ${subscribers} subscriber${subscribers > 1 ? 's' : ''} (per event)`,
    ours: {
      label: 'overseer EventBus',
      n,
      async run(count) {
        const bus = new EventBus({ system: 'b', node: 'b' });
        let seen = 0;
        for (let s = 0; s < subscribers; s++) bus.subscribe(`s${s}`, { buffer: count, handler: () => void seen++ });
        bus.start();
        const data = { x: 1 };
        return perOp(count, async () => {
          for (let i = 0; i < count; i++) {
            bus.publish({ type: 'tick', data });
            if ((i & BATCH) === BATCH) await Promise.resolve(); // publishers yield; let the drains run
          }
          while (seen < count * subscribers) await Promise.resolve();
        });
      },
    },
    baselines: [
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
    label: 'overseer bus.request',
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
  baselines: [
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
