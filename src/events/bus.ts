/**
 * The event bus: publishing never blocks and never runs subscriber code in the publisher's
 * stack; each subscriber has its own bounded buffer; events published before start() are
 * buffered (capped) and replayed in order; every lost event is counted where it was lost.
 */
import { systemClock, type Clock } from '../shared/clock.js';
import { silentLogger, type Logger } from '../shared/logger.js';
import { categoryOf, type EventEnvelope, type EventInput } from './catalogue.js';
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

export class EventBus {
  private readonly subs: BusSubscription[] = [];
  /** type → subscribers that take it, in subscription order; rebuilt lazily after (un)subscribe. */
  private routes = new Map<string, BusSubscription[]>();
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
    this.drops = new DropReporter(this.clock, options.dropEventIntervalMs ?? 1000, (e) => this.publish(e));
  }

  get started(): boolean {
    return this.running;
  }

  /**
   * Publishes an event; returns how many subscribers took it (0 before start()).
   * @example bus.publish({ type: 'order_placed', data: { id: 7 } })
   */
  publish(input: PublishInput): number {
    const event = new Envelope(
      input.type,
      input.category ?? categoryOf(input.type),
      this.options.system,
      this.options.node,
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
      (s) => this.remove(s),
      (s, e) => this.onFull(s, e, options),
      (s, error) => this.logger.error({ err: error, subscriber: s.name }, 'bus subscriber handler threw'),
    );
    this.subs.push(sub);
    this.routes.clear();
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

  /** Ends every subscription (their iterators finish). */
  close(): void {
    for (const sub of [...this.subs]) sub.unsubscribe();
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

  private deliver(event: Envelope): number {
    let route = this.routes.get(event.type);
    if (route === undefined) {
      route = this.subs.filter((s) => s.types === null || s.types.has(event.type));
      this.routes.set(event.type, route);
    }
    let delivered = 0;
    for (let i = 0; i < route.length; i++) if (route[i]!.offer(event)) delivered++;
    return delivered;
  }

  private remove(sub: BusSubscription): void {
    const i = this.subs.indexOf(sub);
    if (i >= 0) this.subs.splice(i, 1);
    this.routes.clear();
  }

  private onFull(sub: BusSubscription, event: Envelope, options: SubscribeOptions): void {
    if (sub.mode !== 'critical') return;
    try {
      options.onDrop?.({ eventType: event.type, subscriber: sub.name, bufferSize: sub.capacity });
    } catch (error) {
      this.logger.error({ err: error, subscriber: sub.name }, 'bus onDrop callback threw');
    }
    // A dropped messages_dropped must not announce itself again.
    if (event.type !== 'messages_dropped') this.drops.record(sub.name);
  }
}
