import { afterEach, describe, expect, it } from 'vitest';
import { endEventStreams, eventStreams } from '../../src/admin/routes/events.js';
import { listenAdmin, type AdminServer } from '../../src/admin/server.js';
import { EventBus } from '../../src/events/index.js';
import { ManualClock } from '../support/manual-clock.js';
import { SseClient, type Frame } from '../support/sse-client.js';
import { adminSystem, waitFor, busOnlyView } from './harness.js';


/** An admin server over a bus of our own (no tree), so a test can reach the stream registry. */
async function adminOverBus(ringSize?: number) {
  const clock = new ManualClock();
  const bus = new EventBus({ system: 'sse-test', node: 'n1', clock, ...(ringSize !== undefined ? { ringSize } : {}) });
  bus.start();
  const view = busOnlyView('sse-test', bus);
  const server = await listenAdmin(view, '127.0.0.1', 0);
  servers.push(server);
  return { bus, view, clock, url: server.url, server, streams: eventStreams(view) };
}

/** Bus events: frames with an id and data that are not the stream's own overflow/shutdown notices. */
const isBusEvent = (f: Frame) => f.id !== undefined && f.data !== undefined && f.event !== 'overflow' && f.event !== 'shutdown';

const servers: AdminServer[] = [];
const clients: SseClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function connect(url: string, headers: Record<string, string> = {}) {
  const client = await SseClient.connect(url, isBusEvent, headers);
  clients.push(client);
  return client;
}

const turn = () => new Promise<void>((r) => setImmediate(r));
const big = 'x'.repeat(4096);

/**
 * Publishes big events, a batch per event-loop turn, until a stream's socket is full at the
 * end of a turn (the kernel took what it would; the writer waits for a 'drain').
 */
async function fillSocket(bus: EventBus, streams: ReturnType<typeof eventStreams>, batch = 50) {
  const full = () => streams.writers().some((w) => !w.writable);
  for (let i = 0; i < 5000 && !full(); i++) {
    for (let j = 0; j < batch; j++) bus.publish({ type: 'fill', data: { big } });
    await turn();
  }
  expect(full()).toBe(true);
}

describe('admin /events: ids, resume, gaps', () => {
  it('ids are bus sequence numbers, and a client reconnecting with Last-Event-ID (or ?lastEventId=) gets what came after it', async () => {
    const { bus, url, view } = await adminOverBus();
    const first = await connect(`${url}/events`);
    for (const n of [1, 2, 3]) bus.publish({ type: 'step', data: { n } });
    await waitFor(() => first.events().length === 3);
    const ids = first.events().map((f) => Number(f.id));
    expect(ids).toEqual([ids[0]!, ids[0]! + 1, ids[0]! + 2]);
    first.close();
    await waitFor(() => eventStreams(view).ended.client_closed === 1);
    expect(bus.stats().some((s) => s.name.startsWith('admin-sse-'))).toBe(false); // its bus subscription went with it

    for (const n of [4, 5]) bus.publish({ type: 'step', data: { n } });
    const resumed = await connect(`${url}/events`, { 'last-event-id': String(ids[1]) });
    await waitFor(() => resumed.events().length === 3);
    expect(resumed.events().map((f) => (JSON.parse(f.data!) as { data: { n: number } }).data.n)).toEqual([3, 4, 5]);
    expect(resumed.frames.some((f) => f.event === 'gap')).toBe(false);

    const byQuery = await connect(`${url}/events?lastEventId=${ids[2]}&types=step`);
    await waitFor(() => byQuery.events().length === 2);
    expect(byQuery.events().map((f) => Number(f.id))).toEqual([ids[2]! + 1, ids[2]! + 2]);
  });

  it('replays only the types asked for, and goes on live after the replay', async () => {
    const { bus, url } = await adminOverBus();
    bus.publish({ type: 'a', data: 1 });
    bus.publish({ type: 'b', data: 2 });
    bus.publish({ type: 'a', data: 3 });
    const client = await connect(`${url}/events?types=a`, { 'last-event-id': '0' });
    bus.publish({ type: 'b', data: 4 });
    bus.publish({ type: 'a', data: 5 });
    await waitFor(() => client.events().length === 3);
    expect(client.events().map((f) => [f.id, f.event, (JSON.parse(f.data!) as { data: number }).data])).toEqual([
      ['1', 'a', 1],
      ['3', 'a', 3],
      ['5', 'a', 5],
    ]);
  });

  it('a Last-Event-ID the ring no longer holds: event: gap says how many were missed, then the oldest held follow', async () => {
    const { bus, url } = await adminOverBus(5);
    for (let n = 1; n <= 10; n++) bus.publish({ type: 'step', data: n });
    const client = await connect(`${url}/events`, { 'last-event-id': '2' });
    await waitFor(() => client.events().length === 5);
    expect(client.frames[0]!.event).toBe('gap');
    expect(JSON.parse(client.frames[0]!.data!)).toMatchObject({ lastEventId: '2', missed: 3 });
    expect(client.events().map((f) => Number(f.id))).toEqual([6, 7, 8, 9, 10]);

    // An id beyond the newest is from another bus (the process restarted): everything held, said so.
    const stranger = await connect(`${url}/events`, { 'last-event-id': '500' });
    await waitFor(() => stranger.events().length === 5);
    expect(JSON.parse(stranger.frames[0]!.data!)).toMatchObject({ lastEventId: '500', missed: null });
  });

  it('a malformed Last-Event-ID is a 400 problem, not a stream', async () => {
    const { url } = await adminOverBus();
    const res = await fetch(`${url}/events`, { headers: { 'last-event-id': 'yesterday' } });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ type: 'urn:overseer:problem:bad_request' });
  });

  it('HEAD answers at once: 200, text/event-stream, no stream held open', async () => {
    const { url, streams } = await adminOverBus();
    const res = await fetch(`${url}/events?types=a`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(streams.open).toBe(0);
  });

  it('through a running system: ids follow the bus order and resume works', async () => {
    const t = await adminSystem([], {});
    try {
      const client = await connect(`${t.system.adminUrl}/events?types=order_placed`);
      t.system.events.publish({ type: 'order_placed', data: { id: 1 } });
      t.system.events.publish({ type: 'order_placed', data: { id: 2 } });
      await waitFor(() => client.events().length === 2);
      const [a, b] = client.events().map((f) => Number(f.id));
      expect(b).toBe(a! + 1);
      client.close();
      const again = await connect(`${t.system.adminUrl}/events?types=order_placed`, { 'last-event-id': String(a) });
      await waitFor(() => again.events().length === 1);
      expect(JSON.parse(again.events()[0]!.data!)).toMatchObject({ data: { id: 2 } });
    } finally {
      await t.system.stop();
    }
  });
});

