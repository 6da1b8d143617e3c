/**
 * One named bus subscription: a bounded buffer consumed either as an async iterable or by a
 * handler drained on a microtask (isolated: a throw is logged and counted, never reaches the
 * publisher). A full buffer drops the event and counts it; coalescible events replace
 * their pending copy instead.
 */
import { BoundedQueue } from '../shared/bounded-queue.js';
import type { EventEnvelope } from './catalogue.js';
import type { Envelope } from './envelope.js';

export interface DropInfo {
  eventType: string;
  subscriber: string;
  bufferSize: number;
}

export interface SubscribeOptions {
  /** Only these event types (default: all). */
  types?: readonly string[];
  /** Only events this predicate accepts, checked before buffering (so others take no room). */
  where?: (event: EventEnvelope) => boolean;
  /** Buffer capacity (default 100). */
  buffer?: number;
  /** `critical` drops also call `onDrop` and publish a rate-limited `messages_dropped`; `lossy` only counts. */
  mode?: 'lossy' | 'critical';
  onDrop?: (info: DropInfo) => void;
  /** Subscribing after start() is expected: no warning. */
  lateJoin?: boolean;
  /** Ends the subscription when aborted. */
  signal?: AbortSignal;
  /** Callback form: events in order, from a microtask drain; the subscription is then not iterated. */
  handler?: (event: EventEnvelope) => void;
}

/** A subscription; `E` narrows to the envelopes of the subscribed types (see SystemEvents.subscribe). */
export interface Subscription<E extends EventEnvelope = EventEnvelope> extends AsyncIterable<E> {
  readonly name: string;
  /** Events this subscriber lost to a full buffer. */
  readonly dropped: number;
  /** Events accepted into its buffer (or handed straight to a waiting reader). */
  readonly delivered: number;
  /** Idempotent; ends a pending `for await`. */
  unsubscribe(): void;
}

/** A coalescible event waiting in a buffer: newer copies replace `event` in place. */
class Pending {
  superseded = false;
  constructor(
    readonly type: string,
    public event: Envelope,
  ) {}
}

export class BusSubscription implements Subscription {
  readonly types: ReadonlySet<string> | null;
  readonly where: ((event: EventEnvelope) => boolean) | undefined;
  readonly mode: 'lossy' | 'critical';
  readonly capacity: number;
  readonly onDropOption: SubscribeOptions['onDrop'];
  /** Events handed over (handler called) or queued; log events not yet handed are in `pending`. */
  accepted = 0;
  dropped = 0;
  /**
   * Handler subscribers take events from the bus log (one shared array per burst) instead of
   * their own queue; `pending` counts what they took since the last log drain, against
   * `capacity`. The first coalescible event switches a subscriber to its own queue for good,
   * since coalescing needs a buffer to replace in.
   */
  logMode: boolean;
  pending = 0;
  /** Handler throws (handler form). */
  failures = 0;
  closed = false;
  private readonly queue: BoundedQueue<Envelope | Pending>;
  private coalesced: Map<string, Pending> | undefined;
  private waiter: ((result: IteratorResult<EventEnvelope>) => void) | undefined;
  private scheduled = false;
  private readonly runDrain = () => this.drain();

  constructor(
    readonly name: string,
    options: SubscribeOptions,
    /** Brings `pending` up to date with the bus log (the bus counts it lazily). */
    private readonly syncPending: () => void,
    private readonly onClose: (sub: BusSubscription) => void,
    private readonly onFull: (sub: BusSubscription, event: Envelope) => void,
    private readonly onHandlerError: (sub: BusSubscription, error: unknown) => void,
  ) {
    this.types = options.types ? new Set(options.types) : null;
    this.where = options.where;
    this.mode = options.mode ?? 'lossy';
    this.capacity = options.buffer ?? 100;
    this.onDropOption = options.onDrop;
    this.queue = new BoundedQueue(this.capacity, 'drop_newest');
    this.handler = options.handler;
    this.logMode = options.handler !== undefined;
    if (options.signal) {
      if (options.signal.aborted) queueMicrotask(() => this.unsubscribe());
      else options.signal.addEventListener('abort', () => this.unsubscribe(), { once: true });
    }
  }

  /** @internal */
  readonly handler: ((event: EventEnvelope) => void) | undefined;

  get buffered(): number {
    this.syncPending();
    return this.queue.depth + this.pending;
  }

  get delivered(): number {
    this.syncPending();
    return this.accepted + this.pending;
  }

  /** Takes an event if it matches and there is room; returns whether it was accepted. */
  offer(event: Envelope): boolean {
    if (this.where !== undefined && !this.where(event)) return false;
    const waiter = this.waiter;
    if (waiter !== undefined) {
      this.waiter = undefined;
      this.accepted++;
      waiter({ value: event, done: false });
      return true;
    }
    if (event.coalesce) {
      const pending = this.coalesced?.get(event.type);
      if (pending) {
        if (this.queue.depth >= this.capacity) {
          // Full: take the older copy's place rather than drop (the only order change coalescing makes).
          pending.event = event;
          this.accepted++;
          return true;
        }
        pending.superseded = true; // skipped when taken; the newest copy goes in its own place
      }
    }
    const item: Envelope | Pending = event.coalesce ? new Pending(event.type, event) : event;
    if (this.queue.offer(item) !== 'queued') {
      this.dropped++;
      this.onFull(this, event);
      return false;
    }
    if (item instanceof Pending) (this.coalesced ??= new Map()).set(event.type, item);
    this.accepted++;
    if (this.handler !== undefined && !this.scheduled) {
      this.scheduled = true;
      queueMicrotask(this.runDrain);
    }
    return true;
  }

  /** Handler form: delivers everything buffered now, in order. */
  drain(): void {
    this.scheduled = false;
    const handler = this.handler;
    if (handler === undefined) return;
    let item = this.take();
    while (item !== undefined) {
      try {
        // one try block for the whole burst; a throw resumes the loop with the next event
        do {
          handler(item);
          item = this.take();
        } while (item !== undefined);
      } catch (error) {
        this.failures++;
        this.onHandlerError(this, error);
        item = this.take();
      }
    }
  }

  unsubscribe(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<EventEnvelope> {
    return {
      next: () => {
        const item = this.take();
        if (item !== undefined) return Promise.resolve({ value: item, done: false });
        if (this.closed) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (this.waiter = resolve));
      },
      return: () => {
        this.unsubscribe();
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }

  private take(): Envelope | undefined {
    for (;;) {
      const item = this.queue.shift();
      if (!(item instanceof Pending)) return item;
      if (item.superseded) continue;
      if (this.coalesced?.get(item.type) === item) this.coalesced.delete(item.type);
      return item.event;
    }
  }
}
