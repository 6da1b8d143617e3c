/**
 * Store subscriptions over Server-Sent Events: `id:` is the event's global position, so a
 * client that reconnects with `Last-Event-ID` resumes exactly after the last event it got.
 * Events are taken from the sink only while the socket takes them: a slow reader fills its
 * sink, the sink pauses, and the notification actor re-reads from the store later (delayed,
 * never lost); one that takes nothing for `stallMs` is disconnected and resumes the same way.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { servableEvent } from '../journal/stored-event.js';
import type { StoredEvent } from '../model.js';
import { answerHead, lastEventIdOf, SseStreams, SseWriter } from '../../shared/sse-writer.js';
import type { EventStoreClient } from '../client.js';
import { InvalidStoreRequestError } from '../errors.js';
import { ALL_STREAM } from '../model.js';
import type { EventSink } from '../notification/sink.js';
import { checkStreamName } from '../store/requests.js';
import { toProblem } from './problems.js';
import { intParam, stringParam } from './query.js';

export interface SseOptions {
  keepAliveMs: number;
  buffer: number;
  /** Open subscriptions, so the gateway can end them all when it stops. */
  open: Set<EventSink>;
  /** A client whose socket stays full this long is disconnected with `event: overflow` (default 60000 ms). */
  stallMs?: number;
  clock?: Clock;
  logger?: Logger;
  /** Where the streams are counted; by default one registry per `open` set (see subscriptionStreams). */
  streams?: SseStreams;
}

const streamsByOpenSet = new WeakMap<Set<EventSink>, SseStreams>();

/** The SSE streams of the gateway whose open subscriptions are `open`: how many are open, how many ended and why. */
export function subscriptionStreams(open: Set<EventSink>): SseStreams {
  let streams = streamsByOpenSet.get(open);
  if (!streams) streamsByOpenSet.set(open, (streams = new SseStreams()));
  return streams;
}

/** Starts streaming, or throws (before any byte is sent) for bad input or an unavailable store. */
export async function serveSubscription(request: FastifyRequest, reply: FastifyReply, client: EventStoreClient, options: SseOptions): Promise<void> {
  const query = request.query as Record<string, string | string[] | undefined>;
  const stream = stringParam(query, 'stream');
  const from = intParam(query, 'from');
  const resume = lastEventIdOf(request.headers['last-event-id'], query.lastEventId);
  if (resume.invalid !== undefined) throw new InvalidStoreRequestError(resume.invalid);
  if (request.method === 'HEAD') {
    // Answered at once: the head a GET would get, without subscribing.
    if (stream !== undefined && stream !== ALL_STREAM) checkStreamName(stream);
    reply.hijack();
    return answerHead(reply.raw);
  }
  const sink = await client.subscribe({ stream, from, afterPosition: resume.id, capacity: options.buffer });
  options.open.add(sink);
  reply.hijack();
  const writer = SseWriter.open(reply.raw, {
    keepAliveMs: options.keepAliveMs,
    stallMs: options.stallMs,
    clock: options.clock,
    logger: options.logger,
    streams: options.streams ?? subscriptionStreams(options.open),
    onEnd: () => sink.close(),
  });
  // While the socket is full the loop below waits for it, not for the sink: say at once why
  // the subscription ended, without the events still waiting (the client resumes after them).
  let ended: { error: Error | undefined } | undefined;
  sink.onEnd = (error) => {
    ended = { error };
    if (!writer.writable) endWith(writer, error);
  };
  try {
    for await (const event of sink) {
      if (writer.send({ id: event.position, data: frameOf(event) })) continue;
      if (ended !== undefined || !(await writer.whenWritable())) break;
    }
    endWith(writer, ended?.error); // the producer ended it: the server stops (no-op when the client left)
  } catch (error) {
    endWith(writer, error as Error);
  } finally {
    options.open.delete(sink);
    sink.close();
  }
}

/** The subscription broke (the store restarted): `event: problem`, and the client resumes; else the server stops. */
function endWith(writer: SseWriter, error: Error | undefined): void {
  if (error) writer.end('problem', { ...toProblem(error).document });
  else writer.end('shutdown');
}

/** An event as an SSE data line; one that cannot be written as JSON is served as unreadable, never ends the stream. */
function frameOf(event: StoredEvent): string {
  try {
    return JSON.stringify(event);
  } catch {
    return JSON.stringify(servableEvent(event));
  }
}
