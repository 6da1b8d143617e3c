/**
 * A watch as Server-Sent Events: each `data:` line is `{ type, object }`, its `id:` the
 * resourceVersion, so `Last-Event-ID` (or `?resourceVersion=`) resumes exactly after it. The
 * initial ADDED frames of a watch without a resourceVersion carry no id (a reconnect during
 * them lists again); the BOOKMARK after them does. While nothing of this watch changes, a
 * BOOKMARK every keep-alive moves the client's resume point past what it skipped.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EventSink } from '../../eventstore/notification/sink.js';
import { toProblem } from '../../eventstore/gateway/problems.js';
import { InvalidStoreRequestError } from '../../eventstore/errors.js';
import { answerHead, lastEventIdOf, SseWriter } from '../../shared/sse-writer.js';
import type { Logger } from '../../shared/logger.js';
import type { ResourcesClient } from '../client.js';
import type { WatchEvent } from '../model.js';
import { resourceProblem } from './problems.js';

export interface WatchQuery {
  kind: string;
  namespace?: string;
  labelSelector?: string;
  resourceVersion?: string;
}

export interface WatchSseOptions {
  keepAliveMs: number;
  subscriptionBuffer: number;
  open: Set<EventSink>;
  logger: Logger;
}

export async function serveWatch(request: FastifyRequest, reply: FastifyReply, client: ResourcesClient, query: WatchQuery, options: WatchSseOptions): Promise<void> {
  const resume = lastEventIdOf(request.headers['last-event-id'], (request.query as Record<string, string | undefined>).lastEventId);
  if (resume.invalid !== undefined) throw new InvalidStoreRequestError(resume.invalid);
  const resourceVersion = resume.id !== undefined ? String(resume.id) : query.resourceVersion;
  const watch = await client.watch(query.kind, { namespace: query.namespace, labelSelector: query.labelSelector, resourceVersion, capacity: options.subscriptionBuffer });
  if (request.method === 'HEAD') {
    watch.close();
    reply.hijack();
    return answerHead(reply.raw);
  }
  options.open.add(watch.sink);
  reply.hijack();
  const writer = SseWriter.open(reply.raw, { keepAliveMs: options.keepAliveMs, logger: options.logger, resumeId: () => watch.resourceVersion, onEnd: () => watch.close() });
  let sentAt = watch.resourceVersion;
  const frame = (event: WatchEvent, initial: boolean) => {
    const id = event.object.metadata.resourceVersion;
    if (!initial) sentAt = id;
    return { ...(initial ? {} : { id }), data: JSON.stringify(event) };
  };
  const bookmarks = setInterval(() => {
    if (writer.writable && watch.resourceVersion !== sentAt) writer.send(frame(watch.bookmark(), false));
  }, options.keepAliveMs);
  bookmarks.unref();
  let initial = resourceVersion === undefined;
  try {
    for await (const event of watch) {
      if (initial && event.type === 'BOOKMARK') initial = false;
      if (writer.send(frame(event, initial))) continue;
      if (!(await writer.whenWritable())) break;
    }
    writer.end('shutdown');
  } catch (error) {
    writer.end('problem', { ...(resourceProblem(error) ?? toProblem(error)).document });
  } finally {
    clearInterval(bookmarks);
    options.open.delete(watch.sink);
    watch.close();
  }
}
