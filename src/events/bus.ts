/**
 * The event bus: publishing never blocks and never runs subscriber code in the publisher's
 * stack; each subscriber has its own bounded buffer; events published before start() are
 * buffered (capped) and replayed in order; every lost event is counted where it was lost.
 */
import { systemClock, type Clock } from '../shared/clock.js';
import { silentLogger, type Logger } from '../shared/logger.js';
import { isLifecycleType, type EventEnvelope, type EventInput } from './catalogue.js';
import { ReservedEventError } from '../shared/errors.js';
import { DropReporter } from './drop-reporter.js';
import { Envelope } from './envelope.js';
import { RecentEvents, type RecentQuery } from './recent-events.js';
import { scatterGather, type GatherOptions, type GatherResult } from './scatter-gather.js';
import { BusSubscription, type SubscribeOptions, type Subscription } from './subscription.js';

export interface BusOptions {
  system: string;
  node: string;
  clock?: Clock;
  logger?: Logger;
  /** Events kept while not started (default 1000); later ones are dropped with a warning. */
  startupBufferCap?: number;
  /** Recent events kept for diagnostics (default 1000). */
  ringSize?: number;
  /** At most one messages_dropped per critical subscriber per interval (default 1000 ms). */
  dropEventIntervalMs?: number;
}

export interface SubscriberStats {
  name: string;
  mode: 'lossy' | 'critical';
  buffered: number;
  capacity: number;
  delivered: number;
  dropped: number;
}

export type PublishInput = EventInput & { coalesce?: boolean };

/** Cached routes (event type → its subscribers) at most; past it the cache starts again. */
const MAX_ROUTES = 4096;

export class EventBus {
  private readonly subs: BusSubscription[] = [];
  /** type → its route; rebuilt lazily when a subscriber changes how it takes events. */
  private routes = new Map<string, Route>();
  private running = false;
  private startup: Envelope[] = [];
  private startupDropped = 0;
  private readonly recentEvents: RecentEvents;
  private readonly drops: DropReporter;
  readonly clock: Clock;
  readonly logger: Logger;

  constructor(private readonly options: BusOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? silentLogger();
    this.recentEvents = new RecentEvents(options.ringSize ?? 1000);
    this.drops = new DropReporter(this.clock, options.dropEventIntervalMs ?? 1000, (e) => this.publishRuntime(e));
  }

  get started(): boolean {
    return this.running;
  }

  /**
   * Publishes an event; returns how many subscribers took it (0 before start()). Lifecycle
   * types (`subsystem_ready`, `child_*`, `system_*`, …) are refused with ReservedEventError.
   * @example bus.publish({ type: 'order_placed', data: { id: 7 } })
   */
  publish(input: PublishInput): number {
    if (isLifecycleType(input.type)) throw new ReservedEventError(input.type);
    return this.publishRuntime(input);
  }

  /** @internal Publishes a lifecycle event (categories system, supervisor): the runtime's own path. */
  publishRuntime(input: PublishInput): number {
    const event = new Envelope(
      input.type,
      input.category,
      this.options,
      input.source ?? 'root',
      input.data ?? {},
      this.stamp(),
      input.coalesce === true,
    );
    this.recentEvents.add(event);
    if (!this.running) {
      if (this.startup.length < (this.options.startupBufferCap ?? 1000)) this.startup.push(event);
      else if (this.startupDropped++ === 0) this.logger.warn({ cap: this.options.startupBufferCap ?? 1000 }, 'bus start-up buffer full: dropping events until start()');
      return 0;
    }
    return this.deliver(event);
  }

  /**
   * Subscribes by name. Consume with `for await`, or pass `handler`.
   * @example for await (const e of bus.subscribe('audit', { types: ['system_ready'] })) console.log(e);
   */
  subscribe(name: string, options: SubscribeOptions = {}): Subscription {
    if (this.running && !options.lateJoin) {
      this.logger.warn({ subscriber: name }, 'subscribed after the bus started: earlier events were missed (pass lateJoin: true if intended)');
    }
    const sub = new BusSubscription(
      name,
      options,
      this.countLog,
      (s) => this.remove(s),
      (s, e) => this.onFull(s, e, options.onDrop),
      (s, error) => this.logger.error({ err: error, subscriber: s.name }, 'bus subscriber handler threw'),
    );
    this.subs.push(sub);
    // Keep cached routes (request/response subscribes and leaves at high rates): append the
    // new subscriber to the routes of the types it takes; routes stay in subscription order.
    for (const [type, route] of this.routes) if (sub.types === null || sub.types.has(type)) this.routes.set(type, routeOf([...route.subs, sub]));
    return sub;
  }

