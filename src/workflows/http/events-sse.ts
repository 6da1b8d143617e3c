/**
 * `GET /api/v1/executions/{id}/events`: an execution's log as Server-Sent Events, catch-up
 * then live, `id:` the global position (reconnect with Last-Event-ID to resume). After the
 * terminal event it sends `event: end` with the status and closes: nothing more will come.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EventStoreClient } from '../../eventstore/client.js';
import { InvalidStoreRequestError } from '../../eventstore/errors.js';
import type { EventSink } from '../../eventstore/notification/sink.js';
import type { Logger } from '../../shared/logger.js';
import { lastEventIdOf, SseWriter } from '../../shared/sse-writer.js';
import { toProblem } from '../../eventstore/gateway/problems.js';
import { ExecutionNotFoundError } from '../errors.js';
import { EXECUTION_ID, executionStream, TERMINAL_TYPES } from '../log.js';

export interface ExecutionSseOptions {
  readonly store: EventStoreClient;
  readonly keepAliveMs: number;
  readonly buffer: number;
  readonly open: Set<EventSink>;
  readonly logger: Logger;
}

const STATUS: Record<string, string> = { execution_completed: 'completed', execution_failed: 'failed', execution_cancelled: 'cancelled' };

/** Starts streaming, or throws (before any byte is sent) for an unknown execution or a bad Last-Event-ID. */
export async function serveExecutionEvents(request: FastifyRequest, reply: FastifyReply, id: string, options: ExecutionSseOptions): Promise<void> {
  if (!EXECUTION_ID.test(id)) throw new ExecutionNotFoundError(id);
  const query = request.query as Record<string, string | string[] | undefined>;
  const resume = lastEventIdOf(request.headers['last-event-id'], query.lastEventId);
  if (resume.invalid !== undefined) throw new InvalidStoreRequestError(resume.invalid);
  const stream = executionStream(id);
  const head = await options.store.read(stream, { direction: 'backward', limit: 1 });
  if (head.version < 0) throw new ExecutionNotFoundError(id);
  const sink = await options.store.subscribe({ stream, ...(resume.id !== undefined ? { afterPosition: resume.id } : { from: 0 }), capacity: options.buffer });
  options.open.add(sink);
  reply.hijack();
  const writer = SseWriter.open(reply.raw, { keepAliveMs: options.keepAliveMs, logger: options.logger, onEnd: () => sink.close() });
  const finish = (type: string) => {
    writer.send({ event: 'end', data: JSON.stringify({ executionId: id, status: STATUS[type] }) });
    // Not an error and not a server stop: the response just ends after its last frame.
    writer.end('client_closed');
    reply.raw.end();
  };
  try {
    // A resume after the terminal event: the client has everything.
    const last = head.events[0];
    if (last && TERMINAL_TYPES.has(last.type) && resume.id !== undefined && resume.id >= last.position) return finish(last.type);
    for await (const event of sink) {
      if (!writer.send({ id: event.position, data: JSON.stringify(event) }) && !(await writer.whenWritable())) break;
      if (TERMINAL_TYPES.has(event.type)) return finish(event.type);
    }
    writer.end('shutdown');
  } catch (error) {
    writer.end('problem', { ...toProblem(error).document });
  } finally {
    options.open.delete(sink);
    sink.close();
  }
}