describe('admin /events: a slow client is bounded', () => {
  it('a client that never reads holds at most its socket buffer; a whole ring behind, it is disconnected with event: overflow', async () => {
    const { bus, url, streams } = await adminOverBus();
    const client = await connect(`${url}/events`);
    client.pause();
    await fillSocket(bus, streams);
    const writer = streams.writers()[0]!;
    // Thousands more: the ring (1000) overtakes the client's place and it is let go.
    for (let i = 0; i < 1000 && writer.ended === undefined; i++) {
      for (let j = 0; j < 50; j++) bus.publish({ type: 'more', data: { big } });
      await turn();
    }
    expect(writer.ended).toBe('overflow');
    expect(streams.ended.overflow).toBe(1);
    expect(streams.open).toBe(0);
    expect(bus.stats().some((s) => s.name.startsWith('admin-sse-'))).toBe(false);
    // What the server held: Node's 16 KiB high-water mark and one frame over it, never the backlog.
    expect(writer.stats.peakBufferedBytes).toBeLessThan(16 * 1024 + 2 * (big.length + 512));

    client.resume();
    await waitFor(() => client.ended, 20_000);
    const ids = client.events().map((f) => Number(f.id));
    expect(ids).toEqual(ids.map((_, i) => ids[0]! + i)); // in order, no gap in what it got
    const last = client.frames.at(-1)!;
    expect(last.event).toBe('overflow');
    expect(JSON.parse(last.data!)).toMatchObject({ reason: 'behind', lost: expect.any(Number) });
    expect(Number(last.id)).toBeGreaterThan(ids.at(-1)!); // resuming from there skips what is gone
  });

  it('a full client is not disconnected for events it filters out', async () => {
    const { bus, url, streams } = await adminOverBus();
    const client = await connect(`${url}/events?types=fill,wanted`);
    client.pause();
    await fillSocket(bus, streams, 1); // one per turn: the event that filled the socket was sent, none waits
    // Thousands it does not take pass through the ring: its place moves past them.
    for (let i = 0; i < 60; i++) {
      for (let j = 0; j < 50; j++) bus.publish({ type: 'noise', data: j });
      await turn();
    }
    bus.publish({ type: 'wanted', data: 'after the noise' });
    await turn();
    expect(streams.open).toBe(1);
    client.resume();
    await waitFor(() => client.events().at(-1)?.event === 'wanted', 20_000);
    expect(client.events().some((f) => f.event === 'noise')).toBe(false);
  });

  it('a client that takes nothing for stallMs is disconnected with event: overflow (stalled)', async () => {
    const { bus, url, streams, clock } = await adminOverBus();
    const client = await connect(`${url}/events`);
    client.pause();
    await fillSocket(bus, streams);
    await clock.advance(60_000);
    expect(streams.ended.overflow).toBe(1);
    client.resume();
    await waitFor(() => client.ended, 20_000);
    expect(client.frames.at(-1)).toMatchObject({ event: 'overflow' });
    expect(JSON.parse(client.frames.at(-1)!.data!)).toMatchObject({ reason: 'stalled' });
  });
});

describe('admin /events: the server stops', () => {
  it('every client gets event: shutdown and its stream ends; a client whose socket is full is cut at once', async () => {
    const { bus, view, url, server, streams } = await adminOverBus();
    const reading = await connect(`${url}/events?types=step`);
    const stuck = await connect(`${url}/events?types=fill`);
    stuck.pause();
    bus.publish({ type: 'step', data: 1 });
    await waitFor(() => reading.events().length === 1);
    await fillSocket(bus, streams);

    endEventStreams(view);
    await server.close();
    await waitFor(() => reading.ended);
    expect(reading.frames.at(-1)!.event).toBe('shutdown');
    // Its place, past the fill events it filters out: a reconnect goes on from there.
    expect(Number(reading.frames.at(-1)!.id)).toBeGreaterThan(Number(reading.events()[0]!.id));
    expect(JSON.parse(reading.frames.at(-1)!.data!)).toMatchObject({ detail: expect.stringContaining('stopping') });
    stuck.resume();
    await waitFor(() => stuck.closed);
    expect(stuck.frames.some((f) => f.event === 'shutdown')).toBe(false);
    expect(streams.ended.shutdown).toBe(2);
  });
});
