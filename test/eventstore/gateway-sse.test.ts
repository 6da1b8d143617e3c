import Fastify from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventStoreClient } from '../../src/eventstore/client.js';
import { serveSubscription } from '../../src/eventstore/gateway/sse.js';
import type { StoredEvent } from '../../src/eventstore/model.js';
import { EventSink } from '../../src/eventstore/notification/sink.js';
import { SseStreams } from '../../src/shared/sse-writer.js';
import { startStoreSystem, storeSystems } from '../support/eventstore.js';
import { ManualClock } from '../support/manual-clock.js';
import { SseClient, type Frame } from '../support/sse-client.js';

const start = storeSystems();


/** Store events: frames with an id and no event name. */
const isStoreEvent = (f: Frame) => f.id !== undefined && f.event === undefined;

const clients: SseClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
});

async function connect(url: string, headers: Record<string, string> = {}) {
  const client = await SseClient.connect(url, isStoreEvent, headers);
  clients.push(client);
  return client;
}

/** Bounded: a condition across event-loop turns, never a fixed sleep. */
async function until(cond: () => boolean, turns = 20_000): Promise<void> {
  for (let i = 0; i < turns; i++) {
    if (cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('until: condition not met');
}

const big = 'x'.repeat(4096);

describe('gateway /api/v1/subscribe: how a stream ends', () => {
  it('the SSE problem event is named problem (EventSource keeps error for itself) and carries the problem document', async () => {
    const { url, system } = await start();
    const client = await connect(`${url}/api/v1/subscribe`);
    system.kill('root/notification', 'drill');
    await until(() => client.ended);
    const last = client.frames.at(-1)!;
    expect(last.event).toBe('problem');
    expect(JSON.parse(last.data!)).toMatchObject({ type: 'urn:overseer:problem:store_unavailable', status: 503 });
    expect(client.frames.some((f) => f.event === 'error')).toBe(false);
  });

  it('the server stops: a reading client gets event: shutdown, a client that does not read is cut, and the stop waits for neither', async () => {
    const { url, system, store } = await startStoreSystem({ gatewayParams: { subscriptionBuffer: 50 } });
    const reading = await connect(`${url}/api/v1/subscribe?stream=s`);
    const stuck = await connect(`${url}/api/v1/subscribe?stream=fill`);
    stuck.pause();
    await store.append('s', [{ type: 'e', data: { n: 1 } }]);
    await until(() => reading.events().length === 1);
    await fillUntilPaused(system, store);

    await system.stop();
    stuck.resume(); // to see the connection go
    await until(() => reading.ended && stuck.closed);
    expect(reading.frames.at(-1)).toMatchObject({ event: 'shutdown' });
    expect(JSON.parse(reading.frames.at(-1)!.data!)).toMatchObject({ detail: expect.stringContaining('Last-Event-ID') });
    expect(stuck.frames.some((f) => f.event === 'shutdown')).toBe(false);
    // The gateway finished its graceful stop by itself: nobody had to force it past a client.
    const exit = system.events.recent({ types: ['child_exited'], where: (e) => (e.data as { path: string }).path === 'root/gateway' });
    expect(exit.map((e) => e.data)).toEqual([expect.objectContaining({ reason: 'shutdown' })]);
    expect((exit[0]!.data as { forced?: boolean }).forced).not.toBe(true);
  });

  it('HEAD answers at once with the stream head and subscribes to nothing; bad input is still a 400', async () => {
    const { url, system } = await start();
    const res = await fetch(`${url}/api/v1/subscribe?stream=orders-1`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(notificationInfo(system).subscriptions).toBe(0);
    expect((await fetch(`${url}/api/v1/subscribe?stream=$bad`, { method: 'HEAD' })).status).toBe(400);
    expect((await fetch(`${url}/api/v1/subscribe?lastEventId=yesterday`)).status).toBe(400);
  });

  it('?lastEventId= resumes like the Last-Event-ID header; a client that leaves takes its subscription with it', async () => {
    const { url, store, system } = await start();
    for (let n = 0; n < 3; n++) await store.append('s', [{ type: 'e', data: { n } }]);
    const client = await connect(`${url}/api/v1/subscribe?lastEventId=1`);
    await until(() => client.events().length === 2);
    expect(client.events().map((f) => Number(f.id))).toEqual([2, 3]);
    client.close();
    await until(() => notificationInfo(system).subscriptions === 0);
  });
});

describe('gateway /api/v1/subscribe: a client that never reads', () => {
  it('its subscription pauses while thousands are appended (the store holds them), and it loses nothing when it reads again', async () => {
    const { url, system, store } = await start({ gatewayParams: { subscriptionBuffer: 50 } });
    const client = await connect(`${url}/api/v1/subscribe`);
    client.pause();
    await fillUntilPaused(system, store, '$all');
    for (let i = 0; i < 40; i++) await store.append('more', Array.from({ length: 50 }, (_, j) => ({ type: 'more', data: { i, j } })));
    const info = notificationInfo(system);
    expect(info).toMatchObject({ subscriptions: 1, paused: 1 });
    expect(info.maxLag).toBeGreaterThanOrEqual(2000); // stored, waiting in the journal, not in memory

    client.resume();
    const head = info.head;
    await until(() => client.events().length === head);
    expect(client.events().map((f) => Number(f.id))).toEqual(Array.from({ length: head }, (_, i) => i + 1));
  });
});

describe('serveSubscription: a subscriber that takes nothing', () => {
  it('is disconnected after stallMs with event: overflow, having held no more than its socket buffer and its sink', async () => {
    const clock = new ManualClock();
    const streams = new SseStreams();
    const open = new Set<EventSink>();
    let sink: EventSink | undefined;
    let asked: unknown;
    let position = 0;
    const feed = () => {
      while (sink && !sink.closed && sink.free > 0) sink.push([storedEvent(++position)]);
    };
    const client = {
      subscribe: async (options: { capacity?: number; afterPosition?: number }) => {
        asked = options;
        sink = new EventSink(options.capacity);
        sink.onDemand = feed; // a pump: refills when half the sink is free again
        setImmediate(feed);
        return sink;
      },
    } as unknown as EventStoreClient;
    const app = Fastify();
    app.get('/sub', (request, reply) => serveSubscription(request, reply, client, { keepAliveMs: 15_000, buffer: 20, open, clock, stallMs: 5000, streams }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const address = app.server.address() as { port: number };
      const sse = await connect(`http://127.0.0.1:${address.port}/sub?lastEventId=7`);
      sse.pause();
      expect(asked).toMatchObject({ afterPosition: 7, capacity: 20 });
      // Fed as fast as it drains: the socket fills, then the sink, then nothing moves.
      const writer = () => streams.writers()[0];
      let quiet = 0; // turns in a row in which nothing more was taken from the sink
      for (let i = 0, produced = -1; i < 20_000 && quiet < 50; i++) {
        quiet = position === produced && writer() !== undefined && !writer()!.writable ? quiet + 1 : 0;
        produced = position;
        await new Promise((r) => setImmediate(r));
      }
      expect(quiet).toBe(50);
      const full = writer()!;
      // Taken from the producer but not written: at most the sink; written but not sent: Node's 16 KiB and one frame.
      expect(position - full.stats.frames).toBeLessThanOrEqual(20);
      expect(full.stats.peakBufferedBytes).toBeLessThan(16 * 1024 + 1024);

      await clock.advance(5000);
      expect(full.ended).toBe('overflow');
      expect(streams.ended.overflow).toBe(1);
      expect(open.size).toBe(0);
      sse.resume();
      await until(() => sse.ended);
      expect(JSON.parse(sse.frames.at(-1)!.data!)).toMatchObject({ reason: 'stalled' });
      const ids = sse.events().map((f) => Number(f.id));
      expect(ids).toEqual(ids.map((_, i) => i + 1));
    } finally {
      await app.close();
    }
  });
});

function storedEvent(position: number): StoredEvent {
  return { id: `e${position}`, stream: 's', version: position - 1, position, type: 't', data: { n: position }, metadata: {}, time: '2026-01-01T00:00:00.000Z' };
}

type StoreSystem = Awaited<ReturnType<typeof startStoreSystem>>;

function notificationInfo(system: StoreSystem['system']) {
  return system.status().children!.find((c) => c.id === 'notification')!.info as { subscriptions: number; paused: number; maxLag: number; head: number };
}

/** Appends big events, one batch per turn, until a subscription is paused (its socket and then its sink are full). */
async function fillUntilPaused(system: StoreSystem['system'], store: StoreSystem['store'], stream = 'fill') {
  for (let i = 0; i < 2000 && notificationInfo(system).paused === 0; i++) {
    await store.append(stream === '$all' ? 'fill' : stream, Array.from({ length: 20 }, () => ({ type: 'fill', data: { big } })));
    await new Promise((r) => setImmediate(r));
  }
  expect(notificationInfo(system).paused).toBeGreaterThan(0);
}
