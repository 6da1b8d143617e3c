/**
 * GET /events: Server-Sent Events of bus events (`?types=a,b` filters). `id:` is the event's
 * sequence number on the bus; a client reconnecting with `Last-Event-ID` (or `?lastEventId=`)
 * is replayed the rest from the recent-events ring, which is also every client's only buffer:
 * one that falls further behind than the ring holds is disconnected with `event: overflow`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RecentQuery, RingCursor } from '../../events/recent-events.js';
import { answerHead, lastEventIdOf, SseStreams, SseWriter } from '../../shared/sse-writer.js';
import { sendProblem } from '../problem.js';
import type { Target } from '../server.js';
import type { AdminView } from '../view.js';

/** Events read from the ring per step while the socket takes them. */
const PAGE = 64;
const streamsByView = new WeakMap<AdminView, SseStreams>();
let clients = 0;

/** The `/events` streams of one admin server: how many are open, how many ended and why. */
export function eventStreams(view: AdminView): SseStreams {
  let streams = streamsByView.get(view);
  if (!streams) streamsByView.set(view, (streams = new SseStreams()));
  return streams;
}

/** Ends every `/events` stream with `event: shutdown`; the admin server calls it before closing its connections. */
export function endEventStreams(view: AdminView): void {
  streamsByView.get(view)?.shutdown();
}

export function events(view: AdminView, req: IncomingMessage, res: ServerResponse, url: Target): void {
  if (req.method === 'HEAD') return answerHead(res);
  const types = (url.searchParams.get('types') ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const resume = lastEventIdOf(req.headers['last-event-id'], url.searchParams.get('lastEventId'));
  if (resume.invalid !== undefined) return sendProblem(res, 400, 'bad_request', resume.invalid);

  const bus = view.events;
  const cursor: RingCursor = { seq: resume.id, seqs: [], missed: 0, unknown: false };
  const query: RecentQuery = { ...(types.length > 0 ? { types } : {}), cursor, limit: PAGE };
  let waiting = false;

  /** Sends what the ring holds after the cursor while the socket takes it; the rest waits in the ring. */
  const pump = (): void => {
    if (writer.ended) return;
    if (!writer.writable) return holdPlace();
    for (;;) {
      const from = cursor.seq;
      const page = bus.recent(query);
      if (cursor.unknown || cursor.missed > 0) writer.send(gap(from, cursor));
      for (let i = 0; i < page.length; i++) {
        if (!writer.writable) {
          cursor.seq = cursor.seqs[i]! - 1; // this one and the rest wait in the ring
          return waitForDrain();
        }
        const event = page[i]!;
        writer.send({ id: cursor.seqs[i], event: event.type, data: JSON.stringify(event) });
      }
      if (!writer.writable) return waitForDrain();
      if (page.length < PAGE) return;
    }
  };

  /**
   * The socket is full: keep the cursor just before the oldest event this client still has to
   * get (skipping what it filters out); once the ring has dropped that one, it has fallen too
   * far behind.
   */
  const holdPlace = (): void => {
    const next = bus.recent({ ...query, limit: 1 });
    if (next.length > 0) cursor.seq = cursor.seqs[0]! - 1;
    if (cursor.missed > 0) {
      const detail = `the client fell further behind than the recent-events ring holds: ${cursor.missed} event(s) it had not been sent are gone; reconnect to go on from the oldest still held`;
      writer.end('overflow', { reason: 'behind', lost: cursor.missed, detail });
    }
  };

  const waitForDrain = (): void => {
    if (waiting) return;
    waiting = true;
    void writer.whenWritable().then((writable) => {
      waiting = false;
      if (writable) pump();
    });
  };

  // Every bus event wakes the stream, filtered or not: a full client's place must move past
  // what it filters out, or those events would count as lost to it.
  const sub = bus.subscribe(`admin-sse-${++clients}`, { buffer: 1000, mode: 'lossy', lateJoin: true, handler: pump });
  const writer = SseWriter.open(res, { clock: bus.clock, logger: bus.logger, streams: eventStreams(view), resumeId: () => cursor.seq, onEnd: () => sub.unsubscribe() });
  pump(); // replays after Last-Event-ID, or only places the cursor at the newest event
}

/** `event: gap`: the client's Last-Event-ID is not (or no longer) in the ring. */
function gap(lastEventId: number | undefined, cursor: RingCursor) {
  const detail = cursor.unknown
    ? `${lastEventId} is not an id of this stream (the server restarted?): replaying every event still held`
    : `the recent-events ring no longer holds the ${cursor.missed} event(s) after ${lastEventId} (of any type); going on from the oldest still held`;
  return { event: 'gap', data: JSON.stringify({ lastEventId: String(lastEventId), missed: cursor.unknown ? null : cursor.missed, detail }) };
}
