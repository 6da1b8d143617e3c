/**
 * Pipeline links (DESIGN §10): what a producer outputs arrives at every worker whose `inputs`
 * name it, exactly once and in order, with consumers slower than the producer: output returns
 * false on a full consumer, nothing is dropped, and `overseer.drain` resumes the producer.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startSystem } from '../../src/index.js';
import type { System } from '../../src/system/system.js';
import { ManualClock } from '../support/manual-clock.js';
import { pipelineBehaviours } from '../support/pipeline-behaviours.js';

const running: System[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

async function start(children: unknown[], clock?: ManualClock): Promise<System> {
  const spec = { apiVersion: 'overseer/v1', kind: 'System', metadata: { name: 'pipes' }, spec: { node: 'n1', children } };
  const system = await startSystem({ spec, behaviours: pipelineBehaviours, admin: false, env: {}, ...(clock ? { clock } : {}) });
  running.push(system);
  return system;
}

/** Resolves once `path` has completed (status polled between event-loop turns). */
async function completed(system: System, path: string): Promise<void> {
  for (let i = 0; i < 100_000 && system.statusAt(path)?.status !== 'completed'; i++) await new Promise((r) => setImmediate(r));
  expect(system.statusAt(path)?.status).toBe('completed');
}

const pipeline = (count: number, capacity: number, sinkParams: Record<string, unknown> = {}) => [
  {
    id: 'line',
    strategy: 'one_for_one',
    children: [
      { id: 'sink', behaviour: 'collector', params: sinkParams, restart: 'transient', inputs: ['relay'], mailbox: { capacity, overflow: 'drop_newest' } },
      { id: 'relay', behaviour: 'relay', restart: 'transient', inputs: ['numbers'], mailbox: { capacity, overflow: 'drop_newest' } },
      { id: 'numbers', behaviour: 'producer', params: { count }, restart: 'transient' },
    ],
  },
];

describe('a pipeline link', () => {
  it('delivers 10k messages numbers → relay → sink exactly once, in order, through mailboxes of 8 (no drops, even with drop_newest)', async () => {
    const system = await start(pipeline(10_000, 8));
    await completed(system, 'root/line/sink');
    const sink = system.statusAt('root/line/sink')!;
    expect(sink.info).toMatchObject({ received: 10_000, outOfOrder: 0 });
    expect(sink.mailbox!.dropped).toBe(0);
    expect(system.statusAt('root/line/relay')!.mailbox!.dropped).toBe(0);
    expect(system.statusAt('root/line/numbers')!.status).toBe('completed');
    expect(system.events.recent({ types: ['messages_dropped'] })).toEqual([]);
  });

  it('holds the producer back while a slow consumer serves each item (busy tag), and loses nothing', async () => {
    const clock = new ManualClock();
    const system = await start(pipeline(200, 4, { serviceMs: 10 }), clock);
    // The sink serves one item per 10 ms: after 100 ms about ten are through, the rest wait upstream.
    await clock.advance(100);
    const early = system.statusAt('root/line/sink')!.info as { received: number };
    expect(early.received).toBeLessThanOrEqual(11);
    expect(system.statusAt('root/line/numbers')!.status).not.toBe('completed');
    expect((system.statusAt('root/line/numbers')!.info as { sent: number }).sent).toBeLessThan(200);
    await clock.advance(200 * 10);
    await completed(system, 'root/line/sink');
    expect(system.statusAt('root/line/sink')!.info).toMatchObject({ received: 200, outOfOrder: 0 });
    expect(system.statusAt('root/line/sink')!.mailbox!.dropped).toBe(0);
  });

  it('waits for a consumer that is not running yet: the producer started first gets overseer.drain when it starts', async () => {
    // numbers is declared (and so started) before its consumer: its first output is refused, not lost.
    const system = await start([
      {
        id: 'line',
        children: [
          { id: 'numbers', behaviour: 'producer', params: { count: 50 }, restart: 'transient' },
          { id: 'sink', behaviour: 'collector', restart: 'transient', inputs: ['numbers'] },
        ],
      },
    ]);
    await completed(system, 'root/line/sink');
    expect(system.statusAt('root/line/sink')!.info).toMatchObject({ received: 50, outOfOrder: 0 });
  });

  it('fans out to every consumer, all or none: both receive everything in order', async () => {
    const system = await start([
      {
        id: 'line',
        children: [
          { id: 'a', behaviour: 'collector', restart: 'transient', inputs: ['numbers'], mailbox: { capacity: 3 } },
          { id: 'b', behaviour: 'collector', restart: 'transient', inputs: ['root/line/numbers'], mailbox: { capacity: 50 } },
          { id: 'numbers', behaviour: 'producer', params: { count: 1000 }, restart: 'transient' },
        ],
      },
    ]);
    await completed(system, 'root/line/a');
    await completed(system, 'root/line/b');
    for (const path of ['root/line/a', 'root/line/b']) expect(system.statusAt(path)!.info).toMatchObject({ received: 1000, outOfOrder: 0 });
  });

  it('returns true when nothing consumes the output, and a completed worker keeps its last report as its result', async () => {
    const system = await start([{ id: 'numbers', behaviour: 'producer', params: { count: 5 }, restart: 'transient' }]);
    await completed(system, 'root/numbers');
    expect(system.statusAt('root/numbers')!.info).toEqual({ sent: 5 });
  });
});
