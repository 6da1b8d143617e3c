/**
 * A typed client for the event-store actors, over plain asks: what the gateway uses, and
 * what embedders use instead of hand-written messages.
 * @example
 * const store = eventStore(system);
 * await store.append('orders-1', [{ type: 'placed', data: {} }], { expectedVersion: 'no_stream' });
 * for await (const e of await store.subscribe({ stream: 'orders-1' })) console.log(e.version);
 */
import type { System } from '../system/system.js';
import type { MembershipView } from './cluster/membership.js';
import type { ExpectedVersion, NewEvent, StoredEvent, StreamInfo } from './model.js';
import { EventSink } from './notification/sink.js';
import { call, type AskFn } from './protocol.js';
import type { ReadResult } from './store/store.js';

export interface EventStoreClient {
  append(stream: string, events: readonly NewEvent[], options?: { expectedVersion?: ExpectedVersion }): Promise<{ nextExpectedVersion: number; position: number }>;
  read(stream: string, options?: { from?: number; limit?: number; direction?: 'forward' | 'backward' }): Promise<ReadResult>;
  readAll(options?: { from?: number; limit?: number }): Promise<{ events: StoredEvent[]; head: number }>;
  listStreams(options?: { after?: string; limit?: number }): Promise<{ streams: StreamInfo[] }>;
  /** Catch-up then live; `capacity` bounds what waits unread (the rest waits in the store). */
  subscribe(options?: { stream?: string; from?: number; afterPosition?: number; capacity?: number }): Promise<EventSink>;
  members(): Promise<MembershipView>;
}

export interface EventStorePaths {
  store: string;
  notification: string;
  cluster: string;
}

export function eventStoreClient(ask: AskFn, paths: EventStorePaths, timeoutMs = 5000): EventStoreClient {
  return {
    // Absent options stay undefined: the store applies its defaults to undefined fields.
    append: (stream, events, options = {}) => call(ask, paths.store, { type: 'append', stream, events, expectedVersion: options.expectedVersion }, timeoutMs),
    read: (stream, options = {}) => call(ask, paths.store, { type: 'read', stream, ...options }, timeoutMs),
    readAll: (options = {}) => call(ask, paths.store, { type: 'read_all', ...options }, timeoutMs),
    listStreams: (options = {}) => call(ask, paths.store, { type: 'list_streams', ...options }, timeoutMs),
    async subscribe(options = {}) {
      const { capacity, ...rest } = options;
      const sink = new EventSink(capacity);
      try {
        await call(ask, paths.notification, { type: 'subscribe', sink, ...rest }, timeoutMs);
      } catch (error) {
        sink.close();
        throw error;
      }
      return sink;
    },
    members: () => call(ask, paths.cluster, { type: 'members' }, timeoutMs),
  };
}

/** The client for a running system whose event-store actors are children of `parent` (default `root`). */
export function eventStore(system: System, parent = 'root', timeoutMs = 5000): EventStoreClient {
  const ask: AskFn = (path, message, options) => system.ask(path, message, options);
  return eventStoreClient(ask, { store: `${parent}/store`, notification: `${parent}/notification`, cluster: `${parent}/cluster` }, timeoutMs);
}
