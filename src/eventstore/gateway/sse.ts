/**
 * Store subscriptions over Server-Sent Events: `id:` is the event's global position, so a
 * client that reconnects with `Last-Event-ID` resumes exactly after the last event it got.
 * Writing respects the socket: a slow reader fills its sink, the sink pauses, and the
 * notification actor re-reads from the store later: delayed, never lost.
 */
import { once } from 'node:events';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EventStoreClient } from '../client.js';
import { InvalidStoreRequestError } from '../errors.js';
import type { EventSink } from '../notification/sink.js';
import { toProblem } from './problems.js';
import { intParam, stringParam } from './query.js';

export interface SseOptions {
  keepAliveMs: number;
  buffer: number;
  /** Open subscriptions, so the gateway can end them all when it stops. */
  open: Set<EventSink>;
}

/** Starts streaming, or throws (before any byte is sent) for bad input or an unavailable store. */
export async function serveSubscription(request: FastifyRequest, reply: FastifyReply, client: EventStoreClient, options: SseOptions): Promise<void> {
  const query = request.query as Record<string, string | string[] | undefined>;
  const stream = stringParam(query, 'stream');
  const from = intParam(query, 'from');
  const lastEventId = request.headers['last-event-id'];
  let afterPosition: number | undefined;
  if (lastEventId !== undefined && lastEventId !== '') {
    if (typeof lastEventId !== 'string' || !/^\d{1,15}$/.test(lastEventId)) {
      throw new InvalidStoreRequestError(`Last-Event-ID: expected a global position (non-negative integer), got ${JSON.stringify(lastEventId)}`);
    }
    afterPosition = Number(lastEventId);
  }
  const sink = await client.subscribe({ stream, from, afterPosition, capacity: options.buffer });
  options.open.add(sink);
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  res.write('retry: 1000\n\n');
  const gone = new AbortController();
  const onClose = () => {
    gone.abort();
    sink.close();
  };
  request.raw.on('close', onClose);
  res.on('close', onClose);
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), options.keepAliveMs);
  keepAlive.unref();
  try {
    for await (const event of sink) {
      if (!res.write(`id: ${event.position}\ndata: ${JSON.stringify(event)}\n\n`)) await once(res, 'drain', { signal: gone.signal });
    }
  } catch (error) {
    if (!gone.signal.aborted) {
      // The subscription broke (the store restarted): say why; the client reconnects and resumes.
      res.write(`event: error\ndata: ${JSON.stringify(toProblem(error).document)}\n\n`);
    }
  } finally {
    clearInterval(keepAlive);
    options.open.delete(sink);
    request.raw.off('close', onClose);
    sink.close();
    res.end();
  }
}