  /** Replays the start-up buffer in order to the current subscribers, then goes live. Idempotent. */
  start(): void {
    if (this.running) return;
    this.running = true;
    const buffered = this.startup;
    this.startup = [];
    this.startupDropped = 0;
    for (const event of buffered) this.deliver(event);
  }

  /** Back to buffering (events are kept for the next start()). */
  pause(): void {
    this.running = false;
  }

  /** Runs every handler-form subscriber's pending deliveries now (e.g. before a shutdown step). */
  flush(): void {
    this.drainLog();
    for (const sub of [...this.subs]) sub.drain();
  }

  recent(query?: RecentQuery): EventEnvelope[] {
    return this.recentEvents.query(query);
  }

  /**
   * Scatter-gather: publishes `request` and collects one response per expected responder.
   * @example const { responses, errors } = await bus.request({ type: 'validate_config', data }, { expectedResponders: ['store', 'gateway'] });
   */
  request<R = unknown>(request: { type: string; data?: unknown; source?: string }, options: GatherOptions): Promise<GatherResult<R>> {
    return scatterGather<R>(this, request, options);
  }

  /** How a responder answers a request event it received. */
  respond(requestEvent: EventEnvelope, responder: string, data: unknown): number {
    const { requestId } = requestEvent.data as { requestId: string };
    return this.publish({ type: `${requestEvent.type}.response`, source: responder, data: { requestId, responder, data } });
  }

  stats(): SubscriberStats[] {
    return this.subs.map((s) => ({ name: s.name, mode: s.mode, buffered: s.buffered, capacity: s.capacity, delivered: s.delivered, dropped: s.dropped }));
  }

  /** Ends every subscription (their iterators finish) and clears the drop reporter's timers. */
  close(): void {
    for (const sub of [...this.subs]) sub.unsubscribe();
    this.drops.close();
    this.routes.clear();
  }

  private stampAt = 0;
  private stampUses = 0;
  private readonly expireStamp = () => void (this.stampUses = 0);

  /**
   * Publish time, read from the clock once per synchronous burst of at most 64 events (the
   * read costs a third of a publish); the next microtask expires it, so an event is never
   * stamped with the time of an earlier turn.
   */
  private stamp(): number {
    if (this.stampUses > 0) {
      this.stampUses--;
      return this.stampAt;
    }
    if (this.stampUses === 0) queueMicrotask(this.expireStamp);
    this.stampUses = 63;
    return (this.stampAt = this.clock.now());
  }

  private log: Envelope[] = [];
  /** Log entries before this index are counted in their takers' `pending`. */
  private counted = 0;
  private logScheduled = false;
  private readonly runLog = () => this.drainLog();

  /**
   * Offers an event to every subscriber of its type. Handler subscribers in log mode take it
   * from one shared log (the event records who took it); one microtask then runs every
   * handler in publish order. Others (iterators, coalescing subscribers) get it in their own
   * queue. A subscriber's log events count against its capacity; while the log is shorter
   * than every capacity on the route nobody can be full, and the counting is left to
   * countLog(), which runs only when some subscriber may be full or someone reads the counts
   * (the per-subscriber counting was 40 % of a publish to ten subscribers).
   */
  private deliver(event: Envelope): number {
    let route = this.routes.get(event.type);
    if (route === undefined) {
      route = routeOf(this.subs.filter((s) => s.types === null || s.types.has(event.type)));
      // Bounded: an application publishing ever new types must not grow the cache forever.
      if (this.routes.size >= MAX_ROUTES) this.routes.clear();
      this.routes.set(event.type, route);
    }
    const subs = route.subs;
    if (route.plain && !event.coalesce && this.log.length < route.minCapacity) {
      if (subs.length > 0) this.append(event, subs);
      return subs.length;
    }
    this.countLog();
    let delivered = 0;
    let takers: BusSubscription[] = subs; // the common case: every subscriber took it
    let leftLog = false;
    const coalesce = event.coalesce;
    for (let i = 0; i < subs.length; i++) {
      const s = subs[i]!;
      if (s.logMode && !coalesce) {
        if (s.where === undefined || s.where(event)) {
          if (s.pending < s.capacity) {
            s.pending++;
            delivered++;
            if (takers !== subs) takers.push(s);
            continue;
          }
          s.dropped++;
          this.onFull(s, event, s.onDropOption);
        }
      } else {
        leftLog ||= s.logMode;
        s.logMode = false;
        if (s.offer(event)) delivered++;
      }
      if (takers === subs) takers = subs.slice(0, i);
    }
    if (leftLog) this.routes.clear(); // a subscriber now has its own queue: routes are no longer plain
    if (takers.length > 0) this.append(event, takers); // takers holds only subscribers that took it through the log
    this.counted = this.log.length;
    return delivered;
  }

