/**
 * The `store` behaviour: the event store's API actor. It validates requests, hands appends
 * to persistence (the single writer, which serializes them and checks expected versions in
 * commit order), publishes `events_appended` after each commit and serves reads.
 */
import { fromCallback } from 'xstate';
import { runtimeOf } from '../../system/context.js';
import type { AppendResult, StoredEvent, StreamInfo } from '../model.js';
import type { PersistenceCommand } from '../persistence/persistence.js';
import { call, forward, refuseUnknown, respond, siblingPath, type ReplyTarget } from '../protocol.js';
import { storeParams } from './params.js';
import { parseRequest, type AppendRequest, type StoreRequestType } from './requests.js';

/** A store request as sent by `system.ask('root/store', …)`: `type` plus the fields of its kind (see requests.ts). */
export type StoreRequest = { readonly type: StoreRequestType; readonly replyTo?: ReplyTarget; readonly [key: string]: unknown };

export interface ReadResult {
  readonly stream: string;
  /** The stream's current version (-1: no such stream). */
  readonly version: number;
  readonly events: StoredEvent[];
}

export const store = fromCallback<StoreRequest, unknown>(({ self, input, receive }) => {
  const rt = runtimeOf(self);
  const params = storeParams.parse(input ?? {});
  const persistencePath = siblingPath(rt.path, params.persistence);
  const persist = <T>(message: PersistenceCommand) => call<T>(rt.ask, persistencePath, message, params.timeoutMs);

  /** The hot path: validated here, then forwarded; persistence's answer goes back to the asker from here. */
  function append(message: StoreRequest): void {
    const { replyTo } = message;
    let command: AppendRequest;
    try {
      command = parseRequest('append', message);
    } catch (error) {
      return replyTo?.send({ type: 'error', error: error as Error });
    }
    forward<AppendResult>(rt.send, persistencePath, { type: 'append', command }, (reply) => {
      if (reply.type === 'error') return replyTo?.send(reply);
      const { written, nextExpectedVersion, position } = reply.value;
      if (written) rt.publish({ type: 'events_appended', data: { stream: command.stream, ...written, position } });
      replyTo?.send({ type: 'ok', value: { nextExpectedVersion, position } });
    });
  }

  async function read(message: StoreRequest): Promise<ReadResult> {
    const { stream, from, limit, direction } = parseRequest('read', message);
    const { version, events } = await persist<{ version: number; events: StoredEvent[] }>({ type: 'read_stream_at', stream, from, limit, direction });
    return { stream, version, events };
  }

  async function readAll(message: StoreRequest): Promise<{ events: StoredEvent[]; head: number }> {
    const { from, limit } = parseRequest('read_all', message);
    const [events, head] = await Promise.all([persist<StoredEvent[]>({ type: 'read_all', from, limit }), persist<number>({ type: 'head' })]);
    return { events, head };
  }

  async function listStreams(message: StoreRequest): Promise<{ streams: StreamInfo[] }> {
    const { after, limit } = parseRequest('list_streams', message);
    return { streams: await persist<StreamInfo[]>({ type: 'list_streams', after, limit }) };
  }

  const handlers: Record<Exclude<StoreRequestType, 'append'>, (m: StoreRequest) => Promise<unknown>> = { read, read_all: readAll, list_streams: listStreams };

  receive((message) => {
    if (message.type === 'append') return append(message);
    const handler = Object.hasOwn(handlers, message.type) ? handlers[message.type] : undefined;
    if (!handler) return refuseUnknown(rt.logger, 'store', message, ['append', ...Object.keys(handlers)]);
    respond(message.replyTo, () => handler(message));
  });
});
