/**
 * `system.events`: what users may do with the bus — publish application events, subscribe
 * (typed by the types they name), scatter-gather requests, and read the recent-events ring.
 * Starting, pausing, flushing, closing and lifecycle publishing stay the runtime's.
 */
import type { EventBus } from '../events/bus.js';
import type { EventEnvelope, EventInput, RuntimeEventData, RuntimeEventType } from '../events/catalogue.js';
import type { RecentQuery } from '../events/recent-events.js';
import type { GatherOptions, GatherResult } from '../events/scatter-gather.js';
import type { SubscribeOptions, Subscription } from '../events/subscription.js';

/** The envelope of a type: a runtime event's `data` is typed by the catalogue. */
export type EventOf<T extends string> = T extends RuntimeEventType ? EventEnvelope<T, RuntimeEventData[T]> : EventEnvelope<T>;

/** Subscribe options naming the types: `handler`, `where` and the iterator see only those envelopes. */
export interface TypedSubscribeOptions<T extends string> extends Omit<SubscribeOptions, 'types' | 'handler' | 'where'> {
  types: readonly T[];
  handler?: (event: EventOf<T>) => void;
  where?: (event: EventOf<T>) => boolean;
}

export class SystemEvents {
  /** @internal */
  constructor(private readonly bus: EventBus) {}

  /**
   * Publishes an application event; returns how many subscribers took it. Lifecycle types
   * (categories `system` and `supervisor`) are refused with ReservedEventError.
   * @example system.events.publish({ type: 'order_placed', category: 'app', data: { id: 7 } })
   */
  publish(event: EventInput): number {
    return this.bus.publish(event);
  }

  /**
   * Subscribes by name; with `types`, envelopes are typed by them.
   * @example for await (const e of system.events.subscribe('watch', { types: ['child_exited'] })) console.log(e.data.reason);
   */
  subscribe<T extends string>(name: string, options: TypedSubscribeOptions<T>): Subscription<EventOf<T>>;
  subscribe(name: string, options?: SubscribeOptions): Subscription;
  subscribe(name: string, options: SubscribeOptions = {}): Subscription {
    return this.bus.subscribe(name, options);
  }

  /** Scatter-gather: publishes `request` and collects one response per expected responder. */
  request<R = unknown>(request: { type: string; data?: unknown; source?: string }, options: GatherOptions): Promise<GatherResult<R>> {
    return this.bus.request<R>(request, options);
  }

  /** The recent-events ring (diagnostics), oldest first. */
  recent(query?: RecentQuery): EventEnvelope[] {
    return this.bus.recent(query);
  }
}
