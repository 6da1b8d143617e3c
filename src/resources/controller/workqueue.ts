/**
 * The controller workqueue, with client-go's semantics: a key is queued at most once (dirty
 * set), never handed out while it is being processed (a change meanwhile re-queues it at
 * `done`), delayed adds keep the earliest time, failures back off per key, and a shutdown
 * with drain lets what is queued and in progress finish. Time comes from an injected clock;
 * no actors involved.
 */
import type { Clock, TimerHandle } from '../../shared/clock.js';
import { ExponentialRateLimiter } from './rate-limiter.js';

export interface WorkQueueStats {
  /** Keys waiting to be handed out (Prometheus `workqueue_depth`). */
  depth: number;
  /** Keys being processed now. */
  processing: number;
  /** Keys waiting for a delayed add (requeueAfter, backoff). */
  delayed: number;
  /** Adds accepted since the queue was made (`workqueue_adds_total`). */
  adds: number;
  /** Rate-limited re-adds after failures (`workqueue_retries_total`). */
  retries: number;
}

export class WorkQueue<K = string> {
  private items: K[] = [];
  private head = 0;
  private readonly dirty = new Set<K>();
  private readonly processing = new Set<K>();
  private readonly delayed = new Map<K, { at: number; timer: TimerHandle }>();
  private getters: ((key: K | undefined) => void)[] = [];
  private shuttingDown = false;
  private drained: (() => void) | undefined;
  private adds = 0;
  private retries = 0;

  constructor(
    private readonly clock: Clock,
    readonly limiter: ExponentialRateLimiter<K> = new ExponentialRateLimiter<K>(5, 1_000_000),
  ) {}

  get length(): number {
    return this.items.length - this.head;
  }

  get shutDownStarted(): boolean {
    return this.shuttingDown;
  }

  /** Queues `key` unless it is already queued; a key being processed is queued again at its `done`. */
  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.adds++;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.push(key);
  }

  /** Adds `key` after `ms`; of several delayed adds of one key, the earliest wins. */
  addAfter(key: K, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(key);
    const at = this.clock.now() + ms;
    const pending = this.delayed.get(key);
    if (pending && pending.at <= at) return;
    if (pending) this.clock.clearTimeout(pending.timer);
    const timer = this.clock.setTimeout(() => {
      if (this.delayed.get(key)?.timer !== timer) return;
      this.delayed.delete(key);
      this.add(key);
    }, ms);
    this.delayed.set(key, { at, timer });
  }

  /** Adds `key` after its backoff (one more failure counted); returns the delay. */
  addRateLimited(key: K): number {
    const delay = this.limiter.when(key);
    this.retries++;
    this.addAfter(key, delay);
    return delay;
  }

  /** Ends `key`'s backoff: its next failure starts the curve again. */
  forget(key: K): void {
    this.limiter.forget(key);
  }

  numRequeues(key: K): number {
    return this.limiter.retries(key);
  }

  /** The next key to process (it is then `processing` until `done`); undefined once shut down and empty. */
  get(): Promise<K | undefined> {
    if (this.length > 0) return Promise.resolve(this.take());
    if (this.shuttingDown) return Promise.resolve(undefined);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** `key` is processed; if it changed meanwhile it is queued again. */
  done(key: K): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) this.push(key);
    this.checkDrained();
  }

  /** Stops taking adds and delayed adds; what is queued is still handed out (`discard` drops it). Waiting getters get undefined. */
  shutDown(options: { discard?: boolean } = {}): void {
    this.shuttingDown = true;
    for (const { timer } of this.delayed.values()) this.clock.clearTimeout(timer);
    this.delayed.clear();
    if (options.discard) {
      for (let i = this.head; i < this.items.length; i++) this.dirty.delete(this.items[i]!);
      this.items = [];
      this.head = 0;
    }
    for (const resolve of this.getters.splice(0)) resolve(undefined);
    this.checkDrained();
  }

  /** Shuts down, then resolves once every queued key was handed out and every key in progress is done. */
  shutDownWithDrain(): Promise<void> {
    const drained = new Promise<void>((resolve) => (this.drained = resolve));
    this.shutDown();
    this.checkDrained();
    return drained;
  }

  stats(): WorkQueueStats {
    return { depth: this.length, processing: this.processing.size, delayed: this.delayed.size, adds: this.adds, retries: this.retries };
  }

  private push(key: K): void {
    const getter = this.getters.shift();
    if (getter) {
      this.items.push(key);
      getter(this.take());
      return;
    }
    this.items.push(key);
  }

  private take(): K {
    const key = this.items[this.head++]!;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }

  private checkDrained(): void {
    if (this.drained && this.shuttingDown && this.length === 0 && this.processing.size === 0) {
      const resolve = this.drained;
      this.drained = undefined;
      resolve();
    }
  }
}