  private append(event: Envelope, takers: readonly BusSubscription[]): void {
    event.takers = takers;
    this.log.push(event);
    if (!this.logScheduled) {
      this.logScheduled = true;
      queueMicrotask(this.runLog);
    }
  }

  /** Brings every subscriber's `pending` up to date with the log (see deliver). */
  private readonly countLog = (): void => {
    const log = this.log;
    for (let i = this.counted; i < log.length; i++) for (const s of log[i]!.takers!) s.pending++;
    this.counted = log.length;
  };

  private drainLog(): void {
    this.logScheduled = false;
    const log = this.log;
    this.log = [];
    this.counted = 0;
    for (const s of this.subs) s.pending = 0;
    countHanded(log);
    let i = 0;
    let j = 0;
    // One try block per burst, not per call; a throwing handler is reported and the loop
    // resumes with the next subscriber of the same event.
    while (i < log.length) {
      const event = log[i]!;
      const takers = event.takers!;
      try {
        for (; j < takers.length; j++) {
          const s = takers[j]!;
          if (!s.closed) s.handler!(event);
        }
        event.takers = undefined;
        i++;
        j = 0;
      } catch (error) {
        const s = takers[j]!;
        s.failures++;
        this.logger.error({ err: error, subscriber: s.name }, 'bus subscriber handler threw');
        j++;
      }
    }
  }

  private remove(sub: BusSubscription): void {
    const i = this.subs.indexOf(sub);
    if (i >= 0) this.subs.splice(i, 1);
    // Routes are replaced, never mutated: a log entry may still hold the old array. A route
    // left without subscribers goes (it is rebuilt on the next publish of its type).
    for (const [type, route] of this.routes) {
      if (!route.subs.includes(sub)) continue;
      const rest = route.subs.filter((s) => s !== sub);
      if (rest.length === 0) this.routes.delete(type);
      else this.routes.set(type, routeOf(rest));
    }
  }

  private onFull(sub: BusSubscription, event: Envelope, onDrop: SubscribeOptions['onDrop']): void {
    if (sub.mode !== 'critical') return;
    try {
      onDrop?.({ eventType: event.type, subscriber: sub.name, bufferSize: sub.capacity });
    } catch (error) {
      this.logger.error({ err: error, subscriber: sub.name }, 'bus onDrop callback threw');
    }
    // A dropped messages_dropped must not announce itself again.
    if (event.type !== 'messages_dropped') this.drops.record(sub.name);
  }
}

/**
 * Adds what each subscriber is about to be handed to its `accepted`, once per run of events
 * with the same takers (usually a whole burst of one type) instead of once per event.
 */
function countHanded(log: readonly Envelope[]): void {
  let i = 0;
  while (i < log.length) {
    const takers = log[i]!.takers!;
    let run = 1;
    while (i + run < log.length && log[i + run]!.takers === takers) run++;
    for (const s of takers) if (!s.closed) s.accepted += run;
    i += run;
  }
}

/** The subscribers of one event type, in subscription order, and what a publish may skip for them. */
interface Route {
  readonly subs: BusSubscription[];
  /** Every subscriber takes events from the log, unfiltered. */
  readonly plain: boolean;
  /** The smallest capacity among them: while the log is shorter, none of them can be full. */
  readonly minCapacity: number;
}

function routeOf(subs: BusSubscription[]): Route {
  let plain = true;
  let minCapacity = Infinity;
  for (const s of subs) {
    plain &&= s.logMode && s.where === undefined;
    minCapacity = Math.min(minCapacity, s.capacity);
  }
  return { subs, plain, minCapacity };
}
