/**
 * The `notification` behaviour: store subscriptions (one stream or `$all`, from a version or
 * position, or resuming after a global position). Each is a Pump that catches up from the
 * journal and is woken by `events_appended` on the bus to go on live (and, with `backend:
 * postgres`, by appends on other nodes: remote-wakeups.ts). If this actor stops,
 * every subscription ends with StoreUnavailableError: the client resumes from its last
 * position (SSE does so by itself with Last-Event-ID).
 */
import { newId } from '../../shared/ids.js';
import { fromCallback } from 'xstate';
import type { EventEnvelope } from '../../events/catalogue.js';
import { runtimeOf } from '../../system/context.js';
import { InvalidStoreRequestError, StoreUnavailableError } from '../errors.js';
import { ALL_STREAM, type StoredEvent } from '../model.js';
import type { PersistenceCommand } from '../persistence/persistence.js';
import { call, refuseUnknown, respond, siblingPath, type ReplyTarget } from '../protocol.js';
import { checkStreamName } from '../store/requests.js';
import { resolvePgTarget } from '../postgres/connection.js';
import { notificationParams } from './params.js';
import { Pump } from './pump.js';
import { startRemoteWakeups } from './remote-wakeups.js';
import type { EventSink } from './sink.js';

export interface SubscribeRequest {
  readonly type: 'subscribe';
  readonly sink: EventSink;
  /** A stream name, or `$all` (default). */
  readonly stream?: string;
  /** First version (stream) or position (`$all`) to deliver; default: the beginning. */
  readonly from?: number;
  /** Resume: deliver what was stored after this global position (e.g. SSE Last-Event-ID). Wins over `from`. */
  readonly afterPosition?: number;
  readonly replyTo?: ReplyTarget;
}

export type NotificationRequest = SubscribeRequest | { readonly type: 'unsubscribe'; readonly id: string; readonly replyTo?: ReplyTarget };

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

export const notification = fromCallback<NotificationRequest, unknown>(({ self, input, receive }) => {
  const rt = runtimeOf(self);
  const params = notificationParams.parse(input ?? {});
  const persistencePath = siblingPath(rt.path, params.persistence);
  const persist = <T>(message: PersistenceCommand) => call<T>(rt.ask, persistencePath, message, params.timeoutMs);
  const pumps = new Map<string, Pump>();
  const streamHeads = new Map<string, number>();
  let head = 0;
  void persist<number>({ type: 'head' }).then((h) => (head = Math.max(head, h)), () => undefined);

  const wakeAll = () => pumps.forEach((p) => p.wake());
  /** Forgets a subscription, and its stream's head once nobody follows that stream. */
  const remove = (pump: Pump) => {
    pumps.delete(pump.id);
    if (!pump.all && ![...pumps.values()].some((p) => p.stream === pump.stream)) streamHeads.delete(pump.stream);
  };
  const appends = rt.system.events.subscribe(`${rt.path}:appends`, {
    types: ['events_appended'],
    mode: 'critical',
    buffer: 10_000,
    lateJoin: true,
    onDrop: wakeAll, // a lost wake-up must not stall anyone: wake everybody instead
    handler: (event: EventEnvelope) => {
      const { stream, toVersion, position } = event.data as { stream: string; toVersion: number; position: number };
      head = Math.max(head, position);
      if (streamHeads.has(stream)) streamHeads.set(stream, Math.max(streamHeads.get(stream)!, toVersion));
      for (const pump of pumps.values()) if (pump.all || pump.stream === stream) pump.wake();
    },
  });

  // Appends on other nodes (PostgreSQL): a hint with the head and the streams written, or a poll of the head.
  const stopRemote = startRemoteWakeups({
    target: params.backend === 'postgres' ? resolvePgTarget(params) : undefined,
    node: rt.system.spec.node,
    pollMs: params.pollMs ?? (params.backend === 'postgres' ? 1000 : 0),
    head: () => persist<number>({ type: 'head' }),
    logger: rt.logger,
    wake: (h, streams) => {
      if (h <= head) return; // already read up to there: positions are assigned in commit order
      if (h !== Number.MAX_SAFE_INTEGER) head = h;
      for (const pump of pumps.values()) if (pump.all || streams === undefined || streams.includes(pump.stream)) pump.wake();
    },
  });

  async function subscribe(request: SubscribeRequest): Promise<{ id: string }> {
    const stream = request.stream ?? ALL_STREAM;
    if (stream !== ALL_STREAM) checkStreamName(stream);
    if (request.from !== undefined && !isCount(request.from)) throw new InvalidStoreRequestError(`from: expected a non-negative integer, got ${JSON.stringify(request.from)}`);
    if (request.afterPosition !== undefined && !isCount(request.afterPosition)) throw new InvalidStoreRequestError(`afterPosition: expected a non-negative integer, got ${JSON.stringify(request.afterPosition)}`);
    const all = stream === ALL_STREAM;
    let cursor: number;
    if (request.afterPosition !== undefined) cursor = all ? request.afterPosition + 1 : await persist<number>({ type: 'first_version_after', stream, position: request.afterPosition });
    else cursor = request.from ?? (all ? 1 : 0);
    if (!all && !streamHeads.has(stream)) streamHeads.set(stream, await persist<number>({ type: 'stream_version', stream }));
    const { sink } = request;
    const id = newId();
    const read = all
      ? (from: number, limit: number) => persist<StoredEvent[]>({ type: 'read_all', from, limit })
      : (from: number, limit: number) => persist<StoredEvent[]>({ type: 'read_stream', stream, from, limit, direction: 'forward' });
    const pump = new Pump(id, stream, cursor, sink, { read }, params.pageSize, (p, error) => {
      remove(p);
      rt.logger.warn({ subscription: p.id, stream, err: error }, 'subscription ended: the store did not answer');
      p.end(new StoreUnavailableError('the subscription', error));
    });
    pumps.set(id, pump);
    sink.onClose = () => {
      remove(pump);
      pump.end();
    };
    pump.wake();
    return { id };
  }

  rt.report(() => {
    const states = { catching_up: 0, live: 0, paused: 0 };
    let maxLag = 0;
    for (const p of pumps.values()) {
      if (p.state !== 'ended') states[p.state] += 1;
      // Events stored but not yet delivered: up to the head of $all, or of the stream.
      const lag = Math.max(0, (p.all ? head : (streamHeads.get(p.stream) ?? -1)) - p.next + 1);
      maxLag = Math.max(maxLag, lag);
    }
    return { subscriptions: pumps.size, ...states, maxLag, head };
  });

  receive((message) => {
    if (message.type === 'subscribe') return respond(message.replyTo, () => subscribe(message));
    if (message.type === 'unsubscribe') {
      return respond(message.replyTo, () => {
        const pump = pumps.get(message.id);
        if (pump) remove(pump);
        pump?.end();
        return { removed: pump !== undefined };
      });
    }
    refuseUnknown(rt.logger, 'notification', message as { type: string; replyTo?: ReplyTarget }, ['subscribe', 'unsubscribe']);
  });

  return () => {
    appends.unsubscribe();
    stopRemote();
    // The system stops: subscriptions end (a `for await` finishes). A restart of this actor
    // alone is an outage the consumer should see, to subscribe again from its position.
    for (const pump of pumps.values()) pump.end(rt.system.stopping ? undefined : new StoreUnavailableError(rt.path));
    pumps.clear();
  };
});
